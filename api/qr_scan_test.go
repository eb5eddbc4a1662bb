package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scan reads the QR codes in a PNG with zbar's zbarimg, a scanner written
// outside camreg and outside the QR library camreg draws with, as a phone
// would; without it the test is skipped, saying so.
func scan(t *testing.T, png []byte) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg (zbar-tools) is not installed: cannot scan the QR codes")
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-q", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestQRCodesScan: the e-label's QR code and the inspection record's scan
// as the URLs they are meant to open.
func TestQRCodesScan(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e) // the fixture, and keys
		generous := map[string]Rate{}
		for tier := range DefaultRates {
			generous[tier] = Rate{PerSecond: 1e6, Burst: 1e6}
		}
		srv := New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous,
			PublicURL: "https://camreg.example.vn/"})
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/m/hikvision/ds2cd1023g0ei/qr.png", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("qr.png: %d", rec.Code)
		}
		if got := scan(t, rec.Body.Bytes()); got != "https://camreg.example.vn/m/hikvision/ds2cd1023g0ei" {
			t.Errorf("qr.png scans as %q", got)
		}

		// The record's first page, rendered by poppler as a printer would.
		pdftoppm, err := exec.LookPath("pdftoppm")
		if err != nil {
			t.Skip("pdftoppm (poppler-utils) is not installed: cannot render the record")
		}
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		pdf := e.do(http.MethodGet, "/v1/inspections/"+insp["id"].(string)+"/record.pdf", k.inspector, nil).want(http.StatusOK)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "r.pdf"), pdf.Body.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
			filepath.Join(dir, "r.pdf"), filepath.Join(dir, "page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		page, err := os.ReadFile(filepath.Join(dir, "page.png"))
		if err != nil {
			t.Fatal(err)
		}
		if got := scan(t, page); !strings.HasSuffix(got, "/#inspection/"+insp["id"].(string)) || !strings.HasPrefix(got, "http") {
			t.Errorf("the record's QR code scans as %q, want the page's link to inspection %s", got, insp["id"])
		}
	})
}
