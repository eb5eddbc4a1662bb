package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// reasonCodes lists a verify answer's reason codes.
func reasonCodes(m map[string]any) []string {
	var out []string
	rs, _ := m["reasons"].([]any)
	for _, r := range rs {
		out = append(out, r.(map[string]any)["code"].(string))
	}
	return out
}

func verifyPath(params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return "/v1/verify?" + q.Encode()
}

func TestVerifyGET(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		tests := []struct {
			name    string
			path    string
			lang    string
			match   string
			verdict string
			codes   []string
			message string // a part of the first reason's message
			summary string // a part of the summary
		}{
			{"update warning, no firmware, Vietnamese by default", verifyPath("model", "DS-2CD1023G0E-I", "brand", "Hikvision", "at", "2026-03-01"), "",
				"exact", "warning", []string{"warned_model", "certificate_valid"}, "Cảnh báo 383/CATTT-NCSC", "Cần lưu ý vào ngày 01/03/2026"},
			{"English on request", verifyPath("model", "ds2cd1023g0ei", "at", "2026-03-01"), "en-GB,en;q=0.9",
				"exact", "warning", []string{"warned_model", "certificate_valid"}, "Warning 383/CATTT-NCSC", "on 2026-03-01"},
			{"an unknown language falls back to Vietnamese", verifyPath("model", "ds2cd1023g0ei", "at", "2026-03-01"), "fr",
				"exact", "warning", []string{"warned_model", "certificate_valid"}, "Biện pháp: cập nhật firmware", ""},
			{"fixed firmware", verifyPath("model", "DS-2CD1023G0E-I", "firmware", "V5.7.3 build 220112", "at", "2026-03-01"), "en",
				"exact", "compliant", []string{"certificate_valid", "firmware_not_affected"}, "is valid", "Compliant on 2026-03-01."},
			{"the QCVN 135 certificate stops counting on 2026-07-01", verifyPath("model", "DS-2CD1023G0E-I", "firmware", "V5.7.3", "at", "2026-07-01"), "en",
				"exact", "non_compliant", []string{"certificate_standard_not_in_force", "firmware_not_affected"}, "not in force on 2026-07-01", "Not compliant"},
			{"no certificate", verifyPath("model", "IPC-HFW1230S-S5", "brand", "dahua", "at", "2026-03-01"), "",
				"exact", "non_compliant", []string{"no_conformity_certificate"}, "bắt buộc từ ngày 01/01/2026", "Không đạt"},
			// The red team's pass of 2026-12-07: a near match answered for
			// its candidate, so an unregistered number one letter from a
			// certified model's (DS-2CD2143G3-IU for DS-2CD2143G2-IU), or a
			// certified number under another brand, was "Compliant". A near
			// match is never better than unknown (non_compliant stays).
			{"near match", verifyPath("model", "DS-2CD1023GOE-I", "at", "2026-03-01"), "en",
				"possible", "unknown", []string{"possible_match", "warned_model", "certificate_valid"}, "Near match", "Unknown: “DS-2CD1023GOE-I” only nearly matches Hikvision DS-2CD1023G0E-I"},
			{"a near match of a compliant model is not compliant", verifyPath("model", "DS-2CD1023GOE-I", "firmware", "V5.7.3", "at", "2026-03-01"), "en",
				"possible", "unknown", []string{"possible_match", "certificate_valid", "firmware_not_affected"}, "Near match", "check the model number on the label"},
			{"a compliant number under another brand is not compliant", verifyPath("model", "DS-2CD1023G0E-I", "brand", "Dahua", "firmware", "V5.7.3", "at", "2026-03-01"), "",
				"possible", "unknown", []string{"possible_match", "certificate_valid", "firmware_not_affected"}, "Khớp gần đúng", "Chưa xác định được"},
			{"not found", verifyPath("model", "NOPE-404", "at", "2026-03-01"), "en",
				"none", "unknown", []string{"unregistered_model"}, "Not found in the registry", "Not found in the registry."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.with(t)
				var hdr []string
				if tt.lang != "" {
					hdr = []string{"Accept-Language", tt.lang}
				}
				r := e.do(http.MethodGet, tt.path, "", nil, hdr...).want(http.StatusOK)
				m := r.json()
				if m["match"] != tt.match || m["verdict"] != tt.verdict || !slices.Equal(reasonCodes(m), tt.codes) {
					t.Fatalf("match %v verdict %v reasons %v; want %s %s %v", m["match"], m["verdict"], reasonCodes(m), tt.match, tt.verdict, tt.codes)
				}
				first := m["reasons"].([]any)[0].(map[string]any)
				if !strings.Contains(first["message"].(string), tt.message) || !strings.Contains(m["summary"].(string), tt.summary) {
					t.Errorf("message %q, summary %q", first["message"], m["summary"])
				}
				if _, ok := first["evidence"].(map[string]any); !ok {
					t.Errorf("reason without evidence: %v", first)
				}
				wantLang := "vi"
				if strings.HasPrefix(tt.lang, "en") {
					wantLang = "en"
				}
				if got := r.Header().Get("Content-Language"); got != wantLang {
					t.Errorf("Content-Language %q, want %s", got, wantLang)
				}
				if !strings.Contains(r.Header().Get("Vary"), "Accept-Language") {
					t.Errorf("Vary %q", r.Header().Get("Vary"))
				}
			})
		}

		// The matched model carries its permalink; the evidence names the documents.
		m := e.do(http.MethodGet, verifyPath("model", "DS-2CD1023G0E-I", "at", "2026-03-01"), "", nil).want(http.StatusOK).json()
		model := m["model"].(map[string]any)
		if model["id"] != f.model || model["permalink"] != "http://example.com/m/hikvision/ds2cd1023g0ei" {
			t.Errorf("model %v", model)
		}
		ev := m["reasons"].([]any)[0].(map[string]any)["evidence"].(map[string]any)
		if ev["warning_reference"] != "383/CATTT-NCSC" || ev["fixed_in"] != "V5.5.800" || ev["issued_on"] != "2025-04-10" {
			t.Errorf("warning evidence %v", ev)
		}
		if st := m["standards"].([]any); len(st) != 1 || st[0].(map[string]any)["code"] != "QCVN 135:2024/BTTTT" || st[0].(map[string]any)["mandatory"] != true {
			t.Errorf("standards %v", st)
		}

		// Bad input is a problem naming each field.
		for _, bad := range []struct {
			path   string
			fields []string
		}{
			{"/v1/verify", []string{"model"}},
			{verifyPath("model", "--", "at", "1/3/2026"), []string{"at", "model"}},
			{verifyPath("model", "C6N", "colour", "red"), []string{"colour"}},
			{verifyPath("model", "C6N", "limit", "5"), []string{"limit"}},
		} {
			got := e.do(http.MethodGet, bad.path, "", nil).want(http.StatusUnprocessableEntity).problemFields()
			slices.Sort(got)
			if !slices.Equal(got, bad.fields) {
				t.Errorf("%s: fields %v, want %v", bad.path, got, bad.fields)
			}
		}
		// Asked for nothing, the problem says what to give: a model number or a GTIN.
		if body := e.do(http.MethodGet, "/v1/verify", "", nil).want(http.StatusUnprocessableEntity).Body.String(); !strings.Contains(body, "gtin") {
			t.Errorf("an empty verify's problem does not mention gtin: %s", body)
		}
		// Public: no key needed; a bad key is still refused.
		e.do(http.MethodGet, verifyPath("model", "C6N"), "camreg_000000000000_nope", nil).want(http.StatusUnauthorized)
	})
}

