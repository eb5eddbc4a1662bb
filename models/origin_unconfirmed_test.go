package models_test

import (
	"errors"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// Issue #14: a vendor-declared C/O counted at once. It is now shown in
// verify's evidence as origin_proof_unconfirmed and never removes
// no_origin_proof on the vendor's word; an admin's confirmation makes it
// proof, and the vendor's next change makes it its word again.
func TestVendorDeclaredOriginIsUnconfirmed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		org := mustCreateTrader(t, st, "Công ty Nhập khẩu")
		vendor := models.Actor{Role: models.RoleVendor, OrgID: org.ID, Name: "v", Prefix: "vendor000009"}
		m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Ezviz"), ModelNumber: ptr("CS-C6N"), OriginCountry: ptr("CN"),
			RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		codes := func() []string {
			t.Helper()
			v, err := st.Verify(ctx, models.VerifyQuery{Model: "CS-C6N", Brand: "Ezviz"})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range v.Reasons {
				out = append(out, r.Code)
			}
			return out
		}
		o, err := st.CreateOriginCertificate(ctx, vendor, models.OriginCertificateInput{Number: ptr("E-V-1"), Form: ptr("E"),
			Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-01-02"), CameraModelIDs: &[]string{m.ID}})
		if err != nil || !o.DeclaredByVendor {
			t.Fatalf("vendor's C/O: %v %+v", err, o)
		}
		if c := codes(); !slices.Contains(c, "no_origin_proof") || !slices.Contains(c, "origin_proof_unconfirmed") || slices.Contains(c, "origin_proof") {
			t.Fatalf("a vendor's C/O alone: %v", c)
		}
		_, err = st.UpdateOriginCertificate(ctx, vendor, o.ID, models.OriginCertificateInput{Confirmed: ptr(true)}, nil)
		if !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("the vendor confirms its own C/O: %v", err)
		}
		if _, err := st.UpdateOriginCertificate(ctx, admin, o.ID, models.OriginCertificateInput{Confirmed: ptr(true)}, nil); err != nil {
			t.Fatal(err)
		}
		if c := codes(); !slices.Contains(c, "origin_proof") || slices.Contains(c, "no_origin_proof") || slices.Contains(c, "origin_proof_unconfirmed") {
			t.Fatalf("confirmed: %v", c)
		}
		if _, err := st.UpdateOriginCertificate(ctx, vendor, o.ID, models.OriginCertificateInput{LotRef: ptr("LOT-2")}, nil); err != nil {
			t.Fatal(err)
		}
		if c := codes(); !slices.Contains(c, "no_origin_proof") || !slices.Contains(c, "origin_proof_unconfirmed") {
			t.Fatalf("changed by the vendor after confirmation: %v", c)
		}
	})
}
