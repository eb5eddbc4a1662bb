package api

import (
	"net/http"
	"slices"
	"testing"

	"camreg/models"
)

func TestGTINsOnModelsAndVerify(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		// A registrant sets its model's GTINs; they come back as 14 digits.
		_, vendorKey, err := e.store.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: models.RoleVendor, OrgID: k.f.importer})
		if err != nil {
			t.Fatal(err)
		}
		m := e.do(http.MethodPatch, "/v1/models/"+k.f.model, vendorKey, map[string]any{"gtins": []string{"8936012345674"}}).want(http.StatusOK).json()
		if g := m["gtins"].([]any); len(g) != 1 || g[0] != "08936012345674" {
			t.Fatalf("gtins %v", m["gtins"])
		}
		fields := e.do(http.MethodPatch, "/v1/models/"+k.f.model2, e.admin, map[string]any{"gtins": []string{"8936012345675"}}).want(http.StatusUnprocessableEntity).problemFields()
		if len(fields) != 1 || fields[0] != "gtins[0]" {
			t.Errorf("bad check digit: %v", fields)
		}
		e.do(http.MethodPatch, "/v1/models/"+k.f.model2, e.admin, map[string]any{"gtins": []string{"8936012345674"}}).want(http.StatusConflict).problemFields()
		// Another vendor may not set them on a model it does not register.
		e.do(http.MethodPatch, "/v1/models/"+k.f.model2, k.otherVendor, map[string]any{"gtins": []string{"4006381333931"}}).want(http.StatusForbidden)

		// Verify by GTIN: the model that lists it, exactly.
		v := e.do(http.MethodGet, "/v1/verify?gtin=8936012345674&at=2026-03-01", "", nil).want(http.StatusOK).json()
		if v["match"] != "exact" || v["model"].(map[string]any)["id"] != k.f.model || v["query"].(map[string]any)["gtin"] != "08936012345674" {
			t.Errorf("verify by GTIN: %v", v)
		}
		if v := e.do(http.MethodGet, "/v1/verify?gtin=4006381333931", "", nil).want(http.StatusOK).json(); v["match"] != "none" {
			t.Errorf("an unknown GTIN: %v", v["match"])
		}
		e.do(http.MethodGet, "/v1/verify?gtin=4006381333932", "", nil).want(http.StatusUnprocessableEntity).problemFields()
		e.do(http.MethodGet, "/v1/verify", "", nil).want(http.StatusUnprocessableEntity)
		bulk := e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": []map[string]any{
			{"gtin": "08936012345674"}, {"model": "IPC-HFW1230S-S5"}}}).want(http.StatusOK).json()["items"].([]any)
		if bulk[0].(map[string]any)["match"] != "exact" || bulk[0].(map[string]any)["model"].(map[string]any)["id"] != k.f.model ||
			bulk[1].(map[string]any)["model"].(map[string]any)["id"] != k.f.model2 {
			t.Errorf("bulk by GTIN: %v", bulk)
		}
		fields = e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": []map[string]any{{"model": "x"}, {"gtin": "123"}}}).
			want(http.StatusUnprocessableEntity).problemFields()
		if len(fields) != 1 || fields[0] != "items[1].gtin" {
			t.Errorf("bulk bad GTIN: %v", fields)
		}

		// An inspection item scanned by GTIN alone.
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{{"gtin": "8936012345674", "quantity": 2}}}).want(http.StatusCreated).json()
		it := insp["items"].([]any)[0].(map[string]any)
		if it["resolution"] != "exact" || it["camera_model_id"] != k.f.model || it["gtin"] != "08936012345674" || it["model"] != "DS-2CD1023G0E-I" {
			t.Errorf("scanned item %v", it)
		}
		// The same GTIN also typed in the model box (the page sent the
		// digits as the model when a box was scanned offline): still the
		// GTIN's model, not "none".
		insp = e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{{"model": "8936012345674", "gtin": "8936012345674"}}}).want(http.StatusCreated).json()
		it = insp["items"].([]any)[0].(map[string]any)
		if it["resolution"] != "exact" || it["camera_model_id"] != k.f.model || it["model"] != "DS-2CD1023G0E-I" {
			t.Errorf("GTIN typed as the model: %v", it)
		}
		if v := e.do(http.MethodGet, "/v1/verify?model=8936012345674&gtin=8936012345674", "", nil).want(http.StatusOK).json(); v["match"] != "exact" {
			t.Errorf("verify with the GTIN as the model: %v", v["match"])
		}
	})
}

