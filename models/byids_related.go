package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// Loading the records related to a set of others in one query per table,
// for the search indexer's replay of the change log: a model's document
// needs the certificates and warnings that name it, an organization's
// change rebuilds the certificates it holds. One query per step of events
// rather than a few per record (BENCHMARKS.md, "Catching up").

// CertificatesCovering loads the certificates that viewer may see and that
// cover any of the camera models modelIDs (at most 500), each with all its
// covered models.
func (s *Store) CertificatesCovering(ctx context.Context, viewer Actor, modelIDs []string) ([]Certificate, error) {
	db := s.db.WithContext(ctx)
	ids, err := relatedIDs(db, modelIDs, "certificate_id", "certificate_models", "camera_model_id", "certificates")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return loadPaged(ids, func(page []string) (map[string]*Certificate, error) {
		return s.ViewCertificates(ctx, viewer, page)
	})
}

// WarningsAffecting loads the warnings that name any of the camera models
// modelIDs (at most 500), each with all its affected models.
func (s *Store) WarningsAffecting(ctx context.Context, modelIDs []string) ([]Warning, error) {
	db := s.db.WithContext(ctx)
	ids, err := relatedIDs(db, modelIDs, "warning_id", "warning_models", "camera_model_id", "warnings")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return loadPaged(ids, func(page []string) (map[string]*Warning, error) {
		return s.GetWarnings(ctx, page)
	})
}

// loadPaged loads ids by pages of at most maxByIDs with load, in the order
// of ids; an id load does not return is left out.
func loadPaged[T any](ids []string, load func([]string) (map[string]*T, error)) ([]T, error) {
	var out []T
	for page := range slices.Chunk(ids, maxByIDs) {
		rows, err := load(page)
		if err != nil {
			return nil, err
		}
		for _, id := range page {
			if r, ok := rows[id]; ok {
				out = append(out, *r)
			}
		}
	}
	return out, nil
}

// CertificateIDsHeldBy lists the ids of the certificates that viewer may
// see and whose holder is one of orgIDs (at most 500).
func (s *Store) CertificateIDsHeldBy(ctx context.Context, viewer Actor, orgIDs []string) ([]string, error) {
	valid := validIDs(orgIDs)
	if len(valid) == 0 {
		return nil, nil
	}
	if len(valid) > maxByIDs {
		return nil, fmt.Errorf("load certificates: %d holders, at most %d: %w", len(valid), maxByIDs, ErrInvalid)
	}
	q := visibleCertificates(s.db.WithContext(ctx).Model(&Certificate{}).Where("holder_org_id IN ?", valid), viewer)
	var ids []string
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("load certificates by holder: %w", err)
	}
	return ids, nil
}

// relatedIDs reads the distinct values of column in table whose key
// column is one of keys (at most maxByIDs).
func relatedIDs(db *gorm.DB, keys []string, column, table, key, what string) ([]string, error) {
	valid := validIDs(keys)
	if len(valid) == 0 {
		return nil, nil
	}
	if len(valid) > maxByIDs {
		return nil, fmt.Errorf("load %s: %d ids, at most %d: %w", what, len(valid), maxByIDs, ErrInvalid)
	}
	var ids []string
	if err := db.Table(table).Distinct(column).Where(key+" IN ?", valid).Order(column).Pluck(column, &ids).Error; err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	return ids, nil
}

func validIDs(ids []string) []string {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if ValidID(id) {
			valid = append(valid, id)
		}
	}
	return valid
}
