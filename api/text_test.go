package api

import (
	"net/http"
	"testing"

	"golang.org/x/text/unicode/norm"
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
