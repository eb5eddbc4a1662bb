package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Batch services for the documents: conformity certificates, certificates
// of origin and warnings. Each checks its rows with the single-row
// services' code (newCertificate, changeCertificate, saveCertificate, ...),
// so that the two paths cannot drift; see batch.go for the loop.

// UpsertCertificates creates or updates conformity certificates on their
// number (case and spaces ignored), as CreateCertificate and
// UpdateCertificate would one by one. A row whose number an earlier row of
// the batch has is refused (ErrConflict). Errors: the database's; a row's
// own errors are in its result.
func (s *Store) UpsertCertificates(ctx context.Context, actor Actor, rows []BatchRow[CertificateInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		orgs, mods := actorOrg(actor, RoleCertifier, RoleVendor), []string{}
		for _, r := range rows {
			orgs = appendRef(appendRef(orgs, r.In.HolderOrgID), r.In.CertificationBodyOrgID)
			if r.In.Models != nil {
				for _, m := range *r.In.Models {
					mods = append(mods, m.CameraModelID)
				}
			}
		}
		if err := b.preloadRefs(tx, actor, orgs, mods); err != nil {
			return nil, err
		}
		return upsertBatch(b, tx, log, mode, rows, batchEntity[Certificate, CertificateInput, string]{
			entity: "certificate", what: "certificate",
			key: func(in CertificateInput) string { return docKeyOf(in.Number) },
			lookup: func(keys []string) (map[string]*Certificate, error) {
				return docsByKeys(b, tx, mode != BatchValidate, "number_key", keys, func(c *Certificate) string { return c.NumberKey },
					"certificate_id", func(c *Certificate) *[]CoveredModel { return &c.Models },
					func(m CoveredModel) string { return m.CertificateID }, sortCovered)
			},
			create: func(in CertificateInput) (*Certificate, error) { return b.newCertificate(tx, actor, in) },
			change: func(c *Certificate, in CertificateInput) (Certificate, error) {
				return b.changeCertificate(tx, actor, c, in, nil)
			},
			record: func(c *Certificate) *Record { return &c.Record },
			save: func(before, c *Certificate, in CertificateInput) (bool, error) {
				return b.saveCertificate(tx, log, before, c, in)
			},
			children: func(cs []*Certificate) error {
				return insertChildren(tx, b.bindVars(), cs, func(c *Certificate) []CoveredModel { return c.Models }, "covered models")
			},
		})
	})
}

// UpsertOriginCertificates creates or updates certificates of origin on
// their number (case and spaces ignored) and exporting country, as
// CreateOriginCertificate and UpdateOriginCertificate would one by one. A
// row whose key an earlier row of the batch has is refused (ErrConflict).
// Errors: the database's; a row's own errors are in its result.
func (s *Store) UpsertOriginCertificates(ctx context.Context, actor Actor, rows []BatchRow[OriginCertificateInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		orgs, mods := actorOrg(actor, RoleVendor), []string{}
		for _, r := range rows {
			orgs = appendRef(orgs, r.In.HolderOrgID)
			if r.In.CameraModelIDs != nil {
				mods = append(mods, *r.In.CameraModelIDs...)
			}
		}
		if err := b.preloadRefs(tx, actor, orgs, mods); err != nil {
			return nil, err
		}
		return upsertBatch(b, tx, log, mode, rows, batchEntity[OriginCertificate, OriginCertificateInput, [2]string]{
			entity: "origin_certificate", what: "certificate of origin", key: originKeyOf,
			lookup: func(keys [][2]string) (map[[2]string]*OriginCertificate, error) {
				return b.originsByKeys(tx, keys, mode != BatchValidate)
			},
			create: func(in OriginCertificateInput) (*OriginCertificate, error) { return b.newOrigin(tx, actor, in) },
			change: func(o *OriginCertificate, in OriginCertificateInput) (OriginCertificate, error) {
				return b.changeOrigin(tx, actor, o, in, nil)
			},
			record: func(o *OriginCertificate) *Record { return &o.Record },
			save: func(before, o *OriginCertificate, in OriginCertificateInput) (bool, error) {
				return b.saveOrigin(tx, log, before, o, in)
			},
			children: func(os []*OriginCertificate) error {
				return insertChildren(tx, b.bindVars(), os, func(o *OriginCertificate) []OriginModel { return o.Models }, "covered models")
			},
		})
	})
}

// UpsertWarnings creates or updates warnings on their reference (case and
// spaces ignored), as CreateWarning and UpdateWarning would one by one. A
// row whose reference an earlier row of the batch has is refused
// (ErrConflict). Errors: the database's; a row's own errors are in its
// result.
func (s *Store) UpsertWarnings(ctx context.Context, actor Actor, rows []BatchRow[WarningInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		orgs, mods := actorOrg(actor, RoleAuthority), []string{}
		for _, r := range rows {
			orgs = appendRef(orgs, r.In.AuthorityOrgID)
			if r.In.Affected != nil {
				for _, a := range *r.In.Affected {
					mods = append(mods, a.CameraModelID)
				}
			}
		}
		if err := b.preloadRefs(tx, actor, orgs, mods); err != nil {
			return nil, err
		}
		return upsertBatch(b, tx, log, mode, rows, batchEntity[Warning, WarningInput, string]{
			entity: "warning", what: "warning",
			key: func(in WarningInput) string { return docKeyOf(in.Reference) },
			lookup: func(keys []string) (map[string]*Warning, error) {
				return docsByKeys(b, tx, mode != BatchValidate, "reference_key", keys, func(w *Warning) string { return w.ReferenceKey },
					"warning_id", func(w *Warning) *[]AffectedModel { return &w.Affected },
					func(a AffectedModel) string { return a.WarningID }, sortAffected)
			},
			create: func(in WarningInput) (*Warning, error) { return b.newWarning(tx, actor, in) },
			change: func(w *Warning, in WarningInput) (Warning, error) { return b.changeWarning(tx, actor, w, in, nil) },
			record: func(w *Warning) *Record { return &w.Record },
			save: func(before, w *Warning, in WarningInput) (bool, error) {
				return b.saveWarning(tx, log, before, w, in)
			},
			children: func(ws []*Warning) error {
				return insertChildren(tx, b.bindVars(), ws, func(w *Warning) []AffectedModel { return w.Affected }, "affected models")
			},
		})
	})
}

