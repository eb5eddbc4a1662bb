package match

import (
	"slices"

	"camreg/fold"
)

// Decide is Find followed by Result.Decide, without running the automaton
// when it cannot change the answer.
//
// Profiled (BENCHMARKS.md): building the Levenshtein automaton and walking
// the FST with it was most of a verify of a model never asked before, and
// most verifies type a registered number exactly. When a model of the brand
// given (of any brand, without one) has exactly the typed key, the nearest
// candidates are at distance 0, and only models whose merged key is the
// typed key's can be at distance 0: the FST's exact lookup finds all of
// them, and Decide on them answers as Decide on every candidate would
// (TestDecideShortcutAgrees, FuzzDecideShortcut). Otherwise it falls back
// to Find. q.Limit is ignored: every candidate is decided on.
func (ix *Index) Decide(q Query) (Kind, []Candidate, error) {
	q.Limit = 0
	if res, ok := ix.exactOnly(q); ok {
		k, cs := res.Decide()
		return k, cs, nil
	}
	if k, cs, ok := ix.decideNear(q); ok {
		return k, cs, nil
	}
	res, err := ix.Find(q)
	if err != nil {
		return None, nil, err
	}
	k, cs := res.Decide()
	return k, cs, nil
}

// decideNear decides on the candidates within one edit, and reports
// whether that is the decision Find's (within two edits, for a key of 9
// characters or more) would give; it is when no key was allowed more.
//
// Profiled (BENCHMARKS.md, verify cold over the national set, one question
// in ten with a slip): walking the FST within two edits was 18% of the
// server's CPU, though a typed number with one slip is one edit from its
// model. Within one edit the walk visits a small part of the states. It
// decides as the whole search would when a candidate of the brand given
// (of any brand, without one) lies nearer than two half-weighted edits
// (half < 4): a model the search within one edit does not find is two
// merged edits away or more, and a merged edit costs at least two halves
// (a confusable, merged away, costs one), so its half is 4 or more; it can
// neither tie nor beat the nearest, and Decide looks only at the nearest
// of the brand given when there are any (TestDecideNearAgrees,
// FuzzDecideShortcut).
func (ix *Index) decideNear(q Query) (Kind, []Candidate, bool) {
	res, capped, err := ix.find(q, 1)
	if err != nil {
		return None, nil, false
	}
	// Uncapped, this was the whole search.
	near := !capped || slices.ContainsFunc(res.Candidates, func(c Candidate) bool {
		return c.half < 2*costEdit && (res.BrandKey == "" || c.BrandKey == res.BrandKey)
	})
	if !near {
		return None, nil, false
	}
	k, cs := res.Decide()
	return k, cs, true
}

// exactOnly gathers, as Find does, the candidates whose merged key is one
// reading's merged key, and reports whether one of them is a model of the
// brand given (any brand, without one) at distance 0.
func (ix *Index) exactOnly(q Query) (Result, bool) {
	brandKey := fold.Key(q.Brand)
	res := Result{BrandKey: brandKey}
	var best []Candidate
	consider := func(v variant, e Entry) {
		c := Candidate{Entry: e, half: halfDistance(v.key, e.ModelKey) + v.cost,
			BrandAgrees:  v.brand != "" && v.brand == e.BrandKey,
			FamilyAgrees: family(v.key) == family(e.ModelKey), Prefix: commonPrefix(v.key, e.ModelKey)}
		for i := range best {
			if best[i].ID == e.ID {
				if rank(c, best[i]) < 0 {
					best[i] = c
				}
				return
			}
		}
		best = append(best, c)
	}
	for _, v := range ix.readings(q.Text, brandKey) {
		if len(v.key) > MaxKey {
			return res, false
		}
		merged := Merge(v.key)
		if err := ix.scan(merged, 0, func(e Entry) {
			if !ix.removed[e.ID] {
				consider(v, e)
			}
		}); err != nil {
			return res, false
		}
		for _, e := range ix.extra {
			if Merge(e.ModelKey) == merged || (e.LooseKey != "" && Merge(e.LooseKey) == merged) {
				consider(v, e)
			}
		}
	}
	found := false
	for i := range best {
		c := &best[i]
		c.Distance = float64(c.half) / 2
		if c.half == 0 && (brandKey == "" || c.BrandKey == brandKey) {
			found = true
		}
	}
	if !found {
		return res, false
	}
	slices.SortFunc(best, rank)
	res.Candidates = best
	return res, true
}
