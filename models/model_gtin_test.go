package models_test

import (
	"errors"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestModelGTINs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1023G0E-I"),
			Status: ptr(models.ModelVerified), GTINs: &[]string{"8936012345674", "036000291452", "08936012345674"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"08936012345674", "00036000291452"}; !slices.Equal(m.GTINs, want) {
			t.Errorf("gtins %v, want %v (14 digits, no repeats)", m.GTINs, want)
		}
		got, err := st.ModelByGTIN(ctx, "36000291452") // 11 digits: not a GTIN
		if !errors.Is(err, models.ErrInvalid) {
			t.Errorf("11 digits: %v %v", got, err)
		}
		if got, err := st.ModelByGTIN(ctx, "036000291452"); err != nil || got.ID != m.ID {
			t.Errorf("by UPC-A: %v %v", got, err)
		}
		// A bad check digit is refused, naming the field.
		_, err = st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Dahua"), ModelNumber: ptr("IPC-HFW1230S-S5"), GTINs: &[]string{"8936012345675"}})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != "gtins[0]" {
			t.Errorf("bad check digit: %v", err)
		}
		// A GTIN belongs to one model only.
		other, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Dahua"), ModelNumber: ptr("IPC-HFW1230S-S5"), GTINs: &[]string{"4006381333931"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateModel(ctx, admin, other.ID, models.ModelInput{GTINs: &[]string{"8936012345674"}}, nil); !errors.Is(err, models.ErrConflict) {
			t.Errorf("another model's GTIN: %v", err)
		}
		if _, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr("C22EP"), GTINs: &[]string{"4006381333931"}}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("a new model with a taken GTIN: %v", err)
		}
		// PATCH replaces the list; the old GTIN is free again.
		if _, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{GTINs: &[]string{"96385074"}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ModelByGTIN(ctx, "8936012345674"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a dropped GTIN still finds: %v", err)
		}
		if _, err := st.UpdateModel(ctx, admin, other.ID, models.ModelInput{GTINs: &[]string{"8936012345674"}}, nil); err != nil {
			t.Errorf("a freed GTIN: %v", err)
		}
		// Verify queries by GTIN become the model's number and brand.
		qs := []models.VerifyQuery{{}, {Model: "typed"}, {Model: "kept"}}
		if err := st.WithGTINs(ctx, qs, []string{"00000096385074", "4006381333931", ""}, func(int) string { return "gtin" }); err != nil {
			t.Fatal(err)
		}
		if qs[0].Model != "DS-2CD1023G0E-I" || qs[0].Brand != "Hikvision" || qs[1].Model != "typed" || qs[2].Model != "kept" {
			t.Errorf("queries %+v", qs)
		}
		// Deleting a model frees its GTINs.
		if err := st.DeleteModel(ctx, admin, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ModelByGTIN(ctx, "96385074"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a deleted model's GTIN: %v", err)
		}
	})
}
