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
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
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
	if f, ok := latinText(s); ok {
		return f
	}
	return slowText(s)
}

// latinTable maps each rune below latinEnd to what slowText's pipeline
// makes of it alone (lower case, marks removed, đ as d), to removed for a
// combining mark, or to -1 when it needs the whole pipeline. It is built on
// first use, each rune by foldRune (foldCore's steps one after the other,
// TestLatinTable checks both agree on every rune): built at start-up through
// foldCore's transform chain, it cost every camreg command 70 MB of
// allocations and some 0.05 s of CPU, a third of a one-row import.
var latinTable = sync.OnceValue(func() []rune {
	t := make([]rune, latinEnd)
	for r := range t {
		out := foldRune(rune(r))
		switch {
		case r >= 0xD800 && r < 0xE000, !utf8.ValidRune(rune(r)):
			t[r] = -1
		case len(out) == 1:
			t[r] = out[0]
		case len(out) == 0 && unicode.Is(unicode.Mn, rune(r)):
			t[r] = removed
		default:
			t[r] = -1
		}
	}
	return t
})

// foldRune is foldCore of the one rune r, its steps applied in turn without
// a transform chain (whose buffers, a few KiB a call, made the table's cost).
func foldRune(r rune) []rune {
	s := strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return r
	}, strings.ToLower(string(r)))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
	return []rune(norm.NFC.String(s))
}

// removed marks a rune the table drops: a combining mark.
const removed = -2

// latinEnd bounds the table: Latin (with Latin Extended Additional, where
// Vietnamese's stacked diacritics live), the combining marks and General
// Punctuation (the en dash of "Cục An toàn thông tin – Trung tâm …": half
// the national warnings' authorities went through slowText for it). Greek and the scripts
// between (0x0370–0x1E00) and Greek Extended (0x1F00–0x2000) are left out:
// there normalisation may reorder or compose across runes, so slowText runs.
const latinEnd = 0x2070

// latinText is slowText for text whose every rune the table folds alone:
// Vietnamese names and addresses, without the Unicode pipeline's
// allocations (an import of 200,000 organizations spent a fifth of its
// CPU in it). ok is false when a rune needs the pipeline.
func latinText(s string) (string, bool) {
	table := latinTable()
	var b strings.Builder
	b.Grow(len(s))
	space := true // at the start: drop leading space
	for _, r := range s {
		if r >= latinEnd || (r >= 0x0370 && r < 0x1E00) || (r >= 0x1F00 && r < 0x2000) {
			return "", false
		}
		f := table[r]
		switch {
		case f == removed:
			continue
		case f < 0:
			return "", false
		case unicode.IsSpace(f):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(f)
		space = false
	}
	return strings.TrimSuffix(b.String(), " "), true
}

// slowText is Text through the Unicode pipeline. A letter of another
// script that looks like a Latin one is folded as that letter, as Key keys
// it: a trader's name pasted from a listing with a Cyrillic С or Н in it
// ("Сửa hàng Вình Мinh") reads as the name, not as other words (bleve folds
// each token alone, so a word wholly of lookalikes, "Сао", must fold too).
func slowText(s string) string {
	return strings.Join(strings.Fields(foldCore(scriptLookalikes(s))), " ")
}

// scriptLookalikes replaces every letter of a script other than Latin
// (Greek, Cyrillic, …; not below U+0370, where latinText folds alone) by
// its confusable skeleton, leaving the rest as it is.
func scriptLookalikes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r >= 0x0370 && unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			b.WriteString(confusables.Skeleton(string(r)))
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+n])
	}
	return b.String()
}

// foldCore lowers s, maps đ and removes combining marks.
func foldCore(s string) string {
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
	return folded
}

