package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"camreg/models"
)

// Issue #14, hole 6: another organization's pending registration is
// invisible everywhere a vendor or the public looks. Listing it is answered
// exactly as listing an id that names nothing (no existence oracle); no
// list, GET or export names it; an import row naming it says only that no
// such model is in the registry, with no internal id.
func TestPendingModelNeverLeaks(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendorA := e.key(models.RoleVendor, f.importer)
		vendorB := e.key(models.RoleVendor, f.retailer)
		r := e.do(http.MethodPost, "/v1/models", vendorA, map[string]any{"brand": "Secretbrand", "model_number": "HIDDEN-900", "kind": "ip"}).
			want(http.StatusCreated)
		pending := r.str("id")
		if r.str("status") != models.ModelPending {
			t.Fatalf("a vendor's registration is %q", r.str("status"))
		}

		// No oracle: another vendor's listing of it is answered as a random id's.
		random := "0190a000-0000-7000-8000-00000000beef"
		body := func(id string) map[string]any {
			return map[string]any{"camera_model_id": id, "channel": "shop", "shop_address": "1 Lê Lợi", "province": "48"}
		}
		got := e.do(http.MethodPost, "/v1/listings", vendorB, body(pending))
		want := e.do(http.MethodPost, "/v1/listings", vendorB, body(random))
		norm := func(r response, id string) string {
			m := r.json()
			delete(m, "request_id")
			b, _ := json.Marshal(m)
			return strings.ReplaceAll(string(b), id, "ID")
		}
		if got.Code != want.Code || norm(got, pending) != norm(want, random) {
			t.Fatalf("pending id: %d %s\nrandom id: %d %s", got.Code, got.Body.String(), want.Code, want.Body.String())
		}
		if got.Code != http.StatusUnprocessableEntity {
			t.Fatalf("listing another's pending model: %d", got.Code)
		}
		// Its own registrant may list it; an admin too.
		own := e.do(http.MethodPost, "/v1/listings", vendorA, map[string]any{"camera_model_id": pending,
			"channel": "online", "url": "https://shop.example/hidden"}).want(http.StatusCreated).str("id")
		// A certificate and a warning naming it along with a verified model.
		e.create("warnings", map[string]any{"authority_org_id": f.authority, "reference": "999/CATTT", "title": "t", "severity": "low",
			"issued_on": "2025-04-10", "measure": "update_firmware",
			"affected": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})
		e.create("certificates", map[string]any{"number": "QCVN135-Q1-2025-0999", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": f.body, "method": 5, "holder_org_id": f.importer, "issued_on": "2025-03-01",
			"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})

		for _, key := range []string{"", vendorB} {
			e.do(http.MethodGet, "/v1/listings/"+own, key, nil).want(http.StatusNotFound)
			if b := e.do(http.MethodGet, "/v1/listings?limit=500", key, nil).want(http.StatusOK).Body.String(); strings.Contains(b, pending) {
				t.Errorf("key %q: the listings name the pending model", key)
			}
			for _, file := range []string{"listings.csv", "certificates.csv", "warnings.csv", "origin-certificates.csv", "models.csv", "listings.json"} {
				b := e.do(http.MethodGet, "/v1/export/"+file, key, nil).want(http.StatusOK).Body.String()
				if strings.Contains(b, "HIDDEN-900") || strings.Contains(b, pending) {
					t.Errorf("key %q: %s names the pending model", key, file)
				}
			}
		}
		e.do(http.MethodGet, "/v1/listings/"+own, vendorA, nil).want(http.StatusOK)
		if b := e.do(http.MethodGet, "/v1/export/listings.csv", vendorA, nil).Body.String(); !strings.Contains(b, "HIDDEN-900") {
			t.Errorf("its registrant's export lacks its own listing: %s", b)
		}
		if b := e.do(http.MethodGet, "/v1/export/warnings.csv", "", nil).Body.String(); !strings.Contains(b, "IPC-HFW1230S-S5") {
			t.Errorf("the public warnings export lost the verified model: %s", b)
		}

		// An import row naming it: the message of a model that does not exist, no id.
		csv := []byte("trader,brand,model_number,channel,url\n0314409058,Secretbrand,HIDDEN-900,online,https://x.example/a\n" +
			"0314409058,Secretbrand,NOSUCH-1,online,https://x.example/b\n")
		loc := e.upload(vendorB, map[string]string{"entity": "listings", "dry_run": "true"}, "l.csv", csv).want(http.StatusAccepted).Header().Get("Location")
		e.waitJob(vendorB, loc)
		rep := e.do(http.MethodGet, loc, vendorB, nil).want(http.StatusOK).Body.String()
		if strings.Contains(rep, pending) || strings.Count(rep, "is in the registry") != 2 {
			t.Errorf("import report: %s", rep)
		}
		var j struct {
			Errors []struct {
				Errors []models.FieldError `json:"errors"`
			} `json:"errors"`
		}
		_ = json.Unmarshal([]byte(rep), &j)
		if len(j.Errors) == 2 && strings.ReplaceAll(j.Errors[0].Errors[0].Message, "HIDDEN-900", "X") != strings.ReplaceAll(j.Errors[1].Errors[0].Message, "NOSUCH-1", "X") {
			t.Errorf("the two rows' messages differ: %+v", j.Errors)
		}
	})
}

