package models_test

import (
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestWarningCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		auth := mustCreateAuthority(t, st)
		m1 := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		m2 := mustCreateModel(t, st, "Yoosee", "C6N")
		in := warningInput(" 383/CATTT-NCSC ", auth.ID)
		in.CVEIDs = &[]string{" cve-2021-36260 ", "CVE-2021-36260", "CVE-2017-7921", "cve-2017-7921"}
		in.Affected = &[]models.AffectedModelInput{
			{CameraModelID: m1.ID, IntroducedIn: "V5.4.0", FixedIn: "V5.5.800"},
			{CameraModelID: m2.ID},
		}
		in.URL, in.Summary = ptr("https://khonggianmang.vn/bai-viet/383"), ptr("Lỗ hổng cho phép thực thi mã từ xa.")
		w, err := st.CreateWarning(ctx, admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if w.Reference != "383/CATTT-NCSC" || w.Status.Status != models.WarningActive || w.Version != 1 ||
			!slices.Equal(w.CVEIDs, []string{"CVE-2021-36260", "CVE-2017-7921"}) {
			t.Errorf("created %+v", w)
		}
		wantEvent(t, st, models.ActionCreate, "warning", w.ID)
		got, err := st.GetWarning(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.CVEIDs, []string{"CVE-2021-36260", "CVE-2017-7921"}) || got.IssuedOn.String() != "2025-06-10" ||
			got.AuthorityOrgID != auth.ID || got.Measure != "update_firmware" || got.Severity != "high" || len(got.Affected) != 2 ||
			got.URL != "https://khonggianmang.vn/bai-viet/383" || got.Summary == "" {
			t.Errorf("stored %+v", got)
		}
		for _, a := range got.Affected {
			if a.CameraModelID == m1.ID && (a.IntroducedIn != "V5.4.0" || a.FixedIn != "V5.5.800") {
				t.Errorf("firmware range %+v", a)
			}
		}
		// A market-surveillance office may warn too; no CVE ids is fine.
		ms := mustCreateOrg(t, st, models.OrganizationInput{Kind: ptr(models.OrgMarketSurveillance)})
		w2 := mustCreateWarning(t, st, warningInput("12/QLTT", ms.ID, m2.ID))
		if w2.CVEIDs == nil || len(w2.CVEIDs) != 0 {
			t.Errorf("cve ids %#v, want empty", w2.CVEIDs)
		}
		if _, err := st.GetWarning(ctx, "0190a000-0000-7000-8000-00000000dead"); !isKind(err, models.ErrNotFound) {
			t.Errorf("get missing: %v", err)
		}
	})
}

func TestWarningValidation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		auth := mustCreateAuthority(t, st)
		body := mustCreateBody(t, st)
		m := mustCreateModel(t, st, "Yoosee", "C6N")
		missing := "0190a000-0000-7000-8000-00000000dead"
		valid := func(edit func(*models.WarningInput)) models.WarningInput {
			in := warningInput("383/CATTT-NCSC", auth.ID, m.ID)
			edit(&in)
			return in
		}
		tests := []struct {
			name string
			in   models.WarningInput
			want []string
		}{
			{"nothing", models.WarningInput{}, []string{"authority_org_id", "reference", "title", "severity", "measure", "issued_on", "affected"}},
			{"bad CVE ids", valid(func(in *models.WarningInput) {
				in.CVEIDs = &[]string{"CVE-2021-36260", "CVE-21-1", "2021-36260", "CVE-2021-123", "cve-2021-1234"}
			}), []string{"cve_ids[1]", "cve_ids[2]", "cve_ids[3]"}},
			{"authority is a certification body", valid(func(in *models.WarningInput) { in.AuthorityOrgID = &body.ID }), []string{"authority_org_id"}},
			{"authority missing", valid(func(in *models.WarningInput) { in.AuthorityOrgID = &missing }), []string{"authority_org_id"}},
			{"affected model missing", valid(func(in *models.WarningInput) {
				in.Affected = &[]models.AffectedModelInput{{CameraModelID: m.ID}, {CameraModelID: missing}}
			}), []string{"affected[1].camera_model_id"}},
			{"empty firmware range", valid(func(in *models.WarningInput) {
				in.Affected = &[]models.AffectedModelInput{{CameraModelID: m.ID, IntroducedIn: "1.0", FixedIn: "1.0"}}
			}), []string{"affected[0].fixed_in"}},
			{"same model and range twice", valid(func(in *models.WarningInput) {
				in.Affected = &[]models.AffectedModelInput{{CameraModelID: m.ID, FixedIn: "2"}, {CameraModelID: m.ID, FixedIn: "2"}}
			}), []string{"affected[1]"}},
			{"no affected models", valid(func(in *models.WarningInput) { in.Affected = &[]models.AffectedModelInput{} }), []string{"affected"}},
			{"severity, measure, url, status", valid(func(in *models.WarningInput) {
				in.Severity, in.Measure, in.URL, in.Status = ptr("urgent"), ptr("destroy"), ptr("javascript:alert(1)"), ptr("paused")
			}), []string{"severity", "measure", "url", "status"}},
			{"created withdrawn without reason", valid(func(in *models.WarningInput) { in.Status = ptr(models.WarningWithdrawn) }), []string{"status_reason"}},
			{"withdrawn before it was issued", valid(func(in *models.WarningInput) {
				in.Status, in.StatusReason, in.StatusChangedOn = ptr(models.WarningWithdrawn), ptr("rút lại"), ptr("2025-06-09")
			}), []string{"status_changed_on"}},
			{"everything at once", models.WarningInput{
				AuthorityOrgID: &body.ID, Reference: ptr(" "), Title: ptr(""), Severity: ptr("x"), Measure: ptr("y"),
				IssuedOn: ptr("2025-6-10"), CVEIDs: &[]string{"nope"}, Affected: &[]models.AffectedModelInput{{CameraModelID: missing}},
			}, []string{"authority_org_id", "reference", "title", "severity", "measure", "issued_on", "cve_ids[0]", "affected[0].camera_model_id"}},
		}
		mustCreateWarning(t, st, warningInput("KEEP", auth.ID, m.ID))
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantInvalid(t, unchanged(t, st, func() error {
					_, err := st.CreateWarning(t.Context(), admin, tc.in)
					return err
				}), tc.want...)
			})
		}
	})
}

