package search

import (
	"slices"
	"strings"
	"unicode"

	"camreg/fold"
	"camreg/models"
)

// ProvinceWords finds a province named at the end or at the start of a
// query's folded words ("minh phat da nang", "ha noi sao mai"): the words
// ws[from:to] name the province whose code is returned. A province is
// looked for only beside other words, and only in words with a letter (a
// shop's number is no province code). Searches treat it as province
// agreement: records of that province rank first, and the province's
// words are not required of a record, since a shop's name need not repeat
// its province (nor does its address always name it).
func ProvinceWords(ws []string) (code string, from, to int, ok bool) {
	for n := min(4, len(ws)-1); n >= 1; n-- {
		for _, start := range []int{len(ws) - n, 0} {
			run := ws[start : start+n]
			if !allLettered(run) {
				continue
			}
			if p := models.LookupProvince(strings.Join(run, " ")); p != nil {
				return p.Code, start, start + n, true
			}
		}
	}
	return "", 0, 0, false
}

func allLettered(ws []string) bool {
	for _, w := range ws {
		if strings.IndexFunc(w, unicode.IsLetter) < 0 {
			return false
		}
	}
	return true
}

// HoldsPhrase says whether the folded words of text hold ws, in order and
// side by side: a title that names the province a query names agrees with
// it as a record of that province does.
func HoldsPhrase(text string, ws []string) bool {
	if len(ws) == 0 {
		return false
	}
	ts := strings.FieldsFunc(fold.Text(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i := 0; i+len(ws) <= len(ts); i++ {
		if slices.Equal(ts[i:i+len(ws)], ws) {
			return true
		}
	}
	return false
}
