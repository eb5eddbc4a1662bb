package api

import (
	"net/http"
	"slices"
	"testing"

	"camreg/models"
)

// TestDecoyUnderLookalikeBrandIsRefused: a model registered under a brand
// that only a sign read as letters (™, ℠) or the characters people confuse
// (0 for O, 1 for I) tell apart from the brand of a verified model with the
// same (or a confusable) model number is refused, through the API and an
// import (the red team's pass of 2026-12-07 registered "Hikvision™" and
// "HIKVISI0N" DS-2CD1023G0E-I beside the real one: once verified, either
// was the exact match of a query typed from the decoy's label). A real
// other brand with the same model number is still taken.
func TestDecoyUnderLookalikeBrandIsRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.retailer)
		for _, m := range []map[string]any{
			{"brand": "Hikvision™", "model_number": "DS-2CD1023G0E-I"},
			{"brand": "Hikvision℠", "model_number": "DS-2CD1023G0E-I"},
			{"brand": "HIKVISI0N", "model_number": "DS-2CD1023G0E-I"},
			{"brand": "H1KVISION", "model_number": "ds2cd1023g0ei"},
			{"brand": "HIKVISI0N", "model_number": "DS-2CD1O23G0E-I"},
			{"brand": "Dahua", "model_number": "IPC-HFW1230S-S5™"},
			{"brand": "Dahua", "model_number": "IPC-HFW١٢٣٠S"},
			{"brand": "Dahua", "model_number": "IPC-HFW१२३०S"},
		} {
			for _, key := range []string{vendor, e.admin} {
				fields := e.do(http.MethodPost, "/v1/models", key, m).want(http.StatusUnprocessableEntity).problemFields()
				if want := "brand"; m["brand"] == "Dahua" {
					want = "model_number"
					if !slices.Equal(fields, []string{want}) {
						t.Errorf("%v: fields %v", m, fields)
					}
				} else if !slices.Equal(fields, []string{want}) {
					t.Errorf("%v: fields %v", m, fields)
				}
			}
		}
		// Full-width and mathematical digits are the ASCII ones: the real model (409).
		for _, n := range []string{"DS-２CD1023G0E-I", "DS-𝟐CD1023G0E-I"} {
			e.do(http.MethodPost, "/v1/models", e.admin, map[string]any{"brand": "Hikvision", "model_number": n}).want(http.StatusConflict)
		}
		// A real brand of its own, the same number: taken (pending).
		e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": "Tiandy", "model_number": "DS-2CD1023G0E-I"}).want(http.StatusCreated)
		// A decoy registered while the real model waited is refused when an
		// admin verifies it after the real one.
		early := e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": "Tiandy", "model_number": "TC-C32QN"}).want(http.StatusCreated).str("id")
		decoy := e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": "T1ANDY", "model_number": "TC-C32QN"}).want(http.StatusCreated).str("id")
		e.do(http.MethodPatch, "/v1/models/"+early, e.admin, map[string]any{"status": "verified"}).want(http.StatusOK)
		fields := e.do(http.MethodPatch, "/v1/models/"+decoy, e.admin, map[string]any{"status": "verified"}).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"brand"}) {
			t.Errorf("verifying the decoy: fields %v", fields)
		}
		// Renaming a model into the lookalike is refused too.
		fields = e.do(http.MethodPatch, "/v1/models/"+f.model2, e.admin, map[string]any{"brand": "HIKVISI0N", "model_number": "DS-2CD1023G0E-I"}).
			want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"brand"}) {
			t.Errorf("rename: fields %v", fields)
		}
		// An import's row likewise.
		j := e.waitJob(e.admin, e.upload(e.admin, map[string]string{"entity": "models", "skip_invalid": "true"}, "m.csv",
			[]byte("brand,model_number\nHIKVISI0N,DS-2CD1023G0E-I\nAxis,M3086-V\nH1KVISION,ds2cd1O23g0ei\nUniview,DS-2CD1023G0E-I\n")).want(http.StatusAccepted).Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 2 || j.Invalid != 2 || len(j.Errors) != 2 || j.Errors[0].Errors[0].Field != "brand" || j.Errors[1].Errors[0].Field != "brand" {
			t.Errorf("import: %+v", j)
		}
	})
}