func TestVerifyBulk(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		items := []map[string]any{
			{"model": "NOPE-1"},
			{"model": "DS-2CD1023G0E-I", "firmware": "V5.7.3", "at": "2026-03-01"},
			{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "at": "2026-03-01"},
			{"model": "DS-2CD1023G0E-I", "at": "2026-07-01"},
		}
		r := e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": items}, "Accept-Language", "en").want(http.StatusOK)
		got := r.json()["items"].([]any)
		want := []string{"none unknown", "exact compliant", "exact non_compliant", "exact non_compliant"}
		for i, it := range got {
			m := it.(map[string]any)
			if s := fmt.Sprint(m["match"], " ", m["verdict"]); s != want[i] {
				t.Errorf("item %d: %s, want %s", i, s, want[i])
			}
			if q := m["query"].(map[string]any); q["model"] != items[i]["model"] {
				t.Errorf("item %d answers %v", i, q)
			}
		}
		if len(got) != len(items) {
			t.Fatalf("%d answers for %d items", len(got), len(items))
		}

		// 500 items are fine; 501 are refused whole.
		many := make([]map[string]any, 501)
		for i := range many {
			many[i] = map[string]any{"model": fmt.Sprintf("DS-%04d", i), "at": "2026-03-01"}
		}
		r = e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": many[:500]}).want(http.StatusOK)
		if n := len(r.json()["items"].([]any)); n != 500 {
			t.Errorf("%d answers for 500 items", n)
		}
		fields := e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": many}).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"items"}) {
			t.Errorf("501 items: fields %v", fields)
		}
		for _, bad := range []struct {
			body   any
			status int
			fields []string
		}{
			{map[string]any{"items": []map[string]any{{"model": "A1"}, {"model": "", "at": "2026-13-01"}}}, 422, []string{"items[1].model", "items[1].at"}},
			{map[string]any{"items": []map[string]any{{"model": "A1", "colour": "red"}}}, 422, []string{"items.colour"}},
			{map[string]any{"items": []any{}}, 422, []string{"items"}},
			{map[string]any{"shelf": []any{}}, 422, []string{"shelf"}},
			{`{"items": [`, 400, nil},
		} {
			got := e.do(http.MethodPost, "/v1/verify", "", bad.body).want(bad.status).problemFields()
			if !slices.Equal(got, bad.fields) {
				t.Errorf("%v: fields %v, want %v", bad.body, got, bad.fields)
			}
		}
	})
}

