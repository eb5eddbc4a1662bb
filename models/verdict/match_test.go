package verdict_test

import (
	"fmt"
	"testing"

	"camreg/models/verdict"
)

func TestPick(t *testing.T) {
	at := day(t, "2026-08-01")
	hik := model("h1", "Hikvision", "DS-2CD1043G2-LIU", "CN")
	hikO := model("h2", "Hikvision", "DS-2CD1O43G2-LIU", "CN") // same loose key, letter O
	rebrand := model("r1", "Ezviz", "DS-2CD1043G2-LIU", "CN")
	other := model("o1", "Dahua", "DS-2CD1O43G2-LIU", "CN")
	q := func(brand, number string) verdict.Parsed {
		return verdict.Parse(verdict.Query{Model: number, Brand: brand}, at)
	}
	tests := []struct {
		name  string
		q     verdict.Parsed
		cands []verdict.Model
		kind  string
		ids   []string
	}{
		{"exact in brand", q("Hikvision", "ds2cd1043g2liu"), []verdict.Model{hik, hikO, rebrand}, verdict.MatchExact, []string{"h1"}},
		{"exact, no brand, two brands", q("", "DS-2CD1043G2-LIU"), []verdict.Model{hik, rebrand}, verdict.MatchAmbiguous, []string{"h1", "r1"}},
		{"near in brand beats exact elsewhere", q("Hikvision", "DS-2CD1Q43G2-LIU"), []verdict.Model{hikO, rebrand}, verdict.MatchPossible, []string{"h2"}},
		{"same number, other brand", q("Ezviz", "DS-2CD1O43G2-LIU"), []verdict.Model{other, hik}, verdict.MatchPossible, []string{"o1"}},
		{"near, other brand", q("Ezviz", "DS-2CD1043G2-LIU"), []verdict.Model{hikO, other}, verdict.MatchAmbiguous, []string{"h2", "o1"}},
		{"nothing", q("Hikvision", "X"), nil, verdict.MatchNone, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := verdict.Pick(tc.q, tc.cands)
			if got.Kind != tc.kind {
				t.Fatalf("kind %s, want %s", got.Kind, tc.kind)
			}
			var ids []string
			if got.Kind == verdict.MatchExact {
				ids = []string{got.Model.ID}
			}
			for _, c := range got.Candidates {
				ids = append(ids, c.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.ids) {
				t.Errorf("ids %v, want %v", ids, tc.ids)
			}
			if got.Kind == verdict.MatchPossible && (got.Model == nil || got.Model.ID != tc.ids[0]) {
				t.Errorf("a possible match names its model: %+v", got.Model)
			}
		})
	}
}

func TestFromCandidatesCaps(t *testing.T) {
	var ms []verdict.Model
	for i := range verdict.MaxCandidates + 5 {
		ms = append(ms, model(fmt.Sprint(i), "B", fmt.Sprintf("M-%d", i), ""))
	}
	got := verdict.FromCandidates(ms)
	if got.Kind != verdict.MatchAmbiguous || len(got.Candidates) != verdict.MaxCandidates || got.Model != nil {
		t.Errorf("kind %s, %d candidates", got.Kind, len(got.Candidates))
	}
}