// Key compacts s to a key of lower-case ASCII letters and digits only, after
// folding diacritics: "DS-2CD1023G0E-I" becomes "ds2cd1023g0ei" and
// "Hikvision " becomes "hikvision". It is the model_key of a model number and
// the key of a brand.
//
// A letter of another script that looks like a Latin one is keyed as that
// letter, by its Unicode confusable skeleton (UTS #39): "Hіkvision" with a
// Cyrillic і is "hikvision", not "hkvision", so a lookalike brand or model
// number collides with the real one instead of slipping past it. ASCII is
// left as it is (the skeleton would merge 0 with O and 1 with l, which
// LooseKey does only for near matches).
func Key(s string) string {
	if !isASCII(s) {
		s = lookalikes(s)
	}
	f := Text(s)
	var b strings.Builder
	b.Grow(len(f))
	for _, r := range f {
		if keyRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookalikes replaces, after compatibility folding (full-width letters to
// plain ones), every letter that is not a Latin letter with an ASCII base
// (as Vietnamese letters are, under their marks) by its confusable
// skeleton.
func lookalikes(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 || !unicode.IsLetter(r) || r == 'đ' || r == 'Đ' {
			b.WriteRune(r)
			continue
		}
		if base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r))); base < 0x80 {
			b.WriteRune(r)
			continue
		}
		b.WriteString(confusables.Skeleton(string(r)))
	}
	return b.String()
}

func keyRune(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') }

// Scripts names the scripts of the letters of s, in order of first use:
// ["Latin"] for "Hikvision" and for "Công ty", ["Latin", "Cyrillic"] for
// "Hіkvision". Marks, digits and punctuation have none.
func Scripts(s string) []string {
	var out []string
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := "Other"
		for _, sc := range scriptTables {
			if unicode.Is(sc.table, r) {
				name = sc.name
				break
			}
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

var scriptTables = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}, {"Armenian", unicode.Armenian},
	{"Cherokee", unicode.Cherokee}, {"Han", unicode.Han}, {"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana},
	{"Hangul", unicode.Hangul}, {"Thai", unicode.Thai}, {"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew},
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

// KeyVersion numbers the keys that Key, LooseKey, NumberKey and Text make.
// Bump it whenever one of them changes what it returns for some input: the
// registry then recomputes every stored key once (models.Store.Rekey), so
// rows written with the old keys meet the new ones. 2: lookalike letters
// keyed by their skeleton, document numbers by NumberKey. 3: NumberKey
// also drops control characters and every default-ignorable code point
// (the combining grapheme joiner, Hangul fillers, variation selectors),
// and keys lookalike dashes and slashes (en dash, minus sign, fraction
// slash) as the ASCII ones.
const KeyVersion = 3

// NumberKey folds a document number (a certificate's, a C/O's, a warning's
// reference) for lookups that ignore case and spacing: "VN 123/2025-QCVN"
// and "vn123/2025-qcvn" are one key. Punctuation is kept. Full-width forms
// are folded to ASCII, invisible characters (zero-width joiners,
// bidirectional marks, control characters, the combining grapheme joiner,
// Hangul fillers, variation selectors) dropped, and letters of other
// scripts and dashes or slashes that look like Latin ones keyed as those,
// so a lookalike number collides with the real one.
func NumberKey(s string) string {
	if !isASCII(s) || hasControl(s) {
		s = numberMarks(lookalikes(s))
	}
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// Firmware folds a firmware version as typed for comparison, the way
// NumberKey folds a document number but keeping case and spacing:
// full-width forms become ASCII ("Ｖ５.７.３" is "V5.7.3"), letters of other
// scripts that look like Latin ones become those, invisible characters are
// dropped, and lookalike dashes and slashes become the ASCII ones. ASCII
// without control characters is returned as it is.
func Firmware(s string) string {
	if isASCII(s) && !hasControl(s) {
		return s
	}
	return numberMarks(lookalikes(s))
}

// numberMarks drops invisible characters and keys punctuation and symbols
// outside ASCII by their confusable skeleton when it is ASCII (U+2013 EN
// DASH and U+2212 MINUS SIGN as "-", U+2044 FRACTION SLASH as "/").
func numberMarks(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case invisible(r):
			continue
		case r >= 0x80 && (unicode.IsPunct(r) || unicode.IsSymbol(r)):
			if sk := confusables.Skeleton(string(r)); sk != "" && isASCII(sk) && !hasControl(sk) {
				b.WriteString(sk)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invisible reports whether r shows nothing: a control or format
// character, a default-ignorable code point, or the blank Braille pattern.
func invisible(r rune) bool {
	return unicode.IsControl(r) && !unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || unicode.Is(unicode.Variation_Selector, r) || r == '\u2800'
}

// hasControl reports whether s holds an ASCII control character other
// than white space.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0x7f || c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' {
			return true
		}
	}
	return false
}
