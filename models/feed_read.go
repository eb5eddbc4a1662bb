package models

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"gorm.io/gorm"
)

// feedReader reads feed entries of one filter.
type feedReader struct {
	db       *gorm.DB
	typ      string
	brandKey string
}

// feedEntities are the change-log entities of each feed type.
var feedEntities = map[string]string{FeedWarning: "warning", FeedCertificate: "certificate", FeedModel: "camera_model"}

// events reads change-log events after the key, newest first, in batches,
// until it has want entries, the log ends (exhausted), or it has read
// feedScanCap events; frontier is the last event read.
func (r *feedReader) events(after *feedKey, want int) (out []FeedEntry, frontier feedKey, exhausted bool, err error) {
	entities := []string{}
	for _, t := range FeedTypes {
		if r.typ == "" || r.typ == t {
			entities = append(entities, feedEntities[t])
		}
	}
	started := after != nil
	if started {
		frontier = *after
	}
	scanned := 0
	for len(out) < want && scanned < feedScanCap {
		var batch []Event
		q := r.db.Where("entity IN ? AND action IN ?", entities, []string{ActionCreate, ActionUpdate, ActionStatus})
		if started {
			q = q.Where("(at < ? OR (at = ? AND seq < ?))", frontier.at, frontier.at, frontier.seq)
		}
		q = q.Order("at DESC, seq DESC").Limit(200)
		if err := q.Find(&batch).Error; err != nil {
			return nil, frontier, false, fmt.Errorf("read the change log for the feed: %w", err)
		}
		if len(batch) == 0 {
			return out, frontier, true, nil
		}
		scanned += len(batch)
		entries, last, err := r.classify(batch, want-len(out))
		if err != nil {
			return nil, frontier, false, err
		}
		out = append(out, entries...)
		frontier, started = last, true
		if len(batch) < 200 && last.seq == batch[len(batch)-1].Seq {
			return out, frontier, true, nil
		}
	}
	return out, frontier, false, nil
}

// classify turns events into entries, keeping those that are feed-worthy
// and about the brand, up to want of them; last is the key of the last
// event it considered.
func (r *feedReader) classify(batch []Event, want int) ([]FeedEntry, feedKey, error) {
	var cands []FeedEntry
	for _, e := range batch {
		if ent, ok := classifyEvent(e); ok {
			cands = append(cands, ent)
		}
	}
	if err := r.attach(cands); err != nil {
		return nil, feedKey{}, err
	}
	var out []FeedEntry
	last := feedKey{at: batch[len(batch)-1].At, seq: batch[len(batch)-1].Seq}
	ci := 0
	for _, e := range batch {
		k := feedKey{at: e.At, seq: e.Seq}
		if ci < len(cands) && cands[ci].key.seq == e.Seq {
			ent := cands[ci]
			ci++
			if ent.present() && r.aboutBrand(ent) {
				out = append(out, ent)
			}
		}
		if len(out) == want {
			return out, k, nil
		}
	}
	return out, last, nil
}

