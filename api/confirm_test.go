package api

import (
	"net/http"
	"testing"

	"camreg/models"
)

// The red team's pass of 2026-12-07: a certifier read a vendor's pending
// submission (one model), the vendor then added a second model, and the
// certifier's PATCH {"status": "valid"} without If-Match confirmed the
// certificate with both: a model certified that nobody reviewed. Confirming
// a pending submission now needs If-Match (428 without it), so a change
// made since the review is a 412.
func TestConfirmingASubmissionNeedsTheReviewedVersion(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		certifier := e.key(models.RoleCertifier, f.body)
		r := e.do(http.MethodPost, "/v1/certificates", vendor, map[string]any{"number": "SUB-TOCTOU-1", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": f.body, "method": 5, "issued_on": "2025-03-01", "expires_on": "2028-02-29",
			"models": []map[string]any{{"camera_model_id": f.model}}}).want(http.StatusCreated)
		sub, reviewed := r.str("id"), r.Header().Get("ETag")
		e.do(http.MethodPatch, "/v1/certificates/"+sub, vendor, map[string]any{"models": []map[string]any{{"camera_model_id": f.model}, {"camera_model_id": f.model2}}}).
			want(http.StatusOK)
		for _, key := range []string{certifier, e.admin} {
			p := e.do(http.MethodPatch, "/v1/certificates/"+sub, key, map[string]any{"status": "valid"}).want(http.StatusPreconditionRequired)
			if p.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("428 as %s", p.Header().Get("Content-Type"))
			}
			e.do(http.MethodPatch, "/v1/certificates/"+sub, key, map[string]any{"status": "valid"}, "If-Match", reviewed).want(http.StatusPreconditionFailed)
		}
		if got := e.do(http.MethodGet, "/v1/certificates/"+sub, certifier, nil).want(http.StatusOK).str("status"); got != "pending" {
			t.Fatalf("the submission is %s", got)
		}
		// Another body's certifier learns nothing new: 404 as before.
		other := e.key(models.RoleCertifier, e.create("organizations", map[string]any{"name": "Quatest 9", "kind": "certification_body"}))
		e.do(http.MethodPatch, "/v1/certificates/"+sub, other, map[string]any{"status": "valid"}).want(http.StatusNotFound)
		// Reviewed as it is now, it is confirmed.
		current := e.do(http.MethodGet, "/v1/certificates/"+sub, certifier, nil).want(http.StatusOK).Header().Get("ETag")
		e.do(http.MethodPatch, "/v1/certificates/"+sub, certifier, map[string]any{"status": "valid"}, "If-Match", current).want(http.StatusOK)
		// A confirmed certificate's later changes keep If-Match optional.
		e.do(http.MethodPatch, "/v1/certificates/"+sub, certifier, map[string]any{"lot_ref": "L-1"}).want(http.StatusOK)
	})
}

// The same for an admin's verification of a vendor's pending registration
// and confirmation of a vendor's C/O: the vendor may change either until
// then, so the admin confirms the version it reviewed.
func TestVerifyingARegistrationOrAC_ONeedsTheReviewedVersion(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		for _, c := range []struct {
			post, change, confirm map[string]any
			collection            string
		}{
			{collection: "models", post: map[string]any{"brand": "Reviewbrand", "model_number": "RV-1", "kind": "ip"},
				change: map[string]any{"origin_country": "CN"}, confirm: map[string]any{"status": "verified"}},
			{collection: "origin-certificates", post: map[string]any{"number": "E25REVIEW", "form": "E", "issuer": "CCPIT",
				"exporting_country": "CN", "issued_on": "2025-09-12", "camera_model_ids": []string{f.model}},
				change: map[string]any{"lot_ref": "LOT-2"}, confirm: map[string]any{"confirmed": true}},
		} {
			r := e.do(http.MethodPost, "/v1/"+c.collection, vendor, c.post).want(http.StatusCreated)
			path, reviewed := "/v1/"+c.collection+"/"+r.str("id"), r.Header().Get("ETag")
			e.do(http.MethodPatch, path, vendor, c.change).want(http.StatusOK)
			e.do(http.MethodPatch, path, e.admin, c.confirm).want(http.StatusPreconditionRequired)
			e.do(http.MethodPatch, path, e.admin, c.confirm, "If-Match", reviewed).want(http.StatusPreconditionFailed)
			current := e.do(http.MethodGet, path, e.admin, nil).want(http.StatusOK).Header().Get("ETag")
			e.do(http.MethodPatch, path, e.admin, c.confirm, "If-Match", current).want(http.StatusOK)
		}
	})
}

// A submission still as it was made (version 1) has no earlier version that
// a reviewer could have read, so its confirmation without If-Match is
// accepted, as it was before the red team's pass: clients that never send
// If-Match keep working for the common case. The first change makes it
// version 2, and from then on If-Match is required (the tests above).
func TestConfirmingAnUnchangedSubmissionNeedsNoIfMatch(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		certifier := e.key(models.RoleCertifier, f.body)
		for _, c := range []struct {
			collection       string
			post, confirm    map[string]any
			key, field, want string
		}{
			{"models", map[string]any{"brand": "Asmadebrand", "model_number": "AM-1", "kind": "ip"},
				map[string]any{"status": "verified"}, e.admin, "status", "verified"},
			{"origin-certificates", map[string]any{"number": "E25ASMADE", "form": "E", "issuer": "CCPIT",
				"exporting_country": "CN", "issued_on": "2025-09-12", "camera_model_ids": []string{f.model}},
				map[string]any{"confirmed": true}, e.admin, "", ""},
			{"certificates", map[string]any{"number": "SUB-ASMADE-1", "standard_code": "QCVN 135:2024/BTTTT",
				"certification_body_org_id": f.body, "method": 5, "issued_on": "2025-03-01", "expires_on": "2028-02-29",
				"models": []map[string]any{{"camera_model_id": f.model}}},
				map[string]any{"status": "valid"}, certifier, "status", "valid"},
		} {
			r := e.do(http.MethodPost, "/v1/"+c.collection, vendor, c.post).want(http.StatusCreated)
			if tag := r.Header().Get("ETag"); tag != `"1"` {
				t.Fatalf("%s: a new submission's ETag is %s, want \"1\"", c.collection, tag)
			}
			got := e.do(http.MethodPatch, "/v1/"+c.collection+"/"+r.str("id"), c.key, c.confirm).want(http.StatusOK)
			if c.field != "" && got.str(c.field) != c.want {
				t.Errorf("%s: %s is %s after the confirmation, want %s", c.collection, c.field, got.str(c.field), c.want)
			}
		}
	})
}
