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
	res, err := ix.Find(q)
	if err != nil {
		return None, nil, err
	}
	k, cs := res.Decide()
	return k, cs, nil
}

// exactOnly gathers, as Find does, the candidates whose merged key is one
// reading's merged key, and reports whether one of them is a model of the
// brand given (any brand, without one) at distance 0.
func (ix *Index) exactOnly(q Query) (Result, bool) {
	brandKey := fold.Key(q.Brand)
	res := Result{BrandKey: brandKey}
	var best []Candidate
	consider := func(v variant, e Entry) {
		c := Candidate{Entry: e, half: halfDistance(v.key, e.ModelKey),
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
