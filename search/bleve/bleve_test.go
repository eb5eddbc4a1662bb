package bleve_test

import (
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
// (make relevance prints the figures).
func TestRelevance(t *testing.T) {
	searchtest.RunRelevance(t, "bleve", newIndex(t, nil))
}

// TestPlans checks that records holding every word are the whole answer
// when there are any, and that the looser plans answer only otherwise.
func TestPlans(t *testing.T) {
	searchtest.RunPlans(t, newIndex(t, nil))
}
