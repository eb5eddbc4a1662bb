package models_test

import (
	"slices"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestModelCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m := mustCreateModel(t, st, " Hikvision ", "DS-2CD1023G0E-I")
		if m.Brand != "Hikvision" || m.BrandKey != "hikvision" || m.ModelNumber != "DS-2CD1023G0E-I" || m.ModelKey != "ds2cd1023g0ei" {
			t.Errorf("keys: %+v", m)
		}
		if m.Kind != "ip" || m.Status != models.ModelPending || m.FirmwareVersions == nil || len(m.FirmwareVersions) != 0 || m.RegistrantOrgID != nil || m.Version != 1 {
			t.Errorf("defaults: %+v", m)
		}
		wantEvent(t, st, models.ActionCreate, "camera_model", m.ID)

		org := mustCreateTrader(t, st, "Hikvision Việt Nam")
		full, err := st.CreateModel(ctx, admin, models.ModelInput{
			Brand: ptr("Dahua"), ModelNumber: ptr("IPC-HFW1230S-S5"), Name: ptr("Camera IP thân trụ 2MP"),
			Kind: ptr("ip"), HSCode: ptr("8525.89.10"), OriginCountry: ptr("cn"),
			FirmwareVersions: &[]string{" V2.800.0000000.5.R ", "V2.820.0000000.3.R"},
			RegistrantOrgID:  &org.ID, Status: ptr(models.ModelVerified),
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.GetModel(ctx, full.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OriginCountry != "CN" || got.HSCode != "8525.89.10" || got.Status != models.ModelVerified ||
			!slices.Equal(got.FirmwareVersions, []string{"V2.800.0000000.5.R", "V2.820.0000000.3.R"}) ||
			got.RegistrantOrgID == nil || *got.RegistrantOrgID != org.ID || got.Name != "Camera IP thân trụ 2MP" {
			t.Errorf("stored %+v", got)
		}
		if _, err := st.GetModel(ctx, "0190a000-0000-7000-8000-00000000dead"); !isKind(err, models.ErrNotFound) {
			t.Errorf("get missing: %v", err)
		}
	})
}

func TestModelValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   models.ModelInput
		want []string
	}{
		{"nothing", models.ModelInput{}, []string{"brand", "model_number"}},
		{"every field wrong", models.ModelInput{
			Brand: ptr("  "), ModelNumber: ptr("--/--"), Kind: ptr("spaceship"), HSCode: ptr("85x"),
			OriginCountry: ptr("ZZ"), FirmwareVersions: &[]string{"1.0", " "}, RegistrantOrgID: ptr("acme"),
			Status: ptr("approved"), Name: ptr(longString(301)),
		}, []string{"brand", "model_number", "kind", "hs_code", "origin_country", "firmware_versions[1]", "registrant_org_id", "status", "name"}},
		{"brand of punctuation", models.ModelInput{Brand: ptr("***"), ModelNumber: ptr("C6N")}, []string{"brand"}},
		{"registrant missing", models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr("IPC-A22EP"), RegistrantOrgID: ptr("0190a000-0000-7000-8000-00000000dead")}, []string{"registrant_org_id"}},
		{"registrant missing and kind wrong", models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr("IPC-A22EP"), Kind: ptr("x"), RegistrantOrgID: ptr("0190a000-0000-7000-8000-00000000dead")}, []string{"registrant_org_id", "kind"}},
		{"hs code too deep", models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr("IPC-A22EP"), HSCode: ptr("8525.89.10.00.00")}, []string{"hs_code"}},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		mustCreateModel(t, st, "Imou", "IPC-A22EP-0") // a row and an event to keep
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := unchanged(t, st, func() error {
					_, err := st.CreateModel(t.Context(), admin, tc.in)
					return err
				})
				wantInvalid(t, err, tc.want...)
			})
		}
	})
}

