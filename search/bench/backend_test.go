package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that makes the benchmark's schema

	"camreg/migrations"
	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/meili"
	"camreg/search/postgres"
)

// backendName is the search backend benchmarked, so that one registry can
// be measured on each in turn (with BENCH_DIR, the registry is built once
// and each backend's index once):
//
//	go test -run='^$' -bench=BenchmarkSearchAPI ./search/bench/ -backend=postgres
//
// bleve needs nothing; meilisearch needs MEILI_URL (and MEILI_API_KEY);
// postgres needs CAMREG_BENCH_PG or CAMREG_TEST_PG, a server on which the
// benchmark makes a schema of its own. The registry stays SQLite for every
// backend: only the index differs.
var backendName = flag.String("backend", envString("CAMREG_BENCH_BACKEND", "bleve"),
	"search backend to benchmark: bleve, meilisearch or postgres (env CAMREG_BENCH_BACKEND)")

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// backend is an opened index with what it takes to report its size and
// to remove it.
type backend struct {
	idx search.Index
	// fresh is true when the index was just created, empty.
	fresh bool
	// size is the index's size on disk, in bytes, -1 when unknown.
	size func() int64
	// drop removes the index, when the benchmark keeps nothing.
	drop  func()
	close func()
}

// openBackend opens (or creates) the index of the selected backend for
// the registry st in dir. An index's name (a Meilisearch uid, a
// PostgreSQL schema) is kept in dir, for BENCH_DIR's next run.
func openBackend(ctx context.Context, dir string, st *models.Store) (*backend, error) {
	switch *backendName {
	case "bleve":
		root := filepath.Join(dir, "search", "bleve")
		_, err := os.Stat(filepath.Join(root, "CURRENT"))
		idx, openErr := bleve.Open(root, bleve.Options{})
		if openErr != nil {
			return nil, openErr
		}
		return &backend{idx: idx, fresh: err != nil, size: func() int64 { return dirSize(root) },
			drop: func() {}, close: func() { idx.Close() }}, nil
	case "meilisearch":
		uid, fresh, err := name(dir, "meilisearch-index", "bench_")
		if err != nil {
			return nil, err
		}
		idx, err := meili.New(meili.Config{URL: os.Getenv("MEILI_URL"), APIKey: os.Getenv("MEILI_API_KEY"), Index: uid,
			Cursor: search.DBCursor{DB: st.DB(), Name: "meilisearch:" + uid}})
		if err != nil {
			return nil, err
		}
		return &backend{idx: idx, fresh: fresh, size: func() int64 { return -1 },
			drop: func() { _ = idx.Drop(context.Background()) }, close: func() { idx.Close() }}, nil
	case "postgres":
		return openPostgres(ctx, dir)
	}
	return nil, fmt.Errorf("-backend=%q: use bleve, meilisearch or postgres", *backendName)
}

// openPostgres opens the postgres index in a schema of the benchmark's
// own on the server that CAMREG_BENCH_PG (or CAMREG_TEST_PG) names.
func openPostgres(ctx context.Context, dir string) (*backend, error) {
	base := envString("CAMREG_BENCH_PG", os.Getenv("CAMREG_TEST_PG"))
	if base == "" {
		return nil, errors.New("-backend=postgres needs CAMREG_BENCH_PG (or CAMREG_TEST_PG): a postgres:// URL")
	}
	schema, fresh, err := name(dir, "postgres-schema", "bench_")
	if err != nil {
		return nil, err
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return nil, fmt.Errorf("create benchmark schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg, err := models.Open(u.String())
	if err != nil {
		return nil, err
	}
	if _, err := migrations.Up(ctx, pg.DB(), string(pg.Dialect())); err != nil {
		pg.Close()
		return nil, err
	}
	idx, err := postgres.New(ctx, postgres.Config{DB: pg.DB(), Cursor: search.DBCursor{DB: pg.DB(), Name: "postgres:camreg"}})
	if err != nil {
		pg.Close()
		return nil, err
	}
	size := func() int64 {
		var n int64
		err := pg.DB().QueryRowContext(context.Background(),
			"SELECT pg_total_relation_size('search_documents') + pg_total_relation_size('search_words')").Scan(&n)
		if err != nil {
			return -1
		}
		return n
	}
	drop := func() {
		if admin, err := sql.Open("pgx", base); err == nil {
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	}
	return &backend{idx: idx, fresh: fresh, size: size, drop: drop, close: func() { pg.Close() }}, nil
}

// name reads the index name kept in dir/file, or makes a new one from
// prefix and writes it there.
func name(dir, file, prefix string) (n string, fresh bool, err error) {
	path := filepath.Join(dir, file)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	n = prefix + hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(n+"\n"), 0o644); err != nil {
		return "", false, err
	}
	return n, true, nil
}
