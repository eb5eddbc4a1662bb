package models

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// Every connection of a SQLite store runs camreg's pragmas (some from the
// DSN, temp_store from the driver's connect hook), and the driver's errors
// are classified by their result code: a busy database is Overloaded, a
// unique violation a conflict.
func TestSQLiteDriver(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "camreg.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	// Hold two connections at once, so that the second is a new one too.
	conns := make([]*sql.Conn, 2)
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	for i, c := range conns {
		for pragma, want := range map[string]string{"foreign_keys": "1", "journal_mode": "wal",
			"busy_timeout": "10000", "synchronous": "1", "temp_store": "2"} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, want)
			}
		}
	}
	var version string
	if err := conns[0].QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if _, err := conns[0].ExecContext(ctx, "SELECT * FROM jsonb_each('[1]')"); err != nil {
		t.Errorf("SQLite %s lacks jsonb_each (3.45): %v", version, err)
	}

	if _, err := conns[0].ExecContext(ctx, "CREATE TABLE t (k TEXT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conns[0].ExecContext(ctx, "INSERT INTO t VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	_, err = conns[0].ExecContext(ctx, "INSERT INTO t VALUES ('a')")
	if err := translate(err, "key"); !errors.Is(err, ErrConflict) {
		t.Errorf("a unique violation: %v, want a conflict", err)
	}

	// The write lock held by one connection; another that will not wait
	// is told the database is busy.
	if _, err := conns[0].ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conns[0].ExecContext(ctx, "ROLLBACK")
	if _, err := conns[1].ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	_, err = conns[1].ExecContext(ctx, "BEGIN IMMEDIATE")
	if err == nil {
		t.Fatal("a second writer took the lock")
	}
	if why, ok := sqliteUnavailable(err); !ok || why != Overloaded {
		t.Errorf("busy: %v classified %q %v, want overloaded", err, why, ok)
	}
}
