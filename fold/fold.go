// Package fold holds camreg's one text normaliser: it folds case and
// Vietnamese diacritics and compacts model numbers to their model_key.
//
// It is a leaf package on purpose. The registry (models), the search
// backends, verify and the importer all need the very same normalisation, and
// models may import no package that imports models back, so the normaliser
// lives here, at the top of the module with no project imports, below every
// package that uses it.
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Text folds s for matching: lower case, Vietnamese (and other Latin)
// diacritics removed, đ/Đ turned into d, and runs of white space collapsed
// into one space. Punctuation is kept; callers that need tokens split on it.
func Text(s string) string {
	if isASCII(s) {
		// Most input (model numbers, typed queries) is ASCII: no
		// diacritics to remove, so skip the Unicode pipeline.
		return strings.Join(strings.Fields(strings.ToLower(s)), " ")
	}
	// Lower case first: some upper-case letters lower to a letter plus a
	// combining mark, which the next step must still see. đ does not
	// decompose under NFD, so it is mapped by hand.
	s = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return r
	}, strings.ToLower(s))
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	return strings.Join(strings.Fields(folded), " ")
}

// Key compacts s to a key of lower-case ASCII letters and digits only, after
// folding diacritics: "DS-2CD1023G0E-I" becomes "ds2cd1023g0ei" and
// "Hikvision " becomes "hikvision". It is the model_key of a model number and
// the key of a brand.
func Key(s string) string {
	f := Text(s)
	var b strings.Builder
	b.Grow(len(f))
	for _, r := range f {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LooseKey is Key with the characters people confuse in model numbers
// merged: the letter o with the digit 0, and the letters i and l with the
// digit 1. Two model numbers with the same LooseKey but different Keys are
// a near match ("DS-2CD1023GOE-I" for "DS-2CD1023G0E-I"), never an exact one.
func LooseKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'o':
			return '0'
		case 'i', 'l':
			return '1'
		}
		return r
	}, Key(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
