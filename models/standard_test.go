package models_test

import (
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func findStandard(t *testing.T, st *models.Store, code string) *models.Standard {
	t.Helper()
	page, err := st.FindStandards(t.Context(), models.StandardFilter{Code: code}, models.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("standard %s: %d rows", code, len(page.Items))
	}
	return &page.Items[0]
}

func day(t *testing.T, s string) models.Date {
	t.Helper()
	d, err := models.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSeededStandards(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		page, err := st.FindStandards(t.Context(), models.StandardFilter{}, models.PageRequest{})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("seeded standards: %+v %v", page, err)
		}
		q135 := findStandard(t, st, " "+qcvn135+" ")
		if q135.EffectiveFrom.String() != "2025-02-15" || q135.MandatoryFrom.String() != "2026-01-01" ||
			q135.EffectiveTo.String() != "2026-06-30" || q135.SupersededBy == nil || *q135.SupersededBy != qcvn11 {
			t.Errorf("QCVN 135: %+v", q135)
		}
		q11 := findStandard(t, st, qcvn11)
		if q11.EffectiveFrom.String() != "2026-07-01" || q11.MandatoryFrom.String() != "2026-07-01" ||
			!q11.EffectiveTo.IsZero() || q11.SupersededBy != nil {
			t.Errorf("QCVN 11: %+v", q11)
		}
		got, err := st.GetStandard(t.Context(), q135.ID)
		if err != nil || got.Code != qcvn135 {
			t.Errorf("get %s: %+v %v", q135.ID, got, err)
		}
		for _, tc := range []struct {
			s    *models.Standard
			day  string
			want bool
		}{
			{q135, "2025-02-14", false},
			{q135, "2025-02-15", true},
			{q135, "2026-06-30", true},
			{q135, "2026-07-01", false},
			{q11, "2026-06-30", false},
			{q11, "2026-07-01", true},
			{q11, "2040-01-01", true},
		} {
			if got := tc.s.InForce(day(t, tc.day)); got != tc.want {
				t.Errorf("%s in force on %s: %v, want %v", tc.s.Code, tc.day, got, tc.want)
			}
		}
		if (&models.Standard{}).InForce(day(t, "2026-01-01")) {
			t.Errorf("a standard without effective_from is in force")
		}
		// The seed is data: it writes no events.
		if n := countRows(t, st, "events"); n != 0 {
			t.Errorf("%d events after migration, want 0", n)
		}
	})
}

func TestStandardCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   models.StandardInput
		want []string
	}{
		{"nothing", models.StandardInput{}, []string{"code", "title", "effective_from"}},
		{"bad dates", models.StandardInput{Code: ptr("QCVN 1"), Title: ptr("t"), EffectiveFrom: ptr("2026-13-01"), MandatoryFrom: ptr("1/7/2026"), EffectiveTo: ptr("2026-02-30")}, []string{"effective_from", "mandatory_from", "effective_to"}},
		{"dates out of order", models.StandardInput{Code: ptr("QCVN 1"), Title: ptr("t"), EffectiveFrom: ptr("2026-07-01"), MandatoryFrom: ptr("2026-06-30"), EffectiveTo: ptr("2026-01-01")}, []string{"mandatory_from", "effective_to"}},
		{"superseded by itself", models.StandardInput{Code: ptr("QCVN 1"), Title: ptr("t"), EffectiveFrom: ptr("2026-07-01"), SupersededBy: ptr("QCVN 1")}, []string{"superseded_by"}},
		{"superseded by an unknown standard", models.StandardInput{Code: ptr("QCVN 1"), Title: ptr("t"), EffectiveFrom: ptr("2026-07-01"), SupersededBy: ptr("QCVN 999")}, []string{"superseded_by"}},
		{"everything at once", models.StandardInput{Code: ptr(""), Title: ptr(longString(501)), EffectiveFrom: ptr("2026-07-01"), MandatoryFrom: ptr("2026-01-01"), SupersededBy: ptr("QCVN 999")}, []string{"code", "title", "mandatory_from", "superseded_by"}},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := unchanged(t, st, func() error {
					_, err := st.CreateStandard(t.Context(), admin, tc.in)
					return err
				})
				wantInvalid(t, err, tc.want...)
			})
		}
		err := unchanged(t, st, func() error {
			_, err := st.CreateStandard(t.Context(), admin, models.StandardInput{Code: ptr(qcvn135), Title: ptr("again"), EffectiveFrom: ptr("2025-01-01")})
			return err
		})
		wantErr(t, err, models.ErrConflict)

		s, err := st.CreateStandard(t.Context(), admin, models.StandardInput{
			Code: ptr(" QCVN 12:2027/BCA "), Title: ptr("Quy chuẩn mới"), IssuedBy: ptr("Bộ Công an"),
			EffectiveFrom: ptr("2027-01-01"), MandatoryFrom: ptr("2027-07-01"), SupersededBy: ptr(qcvn11),
		})
		if err != nil {
			t.Fatal(err)
		}
		if s.Code != "QCVN 12:2027/BCA" || s.MandatoryFrom.String() != "2027-07-01" || s.Version != 1 {
			t.Errorf("created %+v", s)
		}
		wantEvent(t, st, models.ActionCreate, "standard", s.ID)
		got, err := st.GetStandard(t.Context(), s.ID)
		if err != nil || got.EffectiveFrom.String() != "2027-01-01" || got.MandatoryFrom.String() != "2027-07-01" || !got.EffectiveTo.IsZero() {
			t.Errorf("stored %+v %v", got, err)
		}
	})
}

func TestStandardUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		q11 := findStandard(t, st, qcvn11)
		get := func() (*models.Standard, error) { return st.GetStandard(ctx, q11.ID) }

		// Dates are data: the regulation's dates change by update.
		u, err := st.UpdateStandard(ctx, admin, q11.ID, models.StandardInput{MandatoryFrom: ptr("2027-01-01")}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.MandatoryFrom.String() != "2027-01-01" {
			t.Errorf("updated %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "standard", q11.ID)
		wantChanged(t, e, "mandatory_from")
		wantChange(t, e, "mandatory_from", `"2026-07-01"`, `"2027-01-01"`)
		stored, _ := get()
		if stored.MandatoryFrom.String() != "2027-01-01" || stored.Version != 2 {
			t.Errorf("stored %+v", stored)
		}

		n := countRows(t, st, "events")
		same, err := st.UpdateStandard(ctx, admin, q11.ID, models.StandardInput{MandatoryFrom: ptr("2027-01-01"), Code: ptr(qcvn11)}, ptr(2))
		if err != nil || same.Version != 2 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: %+v %v", same, err)
		}
		sameRow(t, stored, get)

		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateStandard(ctx, admin, q11.ID, models.StandardInput{Title: ptr("late")}, ptr(1))
			return err
		}), models.ErrPrecondition)
		wantInvalid(t, unchanged(t, st, func() error {
			_, err := st.UpdateStandard(ctx, admin, q11.ID, models.StandardInput{EffectiveTo: ptr("2020-01-01"), Title: ptr(" ")}, nil)
			return err
		}), "effective_to", "title")
		sameRow(t, stored, get)

		// The code of a cited standard is fixed; an uncited one may change.
		q135 := findStandard(t, st, qcvn135)
		m := mustCreateModel(t, st, "Axis", "M3106-L")
		mustCreateCert(t, st, certInput("AX-1", mustCreateBody(t, st).ID, mustCreateTrader(t, st, "Axis VN").ID, m.ID))
		before, _ := st.GetStandard(ctx, q135.ID)
		wantInvalid(t, unchanged(t, st, func() error {
			_, err := st.UpdateStandard(ctx, admin, q135.ID, models.StandardInput{Code: ptr("QCVN 135:2025/BTTTT")}, nil)
			return err
		}), "code")
		sameRow(t, before, func() (*models.Standard, error) { return st.GetStandard(ctx, q135.ID) })

		// QCVN 135 names QCVN 11 as its successor: renaming QCVN 11 would
		// leave that reference dangling.
		stored, _ = get()
		wantInvalid(t, unchanged(t, st, func() error {
			_, err := st.UpdateStandard(ctx, admin, q11.ID, models.StandardInput{Code: ptr("QCVN 11:2026/BCA (sửa đổi)")}, nil)
			return err
		}), "code")
		sameRow(t, stored, get)

		draft, err := st.CreateStandard(ctx, admin, models.StandardInput{Code: ptr("QCVN dự thảo"), Title: ptr("Dự thảo"), EffectiveFrom: ptr("2028-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, unchanged(t, st, func() error {
			_, err := st.UpdateStandard(ctx, admin, draft.ID, models.StandardInput{Code: ptr(qcvn135)}, nil)
			return err
		}), models.ErrConflict)
		u, err = st.UpdateStandard(ctx, admin, draft.ID, models.StandardInput{Code: ptr("QCVN 12:2028/BCA")}, nil)
		if err != nil || u.Code != "QCVN 12:2028/BCA" || u.Version != 2 {
			t.Errorf("rename an unreferenced standard: %+v %v", u, err)
		}
		findStandard(t, st, "QCVN 12:2028/BCA")
		_, err = st.UpdateStandard(ctx, admin, "0190a000-0000-7000-8000-00000000dead", models.StandardInput{Title: ptr("x")}, nil)
		wantErr(t, err, models.ErrNotFound)
	})
}