// TestVerifyKeptAnswers: a verify answered again at the same change-log
// head is the kept answer, byte for byte what a server that never answered
// it gives; another language is another answer; and a write moves the head,
// so the next answer sees it.
func TestVerifyKeptAnswers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		p := verifyPath("model", "DS-2CD1023G0E-I", "brand", "Hikvision", "at", "2026-03-01")
		first := e.do(http.MethodGet, p, "", nil).want(http.StatusOK)
		again := e.do(http.MethodGet, p, "", nil).want(http.StatusOK)
		fresh := (&testEnv{t: t, store: e.store, srv: newEnv(t, e.store).srv}).do(http.MethodGet, p, "", nil).want(http.StatusOK)
		for _, r := range []response{again, fresh} {
			if r.Body.String() != first.Body.String() {
				t.Fatalf("answers differ:\n%s\n%s", first.Body.String(), r.Body.String())
			}
			for _, h := range []string{"Content-Type", "Content-Language", "Vary"} {
				if r.Header().Get(h) != first.Header().Get(h) {
					t.Fatalf("%s: %q, then %q", h, first.Header().Get(h), r.Header().Get(h))
				}
			}
		}
		en := e.do(http.MethodGet, p, "", nil, "Accept-Language", "en").want(http.StatusOK)
		if en.Body.String() == first.Body.String() || !strings.Contains(en.Body.String(), "Compliant with reservations") {
			t.Fatalf("English answer: %s", en.Body.String())
		}
		if again := e.do(http.MethodGet, p, "", nil, "Accept-Language", "en").want(http.StatusOK); again.Body.String() != en.Body.String() {
			t.Fatalf("English answers differ:\n%s\n%s", en.Body.String(), again.Body.String())
		}
		for i := range 3 {
			number := fmt.Sprintf("KEPT-%d", i)
			np := verifyPath("model", number, "at", "2026-03-01")
			if m := e.do(http.MethodGet, np, "", nil).want(http.StatusOK).json(); m["match"] == "exact" {
				t.Fatalf("%s before it exists: %v", number, m)
			}
			e.create("models", map[string]any{"brand": "Kept", "model_number": number, "status": "verified"})
			if m := e.do(http.MethodGet, np, "", nil).want(http.StatusOK).json(); m["match"] != "exact" {
				t.Fatalf("%s created, then verified as %v", number, m["match"])
			}
		}
	})
}
