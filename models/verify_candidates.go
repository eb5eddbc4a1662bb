package models

import (
	"fmt"
	"slices"
	"strconv"

	"camreg/models/verdict"
)

// Candidate generation: which registered models a typed model number might
// mean. The engine (verdict.Pick) chooses among them.

// matchModels finds each query's model. Every exact match is also a
// loose-key match (LooseKey only merges characters), so one indexed query
// on loose_key finds exact and near matches together; only queries with no
// candidate at all fall back to candidates' near search. It returns the
// matches and the full rows of every model they name, by id.
func matchModels(r reader, qs []parsedQuery) ([]verdict.Match, map[string]*Model, error) {
	looses := []string{}
	seen := map[string]bool{}
	for _, q := range qs {
		if !seen[q.Loose] {
			seen[q.Loose] = true
			looses = append(looses, q.Loose)
		}
	}
	byLoose := map[string][]Model{}
	var missing []string
	for _, k := range looses {
		if ms, ok := r.cached(k); ok {
			byLoose[k] = ms
		} else {
			missing = append(missing, k)
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		rows, err := readModels(r, "loose_key IN ("+placeholders(len(chunk))+") ORDER BY brand_key, model_key", anys(chunk)...)
		if err != nil {
			return nil, nil, fmt.Errorf("match models: %w", err)
		}
		for _, m := range rows {
			byLoose[m.LooseKey] = append(byLoose[m.LooseKey], m)
		}
		for _, k := range chunk {
			r.remember(k, byLoose[k])
		}
	}
	rows := map[string]*Model{}
	out := make([]verdict.Match, len(qs))
	for i, q := range qs {
		out[i] = verdict.Pick(q, engineModels(byLoose[q.Loose], rows))
		if out[i].Kind == MatchNone {
			near, err := candidates(r, q)
			if err != nil {
				return nil, nil, err
			}
			out[i] = verdict.FromCandidates(engineModels(near, rows))
		}
	}
	return out, rows, nil
}

// nearScan bounds the rows a near search reads.
const nearScan = 300

// candidates looks for models whose key is within a small edit distance of
// the query's (one edit for short keys, two for keys of eight or more
// characters), among the keys that share its first half: an indexed range
// scan, within the brand when one is given. Typos in the first half are not
// found; that is the price of never scanning the whole table.
func candidates(r reader, q parsedQuery) ([]Model, error) {
	if len(q.Key) < 4 {
		return nil, nil
	}
	cacheKey := "near:" + q.Key + ":" + q.BrandKey
	if ms, ok := r.cached(cacheKey); ok {
		return ms, nil
	}
	prefix := q.Key[:max(3, len(q.Key)/2)]
	where, args := "model_key >= ?", []any{prefix}
	if upper, bounded := nextKey(prefix); bounded {
		where, args = where+" AND model_key < ?", append(args, upper)
	}
	if q.BrandKey != "" {
		where, args = where+" AND brand_key = ?", append(args, q.BrandKey)
	}
	rows, err := readModels(r, where+" ORDER BY model_key LIMIT "+strconv.Itoa(nearScan), args...)
	if err != nil {
		return nil, fmt.Errorf("match near models: %w", err)
	}
	limit := 1
	if len(q.Key) >= 8 {
		limit = 2
	}
	var out []Model
	for _, m := range rows {
		if editDistance(m.LooseKey, q.Loose, limit) <= limit {
			out = append(out, m)
		}
	}
	r.remember(cacheKey, out)
	return out, nil
}

// nextKey returns the smallest key of letters and digits after every key
// that starts with prefix, so that "prefix <= k < next" selects exactly
// those keys. Keys are [0-9a-z]; the bound stays in that alphabet because
// PostgreSQL's locale collations order punctuation unlike byte order.
func nextKey(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		switch {
		case b[i] == '9':
			b[i] = 'a'
			return string(b[:i+1]), true
		case b[i] < 'z':
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions). It
// stops early and returns limit+1 once the distance must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
