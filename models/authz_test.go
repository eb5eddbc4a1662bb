package models_test

import (
	"errors"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// The services' own authorization, called directly as the importer calls
// them (no HTTP request type in between to mask a missing check), for
// every role. Each case names the outcome exactly: allowed, forbidden,
// not found (another organization's object that must not be revealed) or
// invalid (a reference answered as naming nothing). Issue #14's mutation
// run found that dropping the vendor's organization check in
// UpdateOriginCertificate or UpdateOrganization, letting any keyed
// organization list every pending certificate, or letting a vendor set a
// new model's status passed every test: each is a case here.
func TestServiceAuthorization(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		orgA := mustCreateTrader(t, st, "Công ty A")
		orgB := mustCreateTrader(t, st, "Công ty B")
		body := mustCreateBody(t, st)
		body2 := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Quatest 3"), Kind: ptr(models.OrgCertificationBody)})
		auth := mustCreateAuthority(t, st)
		auth2 := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Cục khác"), Kind: ptr(models.OrgAuthority)})

		vendorA := models.Actor{Role: models.RoleVendor, OrgID: orgA.ID, Name: "a", Prefix: "vendora00001"}
		vendorB := models.Actor{Role: models.RoleVendor, OrgID: orgB.ID, Name: "b", Prefix: "vendorb00001"}
		certifier := models.Actor{Role: models.RoleCertifier, OrgID: body.ID, Name: "c", Prefix: "certif000001"}
		certifier2 := models.Actor{Role: models.RoleCertifier, OrgID: body2.ID, Name: "c2", Prefix: "certif000002"}
		authority := models.Actor{Role: models.RoleAuthority, OrgID: auth.ID, Name: "au", Prefix: "author000001"}
		inspector := models.Actor{Role: models.RoleInspector, OrgID: auth.ID, Name: "i", Prefix: "inspec000001"}
		procurement := models.Actor{Role: models.RoleProcurement, Name: "p", Prefix: "procur000001"}

		// B's objects: a pending and a verified model, a pending certificate, a C/O, a listing.
		pendingB, err := st.CreateModel(ctx, vendorB, models.ModelInput{Brand: ptr("Bee"), ModelNumber: ptr("B-PEND")})
		if err != nil || pendingB.Status != models.ModelPending {
			t.Fatalf("vendor B's registration: %v %+v", err, pendingB)
		}
		verifiedB, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Bee"), ModelNumber: ptr("B-VER"),
			RegistrantOrgID: &orgB.ID, Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		certB, err := st.CreateCertificate(ctx, vendorB, certInput("QCVN-B-1", body.ID, orgB.ID, verifiedB.ID))
		if err != nil || certB.Status.Status != models.CertPending {
			t.Fatalf("vendor B's certificate: %v", err)
		}
		originB, err := st.CreateOriginCertificate(ctx, vendorB, models.OriginCertificateInput{Number: ptr("E-B-1"), Form: ptr("E"),
			Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-01-02"), CameraModelIDs: &[]string{verifiedB.ID}})
		if err != nil {
			t.Fatal(err)
		}
		listingB, err := st.CreateListing(ctx, vendorB, models.ListingInput{CameraModelID: &verifiedB.ID, Channel: ptr("online"),
			URL: ptr("https://b.example/1")})
		if err != nil {
			t.Fatal(err)
		}

		var (
			ok        error
			forbidden = models.ErrForbidden
			notFound  = models.ErrNotFound
			invalid   = models.ErrInvalid
		)
		want := func(name string, err, kind error) {
			t.Helper()
			switch {
			case kind == nil && err != nil:
				t.Errorf("%s: %v, want allowed", name, err)
			case kind != nil && !errors.Is(err, kind):
				t.Errorf("%s: %v, want %v", name, err, kind)
			}
		}

		// Registering models: a vendor may not set status, nor register for another.
		_, err = st.CreateModel(ctx, vendorA, models.ModelInput{Brand: ptr("Ay"), ModelNumber: ptr("A-1"), Status: ptr(models.ModelVerified)})
		want("vendor sets status on a new model", err, forbidden)
		_, err = st.CreateModel(ctx, vendorA, models.ModelInput{Brand: ptr("Ay"), ModelNumber: ptr("A-2"), RegistrantOrgID: &orgB.ID})
		want("vendor registers for another organization", err, forbidden)
		for _, a := range []models.Actor{certifier, authority, inspector, procurement, models.Public} {
			_, err = st.CreateModel(ctx, a, models.ModelInput{Brand: ptr("Ay"), ModelNumber: ptr("A-3")})
			want(string(a.Role)+" registers a model", err, forbidden)
		}

		// Changing another organization's things.
		_, err = st.UpdateOrganization(ctx, vendorA, orgB.ID, models.OrganizationInput{Address: ptr("x")}, nil)
		want("vendor A changes organization B", err, forbidden)
		_, err = st.UpdateOrganization(ctx, vendorB, orgB.ID, models.OrganizationInput{Address: ptr("12 Hàng Bài")}, nil)
		want("vendor B changes its own address", err, ok)
		_, err = st.UpdateOrganization(ctx, vendorB, orgB.ID, models.OrganizationInput{Name: ptr("Công ty B mới")}, nil)
		want("vendor B renames itself", err, forbidden)
		_, err = st.UpdateOriginCertificate(ctx, vendorA, originB.ID, models.OriginCertificateInput{LotRef: ptr("x")}, nil)
		want("vendor A changes B's C/O", err, forbidden)
		_, err = st.UpdateOriginCertificate(ctx, vendorB, originB.ID, models.OriginCertificateInput{LotRef: ptr("LOT-9")}, nil)
		want("vendor B changes its C/O", err, ok)
		_, err = st.UpdateOriginCertificate(ctx, vendorB, originB.ID, models.OriginCertificateInput{Status: ptr("revoked")}, nil)
		want("vendor B sets its C/O's status", err, forbidden)
		_, err = st.UpdateModel(ctx, vendorA, pendingB.ID, models.ModelInput{Name: ptr("x")}, nil)
		want("vendor A changes B's pending model", err, notFound)
		_, err = st.UpdateModel(ctx, vendorA, verifiedB.ID, models.ModelInput{Name: ptr("x")}, nil)
		want("vendor A changes B's verified model", err, forbidden)
		_, err = st.UpdateListing(ctx, vendorA, listingB.ID, models.ListingInput{URL: ptr("https://a.example/")}, nil)
		want("vendor A changes B's listing", err, forbidden)
		_, err = st.CreateListing(ctx, vendorA, models.ListingInput{CameraModelID: &pendingB.ID, Channel: ptr("online"), URL: ptr("https://a.example/")})
		want("vendor A lists B's pending model", err, invalid)
		// A document naming another organization's pending model: the same
		// answer as an id that names nothing (checkModelRefs), on the
		// single-row path and through a batch, as the importer calls it.
		_, err = st.CreateOriginCertificate(ctx, vendorA, models.OriginCertificateInput{Number: ptr("E-A-7"), Form: ptr("E"),
			Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-01-02"), CameraModelIDs: &[]string{pendingB.ID}})
		want("vendor A's C/O names B's pending model", err, invalid)
		_, err = st.CreateCertificate(ctx, vendorA, certInput("QCVN-A-7", body.ID, orgA.ID, pendingB.ID))
		want("vendor A's certificate names B's pending model", err, invalid)
		res, err := st.UpsertOriginCertificates(ctx, vendorA, []models.BatchRow[models.OriginCertificateInput]{{In: models.OriginCertificateInput{
			Number: ptr("E-A-8"), Form: ptr("E"), Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-01-02"),
			CameraModelIDs: &[]string{pendingB.ID}}}}, models.BatchValidate)
		if err != nil || len(res) != 1 || !errors.Is(res[0].Err, models.ErrInvalid) {
			t.Errorf("a batch of vendor A's C/O naming B's pending model: %v %+v", err, res)
		}
		_, err = st.CreateListing(ctx, vendorA, models.ListingInput{TraderOrgID: &orgB.ID, CameraModelID: &verifiedB.ID, Channel: ptr("online"), URL: ptr("https://a.example/")})
		want("vendor A lists for B", err, forbidden)

		// Certificates: only the certifier of the body (or an admin) sets status.
		_, err = st.UpdateCertificate(ctx, vendorB, certB.ID, models.CertificateInput{Status: ptr(models.CertValid)}, nil)
		want("vendor B confirms its own certificate", err, forbidden)
		_, err = st.UpdateCertificate(ctx, certifier2, certB.ID, models.CertificateInput{Status: ptr(models.CertValid)}, nil)
		if err == nil {
			t.Error("a certifier of another body confirmed B's certificate")
		}
		// A confirmed certificate of another body is public: refused (403), not hidden.
		confirmed := mustCreateCert(t, st, certInput("QCVN-V-1", body.ID, orgB.ID, verifiedB.ID))
		_, err = st.UpdateCertificate(ctx, certifier2, confirmed.ID, models.CertificateInput{LotRef: ptr("L-9")}, nil)
		want("a certifier changes another body's confirmed certificate", err, forbidden)
		_, err = st.CreateCertificate(ctx, vendorA, certInput("QCVN-A-9", body.ID, orgB.ID, verifiedB.ID))
		want("vendor A submits a certificate held by B", err, forbidden)

		// Warnings: only in one's own authority's name.
		_, err = st.CreateWarning(ctx, authority, warningInput("1/AU", auth.ID, verifiedB.ID))
		want("authority warns in its own name", err, ok)
		_, err = st.CreateWarning(ctx, authority, warningInput("2/AU", auth2.ID, verifiedB.ID))
		want("authority warns in another's name", err, forbidden)
		for _, a := range []models.Actor{vendorA, certifier, inspector, procurement} {
			_, err = st.CreateWarning(ctx, a, warningInput("3/"+string(a.Role), auth.ID, verifiedB.ID))
			want(string(a.Role)+" issues a warning", err, forbidden)
		}

		// Scope checks the mutation run found untested.
		other, err := st.CreateWarning(ctx, admin, warningInput("9/OTHER", auth2.ID, verifiedB.ID))
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.UpdateWarning(ctx, authority, other.ID, models.WarningInput{Title: ptr("changed")}, nil)
		want("authority changes another authority's warning", err, forbidden)
		in := certInput("QCVN-C-9", body2.ID, orgB.ID, verifiedB.ID)
		_, err = st.CreateCertificate(ctx, certifier, in)
		want("certifier records a certificate of another body", err, forbidden)
		_, err = st.UpdateCertificate(ctx, vendorA, certB.ID, models.CertificateInput{LotRef: ptr("x")}, nil)
		want("vendor A edits B's pending submission", err, notFound)
		_, err = st.UpdateCertificate(ctx, vendorB, certB.ID, models.CertificateInput{LotRef: ptr("LOT-B")}, nil)
		want("vendor B edits its own pending submission", err, ok)

		// Visibility: who lists B's pending certificate and pending model.
		for _, c := range []struct {
			viewer              models.Actor
			seesCert, seesModel bool
		}{
			{models.Public, false, false},
			{procurement, false, false},
			{vendorA, false, false},
			{vendorB, true, true},
			{certifier, true, true},
			{certifier2, false, true},
			{authority, true, true},
			{inspector, true, true},
			{admin, true, true},
		} {
			name := string(c.viewer.Role) + ":" + c.viewer.OrgID
			v := c.viewer
			certs, err := st.FindCertificates(ctx, models.CertificateFilter{Viewer: &v}, models.PageRequest{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.ContainsFunc(certs.Items, func(x models.Certificate) bool { return x.ID == certB.ID }); got != c.seesCert {
				t.Errorf("%s lists B's pending certificate: %v", name, got)
			}
			if _, err := st.ViewCertificate(ctx, v, certB.ID); (err == nil) != c.seesCert {
				t.Errorf("%s views B's pending certificate: %v", name, err)
			}
			ms, err := st.FindModels(ctx, models.ModelFilter{Viewer: &v}, models.PageRequest{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.ContainsFunc(ms.Items, func(x models.Model) bool { return x.ID == pendingB.ID }); got != c.seesModel {
				t.Errorf("%s lists B's pending model: %v", name, got)
			}
			if _, err := st.ViewModel(ctx, v, pendingB.ID); (err == nil) != c.seesModel {
				t.Errorf("%s views B's pending model: %v", name, err)
			}
			vis, err := st.VisibleModelIDs(ctx, v, []string{pendingB.ID, verifiedB.ID})
			if err != nil || vis[pendingB.ID] != c.seesModel || !vis[verifiedB.ID] {
				t.Errorf("%s VisibleModelIDs: %v %v", name, vis, err)
			}
		}
	})
}