func TestWarningUpdateAndWithdraw(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		auth := mustCreateAuthority(t, st)
		m1 := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		m2 := mustCreateModel(t, st, "Yoosee", "C6N")
		w := mustCreateWarning(t, st, warningInput("383/CATTT-NCSC", auth.ID, m1.ID))
		other := mustCreateWarning(t, st, warningInput("384/CATTT-NCSC", auth.ID, m2.ID))
		get := func() (*models.Warning, error) { return st.GetWarning(ctx, w.ID) }

		// An empty CVE list is no change to a warning without CVE ids.
		n0 := countRows(t, st, "events")
		if same, err := st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{CVEIDs: &[]string{}}, ptr(1)); err != nil || same.Version != 1 || countRows(t, st, "events") != n0 {
			t.Errorf("no-op update with an empty CVE list: %+v %v, events %d → %d", same, err, n0, countRows(t, st, "events"))
		}

		// The reference is unique ignoring case and spaces.
		wantErr(t, unchanged(t, st, func() error {
			_, err := st.CreateWarning(ctx, admin, warningInput(" 383/cattt-ncsc", auth.ID, m2.ID))
			return err
		}), models.ErrConflict)
		before, _ := st.GetWarning(ctx, other.ID)
		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateWarning(ctx, admin, other.ID, models.WarningInput{Reference: ptr("383/CATTT - NCSC")}, nil)
			return err
		}), models.ErrConflict)
		sameRow(t, before, func() (*models.Warning, error) { return st.GetWarning(ctx, other.ID) })

		u, err := st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{
			Measure: ptr("stop_sale"), CVEIDs: &[]string{"cve-2021-36260"}, IssuedOn: ptr("2025-06-11"),
			Affected: &[]models.AffectedModelInput{{CameraModelID: m1.ID, FixedIn: "V5.5.800"}, {CameraModelID: m2.ID}},
		}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Measure != "stop_sale" || !slices.Equal(u.CVEIDs, []string{"CVE-2021-36260"}) || len(u.Affected) != 2 {
			t.Errorf("updated %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "warning", w.ID)
		wantChanged(t, e, "measure", "cve_ids", "issued_on", "affected")
		wantChange(t, e, "issued_on", `"2025-06-10"`, `"2025-06-11"`)
		stored, _ := get()
		if stored.Version != 2 || stored.Measure != "stop_sale" || len(stored.Affected) != 2 || countRows(t, st, "warning_models") != 3 {
			t.Errorf("stored %+v", stored)
		}

		n := countRows(t, st, "events")
		same, err := st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{Measure: ptr("stop_sale"), CVEIDs: &[]string{"CVE-2021-36260", "cve-2021-36260"}, Reference: ptr("383/CATTT-NCSC"),
			Affected: &[]models.AffectedModelInput{{CameraModelID: m2.ID}, {CameraModelID: m1.ID, FixedIn: "V5.5.800"}}}, ptr(2))
		if err != nil || same.Version != 2 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: %+v %v", same, err)
		}
		sameRow(t, stored, get)

		refused := func(in models.WarningInput, ifVersion *int, kind error, fields ...string) {
			t.Helper()
			err := unchanged(t, st, func() error {
				_, err := st.UpdateWarning(ctx, admin, w.ID, in, ifVersion)
				return err
			})
			if kind == models.ErrInvalid {
				wantInvalid(t, err, fields...)
			} else {
				wantErr(t, err, kind)
			}
			sameRow(t, stored, get)
		}
		refused(models.WarningInput{Title: ptr("late")}, ptr(1), models.ErrPrecondition)
		refused(models.WarningInput{Status: ptr(models.WarningWithdrawn)}, nil, models.ErrInvalid, "status_reason")
		refused(models.WarningInput{CVEIDs: &[]string{"CVE-1"}, Severity: ptr("extreme")}, nil, models.ErrInvalid, "cve_ids[0]", "severity")
		refused(models.WarningInput{AuthorityOrgID: ptr(mustCreateTrader(t, st, "Shop").ID)}, nil, models.ErrInvalid, "authority_org_id")

		u, err = st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn), StatusReason: ptr("Nhà sản xuất đã khắc phục")}, ptr(2))
		if err != nil || u.Status.Status != models.WarningWithdrawn || u.StatusChangedOn.String() != pinnedDay || u.Version != 3 {
			t.Fatalf("withdraw: %+v %v", u, err)
		}
		wantEvent(t, st, models.ActionStatus, "warning", w.ID)
		stored, _ = get()
		refused(models.WarningInput{Status: ptr(models.WarningActive)}, nil, models.ErrInvalid, "status")

		_, err = st.UpdateWarning(ctx, admin, "0190a000-0000-7000-8000-00000000dead", models.WarningInput{Title: ptr("x")}, nil)
		wantErr(t, err, models.ErrNotFound)
	})
}

