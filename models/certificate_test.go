package models_test

import (
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// certParties is what a certificate refers to.
type certParties struct {
	body, holder *models.Organization
	m1, m2       *models.Model
}

func newCertParties(t *testing.T, st *models.Store) certParties {
	t.Helper()
	return certParties{
		body:   mustCreateBody(t, st),
		holder: mustCreateTrader(t, st, "Công ty TNHH Hikvision Việt Nam"),
		m1:     mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I"),
		m2:     mustCreateModel(t, st, "Hikvision", "DS-2CD1043G0-I"),
	}
}

func TestCertificateCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		p := newCertParties(t, st)
		in := certInput(" QT1-0123/2025 ", p.body.ID, p.holder.ID, p.m1.ID, p.m2.ID)
		(*in.Models)[1].Firmware = "V5.7.3"
		c := mustCreateCert(t, st, in)
		if c.Number != "QT1-0123/2025" || c.Status.Status != models.CertValid || c.StatusReason != "" ||
			!c.StatusChangedOn.IsZero() || c.Version != 1 || len(c.Models) != 2 || c.Method != 1 {
			t.Errorf("created %+v", c)
		}
		got, err := st.GetCertificate(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != c.Number || got.StandardCode != qcvn135 || got.CertificationBodyOrgID != p.body.ID ||
			got.HolderOrgID != p.holder.ID || got.IssuedOn.String() != "2025-03-01" || got.ExpiresOn.String() != "2028-02-29" ||
			got.Status.Status != models.CertValid || !got.StatusChangedOn.IsZero() || len(got.Models) != 2 {
			t.Errorf("stored %+v", got)
		}
		fw := map[string]string{}
		for _, m := range got.Models {
			fw[m.CameraModelID] = m.Firmware
		}
		if len(fw) != 2 || fw[p.m1.ID] != "" || fw[p.m2.ID] != "V5.7.3" {
			t.Errorf("covered models %+v", got.Models)
		}
		e := wantEvent(t, st, models.ActionCreate, "certificate", c.ID)
		for _, want := range []string{`"issued_on":"2025-03-01"`, `"expires_on":"2028-02-29"`, p.m2.ID} {
			if !contains(e.Changes, want) {
				t.Errorf("create event %s lacks %s", e.Changes, want)
			}
		}

		// Method 7 covers one lot and needs no expiry; a certificate may be
		// recorded as suspended from the start.
		lot := certInput("QT1-LOT-7", p.body.ID, p.holder.ID, p.m1.ID)
		lot.Method, lot.ExpiresOn, lot.LotRef = ptr(7), nil, ptr("Tờ khai 105123456789")
		lot.Status, lot.StatusReason = ptr(models.CertSuspended), ptr("chờ kết quả thử nghiệm")
		c7 := mustCreateCert(t, st, lot)
		if c7.LotRef != "Tờ khai 105123456789" || !c7.ExpiresOn.IsZero() || c7.Status.Status != models.CertSuspended || c7.StatusChangedOn.String() != pinnedDay {
			t.Errorf("method 7 %+v", c7)
		}

		if _, err := st.GetCertificate(ctx, "0190a000-0000-7000-8000-00000000dead"); !isKind(err, models.ErrNotFound) {
			t.Errorf("get missing: %v", err)
		}
	})
}

