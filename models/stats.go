package models

import (
	"context"
	"fmt"
)

// countedTables are the tables Counts reports, in a fixed order. Child
// tables (covered models, affected models) are left out: they are part of
// their parent rows.
var countedTables = []string{
	"organizations", "camera_models", "standards", "conformity_certificates",
	"origin_certificates", "warnings", "listings", "api_keys", "events",
}

// Counts returns the number of rows in each of the registry's tables, keyed
// by table name: organizations, camera_models, standards,
// conformity_certificates, origin_certificates, warnings, listings,
// api_keys and events.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	db := s.db.WithContext(ctx)
	out := make(map[string]int64, len(countedTables))
	for _, t := range countedTables {
		var n int64
		if err := db.Table(t).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// IsEmpty reports whether the registry holds no organizations and no camera
// models. Standards do not count: a migration seeds them, so a fresh
// registry has them.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	db := s.db.WithContext(ctx)
	for _, t := range []string{"organizations", "camera_models"} {
		var found []string
		// A LIMIT 1 probe, not a COUNT, so the answer stays cheap on a
		// large registry.
		if err := db.Table(t).Limit(1).Pluck("id", &found).Error; err != nil {
			return false, fmt.Errorf("check whether %s is empty: %w", t, err)
		}
		if len(found) > 0 {
			return false, nil
		}
	}
	return true, nil
}
