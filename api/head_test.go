package api

import (
	"net/http"
	"testing"
)

// HEAD answers wherever GET does: the same status and headers, no body.
func TestHeadWhereverGet(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).str("id")
		for _, c := range []struct{ path, key string }{
			{"/m/hikvision/ds2cd1023g0ei", ""},
			{"/m/hikvision/ds2cd1023g0ei/qr.png", ""},
			{"/m/hikvision/ds2cd1023g0ei/qr.svg", ""},
			{"/m/nobrand/nomodel", ""},
			{"/v1/models", ""},
			{"/v1/verify?model=DS-2CD1023G0E-I", ""},
			{"/healthz", ""},
			{"/", ""},
			{"/v1/inspections/" + insp, k.inspector},
			{"/v1/inspections/" + insp + "/record.pdf", k.inspector},
			{"/v1/inspections/" + insp, k.otherVendor},
			{"/v1/inspections", ""},
		} {
			get := e.do(http.MethodGet, c.path, c.key, nil)
			head := e.do(http.MethodHead, c.path, c.key, nil)
			if head.Code != get.Code || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") || head.Body.Len() != 0 {
				t.Errorf("HEAD %s: %d %q %d bytes; GET: %d %q", c.path, head.Code, head.Header().Get("Content-Type"), head.Body.Len(),
					get.Code, get.Header().Get("Content-Type"))
			}
			if head.Code == http.StatusMethodNotAllowed {
				t.Errorf("HEAD %s is 405", c.path)
			}
		}
		if r := e.do(http.MethodHead, "/v1/keys", "", nil); r.Code == http.StatusOK {
			t.Error("HEAD bypassed a GET route's role check")
		}
	})
}

// Allow names HEAD wherever GET is allowed, in a 405 and in the answer to
// OPTIONS (RFC 9110 §10.2.1): the audit of 2026-12-07 found "OPTIONS, GET"
// on routes that answer HEAD.
func TestAllowNamesHead(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		for _, c := range []struct {
			method, path, allow string
		}{
			{http.MethodDelete, "/v1/provinces", "OPTIONS, GET, HEAD"},
			{http.MethodOptions, "/v1/provinces", "OPTIONS, GET, HEAD"},
			{http.MethodPut, "/v1/models", "OPTIONS, GET, POST, HEAD"},
			{http.MethodGet, "/v1/imports", "OPTIONS, POST"},
			{http.MethodOptions, "/v1/imports", "OPTIONS, POST"},
		} {
			r := e.do(c.method, c.path, e.admin, nil)
			if got := r.Header().Get("Allow"); got != c.allow {
				t.Errorf("%s %s: %d, Allow %q, want %q", c.method, c.path, r.Code, got, c.allow)
			}
		}
	})
}
