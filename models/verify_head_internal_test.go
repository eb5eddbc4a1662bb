package models

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestDataVersionWALHeader: the head check reads the wal-index header
// through the mapping of its connection's SQLite, and still sees every
// commit of another connection (of this process here; another process
// shares the same -shm file): plain commits, a checkpoint that restarts
// the WAL, and the other side closing and reopening.
func TestDataVersionWALHeader(t *testing.T) {
	ctx := context.Background()
	path := headTestDB(t)
	d, err := openDataVersion(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	want := int64(2)
	check := func(step string) {
		t.Helper()
		for range 3 {
			head, err := d.head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if head != want {
				t.Fatalf("%s: head %d, want %d", step, head, want)
			}
		}
	}
	check("first")
	if d.wal == nil {
		t.Fatal("no wal-index header mapped: data_version would decide every time")
	}
	if _, ok := d.wal.read(); !ok {
		t.Fatal("the wal-index header reads as not initialised")
	}
	other, err := sql.Open(sqliteDriver, sqliteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	for round := range 4 {
		for range 5 {
			if _, err := other.Exec("INSERT INTO events(x) VALUES ('c')"); err != nil {
				t.Fatal(err)
			}
			want++
			check("after a commit")
		}
		switch round {
		case 1:
			if _, err := other.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				t.Fatal(err)
			}
			check("after a checkpoint")
		case 2:
			if err := other.Close(); err != nil {
				t.Fatal(err)
			}
			if other, err = sql.Open(sqliteDriver, sqliteDSN(path)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	// A dropped connection (an error) maps the header again on the next.
	d.mu.Lock()
	d.drop()
	d.mu.Unlock()
	check("after a drop")
	if d.wal == nil {
		t.Fatal("no wal-index header after the connection was replaced")
	}
}

func headTestDB(b testing.TB) string {
	path := filepath.Join(b.TempDir(), "h.db")
	db, err := sql.Open(sqliteDriver, sqliteDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE events(seq INTEGER PRIMARY KEY, x TEXT)"); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO events(x) VALUES ('a'),('b')"); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkHeadDataVersion(b *testing.B) {
	d, err := openDataVersion(headTestDB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer d.close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.head(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