func TestFindWarnings(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		auth := mustCreateAuthority(t, st)
		auth2 := mustCreateOrg(t, st, models.OrganizationInput{Kind: ptr(models.OrgAuthority), Name: ptr("A05 - Bộ Công an")})
		m1 := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		m2 := mustCreateModel(t, st, "Yoosee", "C6N")
		in := warningInput("383/CATTT-NCSC", auth.ID, m1.ID)
		in.CVEIDs = &[]string{"CVE-2021-36260"}
		a := mustCreateWarning(t, st, in)
		in = warningInput("12/A05", auth2.ID, m1.ID, m2.ID)
		in.Severity, in.Measure, in.CVEIDs = ptr("critical"), ptr("ban"), &[]string{"CVE-2021-3626", "CVE-2017-7921"}
		b := mustCreateWarning(t, st, in)
		c := mustCreateWarning(t, st, warningInput("13/A05", auth2.ID, m2.ID))
		if _, err := st.UpdateWarning(ctx, admin, c.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn), StatusReason: ptr("nhầm")}, nil); err != nil {
			t.Fatal(err)
		}

		find := func(f models.WarningFilter) []string {
			t.Helper()
			page, err := st.FindWarnings(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			for _, it := range page.Items {
				if len(it.Affected) == 0 {
					t.Errorf("warning %s listed without affected models", it.Reference)
				}
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "all", find(models.WarningFilter{}), a.ID, b.ID, c.ID)
		wantIDs(t, "authority", find(models.WarningFilter{AuthorityOrgID: auth2.ID}), b.ID, c.ID)
		wantIDs(t, "status", find(models.WarningFilter{Status: models.WarningActive}), a.ID, b.ID)
		wantIDs(t, "severity", find(models.WarningFilter{Severity: "critical"}), b.ID)
		wantIDs(t, "measure", find(models.WarningFilter{Measure: "update_firmware"}), a.ID, c.ID)
		wantIDs(t, "model", find(models.WarningFilter{CameraModelID: m1.ID}), a.ID, b.ID)
		wantIDs(t, "reference", find(models.WarningFilter{Reference: "383/cattt-ncsc"}), a.ID)
		wantIDs(t, "CVE in lower case", find(models.WarningFilter{CVE: " cve-2021-36260 "}), a.ID)
		wantIDs(t, "CVE is whole", find(models.WarningFilter{CVE: "CVE-2021-3626"}), b.ID)
		wantIDs(t, "CVE prefix matches nothing", find(models.WarningFilter{CVE: "CVE-2021"}))
		wantIDs(t, "combined", find(models.WarningFilter{CameraModelID: m2.ID, Status: models.WarningActive}), b.ID)

		_, err := st.FindWarnings(ctx, models.WarningFilter{Status: "x", Severity: "y", Measure: "z"}, models.PageRequest{})
		wantInvalid(t, err, "status", "severity", "measure")
	})
}
