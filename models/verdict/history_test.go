package verdict_test

import (
	"testing"

	"camreg/models/verdict"
)

func TestTimelinesAndStatusOn(t *testing.T) {
	tl := verdict.Timelines{}
	for _, e := range []verdict.StatusEvent{
		{EntityID: "c1", Create: true, Changes: []byte(`{"id":"c1","status":"valid","status_changed_on":null}`)},
		{EntityID: "c1", Changes: []byte(`{"status":{"from":"valid","to":"suspended"},"status_changed_on":{"from":null,"to":"2026-03-01"}}`)},
		// A corrected date for the same status replaces the date.
		{EntityID: "c1", Changes: []byte(`{"status_changed_on":{"from":"2026-03-01","to":"2026-03-05"}}`)},
		{EntityID: "c1", Changes: []byte(`{"status":{"from":"suspended","to":"valid"},"status_changed_on":{"from":"2026-03-05","to":"2026-04-10"}}`)},
		{EntityID: "c1", Changes: []byte(`not json`)},
		{EntityID: "c2", Create: true, Changes: []byte(`{"status":"pending"}`)},
	} {
		tl.Add(e)
	}
	if got := len(tl["c1"]); got != 3 {
		t.Fatalf("c1 has %d points, want 3: %+v", got, tl["c1"])
	}
	if p := tl["c1"][1]; p.Status != "suspended" || p.On != day(t, "2026-03-05") {
		t.Errorf("the suspension is %+v, want suspended from 2026-03-05", p)
	}
	// The row now says valid since 2026-04-10.
	current, changed := "valid", day(t, "2026-04-10")
	for at, want := range map[string]string{
		"2026-02-01": "valid",     // before the suspension
		"2026-03-04": "valid",     // before the corrected date
		"2026-03-05": "suspended", // the day it took effect
		"2026-04-09": "suspended",
		"2026-04-10": "valid", // lifted
		"2026-12-31": "valid",
	} {
		if got := verdict.StatusOn(current, changed, tl["c1"], day(t, at)); got != want {
			t.Errorf("on %s: %s, want %s", at, got, want)
		}
	}
	// With no history, a certificate is valid before its change.
	if got := verdict.StatusOn("revoked", day(t, "2026-05-01"), nil, day(t, "2026-04-30")); got != "valid" {
		t.Errorf("before a revocation with no history: %s", got)
	}
}

func TestHistoryNeeded(t *testing.T) {
	m := model("m1", "B", "M-1", "")
	d := verdict.NewData()
	d.Certs["m1"] = []verdict.CertificateOnDate{
		{ID: "old", Status: "revoked", StatusChangedOn: day(t, "2026-01-01")},
		{ID: "new", Status: "suspended", StatusChangedOn: day(t, "2026-06-01")},
		{ID: "plain", Status: "valid"},
	}
	qs := []verdict.Parsed{verdict.ForModel(m, day(t, "2026-03-01")), verdict.ForModel(m, day(t, "2025-12-01")), verdict.ForModel(m, day(t, "2027-01-01"))}
	ms := []verdict.Match{verdict.Exact(&m), verdict.Exact(&m), verdict.FromCandidates(nil)}
	got := verdict.HistoryNeeded(qs, ms, d)
	if len(got) != 2 || got[0] != "new" || got[1] != "old" {
		t.Errorf("needed %v, want [new old]", got)
	}
	if got := verdict.HistoryNeeded(qs[2:], ms[:1], d); len(got) != 0 {
		t.Errorf("a date after every change needs no history: %v", got)
	}
}
