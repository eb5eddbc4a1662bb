package models_test

import (
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// originInput is a valid form E C/O from China for the model.
func originInput(number, modelID string, holderID *string) models.OriginCertificateInput {
	return models.OriginCertificateInput{
		Number: ptr(number), Form: ptr("E"), Issuer: ptr("China Council for the Promotion of International Trade"),
		ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-08-20"), HolderOrgID: holderID,
		CameraModelIDs: &[]string{modelID},
	}
}

func TestOriginCertificateCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		holder := mustCreateTrader(t, st, "Nhà nhập khẩu")
		m1 := mustCreateModel(t, st, "Dahua", "IPC-HFW1230S-S5")
		m2 := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		in := originInput("E253100012345", m1.ID, &holder.ID)
		in.Form, in.ExportingCountry, in.CameraModelIDs = ptr(" e "), ptr("cn"), &[]string{m2.ID, m1.ID}
		in.LotRef, in.InvoiceRef = ptr("Tờ khai 105000111222"), ptr("INV-2025-001")
		o, err := st.CreateOriginCertificate(ctx, admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.Form != "E" || o.ExportingCountry != "CN" || o.Status.Status != models.CertValid || o.Version != 1 {
			t.Errorf("created %+v", o)
		}
		wantEvent(t, st, models.ActionCreate, "origin_certificate", o.ID)
		got, err := st.GetOriginCertificate(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, m := range got.Models {
			ids = append(ids, m.CameraModelID)
		}
		if got.Number != "E253100012345" || got.IssuedOn.String() != "2025-08-20" || *got.HolderOrgID != holder.ID ||
			got.LotRef != "Tờ khai 105000111222" || got.InvoiceRef != "INV-2025-001" || !slices.Equal(sorted(ids), sorted([]string{m1.ID, m2.ID})) {
			t.Errorf("stored %+v", got)
		}
		other := originInput("X-1", m1.ID, nil)
		other.Form = ptr("Other")
		if o2, err := st.CreateOriginCertificate(ctx, admin, other); err != nil || o2.Form != "other" || o2.HolderOrgID != nil {
			t.Errorf("form other: %+v %v", o2, err)
		}
		if _, err := st.GetOriginCertificate(ctx, "0190a000-0000-7000-8000-00000000dead"); !isKind(err, models.ErrNotFound) {
			t.Errorf("get missing: %v", err)
		}
	})
}

func TestOriginCertificateValidation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		m := mustCreateModel(t, st, "Dahua", "IPC-HFW1230S-S5")
		missing := "0190a000-0000-7000-8000-00000000dead"
		tests := []struct {
			name string
			in   models.OriginCertificateInput
			want []string
		}{
			{"nothing", models.OriginCertificateInput{}, []string{"number", "form", "issuer", "exporting_country", "issued_on", "camera_model_ids"}},
			{"every field wrong", models.OriginCertificateInput{
				Number: ptr(""), Form: ptr("Z"), Issuer: ptr(" "), ExportingCountry: ptr("China"), IssuedOn: ptr("20/8/2025"),
				HolderOrgID: ptr("acme"), CameraModelIDs: &[]string{m.ID, "x", m.ID},
			}, []string{"number", "form", "issuer", "exporting_country", "issued_on", "holder_org_id", "camera_model_ids[1]", "camera_model_ids[2]"}},
			{"unknown model and holder", func() models.OriginCertificateInput {
				in := originInput("E1", missing, &missing)
				return in
			}(), []string{"camera_model_ids[0]", "holder_org_id"}},
			{"second model unknown", func() models.OriginCertificateInput {
				in := originInput("E1", m.ID, nil)
				in.CameraModelIDs = &[]string{m.ID, missing}
				return in
			}(), []string{"camera_model_ids[1]"}},
			{"created revoked without reason", func() models.OriginCertificateInput {
				in := originInput("E1", m.ID, nil)
				in.Status = ptr(models.CertRevoked)
				return in
			}(), []string{"status_reason"}},
			{"suspended is not a C/O status", func() models.OriginCertificateInput {
				in := originInput("E1", m.ID, nil)
				in.Status, in.StatusReason = ptr(models.CertSuspended), ptr("x")
				return in
			}(), []string{"status"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantInvalid(t, unchanged(t, st, func() error {
					_, err := st.CreateOriginCertificate(t.Context(), admin, tc.in)
					return err
				}), tc.want...)
			})
		}
	})
}

