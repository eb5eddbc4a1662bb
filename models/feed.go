package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"camreg/fold"

	"gorm.io/gorm"
)

// The feed tells subscribers what changed in the registry that matters to
// a buyer or an inspector: warnings issued, changed or withdrawn;
// certificates suspended, reinstated, revoked or expired; models newly
// verified. It is read from the change log, newest first, except expiries:
// expiry follows from dates, not from a write, so those entries come from
// the certificates whose expires_on has passed, dated when they expired.

// The types and kinds of feed entries.
const (
	FeedWarning     = "warning"
	FeedCertificate = "certificate"
	FeedModel       = "model"

	FeedWarningIssued         = "warning_issued"
	FeedWarningChanged        = "warning_changed"
	FeedWarningWithdrawn      = "warning_withdrawn"
	FeedCertificateSuspended  = "certificate_suspended"
	FeedCertificateReinstated = "certificate_reinstated"
	FeedCertificateRevoked    = "certificate_revoked"
	FeedCertificateExpired    = "certificate_expired"
	FeedModelVerified         = "model_verified"
)

// FeedTypes lists the entry types a feed may be filtered by.
var FeedTypes = []string{FeedWarning, FeedCertificate, FeedModel}

// Feed paging limits.
const (
	DefaultFeedLimit = 50
	MaxFeedLimit     = 200
	// feedScanCap bounds the change-log events one page reads, so that a
	// narrow filter cannot make a request read the whole log; the page
	// then ends early with a cursor to go on from.
	feedScanCap = 5000
)

// FeedFilter selects feed entries: of one type, about one brand's models,
// at most Limit of them after Cursor.
type FeedFilter struct {
	Type   string
	Brand  string
	Limit  int
	Cursor string
}

// FeedEntry is one entry of the feed, with the rows it is about as they
// are now.
type FeedEntry struct {
	// ID is stable across requests: the event's seq, or the expired
	// certificate's id.
	ID   string
	Type string
	Kind string
	At   time.Time
	// Actor is who made the change (empty for an expiry).
	Actor string
	// Reason and EffectiveOn are the status reason and date of a status
	// change.
	Reason      string
	EffectiveOn Date
	Warning     *Warning
	Certificate *Certificate
	Model       *Model
	// Models are the camera models the entry is about.
	Models []Model
	key    feedKey
	// entityID is the id of the row the entry is about, until attach
	// loads it.
	entityID string
}

// FeedPage is one page of the feed, newest first.
type FeedPage struct {
	Entries    []FeedEntry
	NextCursor string
}

// feedKey orders entries: newest first, then by change-log seq (an expiry
// has none and comes after the events of the same instant), then by id.
type feedKey struct {
	at  time.Time
	seq int64
	id  string
}

// before reports whether k comes after o in the feed (is older).
func (k feedKey) before(o feedKey) bool {
	if !k.at.Equal(o.at) {
		return k.at.Before(o.at)
	}
	if k.seq != o.seq {
		return k.seq < o.seq
	}
	return k.id < o.id
}

func (k feedKey) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%d|%s", k.at.UnixMicro(), k.seq, k.id)))
}

func decodeFeedKey(s string) (feedKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return feedKey{}, false
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 {
		return feedKey{}, false
	}
	us, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || (parts[2] != "" && !ValidID(parts[2])) {
		return feedKey{}, false
	}
	return feedKey{at: time.UnixMicro(us).UTC(), seq: seq, id: parts[2]}, true
}

// expiryTime is when a certificate that is valid through expires_on stops
// being valid: the start of the next day in Vietnam.
func expiryTime(expiresOn Date) time.Time {
	return time.Date(expiresOn.y, expiresOn.m, expiresOn.d+1, 0, 0, 0, 0, Zone).UTC()
}