// actorOrg is the actor's organization when its role acts in that
// organization's name, for preloadRefs.
func actorOrg(actor Actor, roles ...Role) []string {
	if slices.Contains(roles, actor.Role) && actor.OrgID != "" {
		return []string{actor.OrgID}
	}
	return nil
}

// docKeyOf is a document number's key (keyOf), or "" when absent.
func docKeyOf(number *string) string {
	if number == nil {
		return ""
	}
	return keyOf(*number)
}

// originKeyOf is the number key and exporting country a C/O input names,
// as OriginCertificateByNumber compares them, or zero.
func originKeyOf(in OriginCertificateInput) [2]string {
	if in.Number == nil || in.ExportingCountry == nil || keyOf(*in.Number) == "" {
		return [2]string{}
	}
	return [2]string{keyOf(*in.Number), strings.ToUpper(strings.TrimSpace(*in.ExportingCountry))}
}

// docsByKeys loads the stored documents whose key column holds one of the
// keys, with their child rows in the order the single-row reads give
// them (sort). lock locks them for the transaction on PostgreSQL.
func docsByKeys[T any, C any](s *Store, tx *gorm.DB, lock bool, col string, keys []string, keyOfRow func(*T) string,
	childCol string, slot func(*T) *[]C, parentOf func(C) string, sort func([]C)) (map[string]*T, error) {
	var rows []T
	for _, chunk := range chunks(uniqueIDs(keys), s.lookupChunk()) {
		var part []T
		if err := whereIn(s.lockFor(tx.Session(&gorm.Session{}), lock), col, chunk).Find(&part).Error; err != nil {
			return nil, fmt.Errorf("look up by %s: %w", col, err)
		}
		rows = append(rows, part...)
	}
	return withChildren(s, tx, rows, keyOfRow, childCol, slot, parentOf, sort)
}

// withChildren loads the child rows of rows, sorts them, and maps the rows
// by their key.
func withChildren[T any, C any, K comparable](s *Store, tx *gorm.DB, rows []T, keyOfRow func(*T) K,
	childCol string, slot func(*T) *[]C, parentOf func(C) string, sort func([]C)) (map[K]*T, error) {
	out := make(map[K]*T, len(rows))
	byID := make(map[string]*T, len(rows))
	for i := range rows {
		out[keyOfRow(&rows[i])] = &rows[i]
		id := any(&rows[i]).(identified).GetID()
		byID[id] = &rows[i]
		*slot(&rows[i]) = nil
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for _, chunk := range chunks(ids, s.lookupChunk()) {
		var children []C
		if err := whereIn(tx.Session(&gorm.Session{}), childCol, chunk).Find(&children).Error; err != nil {
			return nil, fmt.Errorf("load %s children: %w", childCol, err)
		}
		for _, ch := range children {
			if p := byID[parentOf(ch)]; p != nil {
				*slot(p) = append(*slot(p), ch)
			}
		}
	}
	for _, p := range byID {
		sort(*slot(p))
	}
	return out, nil
}

// originsByKeys loads the stored C/Os of the number keys and exporting
// countries, with their models.
func (s *Store) originsByKeys(tx *gorm.DB, keys [][2]string, lock bool) (map[[2]string]*OriginCertificate, error) {
	var tuples [][]any
	seen := map[[2]string]bool{}
	for _, k := range keys {
		if k != [2]string{} && !seen[k] {
			seen[k] = true
			tuples = append(tuples, []any{k[0], k[1]})
		}
	}
	rows, err := findByTuples[OriginCertificate](s.lockFor(tx, lock), s.bindVars(), []string{"number_key", "exporting_country"}, tuples)
	if err != nil {
		return nil, fmt.Errorf("look up certificates of origin by number: %w", err)
	}
	return withChildren(s, tx, rows, func(o *OriginCertificate) [2]string { return [2]string{o.NumberKey, o.ExportingCountry} },
		"origin_certificate_id", func(o *OriginCertificate) *[]OriginModel { return &o.Models },
		func(m OriginModel) string { return m.OriginCertificateID },
		func(ms []OriginModel) {
			slices.SortFunc(ms, func(a, b OriginModel) int { return strings.Compare(a.CameraModelID, b.CameraModelID) })
		})
}

// insertChildren inserts the child rows of the created parents: from one
// JSON array on SQLite (insertJSON), by COPY on PostgreSQL, else with
// multi-row INSERTs.
func insertChildren[T, C any](tx *gorm.DB, vars int, parents []*T, kids func(*T) []C, what string) error {
	var all []*C
	for _, p := range parents {
		ks := kids(p)
		for i := range ks {
			all = append(all, &ks[i])
		}
	}
	if done, err := insertJSON(tx, all, what); done {
		return err
	}
	return insertRows(tx.Omit(clause.Associations), vars, all, what)
}
