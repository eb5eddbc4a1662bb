package verdict_test

import (
	"slices"
	"testing"

	"camreg/models/verdict"
)

// TestAmbiguousMatchTellsCandidatesWarnings (the red team's pass of
// 2026-12-07, brief red item 3): a vendor that registered the number of a
// banned model under another real brand made a number-only verify of the
// banned model ambiguous, and the answer an unknown that named no warning.
// The ban now stands, with the banned candidate named; a firmware warning
// is told while the verdict stays unknown; candidates without warnings
// answer as before.
func TestAmbiguousMatchTellsCandidatesWarnings(t *testing.T) {
	real, decoy := model("r", "Hikvision", "DS-2CD1023G0E-I", "CN"), model("d", "Tiandy", "DS-2CD1023G0E-I", "CN")
	warn := func(measure string) verdict.WarningRow {
		return verdict.WarningRow{WarningOnDate: verdict.WarningOnDate{ID: "w", Reference: "383/CATTT-NCSC", Measure: measure,
			IssuedOn: day(t, "2026-07-15"), Status: "active"}}
	}
	q := verdict.Parse(verdict.Query{Model: "DS-2CD1023G0E-I"}, day(t, "2026-08-01"))
	m := verdict.Match{Kind: verdict.MatchAmbiguous, Candidates: []verdict.Model{decoy, real}}
	for _, tc := range []struct {
		measure, verdict string
		codes            []string
	}{
		{"ban", verdict.VerdictNonCompliant, []string{"banned_model:non_compliant", "ambiguous_match:unknown"}},
		{"recall", verdict.VerdictNonCompliant, []string{"warned_model:non_compliant", "ambiguous_match:unknown"}},
		{"update_firmware", verdict.VerdictUnknown, []string{"ambiguous_match:unknown", "warned_model:warning"}},
		{"", verdict.VerdictUnknown, []string{"ambiguous_match:unknown"}},
	} {
		d := verdict.NewData()
		d.Standards = standards(t)
		if tc.measure != "" {
			d.Warnings[real.ID] = []verdict.WarningRow{warn(tc.measure)}
		}
		v := verdict.Evaluate(q, m, d)
		if v.Verdict != tc.verdict || !slices.Equal(codes(v), tc.codes) {
			t.Errorf("%s: verdict %s, reasons %v; want %s, %v", tc.measure, v.Verdict, codes(v), tc.verdict, tc.codes)
		}
		for _, r := range v.Reasons {
			if r.Code != verdict.ReasonAmbiguousMatch && (r.Evidence.Brand != "Hikvision" || r.Evidence.ModelNumber != real.ModelNumber) {
				t.Errorf("%s: %s names %q %q, not the banned candidate", tc.measure, r.Code, r.Evidence.Brand, r.Evidence.ModelNumber)
			}
		}
		if v.Match != verdict.MatchAmbiguous || v.Model != nil || len(v.Candidates) != 2 {
			t.Errorf("%s: match %s, model %v, %d candidates", tc.measure, v.Match, v.Model, len(v.Candidates))
		}
	}
}
