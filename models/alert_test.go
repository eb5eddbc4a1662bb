package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// alertWorld is a registry with two operators' fleets of cameras: one
// certified model held in both, another in one, and a row to fix.
type alertWorld struct {
	st               *models.Store
	authority        *models.Organization
	body, holder     *models.Organization
	m1, m2           *models.Model
	cert             *models.Certificate
	fleet, other     *models.Fleet
	d1, d2, d3, dOth models.FleetDevice
}

func newAlertWorld(t *testing.T, st *models.Store) *alertWorld {
	t.Helper()
	pinClock(st)
	ctx := t.Context()
	w := &alertWorld{st: st}
	w.authority = mustCreateAuthority(t, st)
	w.body = mustCreateBody(t, st)
	w.holder = mustCreateTrader(t, st, "Công ty Nhập khẩu Camera")
	isp := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Nhà mạng A"), Kind: ptr(models.OrgOperator)})
	agency := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Sở B"), Kind: ptr(models.OrgOperator)})
	w.m1 = mustCreateVerified(t, st, "Hikvision", "DS-2CD1023G0E-I")
	w.m2 = mustCreateVerified(t, st, "Dahua", "IPC-HFW1230S-S5")
	w.cert = mustCreateCert(t, st, certInput("C-1", w.body.ID, w.holder.ID, w.m1.ID, w.m2.ID))
	var err error
	if w.fleet, err = st.CreateFleet(ctx, admin, models.FleetInput{OrgID: &isp.ID, Name: ptr("Thuê bao")}); err != nil {
		t.Fatal(err)
	}
	if w.other, err = st.CreateFleet(ctx, admin, models.FleetInput{OrgID: &agency.ID, Name: ptr("Trụ sở")}); err != nil {
		t.Fatal(err)
	}
	ds, err := st.AddFleetDevices(ctx, admin, w.fleet.ID, []models.DeviceInput{
		{Brand: ptr("Hikvision"), Model: ptr("DS-2CD1023G0E-I"), Quantity: ptr(3), Location: ptr("Trạm 1"), ExternalID: ptr("A-1")},
		{Brand: ptr("Dahua"), Model: ptr("IPC-HFW1230S-S5")},
		{Model: ptr("ZZ-NOPE-1")},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	w.d1, w.d2, w.d3 = ds[0], ds[1], ds[2]
	ds, err = st.AddFleetDevices(ctx, admin, w.other.ID, []models.DeviceInput{{Model: ptr("DS-2CD1023G0E-I")}}, false)
	if err != nil {
		t.Fatal(err)
	}
	w.dOth = ds[0]
	w.step(t)
	if n := len(w.alerts(t, w.fleet.ID)); n != 0 {
		t.Fatalf("judging new devices raised %d alerts", n)
	}
	return w
}

func mustCreateVerified(t *testing.T, st *models.Store, brand, number string) *models.Model {
	t.Helper()
	m, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr(brand), ModelNumber: ptr(number), Status: ptr(models.ModelVerified)})
	if err != nil {
		t.Fatalf("create model %s %s: %v", brand, number, err)
	}
	return m
}

// step runs the processor to the log's head.
func (w *alertWorld) step(t *testing.T) models.AlertResult {
	t.Helper()
	total := models.AlertResult{}
	for {
		r, err := w.st.AlertStep(t.Context(), 500)
		if err != nil {
			t.Fatalf("alert step: %v", err)
		}
		total.Alerts += r.Alerts
		total.Deliveries += r.Deliveries
		if r.Events == 0 {
			return total
		}
	}
}

