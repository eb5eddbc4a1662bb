package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Loading a page of records by id in one query per table, for a search's
// hits: a page of 20 loaded one row at a time cost 20 round trips (and, on
// SQLite, 20 parses of the same statement). Each loader returns the records
// found by id; an id that names nothing, or a record the viewer may not
// see, is simply absent, as ErrNotFound would say of it alone.

// maxByIDs bounds one load: a search page is at most 100 hits.
const maxByIDs = 500

func byIDs[T identified](db *gorm.DB, ids []string, what string) ([]T, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if ValidID(id) {
			valid = append(valid, id)
		}
	}
	if len(valid) == 0 {
		return nil, nil
	}
	if len(valid) > maxByIDs {
		return nil, fmt.Errorf("load %s: %d ids, at most %d: %w", what, len(valid), maxByIDs, ErrInvalid)
	}
	var out []T
	if err := db.Where("id IN ?", valid).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	return out, nil
}

// ViewModels loads the camera models with these ids that viewer may see
// (ViewModel's rule), by id.
func (s *Store) ViewModels(ctx context.Context, viewer Actor, ids []string) (map[string]*Model, error) {
	rows, err := byIDs[Model](s.db.WithContext(ctx), ids, "camera models")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Model, len(rows))
	for i := range rows {
		if canSeeModel(viewer, &rows[i]) {
			out[rows[i].ID] = &rows[i]
		}
	}
	return out, nil
}

// GetOrganizations loads the organizations with these ids, by id.
func (s *Store) GetOrganizations(ctx context.Context, ids []string) (map[string]*Organization, error) {
	rows, err := byIDs[Organization](s.db.WithContext(ctx), ids, "organizations")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Organization, len(rows))
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// ViewCertificates loads the certificates with these ids that viewer may
// see (ViewCertificate's rule), with their covered models, by id.
func (s *Store) ViewCertificates(ctx context.Context, viewer Actor, ids []string) (map[string]*Certificate, error) {
	db := s.db.WithContext(ctx)
	rows, err := byIDs[Certificate](db, ids, "certificates")
	if err != nil {
		return nil, err
	}
	seen := rows[:0]
	for _, c := range rows {
		if canSeeCertificate(viewer, &c) {
			seen = append(seen, c)
		}
	}
	if err := loadChildren(db, seen, "certificate_id", func(c *Certificate) *[]CoveredModel { return &c.Models },
		func(m CoveredModel) string { return m.CertificateID }); err != nil {
		return nil, err
	}
	out := make(map[string]*Certificate, len(seen))
	for i := range seen {
		sortCovered(seen[i].Models)
		out[seen[i].ID] = &seen[i]
	}
	return out, nil
}

// GetWarnings loads the warnings with these ids, with their affected
// models, by id.
func (s *Store) GetWarnings(ctx context.Context, ids []string) (map[string]*Warning, error) {
	db := s.db.WithContext(ctx)
	rows, err := byIDs[Warning](db, ids, "warnings")
	if err != nil {
		return nil, err
	}
	if err := loadChildren(db, rows, "warning_id", func(w *Warning) *[]AffectedModel { return &w.Affected },
		func(a AffectedModel) string { return a.WarningID }); err != nil {
		return nil, err
	}
	out := make(map[string]*Warning, len(rows))
	for i := range rows {
		sortAffected(rows[i].Affected)
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}
