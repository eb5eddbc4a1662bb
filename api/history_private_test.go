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