func (w *alertWorld) alerts(t *testing.T, fleetID string) []models.Alert {
	t.Helper()
	p, watch, err := w.st.FleetAlerts(t.Context(), admin, fleetID, models.PageRequest{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if watch.Judged != watch.Devices {
		t.Fatalf("fleet %s: %d of %d devices judged", fleetID, watch.Judged, watch.Devices)
	}
	return p.Items
}

// wantAlert checks the fleet's newest alert and how many it has.
func wantAlert(t *testing.T, as []models.Alert, n int, kind string, devices map[string][2]string) models.Alert {
	t.Helper()
	if len(as) != n {
		t.Fatalf("%d alerts, want %d: %+v", len(as), n, as)
	}
	a := as[n-1]
	if a.Kind != kind {
		t.Fatalf("alert %s, want %s", a.Kind, kind)
	}
	got := a.Devices()
	if len(got) != len(devices) || a.DevicesTotal != len(devices) {
		t.Fatalf("%s names %d devices (total %d), want %d: %+v", kind, len(got), a.DevicesTotal, len(devices), got)
	}
	for _, d := range got {
		want, ok := devices[d.DeviceID]
		if !ok || d.VerdictBefore != want[0] || d.VerdictAfter != want[1] {
			t.Fatalf("%s: device %s %s %s → %s, want %v", kind, d.DeviceID, d.Model, d.VerdictBefore, d.VerdictAfter, want)
		}
		if d.VerdictAfter != models.VerdictCompliant && len(d.Reasons) == 0 {
			t.Fatalf("%s: device %s has no reasons", kind, d.DeviceID)
		}
	}
	return a
}

// TestAlertsFollowVerdictChanges: each kind of change tells each fleet it
// affects once, naming the devices whose verdict changed, before and after.
func TestAlertsFollowVerdictChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		w := newAlertWorld(t, st)
		c, nc := models.VerdictCompliant, models.VerdictNonCompliant

		in := warningInput("383/CATTT-NCSC", w.authority.ID, w.m1.ID)
		in.Measure, in.IssuedOn = ptr("ban"), ptr("2026-03-01")
		warn := mustCreateWarning(t, st, in)
		if r := w.step(t); r.Alerts != 2 {
			t.Fatalf("a ban on a model two fleets hold raised %d alerts, want 2", r.Alerts)
		}
		a := wantAlert(t, w.alerts(t, w.fleet.ID), 1, models.AlertWarningIssued, map[string][2]string{w.d1.ID: {c, nc}})
		if a.SubjectRef != "383/CATTT-NCSC" || a.SubjectID != warn.ID || a.ChangeSeq == nil || a.CamerasTotal != 3 {
			t.Fatalf("alert %+v", a)
		}
		if d := a.Devices()[0]; d.ExternalID != "A-1" || d.Location != "Trạm 1" || d.Quantity != 3 || d.ModelID != w.m1.ID {
			t.Fatalf("device %+v", d)
		}
		wantAlert(t, w.alerts(t, w.other.ID), 1, models.AlertWarningIssued, map[string][2]string{w.dOth.ID: {c, nc}})

		// Nothing new: another step raises nothing.
		if r := w.step(t); r.Alerts != 0 {
			t.Fatalf("a step with nothing new raised %d alerts", r.Alerts)
		}

		// Withdrawn: the verdict is restored.
		if _, err := st.UpdateWarning(ctx, admin, warn.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn),
			StatusReason: ptr("nhầm mẫu")}, nil); err != nil {
			t.Fatal(err)
		}
		w.step(t)
		wantAlert(t, w.alerts(t, w.fleet.ID), 2, models.AlertWarningWithdrawn, map[string][2]string{w.d1.ID: {nc, c}})

		// The certificate suspended, reinstated, revoked: both models.
		both := func(from, to string) map[string][2]string {
			return map[string][2]string{w.d1.ID: {from, to}, w.d2.ID: {from, to}}
		}
		for i, step := range []struct {
			in   models.CertificateInput
			kind string
			want map[string][2]string
		}{
			{models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("kiểm tra lại")}, models.AlertCertificateSuspended, both(c, nc)},
			{models.CertificateInput{Status: ptr(models.CertValid)}, models.AlertCertificateReinstated, both(nc, c)},
			{models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("gian lận")}, models.AlertCertificateRevoked, both(c, nc)},
		} {
			if _, err := st.UpdateCertificate(ctx, admin, w.cert.ID, step.in, nil); err != nil {
				t.Fatalf("%s: %v", step.kind, err)
			}
			w.step(t)
			wantAlert(t, w.alerts(t, w.fleet.ID), 3+i, step.kind, step.want)
		}

		// A device added now is judged as it is now: nothing to tell.
		if _, err := st.AddFleetDevices(ctx, admin, w.fleet.ID, []models.DeviceInput{{Model: ptr("DS-2CD1023G0E-I")}}, false); err != nil {
			t.Fatal(err)
		}
		w.step(t)
		if n := len(w.alerts(t, w.fleet.ID)); n != 5 {
			t.Fatalf("adding a device raised an alert: %d", n)
		}
	})
}

