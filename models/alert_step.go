package models

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The alert processor reads the change log after its cursor, in seq
// order. For each change that may change verdicts (a warning, a
// certificate, a standard) it judges again, with verify's code, the
// devices whose last verdict named an affected model, and each fleet whose
// devices' verdict or reasons changed gets one alert naming them. A new
// device is judged when its creation is read, and tells nothing. A step
// computes outside any transaction (verify reads its own snapshot) and
// commits everything at once: the alerts, their deliveries, the devices'
// new verdicts and the cursor, under a compare-and-set of the cursor's
// generation, so that of two processes that computed the same step only
// one commits (the other's step is dropped, and it reads on from there).

// alertCursor is the processor's position in the change log.
type alertCursor struct {
	Name      string `gorm:"primaryKey"`
	Seq       int64
	Gen       int64
	UpdatedAt time.Time
}

func (alertCursor) TableName() string { return "alert_cursors" }

const alertCursorName = "alerts"

// ErrAlertRace is a step's error when another process committed first; the
// step changed nothing and the next one reads on from the other's work.
var ErrAlertRace = errors.New("another process moved the alert cursor first")

// alertMark remembers a dated subject already handled.
type alertMark struct {
	Key    string `gorm:"column:mark_key;primaryKey"`
	DoneAt time.Time
}

func (alertMark) TableName() string { return "alert_marks" }

// AlertResult says what one step did.
type AlertResult struct {
	Events     int
	Alerts     int
	Deliveries int
	// Kinds counts the new alerts by event name.
	Kinds map[string]int
}

// changeIDs finds record ids in an event's change summary: the models a
// change removed are only named there.
var changeIDs = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// alertWork is what one step computed, committed at once.
type alertWork struct {
	s   *Store
	ctx context.Context
	day Date
	now time.Time
	// verdicts are the devices' verdicts as this step leaves them.
	verdicts map[string]deviceVerdict
	changed  map[string]bool
	alerts   []Alert
	marks    []string
}

func (s *Store) newAlertWork(ctx context.Context) *alertWork {
	return &alertWork{s: s, ctx: ctx, day: s.Today(), now: s.timestamp(), verdicts: map[string]deviceVerdict{}, changed: map[string]bool{}}
}

// readCursor reads the processor's cursor.
func (s *Store) readCursor(ctx context.Context) (alertCursor, error) {
	var c alertCursor
	err := s.db.WithContext(ctx).Where("name = ?", alertCursorName).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// The migration makes the row; a restored database may lack it.
		c = alertCursor{Name: alertCursorName, UpdatedAt: s.timestamp()}
		if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&c).Error; err != nil {
			return c, fmt.Errorf("make the alert cursor: %w", err)
		}
		err = s.db.WithContext(ctx).Where("name = ?", alertCursorName).Take(&c).Error
	}
	if err != nil {
		return c, fmt.Errorf("read the alert cursor: %w", err)
	}
	return c, nil
}

// AlertLag is how many change-log events the alert processor has not
// read yet.
func (s *Store) AlertLag(ctx context.Context) (int64, error) {
	c, err := s.readCursor(ctx)
	if err != nil {
		return 0, err
	}
	var head int64
	if err := s.DB().QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&head); err != nil {
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	return max(head-c.Seq, 0), nil
}

