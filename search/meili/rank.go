package meili

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
// another (of four letters or more) counts as it. Counting words of three
// letters too (oneTypo, as Meilisearch forgives) put "trung tam cameraa
// hoang long" second on a fresh held-out draw (HELDOUT_SEED=4242).
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

// shortPrefix is the longest last word that Meilisearch is not asked to
// take as a prefix.
const shortPrefix = 2

// wholeLastWord ends text with a space when its last word (letters and
// digits, as Meilisearch splits them) is of shortPrefix characters or
// fewer, so that Meilisearch matches it whole instead of as the prefix of
// every word it begins: "de" of "DS-2DE3609IW-DE" or the "18" of a shop's
// name began tens of thousands of words, and the proximity of each to the
// query's other words cost 40-80 ms of the engine's CPU a search, against
// 4-7 ms matched whole. A prefix that short narrows nothing anyway ("da"
// for "Đạo"); a longer one ("2de36" for a model number remembered in
// part) is still a prefix.
func wholeLastWord(text string) string {
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	i := strings.LastIndexFunc(text, func(r rune) bool { return !word(r) })
	last := text[i+1:]
	// A text that ends in a separator has no prefix (Meilisearch's rule).
	if last == "" || utf8.RuneCountInString(last) > shortPrefix {
		return text
	}
	return text + " "
}

// leads says whether the words of text begin with ws: an address typed
// from its house number ("101 le loi phuong tan dinh") is first the
// record's whose address it begins, then one's that holds it further on
// ("367 ngõ 101 Lê Lợi, phường Tân Định"), which Meilisearch's own scores
// hardly tell apart (0.99437 and 0.99438). Words that start with no
// number are no address: a shop's name also starts its certificates'
// bodies (their holder), and its own title holds it.
func leads(text string, ws []string) bool {
	if len(ws) == 0 || ws[0] == "" || ws[0][0] < '0' || ws[0][0] > '9' {
		return false // only what starts with a number: a shop's name is also its certificates' holder's
	}
	ts := strings.FieldsFunc(fold.Text(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return len(ws) > 0 && len(ts) >= len(ws) && slices.Equal(ts[:len(ws)], ws)
}
