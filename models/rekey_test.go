package models_test

import (
	"slices"
	"testing"

	"camreg/fold"
	"camreg/models"
	"camreg/models/testdb"
)

// TestRekeyRowsStoredWithOldKeys writes rows as the registry stored them
// before lookalike letters were folded (a Cyrillic і dropped from the brand
// key, a Cyrillic С dropped from the model key, a zero-width joiner kept in
// a certificate number's key), then recomputes the keys: the lookalikes now
// meet the real rows, and a row whose new key is another's is reported, kept
// as it was, and reported again until it is resolved.
func TestRekeyRowsStoredWithOldKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		exec := func(q string) {
			t.Helper()
			if _, err := st.DB().ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		real := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		cyrBrand := mustCreateModel(t, st, "Hikvision", "DS-2CD2043G2-I")
		exec("UPDATE camera_models SET brand = 'Hіkvision', brand_key = 'hkvision' WHERE id = '" + cyrBrand.ID + "'")
		dup := mustCreateModel(t, st, "Hkvision", "DS-2CD1023G0E-I")
		exec("UPDATE camera_models SET brand = 'Hіkvision' WHERE id = '" + dup.ID + "'")
		cyrModel := mustCreateModel(t, st, "Dahua", "IPC-HFW1230S-S5")
		exec("UPDATE camera_models SET model_number = 'IPС-HFW1230S-S5', model_key = 'iphfw1230ss5', loose_key = '1phfw1230ss5' WHERE id = '" + cyrModel.ID + "'")
		body, holder := mustCreateBody(t, st), mustCreateTrader(t, st, "Công ty TNHH Camera Hà Nội")
		cert := mustCreateCert(t, st, certInput("QCVN135-Q1-0001", body.ID, holder.ID, real.ID))
		exec("UPDATE conformity_certificates SET number = 'QCVN135\u200d-Q1-0001', number_key = 'qcvn135\u200d-q1-0001' WHERE id = '" + cert.ID + "'")

		hikvision := func() []string {
			t.Helper()
			page, err := st.FindModels(ctx, models.ModelFilter{Brand: "Hikvision"}, models.PageRequest{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range page.Items {
				ids = append(ids, m.ID)
			}
			return ids
		}
		if slices.Contains(hikvision(), cyrBrand.ID) {
			t.Fatal("the row with the old key is already found by its brand: the test writes nothing old")
		}

		r, err := st.Rekey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.From != 0 || r.To != fold.KeyVersion {
			t.Fatalf("versions %d → %d", r.From, r.To)
		}
		if r.Changed["camera_models"] != 2 || r.Changed["conformity_certificates"] != 1 || r.Changed["organizations"] != 0 {
			t.Fatalf("changed %v, want 2 models and 1 certificate", r.Changed)
		}
		if len(r.Collisions) != 1 || r.Collisions[0].ID != dup.ID || r.Collisions[0].With != real.ID || !r.Collisions[0].Kept {
			t.Fatalf("collisions %+v, want %s kept against %s", r.Collisions, dup.ID, real.ID)
		}
		if got := hikvision(); !slices.Contains(got, cyrBrand.ID) || slices.Contains(got, dup.ID) {
			t.Fatalf("brand Hikvision lists %v: want the rekeyed %s, not the kept duplicate %s", got, cyrBrand.ID, dup.ID)
		}
		var modelKey, looseKey, numberKey string
		if err := st.DB().QueryRowContext(ctx, "SELECT model_key, loose_key FROM camera_models WHERE id = '"+cyrModel.ID+"'").Scan(&modelKey, &looseKey); err != nil {
			t.Fatal(err)
		}
		if modelKey != "iphfw1230ss5" && modelKey != fold.Key("IPC-HFW1230S-S5") || looseKey != fold.LooseKey("IPC-HFW1230S-S5") {
			t.Fatalf("model key %q, loose key %q", modelKey, looseKey)
		}
		if modelKey != fold.Key("IPC-HFW1230S-S5") {
			t.Fatalf("the Cyrillic С still drops out of the model key: %q", modelKey)
		}
		if err := st.DB().QueryRowContext(ctx, "SELECT number_key FROM conformity_certificates WHERE id = '"+cert.ID+"'").Scan(&numberKey); err != nil {
			t.Fatal(err)
		}
		if numberKey != "qcvn135-q1-0001" {
			t.Fatalf("number key %q", numberKey)
		}

		// Unresolved, the duplicate is reported again on the next run.
		if r, err = st.Rekey(ctx); err != nil || r.From != 0 || len(r.Collisions) != 1 {
			t.Fatalf("second run: %+v, %v", r, err)
		}
		// Resolved (the lookalike registration removed), the keys are of
		// today's version and the next run has nothing to do.
		exec("DELETE FROM camera_models WHERE id = '" + dup.ID + "'")
		if r, err = st.Rekey(ctx); err != nil || len(r.Collisions) != 0 {
			t.Fatalf("third run: %+v, %v", r, err)
		}
		if r, err = st.Rekey(ctx); err != nil || r.From != fold.KeyVersion {
			t.Fatalf("fourth run: %+v, %v", r, err)
		}
	})
}