func TestModelKeyConflict(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		for _, tc := range []struct{ brand, number string }{
			{"Hikvision", "DS-2CD1023G0E-I"},
			{"Hikvision", "ds2cd1023g0ei"},
			{"HIKVISION ", "DS 2CD1023G0E I"},
			{"Hik-vision", "ds-2cd-1023-g0e-i"},
		} {
			err := unchanged(t, st, func() error {
				_, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr(tc.brand), ModelNumber: ptr(tc.number)})
				return err
			})
			wantErr(t, err, models.ErrConflict)
		}
		// The same number under another brand is another model; O and 0
		// are different characters.
		mustCreateModel(t, st, "Dahua", "DS-2CD1023G0E-I")
		other := mustCreateModel(t, st, "Hikvision", "DS-2CD1023GOE-I")

		before, _ := st.GetModel(ctx, other.ID)
		err := unchanged(t, st, func() error {
			_, err := st.UpdateModel(ctx, admin, other.ID, models.ModelInput{ModelNumber: ptr("ds2cd1023g0ei")}, nil)
			return err
		})
		wantErr(t, err, models.ErrConflict)
		if !strings.Contains(err.Error(), "ds2cd1023g0ei") {
			t.Errorf("conflict message %q does not name the model key", err)
		}
		sameRow(t, before, func() (*models.Model, error) { return st.GetModel(ctx, other.ID) })
		if _, err := st.GetModel(ctx, m.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestModelUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m := mustCreateModel(t, st, "TP-Link", "Tapo C200")
		get := func() (*models.Model, error) { return st.GetModel(ctx, m.ID) }
		org := mustCreateTrader(t, st, "TP-Link Việt Nam")

		// An empty firmware list is no change to a model without firmware.
		n0 := countRows(t, st, "events")
		if same, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{FirmwareVersions: &[]string{}}, ptr(1)); err != nil || same.Version != 1 || countRows(t, st, "events") != n0 {
			t.Errorf("no-op update with an empty firmware list: %+v %v, events %d → %d", same, err, n0, countRows(t, st, "events"))
		}

		u, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{FirmwareVersions: &[]string{"1.1.16", "1.3.4"}, Status: ptr(models.ModelVerified), RegistrantOrgID: &org.ID}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Status != models.ModelVerified || len(u.FirmwareVersions) != 2 || u.ModelKey != "tapoc200" {
			t.Errorf("updated %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "camera_model", m.ID)
		wantChanged(t, e, "firmware_versions", "status", "registrant_org_id")
		wantChange(t, e, "firmware_versions", `[]`, `["1.1.16","1.3.4"]`)
		wantChange(t, e, "registrant_org_id", `null`, `"`+org.ID+`"`)
		stored, _ := get()
		if stored.Version != 2 || !slices.Equal(stored.FirmwareVersions, []string{"1.1.16", "1.3.4"}) {
			t.Errorf("stored %+v", stored)
		}

		// Renumbering moves the key.
		u, err = st.UpdateModel(ctx, admin, m.ID, models.ModelInput{ModelNumber: ptr("Tapo C200 V2")}, ptr(2))
		if err != nil || u.ModelKey != "tapoc200v2" || u.Version != 3 {
			t.Fatalf("renumber: %+v %v", u, err)
		}
		wantChanged(t, lastEvent(t, st), "model_number", "model_key")
		stored, _ = get()

		n := countRows(t, st, "events")
		same, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{Brand: ptr("TP-Link"), FirmwareVersions: &[]string{"1.1.16", "1.3.4"}, Kind: ptr("ip")}, ptr(3))
		if err != nil || same.Version != 3 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: %+v %v, events %d → %d", same, err, n, countRows(t, st, "events"))
		}
		sameRow(t, stored, get)

		err = unchanged(t, st, func() error {
			_, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{Kind: ptr("robot"), OriginCountry: ptr("XX"), RegistrantOrgID: ptr("0190a000-0000-7000-8000-00000000dead")}, nil)
			return err
		})
		wantInvalid(t, err, "kind", "origin_country", "registrant_org_id")
		sameRow(t, stored, get)

		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{Name: ptr("late")}, ptr(2))
			return err
		}), models.ErrPrecondition)
		sameRow(t, stored, get)

		// The registrant can be removed.
		u, err = st.UpdateModel(ctx, admin, m.ID, models.ModelInput{RegistrantOrgID: ptr("")}, nil)
		if err != nil || u.RegistrantOrgID != nil {
			t.Errorf("clear registrant: %+v %v", u, err)
		}
		_, err = st.UpdateModel(ctx, admin, "0190a000-0000-7000-8000-00000000dead", models.ModelInput{Name: ptr("x")}, nil)
		wantErr(t, err, models.ErrNotFound)
	})
}

