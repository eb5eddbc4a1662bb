package models_test

import (
	"errors"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// Issue #14, hole 8: a vendor set origin_country on its own verified model,
// which stayed verified and lost the no_origin_proof reason for everyone.
// A vendor's change to a verified model's verdict-relevant facts is now
// refused, naming them; the model is left as it was. The same edit of a
// pending registration, and an admin's, are allowed.
func TestVendorMayNotChangeVerifiedFacts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		org := mustCreateTrader(t, st, "Công ty Vendor")
		vendor := models.Actor{Role: models.RoleVendor, OrgID: org.ID, Name: "v", Prefix: "vendor000001"}
		m, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr("Acme"), ModelNumber: ptr("V-1"), Kind: ptr("ip"),
			RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			in   models.ModelInput
			want string
		}{
			{models.ModelInput{OriginCountry: ptr("VN")}, "origin_country"},
			{models.ModelInput{Kind: ptr("ptz"), FirmwareVersions: &[]string{"V5.7"}}, "firmware_versions, kind"},
			{models.ModelInput{HSCode: ptr("85258910")}, "hs_code"},
			{models.ModelInput{ModelNumber: ptr("V-1X")}, "model_number"},
			{models.ModelInput{Brand: ptr("Acme Vision"), ModelNumber: ptr("V-2")}, "brand, model_number"},
		}
		for _, c := range cases {
			_, err := st.UpdateModel(t.Context(), vendor, m.ID, c.in, nil)
			if !errors.Is(err, models.ErrForbidden) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v", c.want, err)
			}
		}
		after, _ := st.GetModel(t.Context(), m.ID)
		if after.OriginCountry != "" || after.Kind != "ip" || after.Status != models.ModelVerified || after.Version != m.Version {
			t.Fatalf("the refused changes changed the model: %+v", after)
		}
		// Not verdict-relevant: allowed, and so is the same number written
		// otherwise (its key is unchanged).
		if _, err := st.UpdateModel(t.Context(), vendor, m.ID, models.ModelInput{Name: ptr("Camera V-1"), Kind: ptr("ip"),
			ModelNumber: ptr("v1"), Brand: ptr("ACME")}, nil); err != nil {
			t.Fatalf("name (kind unchanged): %v", err)
		}
		// An admin may.
		if _, err := st.UpdateModel(t.Context(), admin, m.ID, models.ModelInput{OriginCountry: ptr("VN")}, nil); err != nil {
			t.Fatalf("admin: %v", err)
		}
		// A pending registration is the vendor's to edit.
		p, err := st.CreateModel(t.Context(), vendor, models.ModelInput{Brand: ptr("Acme"), ModelNumber: ptr("V-2")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateModel(t.Context(), vendor, p.ID, models.ModelInput{OriginCountry: ptr("CN"), Kind: ptr("ip")}, nil); err != nil {
			t.Fatalf("pending: %v", err)
		}
	})
}

// A vendor whose verified model is banned renames it: had the rename sent the
// model back to pending (as it once did), verify would answer "not found"
// instead of "banned", and the vendor would have dodged the ban on its own
// word. The rename is refused; verify still answers the ban.
func TestVendorMayNotRenameABannedModelAway(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		org := mustCreateTrader(t, st, "Công ty Vendor")
		vendor := models.Actor{Role: models.RoleVendor, OrgID: org.ID, Name: "v", Prefix: "vendor000001"}
		m, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr("Acme"), ModelNumber: ptr("BAN-1"), Kind: ptr("ip"),
			OriginCountry: ptr("VN"), RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		authority := mustCreateAuthority(t, st)
		w := warningInput("99/BCA-A05", authority.ID, m.ID)
		w.Measure = ptr("ban")
		mustCreateWarning(t, st, w)
		_, err = st.UpdateModel(t.Context(), vendor, m.ID, models.ModelInput{ModelNumber: ptr("BAN-1-NEW")}, nil)
		if !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("the vendor renamed its banned model: %v", err)
		}
		v, err := st.Verify(t.Context(), models.VerifyQuery{Model: "BAN-1", Brand: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Match != models.MatchExact || v.Verdict != models.VerdictNonCompliant {
			t.Fatalf("after the refused rename, verify says %s/%s", v.Match, v.Verdict)
		}
	})
}
