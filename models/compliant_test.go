package models_test

import (
	"slices"
	"testing"
	"time"

	"camreg/civil"
	"camreg/models"
	"camreg/models/testdb"
)

// listDates are the dates the list is checked on: the verdict world's
// every turning point (a day before, on, and after each), and month starts.
func listDates() []string {
	dates := []string{}
	for y := 2025; y <= 2029; y++ {
		for m := 1; m <= 12; m++ {
			dates = append(dates, civil.NewDate(y, time.Month(m), 1).String())
		}
	}
	for _, d := range []string{"2026-01-01", "2026-02-01", "2026-02-10", "2026-03-01", "2026-03-15", "2026-04-01",
		"2026-05-01", "2026-06-30", "2026-07-01", "2026-07-10", "2026-08-12", "2026-09-30", "2028-03-19", "2028-04-01"} {
		day, err := models.ParseDate(d)
		if err != nil {
			panic(err)
		}
		dates = append(dates, day.AddDays(-1).String(), d, day.AddDays(1).String())
	}
	return dates
}

// listOn walks the whole list on a date, a few items a page, so paging is
// exercised too.
func listOn(t *testing.T, st *models.Store, f models.CompliantFilter) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		p, err := st.CompliantModels(t.Context(), f, models.PageRequest{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatalf("list on %s: %v", f.At, err)
		}
		for _, cm := range p.Items {
			if cm.Model.Status != models.ModelVerified {
				t.Fatalf("list on %s holds %s, which is %s", f.At, cm.Model.ModelNumber, cm.Model.Status)
			}
			ids = append(ids, cm.Model.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			return ids
		}
	}
	t.Fatal("the list does not end")
	return nil
}

// TestCompliantListAgreesWithVerify: on every date, a model is on the
// published list if and only if verify, asked about it by brand and model
// number, says compliant.
func TestCompliantListAgreesWithVerify(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		newVerdictWorld(t, st)
		all, err := st.FindModels(t.Context(), models.ModelFilter{}, models.PageRequest{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		seenIn, seenOut := 0, 0
		prev, prevDate := []string(nil), ""
		for _, at := range listDates() {
			listed := listOn(t, st, models.CompliantFilter{At: at})
			for _, m := range all.Items {
				v, err := st.Verify(t.Context(), models.VerifyQuery{Model: m.ModelNumber, Brand: m.Brand, At: at})
				if err != nil {
					t.Fatal(err)
				}
				want := m.Status == models.ModelVerified && v.Match == models.MatchExact && v.Verdict == models.VerdictCompliant
				if got := slices.Contains(listed, m.ID); got != want {
					t.Errorf("on %s, %s %s: listed %v, but verify says %s/%s", at, m.Brand, m.ModelNumber, got, v.Match, v.Verdict)
				}
				if want {
					seenIn++
				} else {
					seenOut++
				}
			}
			if prevDate != "" && prevDate < at {
				checkChanges(t, st, prevDate, at, prev, listed)
			}
			prev, prevDate = listed, at
		}
		if seenIn == 0 || seenOut == 0 {
			t.Fatalf("the scenarios never put a model on the list (%d) or off it (%d)", seenIn, seenOut)
		}
	})
}

// checkChanges: the changes between two dates are exactly the models on
// one list and not the other, each said the right way round.
func checkChanges(t *testing.T, st *models.Store, from, to string, before, after []string) {
	t.Helper()
	p, err := st.CompliantChanges(t.Context(), from, to, models.CompliantFilter{}, models.PageRequest{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ch := range p.Items {
		got[ch.Model.ID] = ch.Change
		if ch.Change == models.CompliantLeft && len(ch.Reasons) == 0 {
			t.Errorf("%s left the list between %s and %s with no reason", ch.Model.ModelNumber, from, to)
		}
	}
	for _, id := range before {
		if !slices.Contains(after, id) && got[id] != models.CompliantLeft {
			t.Errorf("between %s and %s, %s left the list but changes say %q", from, to, id, got[id])
		}
	}
	for _, id := range after {
		if !slices.Contains(before, id) && got[id] != models.CompliantEntered {
			t.Errorf("between %s and %s, %s entered the list but changes say %q", from, to, id, got[id])
		}
	}
	if want := len(symmetricDifference(before, after)); len(got) != want {
		t.Errorf("between %s and %s: %d changes, want %d", from, to, len(got), want)
	}
}

func symmetricDifference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestCompliantListFilters: brand, kind, standard and free text narrow the
// list; each item carries the certificate behind it; bad filters are 422s.
func TestCompliantListFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		ctx := t.Context()
		at := "2026-09-01"
		p, err := st.CompliantModels(ctx, models.CompliantFilter{At: at, Brand: "viettel"}, models.PageRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 1 || p.Items[0].Model.ID != w.lot.ID {
			t.Fatalf("brand filter: %+v", p.Items)
		}
		c := p.Items[0].Certificate
		if c == nil || c.Number != "QCVN11-LOT-1" || c.StandardCode != std11 || c.CertificationBody != "Quatest 1" || c.ExpiresOn.String() != "2026-09-30" {
			t.Fatalf("the certificate behind Viettel HC23 on %s: %+v", at, c)
		}
		// An update_firmware warning makes the verdict "warning": not listed.
		if got := listOn(t, st, models.CompliantFilter{At: at, Brand: "Hikvision"}); len(got) != 0 {
			t.Fatalf("a model under a firmware warning is listed: %v", got)
		}
		byStd := listOn(t, st, models.CompliantFilter{At: at, Standard: std11})
		if !slices.Equal(byStd, []string{w.lot.ID}) {
			t.Fatalf("standard filter on %s: %v", at, byStd)
		}
		if got := listOn(t, st, models.CompliantFilter{At: "2026-03-01", Standard: std11}); len(got) != 0 {
			t.Fatalf("QCVN 11 certificates listed before any was issued: %v", got)
		}
		byText := listOn(t, st, models.CompliantFilter{At: at, Q: "hc 23"})
		if !slices.Equal(byText, []string{w.lot.ID}) {
			t.Fatalf("free text: %v", byText)
		}
		if got := listOn(t, st, models.CompliantFilter{At: at, Kind: "doorbell"}); len(got) != 0 {
			t.Fatalf("kind filter: %v", got)
		}
		_, err = st.CompliantModels(ctx, models.CompliantFilter{At: "2026-13-01"}, models.PageRequest{})
		wantInvalid(t, err, "at")
		_, err = st.CompliantModels(ctx, models.CompliantFilter{Kind: "toaster"}, models.PageRequest{})
		wantInvalid(t, err, "kind")
		_, err = st.CompliantChanges(ctx, "2026-09-01", "2026-08-01", models.CompliantFilter{}, models.PageRequest{})
		wantInvalid(t, err, "to")
		_, err = st.CompliantChanges(ctx, "", "2026-08-01", models.CompliantFilter{}, models.PageRequest{})
		wantInvalid(t, err, "from")
	})
}
