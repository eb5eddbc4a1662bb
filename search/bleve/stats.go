package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"camreg/fold"
)

// stats are what the index knows of a query's words, read before its
// plans are built: see wordStats.
type stats struct {
	// common are the words to require without scoring them, absent those
	// no title or body holds (both for queries of two words or more).
	common, absent map[string]bool
	// keyless are the words with digits that no model number's key holds
	// either (see the pieces in textQuery).
	keyless map[string]bool
	// bound and exactBound are at least the number of records holding
	// every word of the query that is no model number piece, in their
	// title or body (the fewest of any one such word), and those holding
	// every such word that may not be typed wrong (see fuzziness); -1
	// when there is no such word.
	bound, exactBound int
	// typos are, once the exact plan found nothing, the title words one
	// edit from each word that may be typed wrong (see titleTypos).
	typos map[string][]string
	// words is the number of words of the query.
	words int
	// wide are the words of the query that are pieces of a model number
	// beginning wideKeys or more keys' suffixes ("1pc": 16,867 on the
	// national registry): see together and planned.pre.
	wide map[string]bool
	// skip are words whose clauses textQuery leaves out: see planned.pre.
	skip map[string]bool
	// df is the number of records holding each word in their title or
	// body.
	df map[string]uint64
	// pieces tells whether some word may be a piece of a model number
	// (see isPiece).
	pieces bool
}

// wideKeys is the number of keys' suffixes a piece of a model number
// begins from which its plans' facets are counted together: see together.
const wideKeys = 1000

// together tells whether plan p's facets should be counted in the search
// that finds its hits, over every match, rather than by a second search
// (see runPlan). A second search finds every match again, which costs
// about what the first did; counting a match's facets in the first
// reads its four values, which costs about what visiting four postings
// does (on the national registry, "camera" finds and ranks its 142,649
// matches in 18 ms of CPU, and counting their facets takes 75 ms more).
// A match of planMost or planTypos holds most or every word of the query,
// so with five words or more its search visits four postings or more for
// each match, and its facets are best counted together; planExact and
// planTypos also count together when the words they need exactly say that
// the matches are few. Counted together, they are exact beyond limit too.
func (s stats) together(p plan, limit int) bool {
	switch {
	case len(s.wide) > 0:
		// Building the searcher of a piece's prefix, one term searcher
		// for each key's suffix it begins, costs more than counting the
		// facets of several thousand matches (2.5 µs a term, 0.5 µs a
		// match): a second search would build it again.
		return true
	case p == planExact:
		return s.bound >= 0 && s.bound <= limit
	case p == planTypos && s.exactBound >= 0 && s.exactBound <= limit:
		return true
	default:
		return s.words >= 5
	}
}

// commonShare is the share of documents above which a word is common: see
// wordStats.
const commonShare = 0.01

// wordStats reads the statistics of text's words (see stats).
//
// The common words of a query are those that more than commonShare of
// the documents hold, in their title or body ("cua", "hang", "dien", "tu"
// on a registry of shops), keeping at least one word, the rarest, out.
//
// Under planExact and planTypos, every hit holds every word, so a common
// word tells the hits little apart; it is required without being scored.
// That matters for speed: bleve reads a scored term's postings one by one
// up to each candidate, but skips through an unscored term's postings, so
// scoring only the rare words makes a long shop name cost as much as its
// rarest words.
//
// absent are the words no title or body holds, which planMost needs, and
// keyless those words with digits that no key holds either: a clause that
// needs one can never match, and planExact and planTypos skip it instead
// of expanding the other pieces' prefixes (thousands of keys hold "1pc").
func wordStats(ctx context.Context, idx blevelib.Index, text string) (stats, error) {
	ws := words(fold.Text(text))
	st := stats{bound: -1, exactBound: -1, words: len(ws)}
	if len(ws) == 0 {
		return st, nil
	}
	n, err := idx.DocCount()
	if err != nil {
		return st, fmt.Errorf("bleve document count: %w", err)
	}
	adv, err := idx.Advanced()
	if err != nil {
		return st, fmt.Errorf("bleve reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return st, fmt.Errorf("bleve reader: %w", err)
	}
	defer r.Close()
	df := make(map[string]uint64, len(ws))
	st.df = df
	rarest := ws[0]
	for _, w := range ws {
		if _, seen := df[w]; seen {
			continue
		}
		for _, field := range []string{"title", "body"} {
			tfr, err := r.TermFieldReader(ctx, []byte(w), field, false, false, false)
			if err != nil {
				return st, fmt.Errorf("bleve term %q: %w", w, err)
			}
			df[w] += tfr.Count()
			_ = tfr.Close()
		}
		if df[w] < df[rarest] {
			rarest = w
		}
		if isPiece(ws, w) {
			st.pieces = true
			wide, err := prefixes(r, fold.Key(w), wideKeys)
			if err != nil {
				return st, err
			}
			if wide {
				if st.wide == nil {
					st.wide = map[string]bool{}
				}
				st.wide[w] = true
			}
		}
		if !isPiece(ws, w) && (st.bound < 0 || int(df[w]) < st.bound) {
			st.bound = int(df[w])
		}
		if !isPiece(ws, w) && fuzziness(w) == 0 && (st.exactBound < 0 || int(df[w]) < st.exactBound) {
			st.exactBound = int(df[w])
		}
	}
	if len(ws) < 2 {
		return st, nil
	}
	st.common, st.absent, st.keyless = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for w, f := range df {
		if w != rarest && float64(f) > commonShare*float64(n) {
			st.common[w] = true
		}
		if f == 0 {
			st.absent[w] = true
		}
		if f == 0 && isPiece(ws, w) {
			d, err := r.FieldDictPrefix("key_suffixes", []byte(fold.Key(w)))
			if err != nil {
				return st, fmt.Errorf("bleve keys %q: %w", w, err)
			}
			e, err := d.Next()
			_ = d.Close()
			if err != nil {
				return st, fmt.Errorf("bleve keys %q: %w", w, err)
			}
			st.keyless[w] = e == nil
		}
	}
	return st, nil
}

// prefixes tells whether at least n keys' suffixes begin with prefix.
func prefixes(r index.IndexReader, prefix string, n int) (bool, error) {
	d, err := r.FieldDictPrefix("key_suffixes", []byte(prefix))
	if err != nil {
		return false, fmt.Errorf("bleve keys %q: %w", prefix, err)
	}
	defer d.Close()
	for i := 0; i < n; i++ {
		e, err := d.Next()
		if err != nil {
			return false, fmt.Errorf("bleve keys %q: %w", prefix, err)
		}
		if e == nil {
			return false, nil
		}
	}
	return true, nil
}
