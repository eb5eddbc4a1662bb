package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"camreg/models"
)

// A revocation takes effect on or before the day it is recorded, and once
// recorded may move earlier, never later: a certifier who moved its
// revoked certificate's date into the future made it count again until
// then. Per role that may revoke (the body's certifier, an admin), for
// certificates and C/Os; the vendor may not touch the status at all.
func TestRevocationDateNeverLater(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		_, vendorKey, err := e.store.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: models.RoleVendor, OrgID: k.f.importer})
		if err != nil {
			t.Fatal(err)
		}
		today := e.store.Today()
		day := func(n int) string {
			return time.Date(today.Year(), today.Month(), today.Day()+n, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		refused := func(name string, r response) {
			t.Helper()
			if r.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422: %s", name, r.Code, r.Body.String())
				return
			}
			if f := r.problemFields(); strings.Join(f, ",") != "status_changed_on" {
				t.Errorf("%s: fields %v", name, f)
			}
		}
		for i, role := range []struct{ name, key string }{{"certifier", k.certifier}, {"admin", e.admin}} {
			t.Run(role.name, func(t *testing.T) {
				cert := func(n int, extra map[string]any) map[string]any {
					body := map[string]any{"number": fmt.Sprintf("QC-REV-%d-%d", i, n), "standard_code": "QCVN 135:2024/BTTTT",
						"certification_body_org_id": k.f.body, "method": 5, "holder_org_id": k.f.importer, "issued_on": "2025-03-01",
						"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": k.f.model}}}
					for k, v := range extra {
						body[k] = v
					}
					return body
				}
				before := e.eventCount()
				refused("created revoked from tomorrow", e.do(http.MethodPost, "/v1/certificates", role.key,
					cert(1, map[string]any{"status": "revoked", "status_reason": "x", "status_changed_on": day(1)})))
				id := e.do(http.MethodPost, "/v1/certificates", role.key, cert(2, nil)).want(http.StatusCreated).str("id")
				path := "/v1/certificates/" + id
				refused("revoked from tomorrow", e.do(http.MethodPatch, path, role.key,
					map[string]any{"status": "revoked", "status_reason": "failed surveillance", "status_changed_on": day(1)}))
				e.do(http.MethodPatch, path, role.key, map[string]any{"status": "revoked", "status_reason": "failed surveillance",
					"status_changed_on": day(-10)}).want(http.StatusOK)
				mid := e.eventCount()
				for _, later := range []int{365, 1, 0, -9} {
					refused(fmt.Sprintf("moved to %s", day(later)), e.do(http.MethodPatch, path, role.key,
						map[string]any{"status": "revoked", "status_changed_on": day(later)}))
				}
				if n := e.eventCount(); n != mid {
					t.Errorf("refused moves wrote %d events", n-mid)
				}
				e.do(http.MethodPatch, path, role.key, map[string]any{"status": "revoked", "status_changed_on": day(-10)}).want(http.StatusOK)
				got := e.do(http.MethodPatch, path, role.key, map[string]any{"status": "revoked", "status_changed_on": day(-20)}).want(http.StatusOK).json()
				if got["status"] != "revoked" || got["status_changed_on"] != day(-20) {
					t.Errorf("moved earlier: %v %v", got["status"], got["status_changed_on"])
				}
				if got := e.do(http.MethodGet, path, "", nil).want(http.StatusOK).json(); got["status_changed_on"] != day(-20) {
					t.Errorf("stored: %v", got["status_changed_on"])
				}
				if n := e.eventCount(); n != before+3 {
					t.Errorf("%d events, want 3 (create, revoke, move earlier)", n-before)
				}
			})
		}
		// The vendor may not set a status at all (422 naming the fields).
		e.do(http.MethodPatch, "/v1/certificates/"+k.f.cert, vendorKey, map[string]any{"status": "revoked", "status_reason": "x",
			"status_changed_on": day(5)}).want(http.StatusUnprocessableEntity)

		// A C/O's revocation, by an admin, likewise.
		path := "/v1/origin-certificates/" + k.f.origin
		refused("C/O revoked from tomorrow", e.do(http.MethodPatch, path, e.admin,
			map[string]any{"status": "revoked", "status_reason": "invalid", "status_changed_on": day(1)}))
		e.do(http.MethodPatch, path, e.admin, map[string]any{"status": "revoked", "status_reason": "invalid", "status_changed_on": day(-3)}).want(http.StatusOK)
		refused("C/O moved later", e.do(http.MethodPatch, path, e.admin, map[string]any{"status": "revoked", "status_changed_on": day(-1)}))
		e.do(http.MethodPatch, path, vendorKey, map[string]any{"status": "revoked", "status_changed_on": day(5)}).want(http.StatusUnprocessableEntity)
	})
}

// The red team's pass of 2026-12-07: a certifier suspended its certificate
// from 2026-10-01, then reinstated it "from 2026-09-01", before the
// suspension began: verify, rebuilding the history on a date, then counted
// the certificate as valid throughout the suspension, so a question about
// 2026-10-15 answered yesterday "suspended" was answered "valid". A change
// back to valid now takes effect no earlier than the status it ends.
func TestStatusChangeNeverBeforeTheStatusItEnds(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		today := e.store.Today()
		day := func(n int) string {
			return time.Date(today.Year(), today.Month(), today.Day()+n, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		id := e.do(http.MethodPost, "/v1/certificates", k.certifier, map[string]any{"number": "QC-REINSTATE-1", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": k.f.body, "method": 5, "holder_org_id": k.f.importer, "issued_on": "2025-03-01",
			"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": k.f.model}}}).want(http.StatusCreated).str("id")
		path := "/v1/certificates/" + id
		e.do(http.MethodPatch, path, k.certifier, map[string]any{"status": "suspended", "status_reason": "audit", "status_changed_on": day(-20)}).
			want(http.StatusOK)
		r := e.do(http.MethodPatch, path, k.certifier, map[string]any{"status": "valid", "status_changed_on": day(-30)})
		if r.Code != http.StatusUnprocessableEntity || strings.Join(r.problemFields(), ",") != "status_changed_on" {
			t.Fatalf("a reinstatement dated before its suspension: %d %s", r.Code, r.Body.String())
		}
		// From the suspension's own day on, it is a change like any other.
		e.do(http.MethodPatch, path, k.certifier, map[string]any{"status": "valid", "status_changed_on": day(-20)}).want(http.StatusOK)
		e.do(http.MethodPatch, path, k.certifier, map[string]any{"status": "suspended", "status_reason": "again", "status_changed_on": day(-5)}).want(http.StatusOK)
	})
}
