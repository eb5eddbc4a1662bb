package meili_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	ms "github.com/meilisearch/meilisearch-go"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
	"camreg/search/meili"
	"camreg/search/searchtest"
)

// newIndex makes a fresh index on the Meilisearch that MEILI_URL names,
// with its cursor in the test's registry, and deletes it afterwards.
func newIndex(t *testing.T, st *models.Store) search.Index {
	t.Helper()
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: skipping the Meilisearch variant (search/meili/run-tests.sh provisions Meilisearch and runs it)")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	uid := "test_" + hex.EncodeToString(b)
	idx, err := meili.New(meili.Config{URL: url, APIKey: os.Getenv("MEILI_API_KEY"), Index: uid,
		Cursor: search.DBCursor{DB: st.DB(), Name: uid}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = idx.Drop(context.Background())
		idx.Close()
	})
	return idx
}

func TestSuite(t *testing.T) {
	searchtest.RunSuite(t, newIndex)
}

// TestRelevance measures recall over the committed corpus and query set
// (make relevance prints the figures).
//
// CAMREG_RELEVANCE_MEILI_INDEX keeps the index under that name: when it
// holds documents already (from an earlier run with the same
// distractors), it is searched without indexing again.
func TestRelevance(t *testing.T) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	uid := os.Getenv("CAMREG_RELEVANCE_MEILI_INDEX")
	if uid == "" {
		searchtest.RunRelevance(t, "meilisearch", newIndex(t, st))
		return
	}
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set")
	}
	stats, err := ms.New(url, ms.WithAPIKey(os.Getenv("MEILI_API_KEY"))).Index(uid).GetStats(&ms.StatsParams{})
	indexed := err == nil && stats.NumberOfDocuments > 0
	idx, err := meili.New(meili.Config{URL: url, APIKey: os.Getenv("MEILI_API_KEY"), Index: uid,
		Cursor: search.DBCursor{DB: st.DB(), Name: uid}})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	searchtest.RunRelevanceIndexed(t, "meilisearch", idx, indexed, nil)
}

// newRemembering is newIndex with remembered answers, as `camreg serve`
// opens it (search/answers.go).
func newRemembering(t *testing.T, st *models.Store) search.Index {
	t.Helper()
	idx := newIndex(t, st).(*meili.Index)
	return search.RememberAnswers(idx, search.DBCursor{DB: st.DB(), Name: idx.UID()}.Position, search.AnswerBytes)
}

// TestSuiteRemembering runs the shared suite on an index that remembers
// its answers.
func TestSuiteRemembering(t *testing.T) {
	searchtest.RunSuite(t, newRemembering)
}

// TestRememberedSharedIndex checks that a write by another process (a
// second Index over the same Meilisearch index and cursor) is seen at the
// next search of one that remembers its answers.
func TestRememberedSharedIndex(t *testing.T) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	first := newIndex(t, st).(*meili.Index)
	c := search.DBCursor{DB: st.DB(), Name: first.UID()}
	second, err := meili.New(meili.Config{URL: os.Getenv("MEILI_URL"), APIKey: os.Getenv("MEILI_API_KEY"), Index: first.UID(), Cursor: c})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	searchtest.RunRemembered(t, search.RememberAnswers(first, c.Position, search.AnswerBytes), second)
}
