package api

import (
	"fmt"
	"net/http"
	"testing"

	"camreg/models"
)

// TestVerifyJSONByHand: the answers written by hand are byte for byte the
// ones encoding/json writes, over the verdict scenarios of the fixture
// (exact, possible, ambiguous and no match; warnings, certificates of
// every standing, C/Os, firmware; both languages; dates before and after
// the standards change), each asked of a fresh server so that no kept
// answer is reused.
func TestVerifyJSONByHand(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		// Two models one slip from a typed number: ambiguous.
		e.create("models", map[string]any{"brand": "Twin", "model_number": "TW-100A", "status": "verified"})
		e.create("models", map[string]any{"brand": "Twin", "model_number": "TW-100B", "status": "verified"})
		e.create("models", map[string]any{"brand": "Pending & <Co>", "model_number": "PD-\"1\"", "name": "Cam\u2028era\t\"x\"", "status": "pending"})
		var paths []string
		for _, at := range []string{"", "2025-06-01", "2026-03-01", "2026-07-01", "2031-01-01"} {
			for _, q := range [][]string{
				{"model", "DS-2CD1023G0E-I", "brand", "Hikvision"},
				{"model", "ds2cd1023g0ei"},
				{"model", "DS-2CD1023G0E-I", "firmware", "V5.7.3 build 220112"},
				{"model", "DS-2CD1023G0E-I", "firmware", "V5.5.0"},
				{"model", "DS-2CD1023GOE-I"},
				{"model", "IPC-HFW1230S-S5", "brand", "dahua"},
				{"model", "TW-100C"},
				{"model", "NOPE-404", "brand", "<script>&\u2029"},
				{"model", "PD-\"1\""},
				{"model", "Camera ờ \u00e9 &<>"},
			} {
				if at != "" {
					q = append(q, "at", at)
				}
				paths = append(paths, verifyPath(q...))
			}
		}
		ask := func(byHand bool, path, lang string) response {
			verifyJSONByHand = byHand
			defer func() { verifyJSONByHand = true }()
			fresh := &testEnv{t: t, store: e.store, srv: newEnv(t, e.store).srv}
			return fresh.do(http.MethodGet, path, "", nil, "Accept-Language", lang)
		}
		for _, p := range paths {
			for _, lang := range []string{"vi", "en"} {
				want, got := ask(false, p, lang), ask(true, p, lang)
				if want.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", p, want.Code, want.Body.String())
				}
				if want.Code != got.Code || want.Body.String() != got.Body.String() {
					t.Fatalf("%s (%s):\nencoding/json %d %s\nby hand       %d %s", p, lang, want.Code, want.Body.String(), got.Code, got.Body.String())
				}
			}
		}
	})
}

// FuzzVerifyJSONByHand: any text in every field, any dates and any
// codes, written by the served writer (appendVerificationJSON), encode as
// encoding/json encodes the response newVerifyResponse builds from the same
// answer, in both languages.
func FuzzVerifyJSONByHand(f *testing.F) {
	f.Add("DS-2CD1023G0E-I", "Hikvision", "<b>&amp;</b>", 2026, 3, 1, 2)
	f.Add("\x00\x1f\"\\\u2028\u2029\xff\xfe", "", "é ờ 漢", 1, 1, 1, 0)
	f.Add("", "", "", 0, 0, 0, 5)
	f.Add(models.ReasonWarnedModel, models.VerdictWarning, "V5.7.3", 2026, 12, 7, 7)
	f.Fuzz(func(t *testing.T, a, b, c string, y, m, d, n int) {
		day, _ := models.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
		ev := models.Evidence{Query: a, ModelNumber: b, Brand: c, Candidates: n, CertificateID: a, CertificateNumber: b,
			StandardCode: c, StandardFrom: day, SupersededBy: a, IssuedOn: day, LotRef: b, Status: c, StatusReason: a,
			Firmware: b, WarningID: c, WarningReference: a, WarningTitle: b, Measure: c, Severity: a, IntroducedIn: b,
			FixedIn: c, OriginID: a, OriginNumber: b, OriginForm: c, ExportingCountry: a, OriginCountry: b, GTIN: c, TypedBrand: a, On: day}
		if n%2 == 1 {
			ev.CVEIDs = []string{a, b}
			ev.StandardTo, ev.MandatoryFrom, ev.ExpiresOn, ev.StatusChangedOn = day, day, day, day
		}
		mod := models.Model{Record: models.Record{ID: a}, Brand: b, BrandKey: c, ModelNumber: a, ModelKey: b, Name: c,
			Kind: a, OriginCountry: b, Status: c}
		if n%3 == 0 {
			mod.Status = models.ModelVerified
		}
		v := &models.Verification{}
		v.Query = models.VerifyQuery{Model: a, Brand: b, Firmware: c, At: a}
		v.At, v.Match, v.Verdict = day, c, a
		// Codes and effects from the text, or real ones, so that the
		// messages and the summary take every branch.
		codes := []string{a, models.ReasonWarnedModel, models.ReasonFirmwareOnly, models.ReasonNoOriginProof, models.ReasonCertificateValid}
		effects := []string{b, models.VerdictWarning, models.VerdictNonCompliant, "info"}
		verdicts := []string{a, models.VerdictCompliant, models.VerdictNonCompliant, models.VerdictWarning, models.VerdictUnknown}
		matches := []string{c, models.MatchNone, models.MatchExact}
		k := max(n, -n) % 1000
		v.Verdict, v.Match = verdicts[k%len(verdicts)], matches[k%len(matches)]
		v.Reasons = []models.Reason{{Code: codes[k%len(codes)], Effect: effects[k%len(effects)], Evidence: ev},
			{Code: c, Effect: models.VerdictWarning}, {Code: models.ReasonWarnedModel, Effect: models.VerdictWarning, Evidence: ev}}
		v.Standards = []models.StandardOnDate{{Code: a, Title: b, EffectiveFrom: day, MandatoryFrom: day, Mandatory: n%2 == 0}, {}}
		if n%4 != 0 {
			v.Model = &mod
			v.Candidates = []models.Model{mod, {}}
		} else {
			v.Reasons, v.Standards = nil, nil
		}
		base := "https://" + c
		s := &Server{publicURL: base}
		for _, lang := range []string{models.LangVI, models.LangEN} {
			want, err := encodeJSON(s.newVerifyResponse(nil, v, lang))
			if err != nil {
				t.Fatal(err)
			}
			if got := appendVerificationJSON(nil, v, lang, base); string(got) != string(want) {
				t.Fatalf("%s: encoding/json %s\nby hand       %s", lang, want, got)
			}
		}
	})
}
