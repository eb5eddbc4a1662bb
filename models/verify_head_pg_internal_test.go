package models

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgHeadTestDB opens the PostgreSQL server CAMREG_TEST_PG names, with an
// events table of its own in a schema of its own, or skips.
func pgHeadTestDB(tb testing.TB) *sql.DB {
	url := os.Getenv("CAMREG_TEST_PG")
	if url == "" {
		tb.Skip("CAMREG_TEST_PG not set")
	}
	admin, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("head_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	for _, q := range []string{"CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".events(seq bigserial PRIMARY KEY, x text)",
		"INSERT INTO " + schema + ".events(x) VALUES ('a'), ('b')"} {
		if _, err := admin.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		if db, err := sql.Open("pgx", url); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := sql.Open("pgx", url+sep+"search_path="+schema)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestPgHeadSeesCommits: the held connection's head follows commits of
// other connections, and after a dropped connection it reads again.
func TestPgHeadSeesCommits(t *testing.T) {
	db := pgHeadTestDB(t)
	ctx := context.Background()
	p := &pgHead{}
	defer p.close()
	want := int64(2)
	check := func(step string) {
		t.Helper()
		head, tried, err := p.head(ctx, db)
		if err != nil || !tried || head != want {
			t.Fatalf("%s: head %d, tried %v, %v; want %d", step, head, tried, err, want)
		}
	}
	check("first")
	for range 3 {
		if _, err := db.Exec("INSERT INTO events(x) VALUES ('c')"); err != nil {
			t.Fatal(err)
		}
		want++
		check("after a commit")
	}
	var pid int
	if err := p.conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	if _, tried, err := p.head(ctx, db); tried && err == nil {
		t.Fatal("a read over a terminated connection succeeded")
	}
	check("after the connection was lost")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, tried, err := p.head(cancelled, db); tried && err == nil {
		t.Fatal("a read with a cancelled context succeeded")
	}
	check("after a cancelled read")
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHeadReadPG: one head read on PostgreSQL, through database/sql's
// prepared statement (the old way) and over the held connection; cpu-µs/op
// is this process's CPU time (user+system) a read, wall time aside.
func BenchmarkHeadReadPG(b *testing.B) {
	db := pgHeadTestDB(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.Run("database-sql", func(b *testing.B) {
		stmt, err := db.Prepare(headQuery)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		b.ReportAllocs()
		c0 := cpuNow()
		for b.Loop() {
			var head int64
			if err := stmt.QueryRowContext(ctx).Scan(&head); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuNow()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("held", func(b *testing.B) {
		p := &pgHead{}
		defer p.close()
		b.ReportAllocs()
		c0 := cpuNow()
		for b.Loop() {
			if _, _, err := p.head(ctx, db); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuNow()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
}
