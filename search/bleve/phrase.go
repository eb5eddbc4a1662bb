package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// titlePhrase is the words as a phrase in the title, boosted by
// boostPhraseTitle, each word as typed or as one of its typos.
func titlePhrase(ws []string, typos map[string][]string) query.Query {
	terms := make([][]string, len(ws))
	multi := false
	for i, w := range ws {
		terms[i] = append([]string{w}, typos[w]...)
		multi = multi || len(terms[i]) > 1
	}
	if !multi {
		ph := query.NewPhraseQuery(ws, "title")
		ph.SetBoost(boostPhraseTitle)
		return &possiblePhrase{phrase: ph, terms: terms}
	}
	ph := query.NewMultiPhraseQuery(terms, "title")
	ph.SetBoost(boostPhraseTitle)
	return &possiblePhrase{phrase: ph, terms: terms}
}

// possiblePhrase is a phrase in the title, terms[i] its i-th word's
// alternatives, which reads its words' positions only when some title
// holds a word of each position, as it must to hold the phrase.
//
// A phrase no title holds (a typed shop name, an address) costs bleve's
// phrase searcher every record holding all of its words in title or body,
// read with their positions, to find nothing: bleve reads a scoring-only
// clause to its first match before the first hit. Whether some title
// holds them all is an intersection of the words' postings, read without
// positions. When none does, the phrase's searcher is built (its weight
// goes into every score's query norm, as before) and never read.
type possiblePhrase struct {
	phrase query.Query
	terms  [][]string
}

func (q *possiblePhrase) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.phrase.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	ok, err := someTitleHolds(ctx, i, q.terms)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	if ok {
		return s, nil
	}
	return silent{s}, nil
}

// silent is a searcher that matches nothing, weighed as the searcher it
// wraps.
type silent struct{ bsearch.Searcher }

func (silent) Next(*bsearch.SearchContext) (*bsearch.DocumentMatch, error) { return nil, nil }

func (silent) Advance(*bsearch.SearchContext, index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return nil, nil
}

// someTitleHolds tells whether some title holds one of the alternatives
// of each of terms.
func someTitleHolds(ctx context.Context, r index.IndexReader, terms [][]string) (bool, error) {
	opts := bsearch.SearcherOptions{Score: "none"}
	var all []bsearch.Searcher
	closeAll := func() {
		for _, s := range all {
			_ = s.Close()
		}
	}
	for _, alts := range terms {
		var ts []bsearch.Searcher
		fail := func(err error) (bool, error) {
			all = append(all, ts...)
			closeAll()
			return false, err
		}
		for _, t := range alts {
			s, err := searcher.NewTermSearcher(ctx, r, t, "title", 1, opts)
			if err != nil {
				return fail(err)
			}
			ts = append(ts, s)
		}
		if len(ts) == 1 {
			all = append(all, ts[0])
			continue
		}
		d, err := searcher.NewDisjunctionSearcher(ctx, r, ts, 1, opts)
		if err != nil {
			return fail(err)
		}
		all = append(all, d)
	}
	c, err := searcher.NewConjunctionSearcher(ctx, r, all, opts)
	if err != nil {
		closeAll()
		return false, err
	}
	defer c.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(c.DocumentMatchPoolSize(), 0)}
	d, err := c.Next(sctx)
	return d != nil, err
}

// titleTypos finds, for each word that may have a typo (see fuzziness),
// the title words one edit away from it with the same first letter, as
// the fuzzy queries of the looser plans find them.
func titleTypos(ctx context.Context, idx blevelib.Index, ws []string) (map[string][]string, error) {
	out := map[string][]string{}
	var r index.IndexReader
	for _, w := range ws {
		fz := fuzziness(w)
		if fz == 0 || out[w] != nil {
			continue
		}
		if r == nil {
			adv, err := idx.Advanced()
			if err != nil {
				return nil, fmt.Errorf("bleve reader: %w", err)
			}
			if r, err = adv.Reader(); err != nil {
				return nil, fmt.Errorf("bleve reader: %w", err)
			}
			defer r.Close()
		}
		fr, ok := r.(index.IndexReaderFuzzy)
		if !ok {
			return out, nil // no typos: the plans still run, unranked by them
		}
		d, err := fr.FieldDictFuzzy("title", w, fz, w[:1])
		if err != nil {
			return nil, fmt.Errorf("bleve typos of %q: %w", w, err)
		}
		out[w] = []string{}
		for e, err := d.Next(); e != nil || err != nil; e, err = d.Next() {
			if err != nil {
				_ = d.Close()
				return nil, fmt.Errorf("bleve typos of %q: %w", w, err)
			}
			if e.Term != w {
				out[w] = append(out[w], e.Term)
			}
		}
		_ = d.Close()
	}
	return out, nil
}