// A vendor prints a compliant model's GTIN on another camera's box: verify,
// bulk verify and an inspection's item answer for the number typed off the
// label, with gtin_model_mismatch naming both, and never pass on the GTIN's
// model's certificate.
func TestGTINOfAnotherModelNeverPasses(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		e.do(http.MethodPatch, "/v1/models/"+k.f.model, e.admin, map[string]any{"gtins": []string{"8936012345674"}}).want(http.StatusOK)
		const gtin = "08936012345674"
		check := func(name string, v map[string]any, model, verdict string, mismatch bool) {
			t.Helper()
			id := ""
			if m, ok := v["model"].(map[string]any); ok {
				id = m["id"].(string)
			}
			var found map[string]any
			for _, r := range v["reasons"].([]any) {
				if r := r.(map[string]any); r["code"] == models.ReasonGTINMismatch {
					found = r
				}
			}
			if id != model || v["verdict"] != verdict || (found != nil) != mismatch {
				t.Errorf("%s: model %q verdict %v mismatch %v; want %q %s %v (%v)", name, id, v["verdict"], found != nil, model, verdict, mismatch, v["reasons"])
			}
			if found != nil {
				ev := found["evidence"].(map[string]any)
				if ev["gtin"] != gtin || ev["model_number"] != "DS-2CD1023G0E-I" || ev["brand"] != "Hikvision" || ev["query"] == "" {
					t.Errorf("%s: evidence %v", name, ev)
				}
			}
		}
		get := func(q string) map[string]any {
			return e.do(http.MethodGet, "/v1/verify?at=2026-03-01&firmware=V5.5.800&gtin=8936012345674&"+q, "", nil).want(http.StatusOK).json()
		}
		check("the box's own model", get("model=DS-2CD1023G0E-I&brand=Hikvision"), k.f.model, "compliant", false)
		check("the GTIN alone", get(""), k.f.model, "compliant", false)
		check("another registered model", get("model=IPC-HFW1230S-S5&brand=Dahua"), k.f.model2, "non_compliant", true)
		check("an unregistered model", get("model=ZZ-0000"), "", "unknown", true)

		bulk := e.do(http.MethodPost, "/v1/verify", "", map[string]any{"items": []map[string]any{
			{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "firmware": "V5.5.800", "at": "2026-03-01", "gtin": gtin},
			{"model": "ZZ-0000", "firmware": "V5.5.800", "at": "2026-03-01", "gtin": gtin},
			{"model": "ds2cd1023g0ei", "firmware": "V5.5.800", "at": "2026-03-01", "gtin": gtin},
		}}).want(http.StatusOK).json()["items"].([]any)
		check("bulk, another model", bulk[0].(map[string]any), k.f.model2, "non_compliant", true)
		check("bulk, unregistered", bulk[1].(map[string]any), "", "unknown", true)
		check("bulk, the box's own model", bulk[2].(map[string]any), k.f.model, "compliant", false)

		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{
				{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "firmware": "V5.5.800", "gtin": gtin},
				{"model": "DS-2CD1023G0E-I", "brand": "Hikvision", "firmware": "V5.5.800", "gtin": gtin},
			}}).want(http.StatusCreated).json()
		items := insp["items"].([]any)
		it := items[0].(map[string]any)
		if it["camera_model_id"] != k.f.model2 || it["verdict"] != "non_compliant" || it["model"] != "IPC-HFW1230S-S5" {
			t.Errorf("inspection item, another model's GTIN: %v", it)
		}
		if codes := reasonCodes(it); !slices.Contains(codes, models.ReasonGTINMismatch) {
			t.Errorf("inspection item reasons %s", codes)
		}
		if it := items[1].(map[string]any); it["camera_model_id"] != k.f.model || it["verdict"] != "compliant" {
			t.Errorf("inspection item, its own GTIN: %v", it)
		}
	})
}
