package meili

import (
	"slices"
	"strings"

	"camreg/fold"
	"camreg/search"
)

// cmpTrue orders true before false.
func cmpTrue(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// rerankExtra is how many more hits than the page a query of words asks
// for, for the page to be chosen among them by coverage.
const rerankExtra = 10

// scoreGrain is how finely ranking scores are told apart before the
// query's coverage of the title decides: scores within 1/scoreGrain of
// each other (one typo's worth on a long name) are alike.
const scoreGrain = 20

// coverage counts the query's words that the title holds, and the
// title's words that are none of the query's; a word one edit from
// another (of four letters or more) counts as it.
func coverage(title string, words []string) (covered, uncovered int) {
	ts := strings.Fields(fold.Text(title))
	same := func(t, w string) bool { return t == w || (len(w) >= 4 && search.OneEdit(t, w)) }
	for _, w := range words {
		if slices.ContainsFunc(ts, func(t string) bool { return same(t, w) }) {
			covered++
		}
	}
	for _, t := range ts {
		if !slices.ContainsFunc(words, func(w string) bool { return same(t, w) }) {
			uncovered++
		}
	}
	return covered, uncovered
}
