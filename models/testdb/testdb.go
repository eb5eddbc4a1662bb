// Package testdb opens a fresh, migrated registry for a test: a SQLite file
// in the test's temp dir by default, or a private schema on the PostgreSQL
// server named by CAMREG_TEST_PG, dropped when the test ends. Without
// CAMREG_TEST_PG the PostgreSQL variants are skipped, visibly.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that makes schemas

	"camreg/migrations"
	"camreg/models"
)

// Backend is one database a test can run on.
type Backend struct {
	Name string
	// DSN returns a DSN for a fresh, empty database or schema.
	DSN func(t testing.TB) string
}

// Backends lists SQLite, and PostgreSQL on the server that CAMREG_TEST_PG
// names. Without CAMREG_TEST_PG, the PostgreSQL backend skips its tests and
// says why, so that a run without PostgreSQL is visibly partial.
func Backends(t testing.TB) []Backend {
	pg := os.Getenv("CAMREG_TEST_PG")
	return []Backend{
		{Name: "sqlite", DSN: func(t testing.TB) string { return filepath.Join(t.TempDir(), "camreg.db") }},
		{Name: "postgres", DSN: func(t testing.TB) string {
			if pg == "" {
				t.Skip("CAMREG_TEST_PG is not set: skipping the PostgreSQL variant")
			}
			return pgSchema(t, pg)
		}},
	}
}

// pgSchema makes a private schema on the server and returns a DSN whose
// search_path points at it.
func pgSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on CAMREG_TEST_PG: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse CAMREG_TEST_PG: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a fresh registry on the backend and migrates it up.
func Open(t testing.TB, b Backend) *models.Store {
	t.Helper()
	st, err := models.Open(b.DSN(t))
	if err != nil {
		t.Fatalf("open %s: %v", b.Name, err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := migrations.Up(context.Background(), st.DB(), string(st.Dialect())); err != nil {
		t.Fatalf("migrate %s: %v", b.Name, err)
	}
	return st
}

// Each runs fn as a subtest on every backend, with a fresh registry.
func Each(t *testing.T, fn func(t *testing.T, st *models.Store)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, Open(t, b)) })
	}
}