func TestModelDelete(t *testing.T) {
	t.Parallel()
	refs := []struct {
		name string
		ref  func(t *testing.T, st *models.Store, m *models.Model)
	}{
		{"certificate", func(t *testing.T, st *models.Store, m *models.Model) {
			mustCreateCert(t, st, certInput("HQ-"+m.ID, mustCreateBody(t, st).ID, mustCreateTrader(t, st, "Holder").ID, m.ID))
		}},
		{"warning", func(t *testing.T, st *models.Store, m *models.Model) {
			mustCreateWarning(t, st, warningInput("W-"+m.ID, mustCreateAuthority(t, st).ID, m.ID))
		}},
		{"certificate of origin", func(t *testing.T, st *models.Store, m *models.Model) {
			if _, err := st.CreateOriginCertificate(t.Context(), admin, originInput("O-"+m.ID, m.ID, nil)); err != nil {
				t.Fatal(err)
			}
		}},
		{"listing", func(t *testing.T, st *models.Store, m *models.Model) {
			tr := mustCreateTrader(t, st, "Shop")
			mustCreateListing(t, st, models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("online"), URL: ptr("https://shopee.vn/x")})
		}},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m := mustCreateModel(t, st, "Ebitcam", "EBF2")
		wantErr(t, unchanged(t, st, func() error { return st.DeleteModel(ctx, admin, m.ID, ptr(7)) }), models.ErrPrecondition)
		if err := st.DeleteModel(ctx, admin, m.ID, ptr(1)); err != nil {
			t.Fatal(err)
		}
		wantEvent(t, st, models.ActionDelete, "camera_model", m.ID)
		if _, err := st.GetModel(ctx, m.ID); !isKind(err, models.ErrNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		wantErr(t, st.DeleteModel(ctx, admin, m.ID, nil), models.ErrNotFound)
		// The key is free again.
		mustCreateModel(t, st, "Ebitcam", "EBF2")

		for i, r := range refs {
			t.Run(r.name, func(t *testing.T) {
				m := mustCreateModel(t, st, "Ebitcam", "EBF"+string(rune('a'+i)))
				r.ref(t, st, m)
				wantErr(t, unchanged(t, st, func() error { return st.DeleteModel(ctx, admin, m.ID, nil) }), models.ErrConflict)
				if _, err := st.GetModel(ctx, m.ID); err != nil {
					t.Errorf("referenced model is gone: %v", err)
				}
			})
		}
	})
}

func TestFindModels(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		org := mustCreateTrader(t, st, "Registrant")
		h1 := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		h2, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("HIKVISION"), ModelNumber: ptr("DS-2CD1043G0-I"), Kind: ptr("ptz"), OriginCountry: ptr("CN"), RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		h3 := mustCreateModel(t, st, "Hikvision", "DS-7104NI-Q1")
		vn, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Việt Đức Camera"), ModelNumber: ptr("VD-100"), OriginCountry: ptr("VN")})
		if err != nil {
			t.Fatal(err)
		}
		dh := mustCreateModel(t, st, "Dahua", "DS-2CD1023")

		find := func(f models.ModelFilter) []string {
			t.Helper()
			page, err := st.FindModels(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "brand", find(models.ModelFilter{Brand: "hikvision"}), h1.ID, h2.ID, h3.ID)
		wantIDs(t, "brand in capitals with spaces", find(models.ModelFilter{Brand: " HIK VISION "}), h1.ID, h2.ID, h3.ID)
		wantIDs(t, "brand without diacritics", find(models.ModelFilter{Brand: "viet duc camera"}), vn.ID)
		wantIDs(t, "brand with diacritics", find(models.ModelFilter{Brand: "VIỆT ĐỨC CAMERA"}), vn.ID)
		wantIDs(t, "model prefix with dash", find(models.ModelFilter{Model: "ds-2cd"}), h1.ID, h2.ID, dh.ID)
		wantIDs(t, "model prefix and brand", find(models.ModelFilter{Model: "DS2CD10", Brand: "Hikvision"}), h1.ID, h2.ID)
		wantIDs(t, "model prefix is a prefix", find(models.ModelFilter{Model: "2cd1023"}))
		wantIDs(t, "whole model number", find(models.ModelFilter{Model: "ds2cd1023g0ei"}), h1.ID)
		wantIDs(t, "kind", find(models.ModelFilter{Kind: "ptz"}), h2.ID)
		wantIDs(t, "status", find(models.ModelFilter{Status: models.ModelVerified}), h2.ID)
		wantIDs(t, "origin country in lower case", find(models.ModelFilter{OriginCountry: "cn"}), h2.ID)
		wantIDs(t, "registrant", find(models.ModelFilter{RegistrantOrgID: org.ID}), h2.ID)
		wantIDs(t, "unknown brand", find(models.ModelFilter{Brand: "Axis"}))

		_, err = st.FindModels(ctx, models.ModelFilter{Kind: "robot", Status: "approved", OriginCountry: "XX"}, models.PageRequest{})
		wantInvalid(t, err, "kind", "status", "origin_country")
		_, err = st.FindModels(ctx, models.ModelFilter{}, models.PageRequest{Limit: 501})
		wantInvalid(t, err, "limit")

		got := walk(t, 2, func(p models.PageRequest) (models.Page[models.Model], error) {
			return st.FindModels(ctx, models.ModelFilter{Model: "ds"}, p)
		})
		wantIDs(t, "walk", got, h1.ID, h2.ID, h3.ID, dh.ID)
	})
}
