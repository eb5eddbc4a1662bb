package postgres

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"camreg/search"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		want string
	}{
		{3, 2, "[[0 1] [0 2] [1 2]]"},
		{3, 3, "[[0 1 2]]"},
		{4, 1, "[[0] [1] [2] [3]]"},
	} {
		got := choose(tc.n, tc.k)
		if fmt.Sprint(got) != tc.want {
			t.Errorf("choose(%d, %d) = %v, want %s", tc.n, tc.k, got, tc.want)
		}
		if len(got) != combinations(tc.n, tc.k) {
			t.Errorf("combinations(%d, %d) = %d, choose made %d", tc.n, tc.k, combinations(tc.n, tc.k), len(got))
		}
	}
	if c := combinations(8, 6); c != 28 {
		t.Errorf("8 choose 6 = %d, want 28", c)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"hikvison", "hikvision", 1},
		{"hanwa", "hanwha", 1},
		{"dahuaa", "dahua", 1},
		{"kbvison", "kbvision", 1},
		{"hikvision", "hikvision", 0},
		{"questeck", "questek", 1},
		{"camera", "kamera", 1},
		{"tapo", "tplink", 5},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSpacedAndLongest(t *testing.T) {
	if got := spaced("QCVN 135:2024/BTTTT · Đà Nẵng, Wi-Fi"); got != "QCVN 135 2024 BTTTT   Đà Nẵng  Wi Fi" {
		t.Errorf("spaced: %q", got)
	}
	got := longest([]string{"ds2cd1023g0ei", "s2cd1023g0ei", "ei", "ds2cd1023g0e1", "g0e1"})
	if !slices.Equal(got, []string{"ds2cd1023g0ei", "ds2cd1023g0e1"}) {
		t.Errorf("longest: %v", got)
	}
}

func TestChoices(t *testing.T) {
	if got := choices([]string{"('a')", "('b' | 'c')", "('d')"}, 2); got != "(('a') & ('b' | 'c')) | (('a') & ('d')) | (('b' | 'c') & ('d'))" {
		t.Errorf("choices: %s", got)
	}
}

// TestPlanMostCandidates checks the shapes of planMost's condition: a
// query with one model number piece spelt out as choices, the piece also
// found in model_keys with one word fewer; a long query without a type
// fetching the records that hold two of its rarest words, and with a type
// those that hold one.
func TestPlanMostCandidates(t *testing.T) {
	ws := words("275 quang trung phuong ben thanh")
	st := newStatement(search.Query{Text: "275 quang trung phuong ben thanh"}, ws, nil, map[string]float64{}, planMost)
	if !strings.Contains(st.where, "OR (model_keys LIKE $") || strings.Contains(st.where, ">= 4") {
		t.Errorf("one piece: %s", st.where)
	}
	if !strings.Contains(fmt.Sprint(st.args), "(('275') & ('quang') & ('trung') & ('phuong')) | ") {
		t.Errorf("one piece: args %v", st.args)
	}
	long := "cong ty tnhh thiet bi an ninh sao mai quang ninh"
	share := map[string]float64{"cong": 0.5, "ty": 0.5, "tnhh": 0.3, "thiet": 0.1, "bi": 0.1, "an": 0.2, "ninh": 0.2, "quang": 0.1}
	st = newStatement(search.Query{Text: long}, words(long), nil, share, planMost)
	pairs := "(('sao') & ('mai')) | (('sao') & ('thiet')) | (('sao') & ('bi')) | (('sao') & ('quang')) | (('mai') & ('thiet'))"
	if !strings.Contains(fmt.Sprint(st.args), pairs) || !strings.Contains(st.where, ">= 8") {
		t.Errorf("untyped: %s %v", st.where, st.args)
	}
	st = newStatement(search.Query{Text: long, Type: search.TypeModel}, words(long), nil, share, planMost)
	if strings.Contains(fmt.Sprint(st.args), pairs) || !strings.Contains(st.where, ">= 8") {
		t.Errorf("typed: %s %v", st.where, st.args)
	}
}
