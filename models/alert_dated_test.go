package models_test

import (
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// TestAlertsChangesDatedAhead: a ban issued today with a date five days
// ahead, and a suspension dated ahead, change nothing on the day they are
// written; each fleet is told once on their day, by the tick, and a change
// dated on its write day is not told twice.
func TestAlertsChangesDatedAhead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		w := newAlertWorld(t, st) // the clock is pinned on 2026-03-01
		c, nc := models.VerdictCompliant, models.VerdictNonCompliant
		tick := func() models.AlertResult {
			t.Helper()
			r, err := st.AlertTick(ctx)
			if err != nil {
				t.Fatalf("tick: %v", err)
			}
			return r
		}

		in := warningInput("12/CATTT-NCSC", w.authority.ID, w.m1.ID)
		in.Measure, in.IssuedOn = ptr("ban"), ptr("2026-03-06")
		warn := mustCreateWarning(t, st, in)
		if _, err := st.UpdateCertificate(ctx, admin, w.cert.ID, models.CertificateInput{Status: ptr(models.CertSuspended),
			StatusReason: ptr("kiểm tra lại"), StatusChangedOn: ptr("2026-03-10")}, nil); err != nil {
			t.Fatal(err)
		}
		if r := w.step(t); r.Alerts != 0 {
			t.Fatalf("changes dated ahead raised %d alerts on the day they were written", r.Alerts)
		}
		if r := tick(); r.Alerts != 0 {
			t.Fatalf("the tick raised %d alerts before the changes' day", r.Alerts)
		}

		st.SetClock(func() time.Time { return time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC) })
		if r := tick(); r.Alerts != 2 {
			t.Fatalf("the ban's day raised %d alerts, want one per fleet holding the model", r.Alerts)
		}
		a := wantAlert(t, w.alerts(t, w.fleet.ID), 1, models.AlertWarningIssued, map[string][2]string{w.d1.ID: {c, nc}})
		if a.SubjectID != warn.ID || a.OnDate.String() != "2026-03-06" {
			t.Fatalf("alert %+v", a)
		}
		wantAlert(t, w.alerts(t, w.other.ID), 1, models.AlertWarningIssued, map[string][2]string{w.dOth.ID: {c, nc}})
		if r := tick(); r.Alerts != 0 {
			t.Fatalf("a second tick on the ban's day raised %d alerts", r.Alerts)
		}

		// The suspension takes effect: the Dahua device stops being
		// compliant; the banned Hikvision one gains a reason, and an
		// alert follows the reasons too.
		st.SetClock(func() time.Time { return time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC) })
		tick()
		wantAlert(t, w.alerts(t, w.fleet.ID), 2, models.AlertCertificateSuspended,
			map[string][2]string{w.d1.ID: {nc, nc}, w.d2.ID: {c, nc}})

		// Written on its own date: the step tells it, the tick does not again.
		in = warningInput("13/CATTT-NCSC", w.authority.ID, w.m2.ID)
		in.Measure, in.IssuedOn = ptr("ban"), ptr("2026-03-11")
		mustCreateWarning(t, st, in)
		w.step(t)
		n := len(w.alerts(t, w.fleet.ID))
		tick()
		if m := len(w.alerts(t, w.fleet.ID)); m != n {
			t.Fatalf("a change dated on its write day was told again by the tick: %d alerts, then %d", n, m)
		}
	})
}
