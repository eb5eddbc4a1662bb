package bleve_test

import (
	"os"
	"path/filepath"
	"testing"

	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/searchtest"
)

func newIndex(t *testing.T, _ *models.Store) search.Index {
	t.Helper()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "bleve"), bleve.Options{})
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
// (make relevance prints the figures). CAMREG_RELEVANCE_BLEVE keeps the
// index in that directory and, when it holds one already, searches it
// without indexing again: the national distractors take half an hour to
// index, and the query code can be measured again in a minute.
func TestRelevance(t *testing.T) {
	dir := os.Getenv("CAMREG_RELEVANCE_BLEVE")
	if dir == "" {
		searchtest.RunRelevance(t, "bleve", newIndex(t, nil))
		return
	}
	_, err := os.Stat(filepath.Join(dir, "indexed"))
	indexed := err == nil
	idx, err := bleve.Open(dir, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	searchtest.RunRelevanceIndexed(t, "bleve", idx, indexed, func() {
		if err := os.WriteFile(filepath.Join(dir, "indexed"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPlans checks that records holding every word are the whole answer
// when there are any, and that the looser plans answer only otherwise.
func TestPlans(t *testing.T) {
	searchtest.RunPlans(t, newIndex(t, nil))
}