// classifyEvent decides whether an event is feed-worthy, and of which kind.
func classifyEvent(e Event) (FeedEntry, bool) {
	ent := FeedEntry{ID: "event:" + strconv.FormatInt(e.Seq, 10), At: e.At, Actor: e.Actor, key: feedKey{at: e.At, seq: e.Seq}}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(e.Changes), &fields) != nil {
		return ent, false
	}
	str := func(raw json.RawMessage) string {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	to := func(field string) (string, bool) {
		raw, ok := fields[field]
		if !ok {
			return "", false
		}
		var c struct {
			From any
			To   any
		}
		if json.Unmarshal(raw, &c) != nil {
			return "", false
		}
		s, _ := c.To.(string)
		return s, true
	}
	statusAndDate := func() {
		if e.Action == ActionCreate {
			ent.Reason = str(fields["status_reason"])
			_ = json.Unmarshal(fields["status_changed_on"], &ent.EffectiveOn)
			return
		}
		ent.Reason, _ = to("status_reason")
		if d, ok := to("status_changed_on"); ok {
			ent.EffectiveOn, _ = ParseDate(d)
		}
	}
	switch e.Entity {
	case "warning":
		ent.Type = FeedWarning
		switch {
		case e.Action == ActionCreate:
			ent.Kind = FeedWarningIssued
		case e.Action == ActionStatus:
			if st, _ := to("status"); st != WarningWithdrawn {
				return ent, false
			}
			ent.Kind = FeedWarningWithdrawn
			statusAndDate()
		default:
			ent.Kind = FeedWarningChanged
		}
	case "certificate":
		ent.Type = FeedCertificate
		var status, from string
		if e.Action == ActionCreate {
			status = str(fields["status"])
		} else {
			status, _ = to("status")
			if raw, ok := fields["status"]; ok {
				var c struct{ From string }
				_ = json.Unmarshal(raw, &c)
				from = c.From
			}
		}
		switch {
		case status == CertSuspended:
			ent.Kind = FeedCertificateSuspended
		case status == CertRevoked:
			ent.Kind = FeedCertificateRevoked
		case status == CertValid && from == CertSuspended:
			ent.Kind = FeedCertificateReinstated
		default:
			return ent, false
		}
		statusAndDate()
	case "camera_model":
		ent.Type = FeedModel
		if e.Action == ActionCreate {
			if str(fields["status"]) != ModelVerified {
				return ent, false
			}
		} else if st, _ := to("status"); st != ModelVerified {
			return ent, false
		}
		ent.Kind = FeedModelVerified
	default:
		return ent, false
	}
	ent.entityID = e.EntityID
	return ent, true
}

// present reports whether the entry's row still exists (a model deleted
// since is no news).
func (e FeedEntry) present() bool {
	return e.Warning != nil || e.Certificate != nil || (e.Model != nil && e.Model.Brand != "")
}

func (r *feedReader) aboutBrand(e FeedEntry) bool {
	if r.brandKey == "" {
		return true
	}
	return slices.ContainsFunc(e.Models, func(m Model) bool { return m.BrandKey == r.brandKey })
}

// attach loads the rows the entries are about: their warnings,
// certificates and models, in a few queries.
func (r *feedReader) attach(entries []FeedEntry) error {
	ids := map[string][]string{}
	for _, e := range entries {
		ids[e.Type] = append(ids[e.Type], e.entityID)
	}
	warnings := map[string]*Warning{}
	certs := map[string]*Certificate{}
	models := map[string]*Model{}
	var modelIDs []string
	if len(ids[FeedWarning]) > 0 {
		var ws []Warning
		if err := r.db.Where("id IN ?", ids[FeedWarning]).Find(&ws).Error; err != nil {
			return fmt.Errorf("load feed warnings: %w", err)
		}
		if err := loadChildren(r.db, ws, "warning_id", func(w *Warning) *[]AffectedModel { return &w.Affected },
			func(a AffectedModel) string { return a.WarningID }); err != nil {
			return err
		}
		for i := range ws {
			warnings[ws[i].ID] = &ws[i]
			for _, a := range ws[i].Affected {
				modelIDs = append(modelIDs, a.CameraModelID)
			}
		}
	}
	if len(ids[FeedCertificate]) > 0 {
		var cs []Certificate
		if err := r.db.Where("id IN ?", ids[FeedCertificate]).Find(&cs).Error; err != nil {
			return fmt.Errorf("load feed certificates: %w", err)
		}
		if err := loadChildren(r.db, cs, "certificate_id", func(c *Certificate) *[]CoveredModel { return &c.Models },
			func(m CoveredModel) string { return m.CertificateID }); err != nil {
			return err
		}
		for i := range cs {
			certs[cs[i].ID] = &cs[i]
			for _, m := range cs[i].Models {
				modelIDs = append(modelIDs, m.CameraModelID)
			}
		}
	}
	modelIDs = append(modelIDs, ids[FeedModel]...)
	slices.Sort(modelIDs)
	modelIDs = slices.Compact(modelIDs)
	for chunk := range slices.Chunk(modelIDs, 500) {
		var ms []Model
		// The feeds are public: a pending registration is named in none.
		if err := r.db.Where("id IN ? AND status = ?", chunk, ModelVerified).Find(&ms).Error; err != nil {
			return fmt.Errorf("load feed models: %w", err)
		}
		for i := range ms {
			models[ms[i].ID] = &ms[i]
		}
	}
	for i := range entries {
		e := &entries[i]
		id := e.entityID
		switch e.Type {
		case FeedWarning:
			if e.Warning = warnings[id]; e.Warning != nil {
				for _, a := range e.Warning.Affected {
					e.Models = appendModel(e.Models, models[a.CameraModelID])
				}
			}
		case FeedCertificate:
			if e.Certificate = certs[id]; e.Certificate != nil {
				for _, m := range e.Certificate.Models {
					e.Models = appendModel(e.Models, models[m.CameraModelID])
				}
			}
		case FeedModel:
			if m := models[id]; m != nil {
				e.Model = m
				e.Models = []Model{*m}
			}
		}
	}
	return nil
}

