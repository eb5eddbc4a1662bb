package api

import (
	"net/http"
	"testing"
)

// Every 404 is problem+json, those of the embedded file servers too: the
// audit of 2026-12-07 got "404 page not found" in text/plain for
// /static/nope.js and /swagger/nope. A file that exists is still served.
func TestFileServers404AreProblems(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		for _, p := range []string{"/static/nope.js", "/static/", "/static/%2e%2e/web.go", "/swagger/nope"} {
			r := e.do(http.MethodGet, p, "", nil).want(http.StatusNotFound)
			if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("GET %s: Content-Type %q", p, ct)
			}
			r.problemFields()
			if b := r.json(); b["type"] != "/problems/not-found" || b["title"] == "" || b["detail"] == "" || b["status"] != float64(404) {
				t.Errorf("GET %s: %v", p, b)
			}
		}
		for _, p := range []string{"/static/app.js", "/", "/swagger/index.html", "/swagger/doc.json"} {
			e.do(http.MethodGet, p, "", nil).want(http.StatusOK)
		}
		if r := e.do(http.MethodHead, "/static/nope.js", "", nil); r.Code != http.StatusNotFound || r.Body.Len() != 0 {
			t.Errorf("HEAD /static/nope.js: %d, %d bytes", r.Code, r.Body.Len())
		}
	})
}