// AlertStep reads up to limit events after the alert cursor and commits
// what they raise. Errors: ErrAlertRace, and the database's.
func (s *Store) AlertStep(ctx context.Context, limit int) (AlertResult, error) {
	if limit <= 0 {
		limit = 500
	}
	cur, err := s.readCursor(ctx)
	if err != nil {
		return AlertResult{}, err
	}
	// The head first: every event up to it is committed (appends are
	// serialised, in seq order), so a step that reads them all may move
	// the cursor to it.
	var head int64
	if err := s.DB().QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM events").Scan(&head); err != nil {
		return AlertResult{}, fmt.Errorf("read the change-log head: %w", err)
	}
	if head <= cur.Seq {
		return AlertResult{}, nil
	}
	// Alerts are about fleets' devices: with none (read after the head,
	// so none created up to it), no event up to the head can change a
	// verdict, and the step only moves the cursor. A registry without
	// fleets no longer judges every certificate and warning of its log
	// after a bulk load (the national soak: 10% of the server's CPU).
	var devices int
	if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM fleet_devices LIMIT 1) d").Scan(&devices); err != nil {
		return AlertResult{}, fmt.Errorf("look for fleet devices: %w", err)
	}
	var events []Event
	if devices > 0 {
		if events, err = s.alertEvents(ctx, cur.Seq, head, limit); err != nil {
			return AlertResult{}, err
		}
	}
	end := head
	if len(events) == limit {
		end = events[len(events)-1].Seq
	}
	w := s.newAlertWork(ctx)
	var newDevices []string
	for _, e := range events {
		switch {
		case e.Entity == "fleet_device" && e.Action == ActionCreate:
			newDevices = append(newDevices, e.EntityID)
			continue
		case e.Entity == "fleet" && e.Action == ActionImport:
			// An import's one event names the fleet, not its rows: its
			// devices new or changed since they were judged.
			ids, err := s.importedDevices(ctx, e.EntityID)
			if err != nil {
				return AlertResult{}, err
			}
			newDevices = append(newDevices, ids...)
			continue
		}
		ch, ok := classifyChange(e)
		if !ok {
			continue
		}
		// The devices added before this change are judged before it.
		if err := w.baseline(newDevices); err != nil {
			return AlertResult{}, err
		}
		newDevices = nil
		if err := w.change(e, ch); err != nil {
			return AlertResult{}, err
		}
	}
	if err := w.baseline(newDevices); err != nil {
		return AlertResult{}, err
	}
	res, err := w.commit(cur, end)
	// The log's seqs have no gaps: the step covered end - cur.Seq events,
	// the ones it skipped unread included.
	res.Events = int(end - cur.Seq)
	return res, err
}

// alertEntities are the entities whose events the alert processor reads:
// the changes classifyChange knows, and fleets' new devices. The rest of
// the log (listings, organizations, models: nearly all of it under load,
// and all of a bulk import) is skipped in the query, unread.
var alertEntities = []string{"warning", "certificate", "standard", "fleet_device", "fleet"}

// alertEvents reads up to limit events of alertEntities after seq from,
// up to seq to, in seq order.
func (s *Store) alertEvents(ctx context.Context, from, to int64, limit int) ([]Event, error) {
	var out []Event
	err := s.db.WithContext(ctx).Where("seq > ? AND seq <= ? AND entity IN ?", from, to, alertEntities).
		Order("seq").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find events for alerts: %w", err)
	}
	return out, nil
}

// alertChange is a change-log event that may change verdicts.
type alertChange struct {
	kind, subjectType string
	// all: the change may change any device (a standard's).
	all bool
}

