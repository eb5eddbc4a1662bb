package api

import (
	"net/http"
	"strings"
	"testing"

	"camreg/web"
)

// TestInspectorPage checks that the page and its assets are served, with a
// policy that lets them run, while the API keeps its deny-all policy.
func TestInspectorPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		tests := []struct {
			path, wantType, wantCSP string
		}{
			{"/", "text/html", web.CSP},
			{"/static/app.js", "text/javascript", web.CSP},
			{"/static/app.css", "text/css", web.CSP},
			{"/v1/standards", "application/json", "default-src 'none'; frame-ancestors 'none'"},
		}
		for _, tt := range tests {
			r := e.with(t).do(http.MethodGet, tt.path, "", nil).want(http.StatusOK)
			if got := r.Header().Get("Content-Type"); !strings.HasPrefix(got, tt.wantType) {
				t.Errorf("%s: Content-Type %q, want %s", tt.path, got, tt.wantType)
			}
			if got := r.Header().Get("Content-Security-Policy"); got != tt.wantCSP {
				t.Errorf("%s: CSP %q, want %q", tt.path, got, tt.wantCSP)
			}
		}
		if !strings.Contains(web.CSP, "script-src 'self'") || strings.Contains(web.CSP, "unsafe") {
			t.Errorf("the page's CSP %q must allow its own scripts and nothing inline", web.CSP)
		}
		e.with(t).do(http.MethodGet, "/static/missing.js", "", nil).want(http.StatusNotFound)
	})
}