func TestCertificateValidation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		p := newCertParties(t, st)
		importer := mustCreateTrader(t, st, "Not a certifier")
		missing := "0190a000-0000-7000-8000-00000000dead"
		valid := func(edit func(*models.CertificateInput)) models.CertificateInput {
			in := certInput("C-1", p.body.ID, p.holder.ID, p.m1.ID, p.m2.ID)
			edit(&in)
			return in
		}
		tests := []struct {
			name string
			in   models.CertificateInput
			want []string
		}{
			{"nothing", models.CertificateInput{}, []string{"number", "standard_code", "certification_body_org_id", "holder_org_id", "method", "issued_on", "models"}},
			{"method 7 without lot", valid(func(in *models.CertificateInput) { in.Method = ptr(7) }), []string{"lot_ref"}},
			{"method 1 without expiry", valid(func(in *models.CertificateInput) { in.ExpiresOn = nil }), []string{"expires_on"}},
			{"method 5 without expiry", valid(func(in *models.CertificateInput) { in.Method, in.ExpiresOn = ptr(5), ptr("") }), []string{"expires_on"}},
			{"method 3", valid(func(in *models.CertificateInput) { in.Method = ptr(3) }), []string{"method"}},
			{"expires before issued", valid(func(in *models.CertificateInput) { in.ExpiresOn = ptr("2025-02-28") }), []string{"expires_on"}},
			{"impossible date", valid(func(in *models.CertificateInput) { in.IssuedOn = ptr("2025-02-30") }), []string{"issued_on"}},
			{"unknown standard", valid(func(in *models.CertificateInput) { in.StandardCode = ptr("QCVN 999") }), []string{"standard_code"}},
			{"body is an importer", valid(func(in *models.CertificateInput) { in.CertificationBodyOrgID = &importer.ID }), []string{"certification_body_org_id"}},
			{"body missing", valid(func(in *models.CertificateInput) { in.CertificationBodyOrgID = &missing }), []string{"certification_body_org_id"}},
			{"holder missing", valid(func(in *models.CertificateInput) { in.HolderOrgID = &missing }), []string{"holder_org_id"}},
			{"holder not an id", valid(func(in *models.CertificateInput) { in.HolderOrgID = ptr("hik") }), []string{"holder_org_id"}},
			{"model missing", valid(func(in *models.CertificateInput) { (*in.Models)[1].CameraModelID = missing }), []string{"models[1].camera_model_id"}},
			{"model twice", valid(func(in *models.CertificateInput) { (*in.Models)[1].CameraModelID = p.m1.ID }), []string{"models[1]"}},
			{"no models", valid(func(in *models.CertificateInput) { in.Models = &[]models.CoveredModelInput{} }), []string{"models"}},
			{"created revoked without reason", valid(func(in *models.CertificateInput) { in.Status = ptr(models.CertRevoked) }), []string{"status_reason"}},
			{"status expired", valid(func(in *models.CertificateInput) { in.Status = ptr("expired") }), []string{"status"}},
			{"everything at once", models.CertificateInput{
				Number: ptr(" "), StandardCode: ptr("QCVN 999"), CertificationBodyOrgID: &importer.ID,
				HolderOrgID: &missing, Method: ptr(7), IssuedOn: ptr("2025-03-01"), ExpiresOn: ptr("2024-01-01"),
				Status: ptr(models.CertSuspended), Models: &[]models.CoveredModelInput{{CameraModelID: missing}, {CameraModelID: "x"}},
			}, []string{"number", "standard_code", "certification_body_org_id", "holder_org_id", "lot_ref", "expires_on",
				"status_reason", "models[0].camera_model_id", "models[1].camera_model_id"}},
		}
		mustCreateCert(t, st, certInput("KEEP-1", p.body.ID, p.holder.ID, p.m1.ID))
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := unchanged(t, st, func() error {
					_, err := st.CreateCertificate(t.Context(), admin, tc.in)
					return err
				})
				wantInvalid(t, err, tc.want...)
			})
		}
		// A certification body need not be a trader, and a market
		// surveillance office cannot certify.
		ms := mustCreateOrg(t, st, models.OrganizationInput{Kind: ptr(models.OrgMarketSurveillance)})
		wantInvalid(t, unchanged(t, st, func() error {
			_, err := st.CreateCertificate(t.Context(), admin, valid(func(in *models.CertificateInput) { in.CertificationBodyOrgID = &ms.ID }))
			return err
		}), "certification_body_org_id")
	})
}

func TestCertificateNumberConflict(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		p := newCertParties(t, st)
		mustCreateCert(t, st, certInput("VN 123/2025-QCVN135", p.body.ID, p.holder.ID, p.m1.ID))
		for _, n := range []string{"VN 123/2025-QCVN135", "vn123/2025-qcvn135", "  Vn  123/2025-QCVN135 "} {
			err := unchanged(t, st, func() error {
				_, err := st.CreateCertificate(ctx, admin, certInput(n, p.body.ID, p.holder.ID, p.m2.ID))
				return err
			})
			wantErr(t, err, models.ErrConflict)
		}
		other := mustCreateCert(t, st, certInput("VN 124/2025-QCVN135", p.body.ID, p.holder.ID, p.m2.ID))
		before, _ := st.GetCertificate(ctx, other.ID)
		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateCertificate(ctx, admin, other.ID, models.CertificateInput{Number: ptr("vn 123/2025-qcvn135")}, nil)
			return err
		}), models.ErrConflict)
		sameRow(t, before, func() (*models.Certificate, error) { return st.GetCertificate(ctx, other.ID) })

		page, err := st.FindCertificates(ctx, models.CertificateFilter{Number: "VN123/2025-qcvn135"}, models.PageRequest{})
		if err != nil || len(page.Items) != 1 || page.Items[0].Number != "VN 123/2025-QCVN135" {
			t.Errorf("find by number ignoring case and spaces: %+v %v", page, err)
		}
	})
}