func TestOriginCertificateConflictStatusFind(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		m1 := mustCreateModel(t, st, "Dahua", "IPC-HFW1230S-S5")
		m2 := mustCreateModel(t, st, "Hanwha", "XNV-6080R")
		holder := mustCreateTrader(t, st, "Holder")
		cn, err := st.CreateOriginCertificate(ctx, admin, originInput("E25 0001", m1.ID, &holder.ID))
		if err != nil {
			t.Fatal(err)
		}
		// The same number from the same country, however written, is taken.
		wantErr(t, unchanged(t, st, func() error {
			_, err := st.CreateOriginCertificate(ctx, admin, originInput("e250001", m2.ID, nil))
			return err
		}), models.ErrConflict)
		// From another country it is another document.
		kr := originInput("E25 0001", m2.ID, nil)
		kr.Form, kr.ExportingCountry, kr.Issuer = ptr("AK"), ptr("KR"), ptr("Korea Customs Service")
		krc, err := st.CreateOriginCertificate(ctx, admin, kr)
		if err != nil {
			t.Fatal(err)
		}

		get := func() (*models.OriginCertificate, error) { return st.GetOriginCertificate(ctx, cn.ID) }
		stored, _ := get()
		refused := func(in models.OriginCertificateInput, ifVersion *int, kind error, fields ...string) {
			t.Helper()
			err := unchanged(t, st, func() error {
				_, err := st.UpdateOriginCertificate(ctx, admin, cn.ID, in, ifVersion)
				return err
			})
			if kind == models.ErrInvalid {
				wantInvalid(t, err, fields...)
			} else {
				wantErr(t, err, kind)
			}
			sameRow(t, stored, get)
		}
		refused(models.OriginCertificateInput{Status: ptr(models.CertRevoked)}, nil, models.ErrInvalid, "status_reason")
		refused(models.OriginCertificateInput{Number: ptr("E25 0001"), ExportingCountry: ptr("KR")}, nil, models.ErrConflict)
		refused(models.OriginCertificateInput{CameraModelIDs: &[]string{}}, nil, models.ErrInvalid, "camera_model_ids")
		refused(models.OriginCertificateInput{InvoiceRef: ptr("late")}, ptr(9), models.ErrPrecondition)

		n := countRows(t, st, "events")
		same, err := st.UpdateOriginCertificate(ctx, admin, cn.ID, models.OriginCertificateInput{Form: ptr("e"), CameraModelIDs: &[]string{m1.ID}}, ptr(1))
		if err != nil || same.Version != 1 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: %+v %v", same, err)
		}
		sameRow(t, stored, get)

		u, err := st.UpdateOriginCertificate(ctx, admin, cn.ID, models.OriginCertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("C/O giả")}, ptr(1))
		if err != nil || u.Status.Status != models.CertRevoked || u.StatusChangedOn.String() != pinnedDay || u.Version != 2 {
			t.Fatalf("revoke: %+v %v", u, err)
		}
		wantEvent(t, st, models.ActionStatus, "origin_certificate", cn.ID)
		stored, _ = get()
		refused(models.OriginCertificateInput{Status: ptr(models.CertValid)}, nil, models.ErrInvalid, "status")

		u, err = st.UpdateOriginCertificate(ctx, admin, krc.ID, models.OriginCertificateInput{CameraModelIDs: &[]string{m1.ID, m2.ID}, IssuedOn: ptr("2025-09-01")}, ptr(1))
		if err != nil || u.Version != 2 || u.IssuedOn.String() != "2025-09-01" {
			t.Fatalf("update models: %+v %v", u, err)
		}
		wantChanged(t, lastEvent(t, st), "models", "issued_on")
		n = countRows(t, st, "events")
		if same, err := st.UpdateOriginCertificate(ctx, admin, krc.ID, models.OriginCertificateInput{CameraModelIDs: &[]string{m2.ID, m1.ID}}, ptr(2)); err != nil || same.Version != 2 || countRows(t, st, "events") != n {
			t.Errorf("no-op update with the models in another order: %+v %v", same, err)
		}

		find := func(f models.OriginCertificateFilter) []string {
			t.Helper()
			page, err := st.FindOriginCertificates(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			for _, it := range page.Items {
				if len(it.Models) == 0 {
					t.Errorf("C/O %s listed without models", it.Number)
				}
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "all", find(models.OriginCertificateFilter{}), cn.ID, krc.ID)
		wantIDs(t, "form", find(models.OriginCertificateFilter{Form: "AK"}), krc.ID)
		wantIDs(t, "country", find(models.OriginCertificateFilter{ExportingCountry: "cn"}), cn.ID)
		wantIDs(t, "holder", find(models.OriginCertificateFilter{HolderOrgID: holder.ID}), cn.ID)
		wantIDs(t, "model", find(models.OriginCertificateFilter{CameraModelID: m1.ID}), cn.ID, krc.ID)
		wantIDs(t, "model 2", find(models.OriginCertificateFilter{CameraModelID: m2.ID}), krc.ID)
		wantIDs(t, "number", find(models.OriginCertificateFilter{Number: "e25 0001"}), cn.ID, krc.ID)
		wantIDs(t, "status", find(models.OriginCertificateFilter{Status: models.CertRevoked}), cn.ID)
		_, err = st.FindOriginCertificates(ctx, models.OriginCertificateFilter{Status: models.CertSuspended, ExportingCountry: "XX"}, models.PageRequest{})
		wantInvalid(t, err, "status", "exporting_country")
	})
}
