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

// TestPlans checks bleve's word plans on this backend, whose plans mirror
// them.
func TestPlans(t *testing.T) {
	searchtest.RunPlans(t, newIndex(t, nil))
}

// TestUpsertSameIDTwice checks that a batch naming a document twice keeps
// the last, as two upserts in turn would.
func TestUpsertSameIDTwice(t *testing.T) {
	idx := newIndex(t, nil)
	ctx := context.Background()
	doc := func(title string) search.Document {
		return search.Document{ID: search.DocID(search.TypeOrganization, "a"), Type: search.TypeOrganization,
			EntityID: "a", Title: title}
	}
	if err := idx.Upsert(ctx, []search.Document{doc("Cửa hàng Minh Phát"), doc("Cửa hàng Quang Huy")}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"quang huy": 1, "minh phat": 0} {
		res, err := idx.Search(ctx, search.Query{Text: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Errorf("q=%q: total %d, want %d", q, res.Total, want)
		}
	}
}

// newRemembering is newIndex with remembered answers, as `camreg serve`
// opens it (search/answers.go).
func newRemembering(t *testing.T, _ *models.Store) search.Index {
	t.Helper()
	st := testdb.Open(t, testdb.Backends(t)[1])
	c := search.DBCursor{DB: st.DB(), Name: "postgres:camreg"}
	idx, err := postgres.New(context.Background(), postgres.Config{DB: st.DB(), Cursor: c})
	if err != nil {
		t.Fatal(err)
	}
	return search.RememberAnswers(idx, c.Position, search.AnswerBytes)
}

// TestSuiteRemembering runs the shared suite on an index that remembers
// its answers.
func TestSuiteRemembering(t *testing.T) {
	searchtest.RunSuite(t, newRemembering)
}

// TestRememberedSharedIndex checks that a write by another process (a
// second Index over the same schema) is seen at the next search of one
// that remembers its answers.
func TestRememberedSharedIndex(t *testing.T) {
	st := testdb.Open(t, testdb.Backends(t)[1])
	c := search.DBCursor{DB: st.DB(), Name: "postgres:camreg"}
	open := func() search.Index {
		idx, err := postgres.New(context.Background(), postgres.Config{DB: st.DB(), Cursor: c})
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	searchtest.RunRemembered(t, search.RememberAnswers(open(), c.Position, search.AnswerBytes), open())
}
