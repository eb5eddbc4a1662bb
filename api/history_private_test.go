package api

import (
	"net/http"
	"strings"
	"testing"

	"camreg/models"
)

// Issue #14, hole 4: an organization's history showed the e-mail and phone
// (in its creation and in later changes) that GET withholds from the public
// and other vendors. Each viewer now reads in the history exactly what it
// may read on GET.
func TestHistoryShowsOnlyWhatGetShows(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		org := e.create("organizations", map[string]any{"name": "Công ty Bí mật", "kind": "retailer", "tax_code": "0101243150",
			"email": "secret-mail@example.vn", "phone": "+84 24 1111 2222"})
		own := e.key(models.RoleVendor, org)
		e.do(http.MethodPatch, "/v1/organizations/"+org, own, map[string]any{"phone": "+84 24 3333 4444"}).want(http.StatusOK)
		e.do(http.MethodPatch, "/v1/organizations/"+org, own, map[string]any{"address": "9 Tràng Tiền"}).want(http.StatusOK)
		markers := []string{"secret-mail", "1111 2222", "3333 4444"}
		for _, c := range []struct {
			who  string
			key  string
			sees bool
		}{
			{"public", "", false},
			{"another vendor", e.key(models.RoleVendor, f.importer), false},
			{"procurement", e.key(models.RoleProcurement, ""), false},
			{"the organization itself", own, true},
			{"an inspector", e.key(models.RoleInspector, f.authority), true},
			{"an admin", e.admin, true},
		} {
			get := e.do(http.MethodGet, "/v1/organizations/"+org, c.key, nil).want(http.StatusOK).Body.String()
			hist := e.do(http.MethodGet, "/v1/organizations/"+org+"/history", c.key, nil).want(http.StatusOK)
			for _, m := range markers[:1] {
				if strings.Contains(get, m) != c.sees {
					t.Fatalf("%s: GET shows %q: %v", c.who, m, !c.sees)
				}
			}
			for _, m := range markers {
				if strings.Contains(hist.Body.String(), m) != c.sees {
					t.Errorf("%s: the history shows %q: %v; GET shows it: %v", c.who, m, !c.sees, c.sees)
				}
			}
			items := hist.json()["items"].([]any)
			if want := map[bool]int{true: 3, false: 2}[c.sees]; len(items) != want {
				t.Errorf("%s: %d history entries, want %d (an update of hidden fields only is left out)", c.who, len(items), want)
			}
		}
	})
}

// The red team's pass of 2026-12-07: a public certificate, C/O or warning
// that names another organization's pending registration hid its id on GET,
// in lists and in log leaves, but its history served the id to anyone, in
// the creation's covered models and in a later change of them. The history
// now leaves out the models the viewer may not see, as GET does.
func TestHistoryNamesNoModelTheViewerMayNotSee(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendorA, pending, cert, warning, origin := documentsNamingAPendingModel(e, f, "HIST")
		// A change of each that moves the pending model out, and one that
		// changes nothing about it: both must hide it.
		e.do(http.MethodPatch, "/v1/certificates/"+cert, e.admin, map[string]any{"models": []map[string]any{{"camera_model_id": f.model2}}}).want(http.StatusOK)
		e.do(http.MethodPatch, "/v1/warnings/"+warning, e.admin, map[string]any{"affected": []map[string]any{{"camera_model_id": f.model2}}}).want(http.StatusOK)
		e.do(http.MethodPatch, "/v1/origin-certificates/"+origin, e.admin, map[string]any{"camera_model_ids": []string{f.model2}}).want(http.StatusOK)
		for _, c := range viewersOfAPendingModel(e, f, vendorA) {
			for _, path := range []string{"/v1/certificates/" + cert, "/v1/warnings/" + warning, "/v1/origin-certificates/" + origin} {
				b := e.do(http.MethodGet, path+"/history", c.key, nil).want(http.StatusOK).Body.String()
				if strings.Contains(b, pending) != c.sees {
					t.Errorf("%s: %s/history names the pending model: %v, want %v\n%s", c.who, path, !c.sees, c.sees, b)
				}
				// The change that only took the pending model out is no
				// change to those who may not see it.
				events := 1
				if c.sees {
					events = 2
				}
				if !strings.Contains(b, f.model2) || strings.Count(b, `"seq"`) != events {
					t.Errorf("%s: %s/history lost the verified model or an event:\n%s", c.who, path, b)
				}
			}
		}
	})
}
