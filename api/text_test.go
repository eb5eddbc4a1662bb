package api

import (
	"net/http"
	"testing"

	"golang.org/x/text/unicode/norm"

	"camreg/models"
)

// Text as users send it: a name typed in decomposed form (NFD, as Unikey's
// "Unicode tổ hợp" and macOS write it) is stored composed (NFC), so it is
// the same name, and the same natural key, as the composed one.
func TestNFDIsStoredAsNFC(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		name := "Công ty Điện tử Việt Nhật"
		nfd := norm.NFD.String(name)
		if nfd == name {
			t.Fatal("the test string has no decomposed form")
		}
		id := e.create("organizations", map[string]any{"name": nfd, "kind": "retailer"})
		if got := e.do(http.MethodGet, "/v1/organizations/"+id, "", nil).want(http.StatusOK).str("name"); got != name {
			t.Fatalf("stored %q, want NFC %q", got, name)
		}
		e.do(http.MethodPost, "/v1/models", e.admin, map[string]any{"brand": "Việt Nhật", "model_number": "VN-Ư1", "name": name}).
			want(http.StatusCreated)
		// The same brand and model number in NFD collide with it.
		e.do(http.MethodPost, "/v1/models", e.admin, map[string]any{"brand": norm.NFD.String("Việt Nhật"), "model_number": norm.NFD.String("VN-Ư1")}).
			want(http.StatusConflict)
	})
}

// A brand or model number that mixes scripts (a Cyrillic і in "Hikvision",
// a Cyrillic С in a model number) is refused with 422; and a lookalike
// written in one other script keys as the Latin one, so it collides.
func TestMixedScriptIdentifiersRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		for _, body := range []map[string]any{
			{"brand": "Hіkvision", "model_number": "DS-2CD1023G0E-I"},
			{"brand": "Hikvision", "model_number": "DS-2СD1023G0E-I"},
		} {
			fields := e.do(http.MethodPost, "/v1/models", vendor, body).want(http.StatusUnprocessableEntity).problemFields()
			if len(fields) != 1 {
				t.Errorf("%v: fields %v", body, fields)
			}
		}
		// All-Cyrillic lookalikes of the fixture's Latin model: the same key, a conflict.
		e.do(http.MethodPost, "/v1/models", e.admin, map[string]any{"brand": "AXE", "model_number": "ABC-123"}).want(http.StatusCreated)
		e.do(http.MethodPost, "/v1/models", e.admin, map[string]any{"brand": "АХЕ", "model_number": "АВС-123"}).
			want(http.StatusConflict)
	})
}

// Stored text holds no control characters (but tabs and line breaks) and
// no bidirectional overrides: the audit of 2026-12-07 stored a model name
// with an escape sequence ("\x1b[31m") and one with U+202E, which shows the
// name's letters reversed; a warning's summary keeps its line breaks.
func TestControlCharactersRefusedInStoredText(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		for _, name := range []string{"Camera\x1b[31m", "Camera\u0001", "Camera \u202eIPC", "Camera\u2066x\u2069", "Camera\u009b"} {
			fields := e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": "Hikvision", "model_number": "CTL-1", "name": name}).
				want(http.StatusUnprocessableEntity).problemFields()
			if len(fields) != 1 || fields[0] != "name" {
				t.Errorf("name %q: fields %v", name, fields)
			}
		}
		e.do(http.MethodPost, "/v1/warnings", e.admin, map[string]any{"authority_org_id": f.authority, "reference": "77/CATTT-NCSC",
			"title": "x", "summary": "Dòng một.\r\nDòng hai:\tđã sửa.", "severity": "low", "issued_on": "2025-04-10", "measure": "update_firmware",
			"affected": []map[string]any{{"camera_model_id": f.model}}}).want(http.StatusCreated)
	})
}
