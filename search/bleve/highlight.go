package bleve

import (
	"context"
	"fmt"
	"slices"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Highlighting a hit needs the locations of the words it matched, so a
// search that highlights reads every matching posting's term vectors
// (positions and offsets), at every match, not only at the page's hits.
// On a query of thousands of matches (planMost over a long shop name or
// address) that is a third of its CPU. A page split (see split) finds and
// ranks the matches without term vectors, then reads the same query again
// at the page's records only (pageQuery), with term vectors, to highlight
// them: each term's postings are skipped to those records, so the second
// search costs what building its searchers does.

// split tells whether plan p is best highlighted by a second search
// at its page's records: when the postings its words' scoring clauses
// read are many (splitPostings; a second search costs about what
// building the searchers does, a fifth of a millisecond), and its
// searchers are cheap to build again (no piece of a model number that
// begins thousands of keys' suffixes; see stats.wide).
//
// Under a filter the scores, hits, totals and facets are the same, but a
// hit's highlight may hold more words than one search gave it: under the
// filter's conjunction bleve's boolean is advanced, and re-advances its
// scoring clauses (the title phrase), so that one search may miss some of
// them at a record (2 queries of the national mix's 5,525, at 4 hits),
// while the second search reads the text query alone (the page's records
// pass the filters), as the same query without filters is highlighted.
func (s stats) split(p plan) bool {
	if len(s.wide) > 0 {
		return false
	}
	switch p {
	case planExact:
		// Every match holds every word; a model number's pieces make
		// the conjunction cheap (few keys hold them).
		return !s.pieces && s.bound > splitPostings
	case planTypos:
		bound := s.exactBound
		if bound < 0 {
			bound = s.bound
		}
		return bound > splitPostings
	default:
		// Every match holds one of the n-need+1 rarest words (see
		// atLeast): their postings are the most it reads.
		dfs := make([]uint64, 0, len(s.df))
		for _, f := range s.df {
			dfs = append(dfs, f)
		}
		slices.Sort(dfs)
		need := max(1, (2*s.words+2)/3)
		sum := uint64(0)
		for i := 0; i < len(dfs) && i < s.words-need+1; i++ {
			sum += dfs[i]
		}
		return sum > splitPostings
	}
}

// splitPostings is the number of postings read from which a query's hits
// are highlighted by a second search: see split.
const splitPostings = 1000

// highlightPage highlights the page's hits of text (see split): the
// fragments of each hit by its id.
func highlightPage(ctx context.Context, idx blevelib.Index, text query.Query, ids []string) (map[string]bsearch.FieldFragmentMap, error) {
	req := blevelib.NewSearchRequestOptions(&pageQuery{q: text, ids: ids}, len(ids), 0, false)
	highlightTitleBody(req)
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve highlight: %w", err)
	}
	out := make(map[string]bsearch.FieldFragmentMap, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Fragments
	}
	return out, nil
}

// highlightTitleBody asks req to highlight the title and the body.
func highlightTitleBody(req *blevelib.SearchRequest) {
	req.Highlight = blevelib.NewHighlightWithStyle(html.Name)
	req.Highlight.Fields = []string{"title", "body"}
}

// pageQuery is q read at the records ids only: every term's postings are
// skipped from one of them to the next (see holdersReader), so q matches
// each of them, and with the same locations, as it does in a search of
// the whole index, and every count and weight is the index's.
type pageQuery struct {
	q   query.Query
	ids []string
}

func (p *pageQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ids := make([]index.IndexInternalID, 0, len(p.ids))
	for _, id := range p.ids {
		iid, err := i.InternalID(id)
		if err != nil {
			return nil, err
		}
		if iid != nil {
			ids = append(ids, append(index.IndexInternalID(nil), iid...))
		}
	}
	slices.SortFunc(ids, func(a, b index.IndexInternalID) int { return a.Compare(b) })
	var r index.IndexReader = &holdersReader{IndexReader: i, ids: ids}
	if f, ok := i.(index.IndexReaderFuzzy); ok {
		r = &fuzzyHolders{holdersReader: holdersReader{IndexReader: i, ids: ids}, fuzzy: f}
	}
	return p.q.Searcher(ctx, r, m, options)
}

// fuzzyHolders is a holdersReader that expands fuzzy terms as its index
// does (bleve looks for the index's own expansion by a type assertion).
type fuzzyHolders struct {
	holdersReader
	fuzzy index.IndexReaderFuzzy
}

func (r *fuzzyHolders) FieldDictFuzzy(field, term string, fuzziness int, prefix string) (index.FieldDict, error) {
	return r.fuzzy.FieldDictFuzzy(field, term, fuzziness, prefix)
}

func (r *fuzzyHolders) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (index.FieldDict, index.FuzzyAutomaton, error) {
	return r.fuzzy.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
}
