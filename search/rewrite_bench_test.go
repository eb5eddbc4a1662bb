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
