package search_test

import (
	"context"
	"path/filepath"
	"testing"

	"camreg/search"
	"camreg/search/searchtest"
)

// BenchmarkRewriteMatched is the CPU the query's rewriting and the
// matcher add to a search, over the relevance set's queries through
// search.WithMatcher over the corpus's models (the engine answers nothing,
// so that its own cost is left out).
func BenchmarkRewriteMatched(b *testing.B) {
	c, err := searchtest.LoadCorpus(filepath.Join(searchtest.TestdataDir(), "corpus.json"))
	if err != nil {
		b.Fatal(err)
	}
	qs, err := searchtest.LoadQueries()
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Matcher()
	if err != nil {
		b.Fatal(err)
	}
	idx := search.WithMatcher(&keyIndex{byText: map[string][]search.Hit{}}, m)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if _, err := idx.Search(ctx, search.Query{Text: q.Q, Limit: 3}); err != nil {
			b.Fatal(err)
		}
		search.Rewrite(q.Q) // the engine's own
	}
}

// answerAll answers every search with one hit, as an engine over a
// national registry answers most: the wrapper's readings for a search
// that finds nothing are then never tried.
type answerAll struct{ search.Index }

func (answerAll) Search(_ context.Context, q search.Query) (*search.Result, error) {
	return &search.Result{Total: 1, Hits: []search.Hit{{Type: search.TypeOrganization, EntityID: "o"}}}, nil
}

// BenchmarkRewriteMatchedAnswered is BenchmarkRewriteMatched with an engine
// that answers every search: the CPU the wrapper adds to the common query.
func BenchmarkRewriteMatchedAnswered(b *testing.B) {
	c, err := searchtest.LoadCorpus(filepath.Join(searchtest.TestdataDir(), "corpus.json"))
	if err != nil {
		b.Fatal(err)
	}
	qs, err := searchtest.LoadQueries()
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Matcher()
	if err != nil {
		b.Fatal(err)
	}
	idx := search.WithMatcher(answerAll{}, m)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if _, err := idx.Search(ctx, search.Query{Text: q.Q, Limit: 3}); err != nil {
			b.Fatal(err)
		}
		search.Rewrite(q.Q) // the engine's own
	}
}