func TestCertificateStatus(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		if got := st.Today().String(); got != pinnedDay {
			t.Fatalf("Today() = %s, want %s (the date in Vietnam)", got, pinnedDay)
		}
		p := newCertParties(t, st)
		c := mustCreateCert(t, st, certInput("QT1-9/2025", p.body.ID, p.holder.ID, p.m1.ID))
		get := func() (*models.Certificate, error) { return st.GetCertificate(ctx, c.ID) }
		stored, _ := get()
		update := func(in models.CertificateInput, ifVersion *int) (*models.Certificate, error) {
			return st.UpdateCertificate(ctx, admin, c.ID, in, ifVersion)
		}
		refused := func(in models.CertificateInput, fields ...string) {
			t.Helper()
			wantInvalid(t, unchanged(t, st, func() error { _, err := update(in, nil); return err }), fields...)
			sameRow(t, stored, get)
		}

		refused(models.CertificateInput{Status: ptr(models.CertSuspended)}, "status_reason")
		refused(models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("  ")}, "status_reason")
		refused(models.CertificateInput{StatusReason: ptr("no status")}, "status")
		refused(models.CertificateInput{StatusChangedOn: ptr("2026-01-01")}, "status")
		refused(models.CertificateInput{Status: ptr("expired"), StatusReason: ptr("x")}, "status")
		refused(models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("x"), StatusChangedOn: ptr("02/03/2026")}, "status_changed_on")

		// valid → suspended, effective today by default.
		u, err := update(models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("Không duy trì điều kiện chứng nhận")}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Status.Status != models.CertSuspended || u.StatusReason != "Không duy trì điều kiện chứng nhận" || u.StatusChangedOn.String() != pinnedDay || u.Version != 2 {
			t.Errorf("suspended: %+v", u.Status)
		}
		e := wantEvent(t, st, models.ActionStatus, "certificate", c.ID)
		wantChanged(t, e, "status", "status_reason", "status_changed_on")
		wantChange(t, e, "status", `"valid"`, `"suspended"`)
		wantChange(t, e, "status_changed_on", `null`, `"`+pinnedDay+`"`)
		stored, _ = get()
		if stored.Status != u.Status || stored.Version != 2 {
			t.Errorf("stored %+v", stored.Status)
		}

		// suspended → valid lifts the suspension, on an explicit date.
		u, err = update(models.CertificateInput{Status: ptr(models.CertValid), StatusChangedOn: ptr("2026-03-10")}, ptr(2))
		if err != nil {
			t.Fatal(err)
		}
		if u.Status.Status != models.CertValid || u.StatusChangedOn.String() != "2026-03-10" || u.StatusReason != "" || u.Version != 3 {
			t.Errorf("reinstated: %+v", u.Status)
		}
		wantEvent(t, st, models.ActionStatus, "certificate", c.ID)
		stored, _ = get()
		if stored.StatusChangedOn.String() != "2026-03-10" {
			t.Errorf("stored %+v", stored.Status)
		}

		// A stale status change is refused.
		wantErr(t, unchanged(t, st, func() error {
			_, err := update(models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("x")}, ptr(2))
			return err
		}), models.ErrPrecondition)
		sameRow(t, stored, get)

		// valid → revoked, effective on an explicit past date; revocation is final.
		u, err = update(models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("Giả mạo hồ sơ"), StatusChangedOn: ptr("2026-02-15")}, ptr(3))
		if err != nil {
			t.Fatal(err)
		}
		if u.Status.Status != models.CertRevoked || u.StatusChangedOn.String() != "2026-02-15" || u.Version != 4 {
			t.Errorf("revoked: %+v", u.Status)
		}
		stored, _ = get()
		refused(models.CertificateInput{Status: ptr(models.CertValid)}, "status")
		refused(models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("x")}, "status")

		// The reason of a revocation can still be corrected.
		u, err = update(models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("Giả mạo hồ sơ thử nghiệm")}, ptr(4))
		if err != nil || u.Status.Status != models.CertRevoked || u.StatusReason != "Giả mạo hồ sơ thử nghiệm" || u.StatusChangedOn.String() != "2026-02-15" || u.Version != 5 {
			t.Errorf("correct reason: %+v %v", u, err)
		}
		wantEvent(t, st, models.ActionUpdate, "certificate", c.ID)

		// suspended → revoked is allowed too.
		c2 := mustCreateCert(t, st, certInput("QT1-10/2025", p.body.ID, p.holder.ID, p.m2.ID))
		if _, err := st.UpdateCertificate(ctx, admin, c2.ID, models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("a")}, nil); err != nil {
			t.Fatal(err)
		}
		u, err = st.UpdateCertificate(ctx, admin, c2.ID, models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("b")}, nil)
		if err != nil || u.Status.Status != models.CertRevoked || u.StatusChangedOn.String() != pinnedDay {
			t.Errorf("suspended → revoked: %+v %v", u, err)
		}
	})
}

func TestCertificateUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		p := newCertParties(t, st)
		c := mustCreateCert(t, st, certInput("QT3-77/2025", p.body.ID, p.holder.ID, p.m1.ID))
		get := func() (*models.Certificate, error) { return st.GetCertificate(ctx, c.ID) }

		// A date-only change is a change.
		u, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{ExpiresOn: ptr("2028-03-01")}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.ExpiresOn.String() != "2028-03-01" || u.Version != 2 {
			t.Errorf("updated %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "certificate", c.ID)
		wantChanged(t, e, "expires_on")
		wantChange(t, e, "expires_on", `"2028-02-29"`, `"2028-03-01"`)
		stored, _ := get()
		if stored.ExpiresOn.String() != "2028-03-01" || stored.Version != 2 {
			t.Errorf("stored %+v", stored)
		}

		// Replacing the covered models.
		u, err = st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{Models: &[]models.CoveredModelInput{{CameraModelID: p.m2.ID, Firmware: "V5.5"}, {CameraModelID: p.m1.ID}}}, ptr(2))
		if err != nil || u.Version != 3 {
			t.Fatalf("replace models: %+v %v", u, err)
		}
		wantChanged(t, lastEvent(t, st), "models")
		stored, _ = get()
		if len(stored.Models) != 2 || countRows(t, st, "certificate_models") != 2 {
			t.Errorf("stored models %+v", stored.Models)
		}

		// A no-op writes nothing, even with the models listed in another order.
		n := countRows(t, st, "events")
		same, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{
			Number: ptr("QT3-77/2025"), Method: ptr(1), ExpiresOn: ptr("2028-03-01"), Status: ptr(models.CertValid),
			Models: &[]models.CoveredModelInput{{CameraModelID: p.m2.ID, Firmware: "V5.5"}, {CameraModelID: p.m1.ID}},
		}, ptr(3))
		if err != nil || same.Version != 3 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: version %v, %v, events %d → %d", same, err, n, countRows(t, st, "events"))
		}
		sameRow(t, stored, get)

		// Invalid changes report every field and change nothing.
		refused := func(in models.CertificateInput, fields ...string) {
			t.Helper()
			wantInvalid(t, unchanged(t, st, func() error {
				_, err := st.UpdateCertificate(ctx, admin, c.ID, in, nil)
				return err
			}), fields...)
			sameRow(t, stored, get)
		}
		refused(models.CertificateInput{Method: ptr(7)}, "lot_ref")
		refused(models.CertificateInput{ExpiresOn: ptr("")}, "expires_on")
		refused(models.CertificateInput{IssuedOn: ptr("2029-01-01"), Models: &[]models.CoveredModelInput{}}, "expires_on", "models")
		refused(models.CertificateInput{CertificationBodyOrgID: &p.holder.ID, StandardCode: ptr("QCVN 1")}, "certification_body_org_id", "standard_code")
		refused(models.CertificateInput{Models: &[]models.CoveredModelInput{{CameraModelID: "0190a000-0000-7000-8000-00000000dead"}}}, "models[0].camera_model_id")

		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{LotRef: ptr("x")}, ptr(2))
			return err
		}), models.ErrPrecondition)
		sameRow(t, stored, get)

		// Method 7 with its lot, and a move to the successor standard.
		u, err = st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{Method: ptr(7), LotRef: ptr("Lô 2025-11"), ExpiresOn: ptr(""), StandardCode: ptr(qcvn11)}, ptr(3))
		if err != nil || u.Method != 7 || u.LotRef != "Lô 2025-11" || !u.ExpiresOn.IsZero() || u.StandardCode != qcvn11 || u.Version != 4 {
			t.Errorf("to method 7: %+v %v", u, err)
		}
		stored, _ = get()
		if !stored.ExpiresOn.IsZero() || stored.Method != 7 {
			t.Errorf("stored %+v", stored)
		}

		_, err = st.UpdateCertificate(ctx, admin, "0190a000-0000-7000-8000-00000000dead", models.CertificateInput{LotRef: ptr("x")}, nil)
		wantErr(t, err, models.ErrNotFound)
	})
}

