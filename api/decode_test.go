package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

func TestDecodeStrict(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int // 0: accepted
	}{
		{"object", `{"brand": "Hikvision", "model_number": "DS-2CD1023G0E-I"}`, 0},
		{"nulls are absent fields", `{"brand": null}`, 0},
		{"empty object", `{}`, 0},
		{"unknown field", `{"brandd": "x"}`, http.StatusUnprocessableEntity},
		{"wrong type", `{"brand": 1}`, http.StatusUnprocessableEntity},
		{"array of wrong type", `{"firmware_versions": [1]}`, http.StatusUnprocessableEntity},
		{"syntax", `{"brand": }`, http.StatusBadRequest},
		{"truncated", `{"brand": "x"`, http.StatusBadRequest},
		{"trailing object", `{} {}`, http.StatusBadRequest},
		{"trailing garbage", `{}x`, http.StatusBadRequest},
		{"array", `[]`, http.StatusBadRequest},
		{"string", `"x"`, http.StatusBadRequest},
		{"whitespace", "  \n", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req modelRequest
			err := decodeStrict([]byte(tt.body), &req)
			status := 0
			var pe *problemError
			if errors.As(err, &pe) {
				status = pe.p.Status
			} else if err != nil {
				t.Fatalf("error of unknown kind: %v", err)
			}
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%v)", status, tt.wantStatus, err)
			}
		})
	}
}

// FuzzDecodeStrict checks that the strict decoder never panics, that it
// answers only 400 or 422, and that whatever it accepts is valid JSON that
// the standard decoder reads to the same value.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"brand":"A","model_number":"B"}`, `{"firmware_versions":["1.0"]}`, `{"x":1}`, `{} {}`, `[`, `{"brand":null}`, "{\"brand\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req certificateRequest
		err := decodeStrict(body, &req)
		if err != nil {
			var pe *problemError
			if !errors.As(err, &pe) || (pe.p.Status != 400 && pe.p.Status != 422) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var plain certificateRequest
		if err := json.Unmarshal(body, &plain); err != nil {
			t.Fatalf("accepted %q that encoding/json refuses: %v", body, err)
		}
		a, _ := json.Marshal(req)
		b, _ := json.Marshal(plain)
		if string(a) != string(b) {
			t.Fatalf("decoded %s, encoding/json decoded %s", a, b)
		}
	})
}
