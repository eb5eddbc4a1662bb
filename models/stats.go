package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
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

// RefreshStatistics brings the query planner's statistics up to date after
// a bulk load: ANALYZE on PostgreSQL, and PRAGMA optimize on SQLite, asked
// to look at every table (0x10000) and analyze those that need it (0x02).
// Without it the planner judges a freshly loaded table by what it held
// before the load (on PostgreSQL, until autovacuum comes round), and may
// pick a scan where an index serves. tables, when given, are the tables
// the load wrote: PostgreSQL analyzes only them (the whole database's
// ANALYZE cost a 300-row import of the medium set 0.89 s of the server's
// CPU, these tables' 0.34 s); SQLite's optimize picks its own.
//
// On PostgreSQL the tables are analyzed at once, each on a connection of
// its own: one ANALYZE of several tables reads them one after the other,
// each a sample of up to 30,000 rows, and after a national models import
// the change log's (300,000 events, 243 MB: 2.4-4.3 s at load 15) came
// after the models' (1.3 s), the import's last work, on one core of two.
func (s *Store) RefreshStatistics(ctx context.Context, tables ...string) error {
	if s.dialect == SQLite {
		return s.optimizeSQLite(ctx, "PRAGMA optimize=0x10002")
	}
	if len(tables) == 0 {
		if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("refresh planner statistics: %w", err)
		}
		return nil
	}
	errs := make([]error, len(tables))
	var wg sync.WaitGroup
	for i, t := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.DB().ExecContext(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
				errs[i] = fmt.Errorf("refresh planner statistics of %s: %w", t, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// optimizeSQLite runs SQLite's PRAGMA optimize on a connection whose
// commit does not checkpoint the WAL (wal_autocheckpoint 0, put back
// after): with SQLite's default (1,000 pages) the few pages of its new
// statistics made it copy the whole WAL of the load into the database file
// (a 3,000-warning import: 2,599 pages written again and a sync of the
// file), work left to SQLite's next checkpoint (CloseKeepingWAL).
func (s *Store) optimizeSQLite(ctx context.Context, stmt string) error {
	c, err := s.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	defer c.Close()
	var was int
	if err := c.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&was); err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	if _, err := c.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	_, err = c.ExecContext(ctx, stmt)
	if _, rerr := c.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", was)); rerr != nil {
		// A connection left without checkpoints goes no further.
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
	}
	if err != nil {
		return fmt.Errorf("refresh planner statistics: %w", err)
	}
	return nil
}

// RefreshStatisticsAfter is RefreshStatistics after a load that created or
// changed written rows: on PostgreSQL it leaves out the tables of which
// the load changed less than a tenth, as ANALYZE has counted them
// (pg_class.reltuples), since autovacuum's own rule (analyze past 10 % of
// changed rows) keeps those current, and their old statistics still hold.
// The change log gains an event a row, and a 3,000-warning import into a
// national registry analyzed its 300,000 to 2,000,000 events, most of what
// the server did for it. A table never analyzed is analyzed.
func (s *Store) RefreshStatisticsAfter(ctx context.Context, written int64, tables ...string) error {
	if s.dialect != Postgres || len(tables) == 0 {
		return s.RefreshStatistics(ctx, tables...)
	}
	var keep []string
	for _, t := range tables {
		var n float64
		err := s.DB().QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)", pgx.Identifier{t}.Sanitize()).Scan(&n)
		if err != nil || n < 0 || float64(written) >= n/10 {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return s.RefreshStatistics(ctx, keep...)
}
