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

// FuzzVerifyJSONByHand: any text in every field, and any dates, encode as
// encoding/json encodes them.
func FuzzVerifyJSONByHand(f *testing.F) {
	f.Add("DS-2CD1023G0E-I", "Hikvision", "<b>&amp;</b>", 2026, 3, 1, 2)
	f.Add("\x00\x1f\"\\\u2028\u2029\xff\xfe", "", "é ờ 漢", 1, 1, 1, 0)
	f.Add("", "", "", 0, 0, 0, 5)
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
		vm := verifiedModel{ID: a, Brand: b, BrandKey: c, ModelNumber: a, ModelKey: b, Name: c, Kind: a, OriginCountry: b, Status: c}
		if n%3 == 0 {
			vm.Permalink = a + b
		}
		s := a + c
		r := verifyResponse{Query: verifyQuery{Model: a, Brand: b, Firmware: c, At: a}, At: b, Match: c, Verdict: a, Summary: b,
			Reasons:   []reasonResponse{{Code: a, Effect: b, Message: c, Evidence: ev}, {Code: c}},
			Standards: []standardOnDate{{Code: a, Title: b, EffectiveFrom: &s, MandatoryFrom: date(day), Mandatory: n%2 == 0}, {}}}
		if n%4 != 0 {
			r.Model = &vm
			r.Candidates = []verifiedModel{vm, {}}
		} else {
			r.Candidates, r.Reasons, r.Standards = nil, nil, []standardOnDate{}
		}
		want, err := encodeJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendVerifyJSON(nil, &r)
		if !ok || string(got) != string(want) {
			t.Fatalf("encoding/json %s\nby hand       %s", want, got)
		}
	})
}
