package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"camreg/models/verdict"

	"gorm.io/gorm"
)

// The rows verify reads, in a fixed number of queries whatever the number
// of models: the standards, and the certificates, warnings and C/Os of the
// matched models.

// loadVerifyData reads the rows the rules need for the models: from the
// snapshot when the reader has one, else in four queries, whatever the
// number of models.
func loadVerifyData(r reader, ids []string) (*verdict.Data, error) {
	d := verdict.NewData()
	if r.snap != nil {
		d.Standards = r.snap.standards
		for _, id := range ids {
			if i, ok := r.snap.st.slot(id); ok {
				// Only the kinds the model has: a map given its first
				// entry allocates a group of them (some 300 bytes), and
				// most models have no warning, many no C/O.
				c, w, o := r.snap.st.rowsOf(i)
				if c != nil {
					d.Certs[id] = c
				}
				if w != nil {
					d.Warnings[id] = w
				}
				if o != nil {
					d.Origins[id] = o
				}
			}
		}
		return d, nil
	}
	var err error
	if d.Standards, err = readStandards(r); err != nil {
		return nil, fmt.Errorf("load standards: %w", err)
	}
	for chunk := range slices.Chunk(ids, 500) {
		if err := loadModelRows(r, "IN ("+placeholders(len(chunk))+")", anys(chunk), d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// loadModelRows reads the certificates, warnings and C/Os of the models
// whose id satisfies "id <cond>" (cond "IS NOT NULL": every model's).
func loadModelRows(r reader, cond string, args []any, d *verdict.Data) error {
	if err := loadCerts(r, cond, args, d); err != nil {
		return err
	}
	if err := loadWarnings(r, cond, args, d); err != nil {
		return err
	}
	return loadOrigins(r, cond, args, d)
}

func loadCerts(r reader, cond string, args []any, d *verdict.Data) error {
	rows, err := r.query(`SELECT cm.camera_model_id, cm.firmware, c.id, c.number, c.standard_code, c.method,
		c.holder_org_id, c.issued_on, c.expires_on, c.lot_ref, c.status, c.status_reason, c.status_changed_on
		FROM certificate_models cm JOIN conformity_certificates c ON c.id = cm.certificate_id
		WHERE cm.camera_model_id `+cond+` ORDER BY c.issued_on DESC, c.number`, args...)
	if err != nil {
		return fmt.Errorf("load certificates for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var c CertificateOnDate
		if err := rows.Scan(&model, &c.Firmware, &c.ID, &c.Number, &c.StandardCode, &c.Method, &c.HolderOrgID,
			&c.IssuedOn, &c.ExpiresOn, &c.LotRef, &c.Status, &c.StatusReason, &c.StatusChangedOn); err != nil {
			return fmt.Errorf("read certificate for verify: %w", err)
		}
		d.Certs[model] = append(d.Certs[model], c)
	}
	return rows.Err()
}

func loadWarnings(r reader, cond string, args []any, d *verdict.Data) error {
	rows, err := r.query(`SELECT wm.camera_model_id, wm.introduced_in, wm.fixed_in, w.id, w.reference, w.title,
		w.severity, w.issued_on, w.measure, w.cve_ids, w.url, w.status, w.status_reason, w.status_changed_on
		FROM warning_models wm JOIN warnings w ON w.id = wm.warning_id
		WHERE wm.camera_model_id `+cond+` ORDER BY w.issued_on DESC, w.reference, wm.introduced_in, wm.fixed_in`, args...)
	if err != nil {
		return fmt.Errorf("load warnings for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var w verdict.WarningRow
		var cves StringList
		if err := rows.Scan(&model, &w.Range.IntroducedIn, &w.Range.FixedIn, &w.ID, &w.Reference, &w.Title, &w.Severity,
			&w.IssuedOn, &w.Measure, &cves, &w.URL, &w.Status, &w.StatusReason, &w.StatusChangedOn); err != nil {
			return fmt.Errorf("read warning for verify: %w", err)
		}
		w.CVEIDs = cves
		d.Warnings[model] = append(d.Warnings[model], w)
	}
	return rows.Err()
}

func loadOrigins(r reader, cond string, args []any, d *verdict.Data) error {
	rows, err := r.query(`SELECT om.camera_model_id, o.id, o.number, o.form, o.issuer, o.exporting_country,
		o.issued_on, o.status, o.status_changed_on, o.declared_by_vendor
		FROM origin_certificate_models om JOIN origin_certificates o ON o.id = om.origin_certificate_id
		WHERE om.camera_model_id `+cond+` ORDER BY o.issued_on DESC, o.number`, args...)
	if err != nil {
		return fmt.Errorf("load certificates of origin for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var o OriginOnDate
		if err := rows.Scan(&model, &o.ID, &o.Number, &o.Form, &o.Issuer, &o.ExportingCountry, &o.IssuedOn,
			&o.Status, &o.StatusChangedOn, &o.Unconfirmed); err != nil {
			return fmt.Errorf("read certificate of origin for verify: %w", err)
		}
		d.Origins[model] = append(d.Origins[model], o)
	}
	return rows.Err()
}

// The verify path reads through database/sql on gorm's connection (the
// pool, or the transaction an inspection runs in) rather than through
// gorm's statement builder: it runs on every shelf check, and gorm's
// reflection and callbacks cost more than the queries themselves.

// reader runs the verify path's queries on a connection: the pool, with
// the store's snapshot, or an inspection's transaction, without it.
type reader struct {
	// g is the store's gorm handle (or a write's transaction) as it is,
	// and ctx the verify's context: queries take it as they run, rather
	// than through a gorm session made for every verify (WithContext:
	// 0.6 KB and 9 allocations a request).
	g   *gorm.DB
	ctx context.Context
	// matcher finds the models a query names (verify_candidates.go).
	matcher *Matcher
	// snap, when set, is the store's snapshot, at or past the change log's
	// head as this reader read it. Its maps are read under snap.mu.RLock
	// (see verifyAll).
	snap *verifyCache
	// head is the change log's head the reader read, -1 when it read none
	// (a transaction's reader, or a store without a snapshot).
	head int64
}

// reader returns a reader on the store's connection. It reads the change
// log's head first and brings the snapshot to it (applying the events
// since), so that no answer is older than the latest write committed
// before the question. A Store bound to a transaction (InTx) reads within
// it, without the snapshot: the transaction may hold writes the log's
// committed head does not show.
func (s *Store) reader(ctx context.Context) (reader, error) { return s.readerWaiting(ctx, false) }

// readerWaiting is reader; with wait, a snapshot that must be built whole
// is built before it returns, rather than in the background.
func (s *Store) readerWaiting(ctx context.Context, wait bool) (reader, error) {
	r := reader{g: s.db, ctx: ctx, matcher: s.matcher, head: -1}
	if _, pooled := r.g.Statement.ConnPool.(*sql.DB); !pooled || s.cache == nil {
		return r, nil
	}
	head, err := s.heads.read(r)
	if err != nil {
		return r, err
	}
	r.head = head
	ok, err := s.cache.advance(r, head, wait)
	if err != nil {
		return r, err
	}
	if ok {
		r.snap = s.cache
	}
	return r, nil
}

// verifyEntities are the change log's entities whose rows verify reads. A
// write of anything else (a listing, an inspection, a key) cannot change a
// verdict: the snapshot moves past it without reading anything.
var verifyEntities = []string{"camera_model", "certificate", "origin_certificate", "warning", "standard"}

// readHead reads the change log's head: its latest seq, one probe of the
// primary key, and a statement short enough that SQLite parses it in
// microseconds (the driver parses every statement anew).
const headQuery = "SELECT COALESCE(MAX(seq), 0) FROM events"

func readHead(r reader) (int64, error) {
	rows, err := r.query(headQuery)
	if err != nil {
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	defer rows.Close()
	var head int64
	for rows.Next() {
		if err := rows.Scan(&head); err != nil {
			return 0, fmt.Errorf("read the change-log head: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	return head, nil
}

// detached is r on a context that is never cancelled (for the snapshot's
// whole build, which outlives the verify that started it).
func (r reader) detached() reader {
	r.ctx = context.WithoutCancel(r.ctx)
	return r
}

// txReader reads within a write's transaction, which may hold changes the
// change log's committed head does not show yet: no cache.
func (s *Store) txReader(tx *gorm.DB) reader {
	return reader{g: tx, ctx: tx.Statement.Context, matcher: s.matcher, head: -1}
}

// query runs a query written with ? placeholders.
func (r reader) query(query string, args ...any) (*sql.Rows, error) {
	if r.g.Dialector.Name() == "postgres" {
		query = dollarPlaceholders(query)
	}
	return r.g.Statement.ConnPool.QueryContext(r.ctx, query, args...)
}

// dollarPlaceholders numbers ? placeholders as $1, $2, ... for PostgreSQL.
// The verify queries hold no ? inside string literals.
func dollarPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// modelColumns are the columns of camera_models that verify reads.
const modelColumns = `id, brand, brand_key, model_number, model_key, loose_key, name, kind, hs_code, origin_country,
	registrant_org_id, status`

// readModels reads camera models matching a WHERE clause.
func readModels(r reader, where string, args ...any) ([]Model, error) {
	rows, err := r.query("SELECT "+modelColumns+" FROM camera_models WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		if err := rows.Scan(&m.ID, &m.Brand, &m.BrandKey, &m.ModelNumber, &m.ModelKey, &m.LooseKey, &m.Name, &m.Kind,
			&m.HSCode, &m.OriginCountry, &m.RegistrantOrgID, &m.Status); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// readStandards reads every standard (a handful of rows).
func readStandards(r reader) ([]verdict.Standard, error) {
	rows, err := r.query(`SELECT code, title, effective_from, mandatory_from, superseded_by, effective_to
		FROM standards ORDER BY effective_from, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verdict.Standard
	for rows.Next() {
		var st verdict.Standard
		var superseded sql.NullString
		if err := rows.Scan(&st.Code, &st.Title, &st.EffectiveFrom, &st.MandatoryFrom, &superseded, &st.EffectiveTo); err != nil {
			return nil, err
		}
		st.SupersededBy = superseded.String
		out = append(out, st)
	}
	return out, rows.Err()
}

// loadStatusHistory rebuilds the status timeline of certificates from the
// change log, which records every status change with its effective date.
func loadStatusHistory(r reader, certIDs []string) (verdict.Timelines, error) {
	out := verdict.Timelines{}
	for chunk := range slices.Chunk(certIDs, 500) {
		var events []Event
		if err := r.g.WithContext(r.ctx).Select("seq", "action", "entity_id", "changes").
			Where("entity = ? AND entity_id IN ?", "certificate", chunk).Order("seq").Find(&events).Error; err != nil {
			return nil, fmt.Errorf("load certificate status history: %w", err)
		}
		for _, e := range events {
			out.Add(verdict.StatusEvent{EntityID: e.EntityID, Create: e.Action == ActionCreate, Changes: []byte(e.Changes)})
		}
	}
	return out, nil
}
