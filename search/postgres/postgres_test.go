package postgres_test

import (
	"context"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
	"camreg/search/postgres"
	"camreg/search/searchtest"
)

// newIndex makes an index in a private, migrated schema on the server
// that CAMREG_TEST_PG names, and skips without it. The index has its own
// schema whatever registry st is (the suite also runs the indexer over a
// SQLite registry): the index is derived data, and only its documents and
// cursor need PostgreSQL.
func newIndex(t *testing.T, _ *models.Store) search.Index {
	t.Helper()
	st := testdb.Open(t, testdb.Backends(t)[1])
	idx, err := postgres.New(context.Background(), postgres.Config{DB: st.DB(),
		Cursor: search.DBCursor{DB: st.DB(), Name: "postgres:camreg"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

func TestSuite(t *testing.T) {
	searchtest.RunSuite(t, newIndex)
}

// TestRelevance measures recall over the committed corpus and query set
// (make relevance prints the figures).
func TestRelevance(t *testing.T) {
	searchtest.RunRelevance(t, "postgres", newIndex(t, nil))
}
