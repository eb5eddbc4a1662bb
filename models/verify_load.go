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

// loadVerifyData reads the rows the rules need for the models: four
// queries, whatever the number of models.
func loadVerifyData(r reader, ids []string) (*verdict.Data, error) {
	d := verdict.NewData()
	var err error
	var cached bool
	if r.cache != nil {
		d.Standards, cached = r.cache.getStandards(r.head)
	}
	if !cached {
		if d.Standards, err = readStandards(r); err != nil {
			return nil, fmt.Errorf("load standards: %w", err)
		}
		if r.cache != nil {
			r.cache.putStandards(r.head, d.Standards)
		}
	}
	var missing []string
	for _, id := range ids {
		if r.cache == nil {
			missing = append(missing, id)
			continue
		}
		if rows, ok := r.cache.getRows(r.head, id); ok {
			d.Certs[id], d.Warnings[id], d.Origins[id] = rows.certs, rows.warnings, rows.origins
		} else {
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		if err := loadCerts(r, chunk, d); err != nil {
			return nil, err
		}
		if err := loadWarnings(r, chunk, d); err != nil {
			return nil, err
		}
		if err := loadOrigins(r, chunk, d); err != nil {
			return nil, err
		}
		if r.cache != nil {
			for _, id := range chunk {
				r.cache.putRows(r.head, id, &modelRows{certs: d.Certs[id], warnings: d.Warnings[id], origins: d.Origins[id]})
			}
		}
	}
	return d, nil
}

func loadCerts(r reader, ids []string, d *verdict.Data) error {
	rows, err := r.query(`SELECT cm.camera_model_id, cm.firmware, c.id, c.number, c.standard_code, c.method,
		c.holder_org_id, c.issued_on, c.expires_on, c.lot_ref, c.status, c.status_reason, c.status_changed_on
		FROM certificate_models cm JOIN conformity_certificates c ON c.id = cm.certificate_id
		WHERE cm.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY c.issued_on DESC, c.number`, anys(ids)...)
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

func loadWarnings(r reader, ids []string, d *verdict.Data) error {
	rows, err := r.query(`SELECT wm.camera_model_id, wm.introduced_in, wm.fixed_in, w.id, w.reference, w.title,
		w.severity, w.issued_on, w.measure, w.cve_ids, w.url, w.status, w.status_reason, w.status_changed_on
		FROM warning_models wm JOIN warnings w ON w.id = wm.warning_id
		WHERE wm.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY w.issued_on DESC, w.reference, wm.introduced_in, wm.fixed_in`, anys(ids)...)
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

func loadOrigins(r reader, ids []string, d *verdict.Data) error {
	rows, err := r.query(`SELECT om.camera_model_id, o.id, o.number, o.form, o.issuer, o.exporting_country,
		o.issued_on, o.status, o.status_changed_on
		FROM origin_certificate_models om JOIN origin_certificates o ON o.id = om.origin_certificate_id
		WHERE om.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY o.issued_on DESC, o.number`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load certificates of origin for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var o OriginOnDate
		if err := rows.Scan(&model, &o.ID, &o.Number, &o.Form, &o.Issuer, &o.ExportingCountry, &o.IssuedOn,
			&o.Status, &o.StatusChangedOn); err != nil {
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

// reader runs the verify path's queries on a connection: the pool, through
// the store's cache, or an inspection's transaction, without it.
type reader struct {
	db *gorm.DB
	// matcher finds the models a query names (verify_candidates.go).
	matcher *Matcher
	// cache, when set, holds rows read at change-log head `head`.
	cache *verifyCache
	head  int64
}

// reader returns a reader on the store's connection. It reads the change
// log's head for verifyEntities first, so that what the cache holds is used
// only while no write verify depends on has happened since it was read. A
// Store bound to a transaction (InTx) reads within it, without the cache.
func (s *Store) reader(ctx context.Context) (reader, error) {
	r := reader{db: s.db.WithContext(ctx), matcher: s.matcher}
	if _, pooled := r.db.Statement.ConnPool.(*sql.DB); !pooled || s.cache == nil {
		return r, nil
	}
	rows, err := r.query(verifyHeadQuery)
	if err != nil {
		return r, fmt.Errorf("read the change-log head: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&r.head); err != nil {
			return r, fmt.Errorf("read the change-log head: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("read the change-log head: %w", err)
	}
	r.cache = s.cache
	r.cache.sync(r.head)
	return r, nil
}

// verifyEntities are the change log's entities whose rows verify reads. A
// write of anything else (a listing, an inspection, a key) cannot change a
// verdict, so it leaves the cache warm: under a mixed load of searches,
// verifies and listing writes, verify keeps its cache.
var verifyEntities = []string{"camera_model", "certificate", "origin_certificate", "warning", "standard"}

// verifyHeadQuery reads the latest seq among verifyEntities' events: one
// MAX per entity, each a single probe of the events_entity_seq index (a
// MAX over an IN list would scan every event of those entities).
var verifyHeadQuery = func() string {
	parts := make([]string, len(verifyEntities))
	for i, e := range verifyEntities {
		parts[i] = "SELECT MAX(seq) AS seq FROM events WHERE entity = '" + e + "'"
	}
	return "SELECT COALESCE(MAX(seq), 0) FROM (" + strings.Join(parts, " UNION ALL ") + ") heads"
}()

// txReader reads within a write's transaction, which may hold changes the
// change log's committed head does not show yet: no cache.
func (s *Store) txReader(tx *gorm.DB) reader { return reader{db: tx, matcher: s.matcher} }

// query runs a query written with ? placeholders.
func (r reader) query(query string, args ...any) (*sql.Rows, error) {
	if r.db.Dialector.Name() == "postgres" {
		query = dollarPlaceholders(query)
	}
	return r.db.Statement.ConnPool.QueryContext(r.db.Statement.Context, query, args...)
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
		if err := r.db.Select("seq", "action", "entity_id", "changes").
			Where("entity = ? AND entity_id IN ?", "certificate", chunk).Order("seq").Find(&events).Error; err != nil {
			return nil, fmt.Errorf("load certificate status history: %w", err)
		}
		for _, e := range events {
			out.Add(verdict.StatusEvent{EntityID: e.EntityID, Create: e.Action == ActionCreate, Changes: []byte(e.Changes)})
		}
	}
	return out, nil
}