// classifyChange tells whether an event may change a device's verdict,
// and its alert event name.
func classifyChange(e Event) (alertChange, bool) {
	switch e.Entity {
	case "warning", "certificate", "standard":
	default:
		// Most of the log (listings, organizations, models): no need to
		// decode their changes to know they change no verdict.
		return alertChange{}, false
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal([]byte(e.Changes), &fields)
	transition := func(field string) (from, to string) {
		var c struct{ From, To any }
		if raw, ok := fields[field]; ok && json.Unmarshal(raw, &c) == nil {
			from, _ = c.From.(string)
			to, _ = c.To.(string)
		}
		return from, to
	}
	switch e.Entity {
	case "warning":
		ch := alertChange{subjectType: "warning", kind: AlertWarningChanged}
		switch e.Action {
		case ActionCreate:
			ch.kind = AlertWarningIssued
		case ActionStatus:
			if _, to := transition("status"); to == WarningWithdrawn {
				ch.kind = AlertWarningWithdrawn
			}
		case ActionDelete:
			ch.kind = AlertWarningWithdrawn
		}
		return ch, true
	case "certificate":
		ch := alertChange{subjectType: "certificate", kind: AlertCertificateChanged}
		switch e.Action {
		case ActionCreate:
			ch.kind = AlertCertificateIssued
		case ActionStatus, ActionUpdate:
			switch from, to := transition("status"); {
			case to == CertSuspended:
				ch.kind = AlertCertificateSuspended
			case to == CertRevoked:
				ch.kind = AlertCertificateRevoked
			case to == CertValid && from == CertSuspended:
				ch.kind = AlertCertificateReinstated
			case to == CertValid:
				ch.kind = AlertCertificateIssued
			}
		}
		return ch, true
	case "standard":
		ch := alertChange{subjectType: "standard", kind: AlertStandardChanged, all: true}
		if _, ok := fields["mandatory_from"]; ok && e.Action == ActionUpdate {
			ch.kind = AlertStandardMandatory
		}
		return ch, true
	}
	return alertChange{}, false
}

// importedDevices are a fleet's devices with no verdict, or changed (by
// an import's update) since they were judged.
func (s *Store) importedDevices(ctx context.Context, fleetID string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT d.id FROM fleet_devices d LEFT JOIN device_verdicts v ON v.device_id = d.id
		WHERE d.fleet_id = ? AND (v.device_id IS NULL OR d.updated_at >= v.judged_at) ORDER BY d.id`, fleetID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("find the imported devices of fleet %s: %w", fleetID, err)
	}
	return ids, nil
}

// baseline judges devices just added (or changed by an import) whose
// verdict this step has not judged yet; it tells nothing.
func (w *alertWork) baseline(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	db := w.s.db.WithContext(w.ctx)
	slices.Sort(ids)
	ids = slices.DeleteFunc(slices.Compact(slices.Clone(ids)), func(id string) bool {
		_, seen := w.verdicts[id]
		return seen
	})
	ds, err := loadDevices(db, ids)
	if err != nil || len(ds) == 0 {
		return err
	}
	js, err := w.s.judge(w.ctx, ds, w.day)
	if err != nil {
		return err
	}
	for i := range js {
		w.verdicts[js[i].device.ID] = js[i].row(w.now)
		w.changed[js[i].device.ID] = true
	}
	return nil
}

// affectedModels are the models a warning or certificate names now, and
// those its change removed (named in the change summary only).
func (w *alertWork) affectedModels(e Event, subjectType string) ([]string, string, error) {
	db := w.s.db.WithContext(w.ctx)
	var ids []string
	ref := ""
	switch subjectType {
	case "warning":
		if err := db.Model(&AffectedModel{}).Where("warning_id = ?", e.EntityID).Pluck("camera_model_id", &ids).Error; err != nil {
			return nil, "", fmt.Errorf("read the models of warning %s: %w", e.EntityID, err)
		}
		var refs []string
		_ = db.Model(&Warning{}).Where("id = ?", e.EntityID).Pluck("reference", &refs).Error
		if len(refs) > 0 {
			ref = refs[0]
		}
	case "certificate":
		if err := db.Model(&CoveredModel{}).Where("certificate_id = ?", e.EntityID).Pluck("camera_model_id", &ids).Error; err != nil {
			return nil, "", fmt.Errorf("read the models of certificate %s: %w", e.EntityID, err)
		}
		var refs []string
		_ = db.Model(&Certificate{}).Where("id = ?", e.EntityID).Pluck("number", &refs).Error
		if len(refs) > 0 {
			ref = refs[0]
		}
	}
	ids = append(ids, changeIDs.FindAllString(e.Changes, -1)...)
	slices.Sort(ids)
	return slices.Compact(ids), ref, nil
}

// change judges again the devices a change may affect, and raises one
// alert per fleet whose devices' verdicts changed.
func (w *alertWork) change(e Event, ch alertChange) error {
	db := w.s.db.WithContext(w.ctx)
	var candidates []string
	var models []string
	ref := ""
	if ch.all {
		if err := db.Model(&deviceVerdict{}).Order("device_id").Pluck("device_id", &candidates).Error; err != nil {
			return fmt.Errorf("read device verdicts: %w", err)
		}
		var codes []string
		_ = db.Model(&Standard{}).Where("id = ?", e.EntityID).Pluck("code", &codes).Error
		if len(codes) > 0 {
			ref = codes[0]
		}
	} else {
		var err error
		if models, ref, err = w.affectedModels(e, ch.subjectType); err != nil {
			return err
		}
		for chunk := range slices.Chunk(models, 500) {
			var got []string
			if err := db.Model(&deviceVerdict{}).Where("model_id IN ?", chunk).Pluck("device_id", &got).Error; err != nil {
				return fmt.Errorf("read device verdicts: %w", err)
			}
			candidates = append(candidates, got...)
		}
	}
	// Devices judged earlier in this step are not in the table yet.
	for id, v := range w.verdicts {
		if ch.all || slices.Contains(models, v.ModelID) {
			candidates = append(candidates, id)
		}
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	key := "event:" + strconv.FormatInt(e.Seq, 10)
	seq := e.Seq
	return w.rejudge(candidates, func(fleet string) Alert {
		return Alert{Kind: ch.kind, DedupKey: key, SubjectType: ch.subjectType, SubjectID: e.EntityID, SubjectRef: ref,
			ChangeSeq: &seq, OnDate: w.day}
	})
}

// rejudge judges the devices again and raises, per fleet with changed
// devices, the alert that newAlert makes.
func (w *alertWork) rejudge(ids []string, newAlert func(fleet string) Alert) error {
	db := w.s.db.WithContext(w.ctx)
	byFleet := map[string]*Alert{}
	var fleets []string
	var devices = map[string][]AlertDevice{}
	for chunk := range slices.Chunk(ids, MaxVerifyItems) {
		before := map[string]deviceVerdict{}
		var rows []deviceVerdict
		if err := db.Where("device_id IN ?", chunk).Find(&rows).Error; err != nil {
			return fmt.Errorf("read device verdicts: %w", err)
		}
		for _, r := range rows {
			before[r.DeviceID] = r
		}
		for _, id := range chunk {
			if v, ok := w.verdicts[id]; ok {
				before[id] = v
			}
		}
		ds, err := loadDevices(db, chunk)
		if err != nil {
			return err
		}
		js, err := w.s.judge(w.ctx, ds, w.day)
		if err != nil {
			return err
		}
		for i := range js {
			j := &js[i]
			b, ok := before[j.device.ID]
			if !ok || (b.Signature == j.sig && b.ModelID == j.modelID) {
				continue
			}
			w.verdicts[j.device.ID] = j.row(w.now)
			w.changed[j.device.ID] = true
			if b.Signature == j.sig {
				continue // the same verdict, only matched anew
			}
			f := j.device.FleetID
			a := byFleet[f]
			if a == nil {
				na := newAlert(f)
				a = &na
				byFleet[f] = a
				fleets = append(fleets, f)
			}
			a.DevicesTotal++
			a.CamerasTotal += j.device.Quantity
			if len(devices[f]) < MaxAlertDevices {
				devices[f] = append(devices[f], alertDevice(j, b.Verdict, j.verdict))
			}
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

func alertDevice(j *judgement, before, after string) AlertDevice {
	d := &j.device
	return AlertDevice{DeviceID: d.ID, Brand: d.Brand, Model: d.Model, Firmware: d.Firmware, ExternalID: d.ExternalID,
		Location: d.Location, Quantity: d.Quantity, ModelID: j.modelID, VerdictBefore: before, VerdictAfter: after,
		Reasons: j.reasons}
}

// commit stores the step's work and moves the cursor to seq, if no other
// process moved it since cur was read. Errors: ErrAlertRace.
func (w *alertWork) commit(cur alertCursor, seq int64) (AlertResult, error) {
	res := AlertResult{Kinds: map[string]int{}}
	leave := w.s.gate.enter(w.ctx)
	defer leave()
	err := w.s.db.WithContext(w.ctx).Transaction(func(tx *gorm.DB) error {
		moved := tx.Model(&alertCursor{}).Where("name = ? AND gen = ?", cur.Name, cur.Gen).
			Updates(map[string]any{"seq": seq, "gen": cur.Gen + 1, "updated_at": w.now})
		if moved.Error != nil {
			return fmt.Errorf("move the alert cursor: %w", moved.Error)
		}
		if moved.RowsAffected == 0 {
			return ErrAlertRace
		}
		var rows []deviceVerdict
		for id := range w.changed {
			rows = append(rows, w.verdicts[id])
		}
		slices.SortFunc(rows, func(a, b deviceVerdict) int { return cmp.Compare(a.DeviceID, b.DeviceID) })
		for chunk := range slices.Chunk(rows, 200) {
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&chunk).Error; err != nil {
				return fmt.Errorf("store device verdicts: %w", err)
			}
		}
		for i := range w.alerts {
			a := &w.alerts[i]
			made := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(a)
			if made.Error != nil {
				return fmt.Errorf("store alert: %w", made.Error)
			}
			if made.RowsAffected == 0 {
				continue // told already (a replay)
			}
			res.Alerts++
			res.Kinds[a.Kind]++
			n, err := w.s.enqueueDeliveries(tx, a, w.now)
			if err != nil {
				return err
			}
			res.Deliveries += n
		}
		for _, k := range w.marks {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&alertMark{Key: k, DoneAt: w.now}).Error; err != nil {
				return fmt.Errorf("store alert mark: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return AlertResult{}, err
	}
	return res, nil
}
