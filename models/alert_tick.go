package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"camreg/models/verdict"
)

// The alert tick: what dates alone change, with no write to read in the
// change log. It runs on start and periodically, on the store's clock
// (tests move it). Each dated subject is handled once (alert_marks) and
// each of its alerts is unique per fleet, kind, subject and date.

// AlertLookBack is how many days back the tick still handles an expiry or
// a mandatory date it missed (the server was down that day).
const AlertLookBack = 30

// AlertTick judges devices that have no verdict yet (telling nothing),
// then raises certificate.expiring (a certificate a device's compliance
// rests on expires within ExpiringWithin days; the verdict is unchanged),
// certificate.expired (it stopped being valid; the verdict changed) and
// standard.mandatory (a standard became mandatory), and the changes dated
// ahead of their write once their day comes (alert_dated.go). Errors: ErrAlertRace,
// and the database's.
func (s *Store) AlertTick(ctx context.Context) (AlertResult, error) {
	total := AlertResult{Kinds: map[string]int{}}
	add := func(r AlertResult) {
		total.Alerts += r.Alerts
		total.Deliveries += r.Deliveries
		for k, n := range r.Kinds {
			total.Kinds[k] += n
		}
	}
	// Devices with no verdict: added before alerts existed, or by a path
	// that wrote no event per device.
	for {
		cur, err := s.readCursor(ctx)
		if err != nil {
			return total, err
		}
		var ids []string
		err = s.db.WithContext(ctx).Raw(`SELECT d.id FROM fleet_devices d LEFT JOIN device_verdicts v ON v.device_id = d.id
			WHERE v.device_id IS NULL ORDER BY d.id LIMIT 500`).Scan(&ids).Error
		if err != nil {
			return total, fmt.Errorf("find devices with no verdict: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		w := s.newAlertWork(ctx)
		if err := w.baseline(ids); err != nil {
			return total, err
		}
		if len(w.changed) == 0 {
			break // gone meanwhile
		}
		r, err := w.commit(cur, cur.Seq)
		if err != nil {
			return total, err
		}
		add(r)
	}
	cur, err := s.readCursor(ctx)
	if err != nil {
		return total, err
	}
	w := s.newAlertWork(ctx)
	if err := w.expiries(); err != nil {
		return total, err
	}
	if err := w.mandatory(); err != nil {
		return total, err
	}
	if err := w.dated(); err != nil {
		return total, err
	}
	if len(w.marks) == 0 {
		return total, nil
	}
	r, err := w.commit(cur, cur.Seq)
	add(r)
	return total, err
}

// marked reports whether a dated subject was handled.
func (w *alertWork) marked(key string) (bool, error) {
	var n int64
	if err := w.s.db.WithContext(w.ctx).Model(&alertMark{}).Where("mark_key = ?", key).Count(&n).Error; err != nil {
		return false, fmt.Errorf("read alert marks: %w", err)
	}
	return n > 0 || slices.Contains(w.marks, key), nil
}

// modelDevices are the devices whose verdict last named one of the models.
func (w *alertWork) modelDevices(models []string) ([]deviceVerdict, error) {
	var out []deviceVerdict
	for chunk := range slices.Chunk(models, 500) {
		var rows []deviceVerdict
		if err := w.s.db.WithContext(w.ctx).Where("model_id IN ?", chunk).Order("device_id").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("read device verdicts: %w", err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

// expiries handles the certificates that expire soon or expired lately.
func (w *alertWork) expiries() error {
	db := w.s.db.WithContext(w.ctx)
	var cs []Certificate
	err := db.Where("expires_on IS NOT NULL AND expires_on >= ? AND expires_on <= ? AND status IN ?",
		w.day.AddDays(-AlertLookBack), w.day.AddDays(ExpiringWithin), []string{CertValid, CertSuspended}).
		Order("expires_on, id").Find(&cs).Error
	if err != nil {
		return fmt.Errorf("find certificates near expiry: %w", err)
	}
	for _, c := range cs {
		kind := AlertCertificateExpiring
		if w.day.After(c.ExpiresOn) {
			kind = AlertCertificateExpired
		} else if c.Status.Status != CertValid {
			continue // a suspended certificate makes nobody compliant
		}
		key := kind + ":" + c.ID + ":" + c.ExpiresOn.String()
		if done, err := w.marked(key); err != nil {
			return err
		} else if done {
			continue
		}
		var models []string
		if err := db.Model(&CoveredModel{}).Where("certificate_id = ?", c.ID).Pluck("camera_model_id", &models).Error; err != nil {
			return fmt.Errorf("read the models of certificate %s: %w", c.ID, err)
		}
		rows, err := w.modelDevices(models)
		if err != nil {
			return err
		}
		w.marks = append(w.marks, key)
		alert := Alert{Kind: kind, DedupKey: key, SubjectType: "certificate", SubjectID: c.ID, SubjectRef: c.Number, OnDate: c.ExpiresOn}
		if kind == AlertCertificateExpired {
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.DeviceID
			}
			if err := w.rejudge(ids, func(string) Alert { return alert }); err != nil {
				return err
			}
			continue
		}
		// Expiring: the verdict is unchanged; tell the devices whose
		// compliance rests on this certificate.
		rows = slices.DeleteFunc(rows, func(r deviceVerdict) bool {
			return r.Verdict != VerdictCompliant || !strings.Contains(r.Signature, "/"+c.ID+"/")
		})
		if err := w.tellUnchanged(rows, alert); err != nil {
			return err
		}
	}
	return nil
}

// tellUnchanged raises, per fleet, an alert naming devices whose verdict
// stays as it is.
func (w *alertWork) tellUnchanged(rows []deviceVerdict, alert Alert) error {
	ids := make([]string, len(rows))
	byID := map[string]deviceVerdict{}
	for i, r := range rows {
		ids[i] = r.DeviceID
		byID[r.DeviceID] = r
	}
	ds, err := loadDevices(w.s.db.WithContext(w.ctx), ids)
	if err != nil {
		return err
	}
	byFleet := map[string]*Alert{}
	devices := map[string][]AlertDevice{}
	var fleets []string
	for _, d := range ds {
		r := byID[d.ID]
		a := byFleet[d.FleetID]
		if a == nil {
			na := alert
			a = &na
			byFleet[d.FleetID] = a
			fleets = append(fleets, d.FleetID)
		}
		a.DevicesTotal++
		a.CamerasTotal += d.Quantity
		if len(devices[d.FleetID]) < MaxAlertDevices {
			var reasons []verdict.Reason
			_ = json.Unmarshal([]byte(r.Reasons), &reasons)
			j := judgement{device: d, modelID: r.ModelID, verdict: r.Verdict, reasons: reasons}
			devices[d.FleetID] = append(devices[d.FleetID], alertDevice(&j, r.Verdict, r.Verdict))
		}
	}
	for _, f := range fleets {
		a := byFleet[f]
		body, err := json.Marshal(devices[f])
		if err != nil {
			return fmt.Errorf("encode alert devices: %w", err)
		}
		a.ID, a.FleetID, a.DevicesJSON, a.CreatedAt = newID(), f, string(body), w.now
		w.alerts = append(w.alerts, *a)
	}
	return nil
}

// mandatory handles the standards that became mandatory lately: every
// device is judged again.
func (w *alertWork) mandatory() error {
	db := w.s.db.WithContext(w.ctx)
	var ss []Standard
	if err := db.Where("mandatory_from IS NOT NULL AND mandatory_from >= ? AND mandatory_from <= ?",
		w.day.AddDays(-AlertLookBack), w.day).Order("mandatory_from, id").Find(&ss).Error; err != nil {
		return fmt.Errorf("find standards becoming mandatory: %w", err)
	}
	for _, st := range ss {
		key := AlertStandardMandatory + ":" + st.ID + ":" + st.MandatoryFrom.String()
		if done, err := w.marked(key); err != nil {
			return err
		} else if done {
			continue
		}
		var ids []string
		if err := db.Model(&deviceVerdict{}).Order("device_id").Pluck("device_id", &ids).Error; err != nil {
			return fmt.Errorf("read device verdicts: %w", err)
		}
		w.marks = append(w.marks, key)
		alert := Alert{Kind: AlertStandardMandatory, DedupKey: key, SubjectType: "standard", SubjectID: st.ID, SubjectRef: st.Code,
			OnDate: st.MandatoryFrom}
		if err := w.rejudge(ids, func(string) Alert { return alert }); err != nil {
			return err
		}
	}
	return nil
}