// TestAlertsDatedEvents: a certificate expiring within 30 days, on its
// expiry, and a standard becoming mandatory, each told once by the tick.
func TestAlertsDatedEvents(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		w := newAlertWorld(t, st)
		m3 := mustCreateVerified(t, st, "Uniview", "IPC2122LB")
		in := certInput("C-3", w.body.ID, w.holder.ID, m3.ID)
		in.ExpiresOn = ptr("2026-03-20")
		c3 := mustCreateCert(t, st, in)
		ds, err := st.AddFleetDevices(ctx, admin, w.fleet.ID, []models.DeviceInput{{Brand: ptr("Uniview"), Model: ptr("IPC2122LB")}}, false)
		if err != nil {
			t.Fatal(err)
		}
		d4 := ds[0].ID
		w.step(t)
		tick := func() models.AlertResult {
			t.Helper()
			r, err := st.AlertTick(ctx)
			if err != nil {
				t.Fatalf("tick: %v", err)
			}
			return r
		}
		tick()
		c, nc := models.VerdictCompliant, models.VerdictNonCompliant
		a := wantAlert(t, w.alerts(t, w.fleet.ID), 1, models.AlertCertificateExpiring, map[string][2]string{d4: {c, c}})
		if a.SubjectID != c3.ID || a.OnDate.String() != "2026-03-20" {
			t.Fatalf("expiring alert %+v", a)
		}
		if r := tick(); r.Alerts != 0 {
			t.Fatalf("a second tick raised %d alerts", r.Alerts)
		}
		// The day after its last valid day.
		st.SetClock(func() time.Time { return time.Date(2026, 3, 21, 3, 0, 0, 0, time.UTC) })
		tick()
		wantAlert(t, w.alerts(t, w.fleet.ID), 2, models.AlertCertificateExpired, map[string][2]string{d4: {c, nc}})
		tick()
		if n := len(w.alerts(t, w.fleet.ID)); n != 2 {
			t.Fatalf("%d alerts after a third tick", n)
		}
		// QCVN 11:2026/BCA is mandatory from 2026-07-01, and QCVN 135 ends
		// the day before: the devices certified against 135 only stop
		// being compliant.
		st.SetClock(func() time.Time { return time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC) })
		tick()
		as := w.alerts(t, w.fleet.ID)
		a = wantAlert(t, as, 3, models.AlertStandardMandatory, map[string][2]string{w.d1.ID: {c, nc}, w.d2.ID: {c, nc}})
		if a.SubjectRef != "QCVN 11:2026/BCA" || a.ChangeSeq != nil {
			t.Fatalf("mandatory alert %+v", a)
		}
	})
}