func appendModel(ms []Model, m *Model) []Model {
	if m == nil || slices.ContainsFunc(ms, func(x Model) bool { return x.ID == m.ID }) {
		return ms
	}
	return append(ms, *m)
}

// expiries reads the certificates that expired (valid through expires_on,
// which is before today) after the key, newest first. A certificate
// revoked or rejected before it ran out makes no expiry news.
func (r *feedReader) expiries(after *feedKey, want int, today Date) ([]FeedEntry, error) {
	q := r.db.Where("expires_on IS NOT NULL AND expires_on < ? AND status IN ?", today, []string{CertValid, CertSuspended})
	if after != nil {
		// The certificates whose expiry instant is before the key, or
		// equal to it and after it in (seq, id) order. A certificate
		// valid through `boundary` expired at midnight of the key's day.
		boundary := DateOf(after.at).AddDays(-1)
		switch exp := expiryTime(boundary); {
		case exp.Equal(after.at) && after.seq == 0:
			q = q.Where("(expires_on < ? OR (expires_on = ? AND id < ?))", boundary, boundary, after.id)
		default: // expired before the key (or at it, after the key's event)
			q = q.Where("expires_on <= ?", boundary)
		}
	}
	var cs []Certificate
	if err := q.Order("expires_on DESC, id DESC").Limit(want).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("find expired certificates: %w", err)
	}
	if err := loadChildren(r.db, cs, "certificate_id", func(c *Certificate) *[]CoveredModel { return &c.Models },
		func(m CoveredModel) string { return m.CertificateID }); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cs {
		for _, m := range c.Models {
			ids = append(ids, m.CameraModelID)
		}
	}
	models := map[string]*Model{}
	for chunk := range slices.Chunk(ids, 500) {
		var ms []Model
		// The feeds are public: a pending registration is named in none.
		if err := r.db.Where("id IN ? AND status = ?", chunk, ModelVerified).Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("load models of expired certificates: %w", err)
		}
		for i := range ms {
			models[ms[i].ID] = &ms[i]
		}
	}
	var out []FeedEntry
	for i := range cs {
		c := &cs[i]
		at := expiryTime(c.ExpiresOn)
		e := FeedEntry{ID: "expiry:" + c.ID, Type: FeedCertificate, Kind: FeedCertificateExpired, At: at,
			EffectiveOn: c.ExpiresOn.AddDays(1), Certificate: c, key: feedKey{at: at, id: c.ID}}
		for _, m := range c.Models {
			e.Models = appendModel(e.Models, models[m.CameraModelID])
		}
		if r.aboutBrand(e) {
			out = append(out, e)
		}
	}
	return out, nil
}
