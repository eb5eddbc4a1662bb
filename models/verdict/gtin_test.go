package verdict_test

import (
	"slices"
	"strings"
	"testing"

	"camreg/models/verdict"
)

// A box's GTIN that belongs to another model than the number typed off the
// label never lends that model's papers: the answer is for the typed number,
// with gtin_model_mismatch naming both, and never compliant.
func TestGTINOfAnotherModel(t *testing.T) {
	good := model("g1", "Hikvision", "DS-2CD1023G0E-I", "VN")
	bad := model("b1", "Questek", "QTX-9412AIP", "VN")
	rebrand := model("r1", "Ezviz", "DS-2CD1023G0E-I", "VN")
	d := verdict.NewData()
	d.Standards = standards(t)
	d.Certs["g1"] = []verdict.CertificateOnDate{{ID: "c1", Number: "QC-1", StandardCode: qcvn11, IssuedOn: day(t, "2026-07-01"), Status: "valid"}}
	d.Certs["r1"] = d.Certs["g1"]
	q := func(number, brand string, g *verdict.Model) verdict.Parsed {
		p := verdict.Parse(verdict.Query{Model: number, Brand: brand}, day(t, "2026-08-01"))
		if g != nil {
			p.GTIN, p.GTINModel = "08936012345674", g
		}
		return p
	}
	tests := []struct {
		name    string
		q       verdict.Parsed
		m       verdict.Match
		model   string
		verdict string
		codes   []string
	}{
		{"the typed model alone", q("QTX-9412AIP", "Questek", nil), verdict.Exact(&bad), "b1", verdict.VerdictNonCompliant,
			[]string{"no_conformity_certificate:non_compliant"}},
		{"the box's GTIN is the typed model's", q("DS-2CD1023G0E-I", "Hikvision", &good), verdict.Exact(&good), "g1", verdict.VerdictCompliant,
			[]string{"certificate_valid:info"}},
		{"a compliant model's GTIN on a non-compliant model's box", q("QTX-9412AIP", "Questek", &good), verdict.Exact(&bad), "b1",
			verdict.VerdictNonCompliant, []string{"no_conformity_certificate:non_compliant", "gtin_model_mismatch:unknown"}},
		{"a compliant model's GTIN on an unregistered model's box", q("ZZ-0000", "", &good), verdict.Match{Kind: verdict.MatchNone}, "",
			verdict.VerdictUnknown, []string{"gtin_model_mismatch:unknown", "unregistered_model:unknown"}},
		{"a compliant model's GTIN, the typed model compliant too", q("DS-2CD1023G0E-I", "Ezviz", &good), verdict.Exact(&rebrand), "r1",
			verdict.VerdictUnknown, []string{"gtin_model_mismatch:unknown", "certificate_valid:info"}},
		{"the GTIN chooses among the typed number's candidates", q("DS-2CD1023G0E-I", "", &good),
			verdict.Match{Kind: verdict.MatchAmbiguous, Candidates: []verdict.Model{rebrand, good}}, "g1", verdict.VerdictCompliant,
			[]string{"certificate_valid:info"}},
		{"a GTIN of none of the candidates", q("DS-2CD1023G0E-I", "", &bad),
			verdict.Match{Kind: verdict.MatchAmbiguous, Candidates: []verdict.Model{rebrand, good}}, "", verdict.VerdictUnknown,
			[]string{"gtin_model_mismatch:unknown", "ambiguous_match:unknown"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := verdict.ByGTIN(tc.q, tc.m)
			v := verdict.Evaluate(tc.q, m, d)
			id := ""
			if v.Model != nil {
				id = v.Model.ID
			}
			if id != tc.model || v.Verdict != tc.verdict || !slices.Equal(codes(v), tc.codes) {
				t.Errorf("model %q verdict %s %v; want %q %s %v", id, v.Verdict, codes(v), tc.model, tc.verdict, tc.codes)
			}
			for _, r := range v.Reasons {
				if r.Code != verdict.ReasonGTINMismatch {
					continue
				}
				en := r.Message(verdict.LangEN)
				for _, want := range []string{"08936012345674", tc.q.GTINModel.Brand + " " + tc.q.GTINModel.ModelNumber, "“" + tc.q.Model + "”"} {
					if !strings.Contains(en, want) {
						t.Errorf("message %q lacks %q", en, want)
					}
				}
				if vi := r.Message(verdict.LangVI); !strings.Contains(vi, "GTIN 08936012345674") {
					t.Errorf("message vi %q", vi)
				}
			}
		})
	}
}
