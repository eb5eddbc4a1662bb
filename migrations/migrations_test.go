package migrations_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"camreg/migrations"
	"camreg/models"
	"camreg/models/testdb"
)

// coreTables are tables the registry cannot do without; later migrations
// may add more.
var coreTables = []string{"api_keys", "camera_models", "certificate_models", "conformity_certificates", "events",
	"listings", "organizations", "origin_certificate_models", "origin_certificates", "standards", "warning_models", "warnings"}

// migrationFiles lists one dialect's migration files.
func migrationFiles(t *testing.T, dialect string) []string {
	t.Helper()
	entries, err := os.ReadDir(dialect)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no migrations in %s", dialect)
	}
	return names
}

// latestVersion is the highest version number among the files.
func latestVersion(t *testing.T, names []string) int64 {
	t.Helper()
	var v int64
	for _, n := range names {
		num, _, ok := strings.Cut(n, "_")
		x, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil {
			t.Fatalf("migration %s has no version number", n)
		}
		v = max(v, x)
	}
	return v
}

// seedVersion is the version of the migration that seeds the standards.
func seedVersion(t *testing.T, names []string) int64 {
	t.Helper()
	for _, n := range names {
		if strings.Contains(n, "seed_standards") {
			return latestVersion(t, []string{n})
		}
	}
	t.Fatalf("no seed_standards migration among %v", names)
	return 0
}

func TestSameMigrationsForEveryDialect(t *testing.T) {
	sqlite, pg := migrationFiles(t, "sqlite"), migrationFiles(t, "postgres")
	if !slices.Equal(sqlite, pg) {
		t.Errorf("sqlite has %v, postgres has %v", sqlite, pg)
	}
	for _, n := range sqlite {
		for _, d := range []string{"sqlite", "postgres"} {
			b, err := os.ReadFile(filepath.Join(d, n))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "-- +goose Up") || !strings.Contains(string(b), "-- +goose Down") {
				t.Errorf("%s/%s lacks an Up or a Down section", d, n)
			}
		}
	}
}

func TestProviderUnknownDialect(t *testing.T) {
	if _, err := migrations.Provider(nil, "mysql"); err == nil {
		t.Errorf("a provider for mysql, want an error")
	}
}

// tablesIn lists the registry's tables that exist in the database (or the
// test's private schema), leaving out goose's own table.
func tablesIn(t *testing.T, db *sql.DB, dialect string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if dialect == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "goose_db_version" {
			out = append(out, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func seededStandards(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT code FROM standards ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func TestUpDownUp(t *testing.T) {
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, err := models.Open(b.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			db, dialect := st.DB(), string(st.Dialect())
			if dialect != b.Name {
				t.Fatalf("backend %s opened as %s", b.Name, dialect)
			}
			latest := latestVersion(t, migrationFiles(t, dialect))
			if got := tablesIn(t, db, dialect); len(got) != 0 {
				t.Fatalf("a fresh database has tables %v", got)
			}

			up := func() {
				t.Helper()
				v, err := migrations.Up(ctx, db, dialect)
				if err != nil {
					t.Fatal(err)
				}
				if v != latest {
					t.Errorf("version %d after up, want %d", v, latest)
				}
				got := tablesIn(t, db, dialect)
				for _, want := range coreTables {
					if !slices.Contains(got, want) {
						t.Errorf("table %s missing after up; tables: %v", want, got)
					}
				}
				if got := seededStandards(t, db); !slices.Equal(got, []string{"QCVN 11:2026/BCA", "QCVN 135:2024/BTTTT"}) {
					t.Errorf("seeded standards %v", got)
				}
			}
			up()
			// Up again is a no-op.
			up()

			p, err := migrations.Provider(db, dialect)
			if err != nil {
				t.Fatal(err)
			}
			// Down to just before the seed removes the seeded standards but
			// keeps the schema.
			seed := seedVersion(t, migrationFiles(t, dialect))
			if _, err := p.DownTo(ctx, seed-1); err != nil {
				t.Fatal(err)
			}
			if v, err := p.GetDBVersion(ctx); err != nil || v != seed-1 {
				t.Errorf("version %d, %v after down to %d", v, err, seed-1)
			}
			if got := seededStandards(t, db); len(got) != 0 {
				t.Errorf("standards %v after undoing the seed", got)
			}
			if _, err := p.DownTo(ctx, 0); err != nil {
				t.Fatal(err)
			}
			if v, err := p.GetDBVersion(ctx); err != nil || v != 0 {
				t.Errorf("version %d, %v after down to 0", v, err)
			}
			if got := tablesIn(t, db, dialect); len(got) != 0 {
				t.Errorf("tables %v remain after down to 0", got)
			}
			if _, err := db.Exec(`SELECT COUNT(*) FROM organizations`); err == nil {
				t.Errorf("organizations still answers after down to 0")
			}

			up()
			// The schema works after the round trip: the services write and
			// the change log verifies.
			o, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: ptr("Quatest 1"), Kind: ptr(models.OrgCertificationBody)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.GetOrganization(ctx, o.ID); err != nil {
				t.Error(err)
			}
			if n, err := st.VerifyChain(ctx); err != nil || n != 1 {
				t.Errorf("VerifyChain = %d, %v", n, err)
			}
			status, err := p.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range status {
				if s.State != "applied" {
					t.Errorf("migration %d is %s after up", s.Source.Version, s.State)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
