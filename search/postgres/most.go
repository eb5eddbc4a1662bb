package postgres

import (
	"context"
	"fmt"
	"slices"
	"sort"
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
// same records. Spelt out in atLeast's arms, 35 was still dearer: "211
// hai ba trung phuong thach thang" (21 choices) 167 -> 241 ms, "119 cach
// mang thang tam phuong thach thang" (28) 77 -> 150 ms, searchcpu's CPU.
const maxCombinations = 15

// groupShares is the share of documents that hold each word of ws or
// one of its typos (an estimate: the sum of their shares).
func groupShares(ws []string, typos map[string][]string, share map[string]float64) []float64 {
	out := make([]float64, len(ws))
	for i, w := range ws {
		out[i] = share[w]
		for _, t := range typos[w] {
			out[i] += share[t]
		}
	}
	return out
}

// atLeast is the condition that k of the groups (tsquery groups, as
// choices takes them) hold, shares their estimated shares of documents:
// one arm a group, from the rarest, each that group and k-1 of the groups
// commoner than it, ORed. A record holding k groups holds the rarest of
// them, and is found by that group's arm; a record holding none of the
// n-k+1 rarest holds k-1 at most. Each arm is a tsquery of its own, a
// scan of the GIN index whose every match holds the arm's group, which
// the index walks and checks the other groups' posting lists at.
// Spelt out as one tsquery (choices), no group is needed, and the
// index walked the posting lists of every word and typo through: "275
// quang trung phuong ben thanh", need 4 of 6, 15 choices, 870 ms -> 263
// ms (count(*), psql, a busy machine) for the same 3,135 records.
func (s *statement) atLeast(groups []string, shares []float64, k int) string {
	var out []string
	for _, a := range arms(shares, k) {
		q := groups[a.group]
		if k > 1 {
			rest := make([]string, len(a.others))
			for j, i := range a.others {
				rest[j] = groups[i]
			}
			q += " & (" + choices(rest, k-1) + ")"
		}
		out = append(out, "words @@ "+s.arg(q, "tsquery"))
	}
	return "(" + strings.Join(out, " OR ") + ")"
}

// arm is one arm of atLeast: its group, and the groups commoner than it,
// of which it needs k-1.
type arm struct {
	group  int
	others []int
}

// arms are atLeast's arms for groups of these shares, k needed.
func arms(shares []float64, k int) []arm {
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return shares[order[a]] < shares[order[b]] })
	var out []arm
	for i := 0; i <= len(order)-k; i++ {
		out = append(out, arm{group: order[i], others: order[i+1:]})
	}
	return out
}

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
