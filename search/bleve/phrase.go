package bleve

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
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
		return ph
	}
	ph := query.NewMultiPhraseQuery(terms, "title")
	ph.SetBoost(boostPhraseTitle)
	return ph
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