func TestFindCertificates(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		p := newCertParties(t, st)
		body2 := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Quatest 3"), Kind: ptr(models.OrgCertificationBody)})
		holder2 := mustCreateTrader(t, st, "Dahua Việt Nam")
		a := mustCreateCert(t, st, certInput("A-1", p.body.ID, p.holder.ID, p.m1.ID, p.m2.ID))
		b := mustCreateCert(t, st, certInput("B-1", body2.ID, p.holder.ID, p.m2.ID))
		in := certInput("C-1", body2.ID, holder2.ID, p.m1.ID)
		in.Method, in.StandardCode = ptr(5), ptr(qcvn11)
		c := mustCreateCert(t, st, in)
		if _, err := st.UpdateCertificate(ctx, admin, b.ID, models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("x")}, nil); err != nil {
			t.Fatal(err)
		}

		find := func(f models.CertificateFilter) []string {
			t.Helper()
			page, err := st.FindCertificates(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			for _, it := range page.Items {
				if len(it.Models) == 0 {
					t.Errorf("certificate %s listed without its models", it.Number)
				}
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "all", find(models.CertificateFilter{}), a.ID, b.ID, c.ID)
		wantIDs(t, "status", find(models.CertificateFilter{Status: models.CertRevoked}), b.ID)
		wantIDs(t, "standard", find(models.CertificateFilter{Standard: qcvn11}), c.ID)
		wantIDs(t, "body", find(models.CertificateFilter{CertificationBodyOrgID: body2.ID}), b.ID, c.ID)
		wantIDs(t, "holder", find(models.CertificateFilter{HolderOrgID: p.holder.ID}), a.ID, b.ID)
		wantIDs(t, "model", find(models.CertificateFilter{CameraModelID: p.m1.ID}), a.ID, c.ID)
		wantIDs(t, "method", find(models.CertificateFilter{Method: 5}), c.ID)
		wantIDs(t, "number", find(models.CertificateFilter{Number: " a-1 "}), a.ID)
		wantIDs(t, "combined", find(models.CertificateFilter{CameraModelID: p.m2.ID, Status: models.CertValid}), a.ID)

		page, err := st.FindCertificates(ctx, models.CertificateFilter{CameraModelID: p.m2.ID}, models.PageRequest{Limit: 1})
		if err != nil || len(page.Items) != 1 || page.NextCursor == "" {
			t.Fatalf("first page %+v %v", page, err)
		}
		if first := page.Items[0]; first.ID == a.ID && len(first.Models) != 2 {
			t.Errorf("a listed certificate carries %d of its 2 models", len(first.Models))
		}
		got := walk(t, 1, func(p models.PageRequest) (models.Page[models.Certificate], error) {
			return st.FindCertificates(ctx, models.CertificateFilter{}, p)
		})
		wantIDs(t, "walk", got, a.ID, b.ID, c.ID)

		_, err = st.FindCertificates(ctx, models.CertificateFilter{Status: "expired", Method: 2}, models.PageRequest{})
		wantInvalid(t, err, "status", "method")
	})
}
