package models

import "fmt"

// Changes dated ahead. A warning may be issued, or a certificate issued,
// suspended, revoked or reinstated, with a date after the day it is
// written: the step judges the devices on the day of the write, when
// nothing has changed yet, and the change takes effect on its date with
// no write to read in the change log. The tick judges the devices of
// such subjects again on their date; only devices whose verdict or
// reasons changed are told, so a change the step already told (dated on
// or before its write) is not told twice.

// datedChange is one subject's date on which its change takes effect.
type datedChange struct {
	kind, subjectType, id, ref string
	on                         Date
}

// modelsOf lists the models a dated change names.
func (w *alertWork) modelsOf(ch datedChange) ([]string, error) {
	var ms []string
	q := w.s.db.WithContext(w.ctx).Model(&CoveredModel{}).Where("certificate_id = ?", ch.id)
	if ch.subjectType == "warning" {
		q = w.s.db.WithContext(w.ctx).Model(&AffectedModel{}).Where("warning_id = ?", ch.id)
	}
	if err := q.Pluck("camera_model_id", &ms).Error; err != nil {
		return nil, fmt.Errorf("read the models of %s %s: %w", ch.subjectType, ch.id, err)
	}
	return ms, nil
}

// dated handles the warnings and certificates whose issue or status date
// falls in the look-back window.
func (w *alertWork) dated() error {
	changes, err := w.datedChanges()
	if err != nil {
		return err
	}
	for _, ch := range changes {
		key := "dated:" + ch.kind + ":" + ch.id + ":" + ch.on.String()
		if done, err := w.marked(key); err != nil {
			return err
		} else if done {
			continue
		}
		ms, err := w.modelsOf(ch)
		if err != nil {
			return err
		}
		rows, err := w.modelDevices(ms)
		if err != nil {
			return err
		}
		w.marks = append(w.marks, key)
		if len(rows) == 0 {
			continue
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.DeviceID
		}
		alert := Alert{Kind: ch.kind, DedupKey: key, SubjectType: ch.subjectType, SubjectID: ch.id, SubjectRef: ch.ref, OnDate: ch.on}
		if err := w.rejudge(ids, func(string) Alert { return alert }); err != nil {
			return err
		}
	}
	return nil
}

// datedChanges lists the warnings and certificates issued, or whose status
// changed, within the look-back window.
func (w *alertWork) datedChanges() ([]datedChange, error) {
	db := w.s.db.WithContext(w.ctx)
	from, to := w.day.AddDays(-AlertLookBack), w.day
	var out []datedChange

	var ws []Warning
	err := db.Where("(issued_on >= ? AND issued_on <= ?) OR (status = ? AND status_changed_on >= ? AND status_changed_on <= ?)",
		from, to, WarningWithdrawn, from, to).Order("id").Find(&ws).Error
	if err != nil {
		return nil, fmt.Errorf("find warnings dated lately: %w", err)
	}
	for _, wa := range ws {
		if !wa.IssuedOn.Before(from) && !wa.IssuedOn.After(to) {
			out = append(out, datedChange{AlertWarningIssued, "warning", wa.ID, wa.Reference, wa.IssuedOn})
		}
		if wa.Status.Status == WarningWithdrawn && !wa.StatusChangedOn.IsZero() &&
			!wa.StatusChangedOn.Before(from) && !wa.StatusChangedOn.After(to) {
			out = append(out, datedChange{AlertWarningWithdrawn, "warning", wa.ID, wa.Reference, wa.StatusChangedOn})
		}
	}

	var cs []Certificate
	err = db.Where("(issued_on >= ? AND issued_on <= ?) OR (status_changed_on >= ? AND status_changed_on <= ?)",
		from, to, from, to).Order("id").Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("find certificates dated lately: %w", err)
	}
	for _, c := range cs {
		if !c.IssuedOn.Before(from) && !c.IssuedOn.After(to) {
			out = append(out, datedChange{AlertCertificateIssued, "certificate", c.ID, c.Number, c.IssuedOn})
		}
		if d := c.StatusChangedOn; !d.IsZero() && !d.Before(from) && !d.After(to) {
			kind := AlertCertificateReinstated
			switch c.Status.Status {
			case CertSuspended:
				kind = AlertCertificateSuspended
			case CertRevoked:
				kind = AlertCertificateRevoked
			}
			out = append(out, datedChange{kind, "certificate", c.ID, c.Number, d})
		}
	}
	return out, nil
}
