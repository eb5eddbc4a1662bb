package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"camreg/search"
)

// What planMost (two words in three) needs besides its statement: how
// common each word is, to find its candidates among the records of the
// rarest, and its choices of words, spelt out as one tsquery.

// sharesTTL is how long the word shares are kept: they are statistics,
// which change as slowly as autovacuum's ANALYZE.
const sharesTTL = time.Minute

// wordShares is the share of documents that hold each common word, from
// the statistics ANALYZE keeps of the words column (what the planner
// itself estimates with); a word not in it is rarer than every one that
// is. Only planMost uses it, to choose its candidates.
func (ix *Index) wordShares(ctx context.Context) (map[string]float64, error) {
	ix.sharesMu.Lock()
	defer ix.sharesMu.Unlock()
	if ix.shares != nil && time.Since(ix.sharesAt) < sharesTTL {
		return ix.shares, nil
	}
	// most_common_elem_freqs has three more entries than the words (the
	// lowest and highest frequency, and the share of nulls): unnest pads
	// the words with NULL for them.
	rows, err := ix.db.QueryContext(ctx, `SELECT u.word, u.share FROM pg_stats s,
			unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(word, share)
		WHERE s.schemaname = current_schema() AND s.tablename = 'search_documents' AND s.attname = 'words'
			AND u.word IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("postgres search statistics: %w: %w", search.ErrUnavailable, err)
	}
	defer rows.Close()
	shares := map[string]float64{}
	for rows.Next() {
		var w string
		var f float64
		if err := rows.Scan(&w, &f); err != nil {
			return nil, err
		}
		shares[w] = f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ix.shares, ix.sharesAt = shares, time.Now()
	return shares, nil
}

// maxCombinations bounds the choices of words that planMost spells out
// in one tsquery: 6 words choose 4 are 15; a longer query is counted
// instead. The GIN index checks every record that holds any of the words
// against every choice, which for 7 words (21 choices) or 8 (28) of a
// shop's name, whose first words half the registry holds ("cong ty
// tnhh"), cost more than fetching the records that hold one of the
// rarest words and counting (national registry, CPU per query, best of
// 2: 21 choices 1,862 -> 1,143 ms over 21 queries, 28 choices 1,708 ->
// 870 ms over 16; 15 and fewer were cheaper spelt out). Both find the
// same records.
const maxCombinations = 15

// choices is the tsquery that holds when k of the groups do: a
// disjunction of every choice of k groups.
func choices(groups []string, k int) string {
	var out []string
	for _, choice := range choose(len(groups), k) {
		picked := make([]string, len(choice))
		for i, g := range choice {
			picked[i] = groups[g]
		}
		out = append(out, "("+strings.Join(picked, " & ")+")")
	}
	return strings.Join(out, " | ")
}

// combinations is n choose k.
func combinations(n, k int) int {
	c := 1
	for i := 1; i <= k; i++ {
		c = c * (n - k + i) / i
	}
	return c
}

// choose lists every choice of k of the indexes 0..n-1, in order.
func choose(n, k int) [][]int {
	var out [][]int
	var pick func(start int, chosen []int)
	pick = func(start int, chosen []int) {
		if len(chosen) == k {
			out = append(out, slices.Clone(chosen))
			return
		}
		for i := start; i <= n-(k-len(chosen)); i++ {
			pick(i+1, append(chosen, i))
		}
	}
	pick(0, nil)
	return out
}