// Feed returns one page of the feed. Errors: ErrInvalid.
func (s *Store) Feed(ctx context.Context, f FeedFilter) (FeedPage, error) {
	var v ValidationError
	if f.Type != "" {
		v.enum("type", &f.Type, false, FeedTypes...)
	}
	if f.Limit == 0 {
		f.Limit = DefaultFeedLimit
	}
	v.Check(f.Limit >= 1 && f.Limit <= MaxFeedLimit, "limit", "must be between 1 and %d", MaxFeedLimit)
	var after *feedKey // nil: from the newest entry
	if f.Cursor != "" {
		k, ok := decodeFeedKey(f.Cursor)
		v.Check(ok, "cursor", "is not a cursor returned by this feed")
		after = &k
	}
	brandKey := fold.Key(f.Brand)
	v.Check(f.Brand == "" || brandKey != "", "brand", "must contain letters or digits")
	if err := v.Err(); err != nil {
		return FeedPage{}, err
	}
	db := s.db.WithContext(ctx)
	fr := &feedReader{db: db, typ: f.Type, brandKey: brandKey}

	events, frontier, exhausted, err := fr.events(after, f.Limit+1)
	if err != nil {
		return FeedPage{}, err
	}
	var expiries []FeedEntry
	if f.Type == "" || f.Type == FeedCertificate {
		if expiries, err = fr.expiries(after, f.Limit+1, s.Today()); err != nil {
			return FeedPage{}, err
		}
	}
	merged := append(events, expiries...)
	slices.SortFunc(merged, func(a, b FeedEntry) int {
		switch {
		case b.key.before(a.key):
			return -1
		case a.key.before(b.key):
			return 1
		}
		return 0
	})
	if !exhausted {
		// Entries older than the last event read may have unread events
		// before them: they wait for the next page.
		merged = slices.DeleteFunc(merged, func(e FeedEntry) bool { return e.key.before(frontier) })
	}
	page := FeedPage{Entries: merged}
	switch {
	case len(merged) > f.Limit:
		page.Entries = merged[:f.Limit]
		page.NextCursor = merged[f.Limit-1].key.encode()
	case !exhausted:
		page.NextCursor = frontier.encode()
	}
	if page.Entries == nil {
		page.Entries = []FeedEntry{}
	}
	return page, nil
}

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
		if err := r.db.Where("id IN ?", chunk).Find(&ms).Error; err != nil {
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
		boundary := DateOf(after.at).addDays(-1)
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
		if err := r.db.Where("id IN ?", chunk).Find(&ms).Error; err != nil {
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
			EffectiveOn: c.ExpiresOn.addDays(1), Certificate: c, key: feedKey{at: at, id: c.ID}}
		for _, m := range c.Models {
			e.Models = appendModel(e.Models, models[m.CameraModelID])
		}
		if r.aboutBrand(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// addDays returns the date n days after d.
func (d Date) addDays(n int) Date {
	return NewDate(d.y, d.m, d.d+n)
}

// Title is the entry's headline in Vietnamese (lang "vi") or English.
func (e FeedEntry) Title(lang string) string {
	en := lang == LangEN
	pick := func(vi, eng string) string {
		if en {
			return eng
		}
		return vi
	}
	models := e.modelNames()
	switch e.Kind {
	case FeedWarningIssued:
		return pick("Cảnh báo mới "+e.Warning.Reference+": "+e.Warning.Title, "New warning "+e.Warning.Reference+": "+e.Warning.Title)
	case FeedWarningChanged:
		return pick("Cảnh báo "+e.Warning.Reference+" được cập nhật: "+e.Warning.Title, "Warning "+e.Warning.Reference+" updated: "+e.Warning.Title)
	case FeedWarningWithdrawn:
		return pick("Cảnh báo "+e.Warning.Reference+" đã được rút lại", "Warning "+e.Warning.Reference+" withdrawn")
	case FeedCertificateSuspended:
		return pick("Đình chỉ giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" suspended"+models)
	case FeedCertificateReinstated:
		return pick("Khôi phục giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" reinstated"+models)
	case FeedCertificateRevoked:
		return pick("Thu hồi giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" revoked"+models)
	case FeedCertificateExpired:
		return pick("Giấy chứng nhận hợp quy "+e.Certificate.Number+" hết hạn"+models, "Certificate "+e.Certificate.Number+" expired"+models)
	case FeedModelVerified:
		return pick("Mẫu camera mới được xác minh: "+e.Model.Brand+" "+e.Model.ModelNumber, "Camera model verified: "+e.Model.Brand+" "+e.Model.ModelNumber)
	}
	return e.Kind
}

// Summary is the entry's text: what happened, when it took effect, why,
// and to which models.
func (e FeedEntry) Summary(lang string) string {
	en := lang == LangEN
	var parts []string
	add := func(vi, eng string) {
		if en {
			parts = append(parts, eng)
		} else {
			parts = append(parts, vi)
		}
	}
	switch {
	case e.Warning != nil:
		w := e.Warning
		add(fmt.Sprintf("Mức độ: %s. Biện pháp: %s. Ngày ban hành: %s.", w.Severity, measureVI[w.Measure], formatDay(w.IssuedOn, false)),
			fmt.Sprintf("Severity: %s. Measure: %s. Issued: %s.", w.Severity, strings.ReplaceAll(w.Measure, "_", " "), w.IssuedOn))
		if w.Summary != "" {
			parts = append(parts, w.Summary)
		}
		if len(w.CVEIDs) > 0 {
			parts = append(parts, strings.Join(w.CVEIDs, ", ")+".")
		}
	case e.Certificate != nil:
		c := e.Certificate
		add(fmt.Sprintf("Theo %s, cấp ngày %s.", c.StandardCode, formatDay(c.IssuedOn, false)),
			fmt.Sprintf("Against %s, issued %s.", c.StandardCode, c.IssuedOn))
	}
	if !e.EffectiveOn.IsZero() {
		add("Có hiệu lực từ ngày "+formatDay(e.EffectiveOn, false)+".", "Effective "+e.EffectiveOn.String()+".")
	}
	if e.Reason != "" {
		add("Lý do: "+e.Reason, "Reason: "+e.Reason)
	}
	if names := e.modelNames(); names != "" {
		add("Mẫu camera:"+strings.TrimPrefix(names, " –"), "Models:"+strings.TrimPrefix(names, " –"))
	}
	return strings.Join(parts, " ")
}

// modelNames lists up to ten models, as " – Brand Model, ...".
func (e FeedEntry) modelNames() string {
	if len(e.Models) == 0 {
		return ""
	}
	var names []string
	for i, m := range e.Models {
		if i == 10 {
			names = append(names, fmt.Sprintf("+%d", len(e.Models)-10))
			break
		}
		names = append(names, m.Brand+" "+m.ModelNumber)
	}
	return " – " + strings.Join(names, ", ")
}
