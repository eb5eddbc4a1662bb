package api

import (
	"net/http"
	"slices"
	"testing"

	"camreg/models"
)

// linkedIDs reads the model ids a certificate, C/O or warning answer links.
func linkedIDs(t *testing.T, body map[string]any) []string {
	t.Helper()
	var ids []string
	for _, list := range []string{"models", "affected"} {
		items, _ := body[list].([]any)
		for _, it := range items {
			ids = append(ids, it.(map[string]any)["camera_model_id"].(string))
		}
	}
	if raw, ok := body["camera_model_ids"].([]any); ok && len(ids) == 0 {
		for _, id := range raw {
			ids = append(ids, id.(string))
		}
	}
	slices.Sort(ids)
	return ids
}

func TestEveryModelLinkTakesBothShapes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		certifier := e.key(models.RoleCertifier, f.body)
		vendor := e.key(models.RoleVendor, f.importer)
		authority := e.key(models.RoleAuthority, f.authority)
		want := []string{f.model, f.model2}
		slices.Sort(want)
		cert := func(number string) map[string]any {
			return map[string]any{"number": number, "standard_code": "QCVN 135:2024/BTTTT", "method": 5,
				"holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2028-02-29"}
		}
		with := func(b map[string]any, kv ...any) map[string]any {
			for i := 0; i+1 < len(kv); i += 2 {
				b[kv[i].(string)] = kv[i+1]
			}
			return b
		}
		ids := []string{f.model, f.model2}
		pair := []map[string]any{{"camera_model_id": f.model}, {"camera_model_id": f.model2}}

		// Certificates: models (the old form) and camera_model_ids.
		r := e.do("POST", "/v1/certificates", certifier, with(cert("LINK-1"), "camera_model_ids", ids)).want(201)
		if got := linkedIDs(t, r.json()); !slices.Equal(got, want) {
			t.Errorf("certificate by camera_model_ids links %v, want %v", got, want)
		}
		e.do("POST", "/v1/certificates", certifier, with(cert("LINK-2"), "models", pair)).want(201)
		// Every role that records certificates takes the shorthand.
		e.do("POST", "/v1/certificates", e.admin, with(cert("LINK-4"), "camera_model_ids", ids, "certification_body_org_id", f.body)).want(201)
		v := e.do("POST", "/v1/certificates", vendor, with(cert("LINK-5"), "camera_model_ids", ids, "certification_body_org_id", f.body)).want(201)
		if got := linkedIDs(t, v.json()); !slices.Equal(got, want) {
			t.Errorf("a vendor's certificate by camera_model_ids links %v, want %v", got, want)
		}
		before := e.eventCount()
		fields := e.do("POST", "/v1/certificates", certifier, with(cert("LINK-3"), "models", pair, "camera_model_ids", ids)).
			want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Contains(fields, "camera_model_ids") {
			t.Errorf("both shapes at once: fields %v", fields)
		}
		if e.eventCount() != before {
			t.Error("a refused certificate wrote an event")
		}
		id := r.str("id")
		p := e.do("PATCH", "/v1/certificates/"+id, certifier, map[string]any{"camera_model_ids": []string{f.model2}}).want(200)
		if got := linkedIDs(t, p.json()); !slices.Equal(got, []string{f.model2}) {
			t.Errorf("PATCH by camera_model_ids links %v", got)
		}

		// Certificates of origin: camera_model_ids (the old form) and models, without firmware.
		co := func(number string) map[string]any {
			return map[string]any{"number": number, "form": "E", "issuer": "CCPIT", "exporting_country": "CN", "issued_on": "2025-09-12"}
		}
		r = e.do("POST", "/v1/origin-certificates", vendor, with(co("E25LINK1"), "models", pair)).want(201)
		if got := linkedIDs(t, r.json()); !slices.Equal(got, want) {
			t.Errorf("C/O by models links %v, want %v", got, want)
		}
		e.do("POST", "/v1/origin-certificates", e.admin, with(co("E25LINK2"), "camera_model_ids", ids, "holder_org_id", f.importer)).want(201)
		fields = e.do("POST", "/v1/origin-certificates", vendor, with(co("E25LINK3"), "models",
			[]map[string]any{{"camera_model_id": f.model, "firmware": "V5.7"}})).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Contains(fields, "models") {
			t.Errorf("a C/O model with firmware: fields %v", fields)
		}
		e.do("POST", "/v1/origin-certificates", vendor, with(co("E25LINK4"), "models", pair, "camera_model_ids", ids)).
			want(http.StatusUnprocessableEntity)

		// Warnings: affected (the old form), models and camera_model_ids.
		warning := func(ref string) map[string]any {
			return map[string]any{"reference": ref, "title": "Lỗ hổng", "severity": "high", "issued_on": "2025-04-10", "measure": "update_firmware"}
		}
		r = e.do("POST", "/v1/warnings", authority, with(warning("W-1"), "camera_model_ids", ids)).want(201)
		if got := linkedIDs(t, r.json()); !slices.Equal(got, want) {
			t.Errorf("warning by camera_model_ids affects %v, want %v", got, want)
		}
		r = e.do("POST", "/v1/warnings", authority, with(warning("W-2"), "models", pair)).want(201)
		if got := linkedIDs(t, r.json()); !slices.Equal(got, want) {
			t.Errorf("warning by models affects %v, want %v", got, want)
		}
		fields = e.do("POST", "/v1/warnings", authority, with(warning("W-3"), "camera_model_ids", ids,
			"affected", []map[string]any{{"camera_model_id": f.model, "fixed_in": "V5.5.800"}})).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Contains(fields, "affected") {
			t.Errorf("affected and camera_model_ids at once: fields %v", fields)
		}
		e.do("POST", "/v1/warnings", authority, with(warning("W-4"), "models",
			[]map[string]any{{"camera_model_id": f.model, "firmware": "V1"}})).want(http.StatusUnprocessableEntity)
	})
}

