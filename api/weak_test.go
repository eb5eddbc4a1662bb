package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The weaker points of issue #14: malformed query pairs, bodies without a
// JSON Content-Type, duplicate JSON keys, unbounded request ids and a
// public /metrics.
func TestWeakerPoints(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		// A malformed pair is refused, not dropped (which widened the list).
		for _, q := range []string{"status=revoked%ZZ", "status=revoked;", "number=a;b"} {
			fields := e.do(http.MethodGet, "/v1/certificates?"+q, "", nil).want(http.StatusUnprocessableEntity).problemFields()
			if strings.Join(fields, ",") != "query" {
				t.Errorf("%s: fields %v", q, fields)
			}
		}
		e.do(http.MethodGet, "/v1/certificates?status=revoked", "", nil).want(http.StatusOK)
		// A control character in a filter would fold to an empty filter and
		// list everything; a history takes no parameters (limit=-5 looked
		// obeyed while it was ignored).
		for _, q := range []string{"/v1/organizations?name=%00", "/v1/models?brand=%01", "/v1/certificates?number=a%7Fb"} {
			fields := e.do(http.MethodGet, q, "", nil).want(http.StatusUnprocessableEntity).problemFields()
			if len(fields) != 1 || !strings.Contains(q, fields[0]+"=") {
				t.Errorf("%s: fields %v", q, fields)
			}
		}
		for _, q := range []string{"?limit=-5", "?limit=2", "?since=2020-01-01"} {
			e.do(http.MethodGet, "/v1/certificates/"+f.cert+"/history"+q, e.admin, nil).want(http.StatusUnprocessableEntity)
		}
		e.do(http.MethodGet, "/v1/certificates/"+f.cert+"/history", e.admin, nil).want(http.StatusOK)
		e.do(http.MethodGet, "/v1/organizations?name=C%C3%B4ng%09ty%0A", "", nil).want(http.StatusOK) // a pasted tab or line break

		// No Content-Type, or a form's: 415; nothing written.
		before := e.eventCount()
		for _, ct := range []string{"", "application/x-www-form-urlencoded", "text/plain"} {
			req := httptest.NewRequest(http.MethodPost, "/v1/organizations", strings.NewReader(`{"name":"X","kind":"retailer"}`))
			req.Header.Set("Authorization", "Bearer "+e.admin)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			} else {
				req.Header.Del("Content-Type")
			}
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			response{rec, t}.want(http.StatusUnsupportedMediaType).problemFields()
		}
		// Duplicate keys: 422 naming the field.
		fields := e.do(http.MethodPost, "/v1/organizations", e.admin, `{"name":"A","kind":"retailer","name":"B"}`).
			want(http.StatusUnprocessableEntity).problemFields()
		if strings.Join(fields, ",") != "name" {
			t.Errorf("duplicate key fields %v", fields)
		}
		fields = e.do(http.MethodPatch, "/v1/certificates/"+f.cert, e.admin,
			`{"models":[{"camera_model_id":"`+f.model+`","firmware":"1","firmware":"2"}]}`).want(http.StatusUnprocessableEntity).problemFields()
		if strings.Join(fields, ",") != "models[0].firmware" {
			t.Errorf("nested duplicate key fields %v", fields)
		}
		if after := e.eventCount(); after != before {
			t.Errorf("%d events written by refused requests", after-before)
		}

		// X-Request-Id: a sane one is echoed; a long or odd one is replaced.
		if id := e.do(http.MethodGet, "/healthz", "", nil, "X-Request-Id", "abc-123_x.y").Header().Get("X-Request-Id"); id != "abc-123_x.y" {
			t.Errorf("sane id: %q", id)
		}
		for _, bad := range []string{strings.Repeat("a", 1000), "a\x7fb", "<script>"} {
			id := e.do(http.MethodGet, "/healthz", "", nil, "X-Request-Id", bad).Header().Get("X-Request-Id")
			if id == bad || id == "" || len(id) > maxRequestID {
				t.Errorf("bad id %q answered %q", bad, id)
			}
		}

		// /metrics: not for the public; for loopback, the token, an admin.
		e.srv.metricsTok = "scrape-secret-123"
		metrics := func(remote, auth string) int {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.RemoteAddr = remote
			if auth != "" {
				req.Header.Set("Authorization", "Bearer "+auth)
			}
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			return rec.Code
		}
		for _, c := range []struct {
			remote, auth string
			want         int
		}{
			{"203.0.113.9:5000", "", http.StatusNotFound},
			{"203.0.113.9:5000", e.key("vendor", f.importer), http.StatusNotFound},
			{"203.0.113.9:5000", e.admin, http.StatusOK},
			{"203.0.113.9:5000", "scrape-secret-123", http.StatusOK},
			{"203.0.113.9:5000", "scrape-secret-124", http.StatusUnauthorized},
			{"127.0.0.1:5000", "", http.StatusOK},
			{"[::1]:5000", "", http.StatusOK},
		} {
			if got := metrics(c.remote, c.auth); got != c.want {
				t.Errorf("/metrics from %s with %q: %d, want %d", c.remote, c.auth, got, c.want)
			}
		}
		// The metrics token is no API key.
		req := httptest.NewRequest(http.MethodGet, "/v1/keys", nil)
		req.Header.Set("Authorization", "Bearer scrape-secret-123")
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		response{rec, t}.want(http.StatusUnauthorized)
	})
}
