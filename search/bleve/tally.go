package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bfacet "github.com/blevesearch/bleve/v2/search/facet"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"camreg/search"
)

// facetFields are the fields whose values the facets count.
var facetFields = []string{"type", "brand", "province", "status"}

// facetSize is the number of values a facet keeps, the commonest.
const facetSize = 100

// tally is a query that matches (and scores) what inner does and, once
// the search has read every match, counts their facets, as the second
// search of runPlan would: over every match up to limit, and beyond over
// the matches in the sample buckets search.SampleShare chooses. The
// search that ranks the matches finds them all anyway; keeping their
// document numbers (8 bytes each) saves finding them again, which cost
// about what ranking them did.
//
// The facets are counted with the search's own reader, inside the search,
// so the document numbers mean what they did: from the segments' columns
// (see columns), else by bleve's facets builder over the doc values.
type tally struct {
	inner query.Query
	limit int
	// out is the count, once the search has read every match.
	out *tallied
}

// tallied is a tally's count.
type tallied struct {
	done    bool
	total   int
	facets  bsearch.FacetResults
	sampled int  // the matches counted
	exact   bool // every match counted
}

func newTally(inner query.Query, limit int) *tally {
	return &tally{inner: inner, limit: limit, out: &tallied{}}
}

// Searcher is inner's searcher, which keeps the document number of each
// match it gives.
func (t *tally) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := t.inner.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	*t.out = tallied{}
	return &tallySearcher{Searcher: s, ctx: ctx, r: i, t: t}, nil
}

// tallySearcher is tally's searcher: see tally.
type tallySearcher struct {
	bsearch.Searcher
	ctx context.Context
	r   index.IndexReader
	t   *tally
	// ids are the matches' document numbers, one after another, ends
	// where each ends (bleve's are 8 bytes, but need not be).
	ids  []byte
	ends []int
	done bool
}

func (s *tallySearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Next(ctx)
	if err != nil || s.done {
		return m, err
	}
	if m != nil {
		s.ids = append(s.ids, m.IndexInternalID...)
		s.ends = append(s.ends, len(s.ids))
		return m, nil
	}
	s.done = true
	return nil, s.count(ctx)
}

// id is the i-th match's document number.
func (s *tallySearcher) id(i int) index.IndexInternalID {
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.ids[start:s.ends[i]]
}

// count counts the facets of every match, or of those in the sample.
func (s *tallySearcher) count(sctx *bsearch.SearchContext) error {
	total := len(s.ends)
	out := &tallied{done: true, total: total, exact: true}
	if snap, ok := s.r.(*scorch.IndexSnapshot); ok {
		if ok, err := s.countColumns(snap, out); err != nil || ok {
			return err
		}
	}
	counted := make([]int, 0, min(total, s.t.limit))
	if total > s.t.limit {
		// The sample buckets [0, n), as runPlan's second search has them:
		// bleve reads them as one union of their postings.
		n := search.SampleShare(total, s.t.limit)
		in, err := searcher.NewTermRangeSearcher(s.ctx, s.r, []byte(sampleTerm(0)), []byte(sampleTerm(n)), &yes, &no,
			"sample", 1, bsearch.SearcherOptions{Score: "none"})
		if err != nil {
			return err
		}
		var at *bsearch.DocumentMatch
		for i := range total {
			id := s.id(i)
			if at == nil || at.IndexInternalID.Compare(id) < 0 {
				if at != nil {
					sctx.DocumentMatchPool.Put(at)
				}
				if at, err = in.Advance(sctx, id); err != nil || at == nil {
					break
				}
			}
			if at.IndexInternalID.Equals(id) {
				counted = append(counted, i)
			}
		}
		if at != nil {
			sctx.DocumentMatchPool.Put(at)
		}
		if cerr := in.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		// With no match in the sample (an index built before the sample
		// buckets), every match is counted.
		out.exact = len(counted) == 0
	}
	if out.exact {
		counted = counted[:0]
		for i := range total {
			counted = append(counted, i)
		}
	}
	dv, err := s.r.DocValueReader(facetFields)
	if err != nil {
		return err
	}
	fb := bsearch.NewFacetsBuilder(s.r)
	for _, f := range facetFields {
		fb.Add(f, bfacet.NewTermsFacetBuilder(f, facetSize))
	}
	for _, i := range counted {
		fb.StartDoc()
		err := dv.VisitDocValues(s.id(i), fb.UpdateVisitor)
		fb.EndDoc()
		if err != nil {
			return err
		}
	}
	out.facets, out.sampled = fb.Results(), len(counted)
	*s.t.out = *out
	return nil
}

// count is the number of matches of q.
func count(ctx context.Context, idx blevelib.Index, q query.Query) (uint64, error) {
	req := blevelib.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = "none"
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("bleve count: %w", err)
	}
	return res.Total, nil
}

// countFacets counts the facets over every match of q, without scoring.
func countFacets(ctx context.Context, idx blevelib.Index, q query.Query) (search.Facets, int, error) {
	req := blevelib.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = "none"
	addFacets(req)
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return search.Facets{}, 0, fmt.Errorf("bleve facets: %w", err)
	}
	return facets(res.Facets), int(res.Total), nil
}

// addFacets asks req for the facets of its matches.
func addFacets(req *blevelib.SearchRequest) {
	for _, f := range facetFields {
		req.AddFacet(f, blevelib.NewFacetRequest(f, facetSize))
	}
}

// facets are the facets a search counted.
func facets(res bsearch.FacetResults) search.Facets {
	return search.Facets{Type: facet(res, "type"), Brand: facet(res, "brand"),
		Province: facet(res, "province"), Status: facet(res, "status")}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func facet(res bsearch.FacetResults, name string) map[string]int {
	out := map[string]int{}
	if f := res[name]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			if t.Term != "" {
				out[t.Term] = t.Count
			}
		}
	}
	return out
}

// countColumns is count from the segments' columns (see columns), the
// sample's matches chosen by their buckets' column; ok is false when a
// segment has none.
func (s *tallySearcher) countColumns(snap *scorch.IndexSnapshot, out *tallied) (bool, error) {
	total := len(s.ends)
	docs := make([]uint64, total)
	for i := range total {
		docs[i] = s.id(i).Value()
	}
	sc := newSnapColumns(snap)
	counted := docs
	if total > s.t.limit {
		// The sample buckets [0, n), as runPlan's second search has them.
		n := search.SampleShare(total, s.t.limit)
		in, ok, err := sc.inSample(docs, sampleTerm(0), sampleTerm(n))
		if err != nil || !ok {
			return false, err
		}
		// With no match in the sample (an index built before the sample
		// buckets), every match is counted.
		if out.exact = len(in) == 0; !out.exact {
			counted = in
		}
	}
	fr, ok, err := sc.count(counted)
	if err != nil || !ok {
		return false, err
	}
	out.facets, out.sampled = fr, len(counted)
	*s.t.out = *out
	return true, nil
}