func TestAFieldTheKeyImpliesIsAcceptedOnlyAsItsOwnOrganization(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		certifier := e.key(models.RoleCertifier, f.body)
		authority := e.key(models.RoleAuthority, f.authority)
		otherBody := e.create("organizations", map[string]any{"name": "Quatest 3", "kind": "certification_body"})
		otherAuthority := e.create("organizations", map[string]any{"name": "Cục Viễn thông", "kind": "authority"})
		cases := []struct {
			name, key, collection, field, own, other string
			body                                     map[string]any
		}{
			{"vendor's model", vendor, "models", "registrant_org_id", f.importer, f.retailer,
				map[string]any{"brand": "Ezviz", "model_number": "CS-H6C-%s", "kind": "wifi"}},
			{"vendor's listing", vendor, "listings", "trader_org_id", f.importer, f.retailer,
				map[string]any{"camera_model_id": f.model, "channel": "online", "url": "https://shop.example.vn/%s", "price_vnd": 500000}},
			{"vendor's certificate", vendor, "certificates", "holder_org_id", f.importer, f.retailer,
				map[string]any{"number": "V-%s", "standard_code": "QCVN 135:2024/BTTTT", "method": 5, "certification_body_org_id": f.body,
					"issued_on": "2025-03-01", "expires_on": "2028-02-29", "camera_model_ids": []string{f.model}}},
			{"vendor's C/O", vendor, "origin-certificates", "holder_org_id", f.importer, f.retailer,
				map[string]any{"number": "E-%s", "form": "E", "issuer": "CCPIT", "exporting_country": "CN", "issued_on": "2025-09-12",
					"camera_model_ids": []string{f.model}}},
			{"certifier's certificate", certifier, "certificates", "certification_body_org_id", f.body, otherBody,
				map[string]any{"number": "C-%s", "standard_code": "QCVN 135:2024/BTTTT", "method": 5, "holder_org_id": f.importer,
					"issued_on": "2025-03-01", "expires_on": "2028-02-29", "camera_model_ids": []string{f.model}}},
			{"authority's warning", authority, "warnings", "authority_org_id", f.authority, otherAuthority,
				map[string]any{"reference": "R-%s", "title": "Cảnh báo", "severity": "low", "issued_on": "2025-04-10",
					"measure": "update_firmware", "camera_model_ids": []string{f.model}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := e.with(t)
				body := func(tag string, field any) map[string]any {
					b := map[string]any{}
					for k, v := range c.body {
						if s, ok := v.(string); ok && len(s) > 2 && s[len(s)-2:] == "%s" {
							v = s[:len(s)-2] + tag
						}
						b[k] = v
					}
					if field != nil {
						b[c.field] = field
					}
					return b
				}
				// Its own organization: accepted, and the same as leaving it out.
				r := e.do("POST", "/v1/"+c.collection, c.key, body("own", c.own)).want(http.StatusCreated)
				if got := r.json()[c.field]; got != c.own {
					t.Errorf("%s = %v, want %s", c.field, got, c.own)
				}
				e.do("POST", "/v1/"+c.collection, c.key, body("omitted", nil)).want(http.StatusCreated)
				// PATCH with its own value changes nothing of it.
				e.do("PATCH", "/v1/"+c.collection+"/"+r.str("id"), c.key, map[string]any{c.field: c.own}).want(http.StatusOK)
				// Another organization: 403, and nothing is written.
				before := e.eventCount()
				e.do("POST", "/v1/"+c.collection, c.key, body("other", c.other)).want(http.StatusForbidden).problemFields()
				e.do("PATCH", "/v1/"+c.collection+"/"+r.str("id"), c.key, map[string]any{c.field: c.other}).want(http.StatusForbidden)
				if e.eventCount() != before {
					t.Error("a refused write wrote an event")
				}
				// Given twice, even as its own, it is refused like any repeated key.
				twice := `{"` + c.field + `": "` + c.own + `", "` + c.field + `": "` + c.own + `"}`
				e.do("PATCH", "/v1/"+c.collection+"/"+r.str("id"), c.key, twice).want(http.StatusUnprocessableEntity)
				// An admin names any organization.
				e.do("POST", "/v1/"+c.collection, e.admin, body("admin", c.other)).want(http.StatusCreated)
			})
		}
	})
}

func TestAnAdminsModelIsVerifiedUnlessItSaysPending(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		for _, c := range []struct {
			key  string
			body map[string]any
			want string
		}{
			{e.admin, map[string]any{"brand": "Imou", "model_number": "IPC-A1"}, "verified"},
			{e.admin, map[string]any{"brand": "Imou", "model_number": "IPC-A2", "status": "pending"}, "pending"},
			{e.admin, map[string]any{"brand": "Imou", "model_number": "IPC-A3", "status": "verified"}, "verified"},
			{vendor, map[string]any{"brand": "Imou", "model_number": "IPC-A4"}, "pending"},
		} {
			if got := e.do("POST", "/v1/models", c.key, c.body).want(http.StatusCreated).str("status"); got != c.want {
				t.Errorf("%v: status %q, want %q", c.body, got, c.want)
			}
		}
		// The public finds the admin's model at once (the README's first example).
		list := e.do("GET", "/v1/models?model=IPC-A1", "", nil).want(http.StatusOK).json()
		if items, _ := list["items"].([]any); len(items) != 1 {
			t.Errorf("the public does not see the admin's new model: %v", list)
		}
	})
}
