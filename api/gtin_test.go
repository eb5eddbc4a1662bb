package api

import (
	"net/http"
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
	})
}