// The red team's pass of 2026-12-07: a models file whose row has the brand
// and model number of another organization's pending registration was
// reported "camera model 0190…: not found", the pending row's internal id,
// which the file never named. The row is now reported as POST /v1/models
// answers it: the key is taken (a unique key cannot be hidden), no id.
func TestPendingModelImportRowNamesNoID(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendorA := e.key(models.RoleVendor, f.importer)
		vendorB := e.key(models.RoleVendor, f.retailer)
		pending := e.do(http.MethodPost, "/v1/models", vendorA, map[string]any{"brand": "Secretbrand", "model_number": "HIDDEN-900", "kind": "ip"}).
			want(http.StatusCreated).str("id")
		post := e.do(http.MethodPost, "/v1/models", vendorB, map[string]any{"brand": "Secretbrand", "model_number": "HIDDEN-900", "kind": "ip"}).
			want(http.StatusConflict).str("detail")

		for _, dry := range []string{"true", "false"} {
			csv := []byte("brand,model_number,kind\nSecretbrand,HIDDEN-900,ip\n")
			loc := e.upload(vendorB, map[string]string{"entity": "models", "dry_run": dry}, "m.csv", csv).want(http.StatusAccepted).Header().Get("Location")
			e.waitJob(vendorB, loc)
			rep := e.do(http.MethodGet, loc, vendorB, nil).want(http.StatusOK).Body.String()
			if strings.Contains(rep, pending) || !strings.Contains(rep, post) {
				t.Errorf("dry_run=%s: the report names the pending id, or says other than POST (%q): %s", dry, post, rep)
			}
		}
		m := e.do(http.MethodGet, "/v1/models/"+pending, vendorA, nil).want(http.StatusOK).json()
		if m["registrant_org_id"] != f.importer || m["version"] != float64(1) {
			t.Errorf("the pending model changed: %v", m)
		}
	})
}

// The red team's pass of 2026-12-07: GET /v1/certificates, /v1/warnings and
// /v1/origin-certificates filtered by model=<another's pending model's id>
// answered the documents that name it (with the link left out), where an id
// that names nothing answers none: the filter told that the id exists, and
// which public documents cover or warn about it. It is now answered as an
// id that names nothing, to those who may not see the model.
func TestFilterByAPendingModelIsAnIDThatNamesNothing(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendorA, pending, _, _, _ := documentsNamingAPendingModel(e, f, "FILT")
		random := "0190a000-0000-7000-8000-00000000beef"
		for _, c := range viewersOfAPendingModel(e, f, vendorA) {
			for _, coll := range []string{"certificates", "warnings", "origin-certificates", "listings"} {
				got := e.do(http.MethodGet, "/v1/"+coll+"?model="+pending, c.key, nil).want(http.StatusOK).json()
				none := e.do(http.MethodGet, "/v1/"+coll+"?model="+random, c.key, nil).want(http.StatusOK).json()
				n := len(got["items"].([]any))
				if len(none["items"].([]any)) != 0 || (n > 0) != (c.sees && coll != "listings") {
					t.Errorf("%s: /v1/%s?model=<pending> answered %d items, a random id %d", c.who, coll, n, len(none["items"].([]any)))
				}
			}
		}
	})
}

// documentsNamingAPendingModel registers a pending model under a vendor key
// of f.importer and records a certificate, a warning and a C/O that each
// name it beside f.model2; tag keeps their numbers apart between tests.
func documentsNamingAPendingModel(e *testEnv, f fixture, tag string) (vendorA, pending, cert, warning, origin string) {
	vendorA = e.key(models.RoleVendor, f.importer)
	pending = e.do(http.MethodPost, "/v1/models", vendorA, map[string]any{"brand": "Secretbrand", "model_number": "HIDDEN-" + tag, "kind": "ip"}).
		want(http.StatusCreated).str("id")
	cert = e.create("certificates", map[string]any{"number": "QCVN135-" + tag + "-1", "standard_code": "QCVN 135:2024/BTTTT",
		"certification_body_org_id": f.body, "method": 5, "holder_org_id": f.importer, "issued_on": "2025-03-01",
		"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})
	warning = e.create("warnings", map[string]any{"authority_org_id": f.authority, "reference": tag + "/CATTT", "title": "t",
		"severity": "low", "issued_on": "2025-04-10", "measure": "update_firmware",
		"affected": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})
	origin = e.create("origin-certificates", map[string]any{"number": "E25" + tag, "form": "E", "issuer": "CCPIT",
		"exporting_country": "CN", "issued_on": "2025-09-12", "camera_model_ids": []string{f.model2, pending}})
	return vendorA, pending, cert, warning, origin
}

// viewerOfAPendingModel is a key and whether it may see a pending model.
type viewerOfAPendingModel struct {
	who  string
	key  string
	sees bool
}

// viewersOfAPendingModel: only its registrant and an admin may see it.
func viewersOfAPendingModel(e *testEnv, f fixture, registrant string) []viewerOfAPendingModel {
	return []viewerOfAPendingModel{
		{"public", "", false},
		{"another vendor", e.key(models.RoleVendor, f.retailer), false},
		{"procurement", e.key(models.RoleProcurement, ""), false},
		{"its registrant", registrant, true},
		{"admin", e.admin, true},
	}
}
