package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CloseKeepingWAL closes the store as Close does, except that on SQLite
// the pages a command wrote stay in the WAL for SQLite's normal course (the
// next writer's commit past wal_autocheckpoint pages, or the next other
// command's close, whichever process it is) instead of being copied into
// the database file as the last connection closes. The WAL is synced
// first, so what was committed is as durable as after a checkpoint. camreg
// import closes so (its bulk transaction's connection and its statistics
// step do not checkpoint either): the copy wrote every page of the import
// a second time, 10.7 MB for 3,000 warnings and 62 MB for 20,000 C/Os
// (BENCHMARKS.md, "SQLite imports: the load's pages left in the WAL"). On
// PostgreSQL it is Close.
func (s *Store) CloseKeepingWAL(ctx context.Context) error {
	if s.dialect != SQLite {
		return s.Close()
	}
	s.heads.pg.close()
	verr := s.heads.version.close()
	db := s.DB()
	// One connection is held while the others close: none of them is the
	// file's last, so none checkpoints; the held one, told not to, closes
	// last.
	c, err := db.Conn(ctx)
	if err != nil {
		return errors.Join(verr, db.Close())
	}
	db.SetMaxIdleConns(0)
	var path string
	err = c.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path)
	if err == nil && path == "" {
		err = errors.New("an in-memory database")
	}
	if err == nil {
		err = syncWAL(path)
	}
	if err == nil {
		err = c.Raw(func(dc any) error {
			if !noCheckpointOnClose(dc) {
				return errors.New("this SQLite driver cannot leave the WAL")
			}
			return nil
		})
	}
	if err != nil {
		// Closed as usual: the last connection checkpoints.
		db.SetMaxIdleConns(1)
	}
	return errors.Join(verr, c.Close(), db.Close())
}

// syncWAL syncs the WAL of the database file at path, and its directory
// (the WAL may be new), as a checkpoint would before copying it.
func syncWAL(path string) error {
	for _, name := range []string{path + "-wal", filepath.Dir(path)} {
		f, err := os.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sync the WAL: %w", err)
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync the WAL: %w", err)
		}
	}
	return nil
}
