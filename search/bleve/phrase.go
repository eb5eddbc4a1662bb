package bleve

import (
	"context"
	"fmt"
	"sort"

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
// alternatives, which reads its words' positions only in the titles that
// hold a word of each position, as a title must to hold the phrase.
//
// A phrase no title holds (a typed shop name, an address) costs bleve's
// phrase searcher every record holding all of its words in title or body,
// read with their positions, to find nothing: bleve reads a scoring-only
// clause to its first match before the first hit. Which titles hold them
// all is an intersection of the words' postings, read without positions.
// When none does, the phrase's searcher is built (its weight goes into
// every score's query norm, as before) and never read. When a few do
// (at most maxHolders), its words' postings are read at those titles
// only (see holdersReader): bleve's phrase searcher would otherwise read
// them from the first record to the first of those titles, and between
// each two, a record at a time with their positions.
type possiblePhrase struct {
	phrase query.Query
	terms  [][]string
}

// maxHolders is the most titles holding a phrase's words at which its
// searcher reads their postings alone: see possiblePhrase.
const maxHolders = 4096

func (q *possiblePhrase) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ids, err := titleHolders(ctx, i, q.terms, maxHolders)
	if err != nil {
		return nil, err
	}
	r := i
	if len(ids) > 0 && len(ids) <= maxHolders {
		r = &holdersReader{IndexReader: i, ids: ids}
	}
	s, err := q.phrase.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return silent{s}, nil
	}
	return s, nil
}

// silent is a searcher that matches nothing, weighed as the searcher it
// wraps.
type silent struct{ bsearch.Searcher }

func (silent) Next(*bsearch.SearchContext) (*bsearch.DocumentMatch, error) { return nil, nil }

func (silent) Advance(*bsearch.SearchContext, index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return nil, nil
}

// titleHolders are the records whose title holds one of the alternatives
// of each of terms, in index order: up to max+1 of them (more than max
// says only that there are more).
func titleHolders(ctx context.Context, r index.IndexReader, terms [][]string, max int) ([]index.IndexInternalID, error) {
	opts := bsearch.SearcherOptions{Score: "none"}
	var all []bsearch.Searcher
	closeAll := func() {
		for _, s := range all {
			_ = s.Close()
		}
	}
	for _, alts := range terms {
		var ts []bsearch.Searcher
		fail := func(err error) ([]index.IndexInternalID, error) {
			all = append(all, ts...)
			closeAll()
			return nil, err
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
		return nil, err
	}
	defer c.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(c.DocumentMatchPoolSize(), 0)}
	var ids []index.IndexInternalID
	for len(ids) <= max {
		d, err := c.Next(sctx)
		if err != nil || d == nil {
			return ids, err
		}
		ids = append(ids, append(index.IndexInternalID(nil), d.IndexInternalID...))
		sctx.DocumentMatchPool.Put(d)
	}
	return ids, nil
}

// holdersReader is an index reader whose term readers read only the
// records ids (sorted), skipping from one to the next: for a phrase
// that only those records' titles can hold (see possiblePhrase). Each
// term's count, and so its weight and every score, is the index's.
type holdersReader struct {
	index.IndexReader
	ids []index.IndexInternalID
}

func (r *holdersReader) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	t, err := r.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil {
		return nil, err
	}
	return &holdersTermReader{TermFieldReader: t, ids: r.ids}, nil
}

// holdersTermReader reads a term's postings at the records ids only.
type holdersTermReader struct {
	index.TermFieldReader
	ids []index.IndexInternalID
	// next is the index in ids of the next record to read.
	next int
}

func (t *holdersTermReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	for t.next < len(t.ids) {
		d, err := t.TermFieldReader.Advance(t.ids[t.next], pre)
		if err != nil || d == nil {
			t.next = len(t.ids)
			return nil, err
		}
		// The first of ids at or after the posting read.
		t.next += sort.Search(len(t.ids)-t.next, func(k int) bool { return t.ids[t.next+k].Compare(d.ID) >= 0 })
		if t.next < len(t.ids) && t.ids[t.next].Equals(d.ID) {
			t.next++
			return d, nil
		}
		pre = d.Reset()
	}
	return nil, nil
}

func (t *holdersTermReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	t.next = sort.Search(len(t.ids), func(k int) bool { return t.ids[k].Compare(id) >= 0 })
	return t.Next(pre)
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