// TestAlertsReplayNeverDoubles: a step computed again from the same
// position (a crash before the cursor moved, or a second process) makes
// no second alert, and two processors at once make one.
func TestAlertsReplayNeverDoubles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		w := newAlertWorld(t, st)
		db := st.DB()
		var seq int64
		if err := db.QueryRowContext(ctx, "SELECT seq FROM alert_cursors WHERE name = 'alerts'").Scan(&seq); err != nil {
			t.Fatal(err)
		}
		type row struct{ id, verdict, sig, reasons string }
		var before []row
		rs, err := db.QueryContext(ctx, "SELECT device_id, verdict, signature, reasons FROM device_verdicts")
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.id, &r.verdict, &r.sig, &r.reasons); err != nil {
				t.Fatal(err)
			}
			before = append(before, r)
		}
		rs.Close()
		in := warningInput("9/REPLAY", w.authority.ID, w.m1.ID)
		in.Measure = ptr("recall")
		mustCreateWarning(t, st, in)
		w.step(t)
		// Rewind: the cursor and the devices' verdicts as before the step.
		if _, err := db.ExecContext(ctx, "UPDATE alert_cursors SET seq = $1 WHERE name = 'alerts'", seq); err != nil {
			t.Fatal(err)
		}
		for _, r := range before {
			if _, err := db.ExecContext(ctx, "UPDATE device_verdicts SET verdict = $1, signature = $2, reasons = $3 WHERE device_id = $4",
				r.verdict, r.sig, r.reasons, r.id); err != nil {
				t.Fatal(err)
			}
		}
		if r := w.step(t); r.Alerts != 0 {
			t.Fatalf("the replay made %d alerts", r.Alerts)
		}
		if n := len(w.alerts(t, w.fleet.ID)); n != 1 {
			t.Fatalf("%d alerts after a replay, want 1", n)
		}

		// Two processors at once on the next change.
		in = warningInput("10/TWICE", w.authority.ID, w.m2.ID)
		in.Measure = ptr("stop_sale")
		mustCreateWarning(t, st, in)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.AlertStep(ctx, 500)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && !errors.Is(err, models.ErrAlertRace) {
				t.Fatalf("concurrent step: %v", err)
			}
		}
		w.step(t)
		if n := len(w.alerts(t, w.fleet.ID)); n != 2 {
			t.Fatalf("%d alerts after concurrent steps, want 2", n)
		}
	})
}

// TestAlertsWatchImportedDevices: an import writes one event for the
// fleet, not one per row; its devices are judged from it, and a later ban
// names them. A row the import changes is judged again.
func TestAlertsWatchImportedDevices(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		w := newAlertWorld(t, st)
		imp := func(rows ...models.DeviceInput) {
			t.Helper()
			_, err := st.ImportDevices(ctx, admin, w.fleet.ID, false, false, func(add models.DeviceAdder) (bool, error) {
				batch := make([]models.BatchRow[models.DeviceInput], len(rows))
				for i := range rows {
					batch[i] = models.BatchRow[models.DeviceInput]{In: rows[i]}
				}
				_, err := add(batch, models.BatchWriteAll)
				return err == nil, err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		imp(models.DeviceInput{Brand: ptr("Dahua"), Model: ptr("IPC-HFW1230S-S5"), ExternalID: ptr("IMP-1"), Quantity: ptr(7)},
			models.DeviceInput{Model: ptr("ZZ-NOPE-2"), ExternalID: ptr("IMP-2")})
		w.step(t)
		w.alerts(t, w.fleet.ID) // every device judged
		// IMP-2's row is corrected by a second import: it is the banned
		// model now.
		imp(models.DeviceInput{Brand: ptr("Hikvision"), Model: ptr("DS-2CD1023G0E-I"), ExternalID: ptr("IMP-2")})
		w.step(t)
		in := warningInput("12/IMPORT", w.authority.ID, w.m1.ID, w.m2.ID)
		in.Measure = ptr("ban")
		mustCreateWarning(t, st, in)
		w.step(t)
		as := w.alerts(t, w.fleet.ID)
		if len(as) != 1 {
			t.Fatalf("%d alerts", len(as))
		}
		named := map[string]bool{}
		for _, d := range as[0].Devices() {
			named[d.ExternalID] = true
		}
		if !named["IMP-1"] || !named["IMP-2"] || as[0].DevicesTotal != 4 {
			t.Fatalf("the ban names %v (total %d), want IMP-1, IMP-2 and the two others", named, as[0].DevicesTotal)
		}
	})
}
