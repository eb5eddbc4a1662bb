package importer

import (
	"strings"
	"unicode/utf8"
)

// CSV injection (OWASP): a spreadsheet opens a CSV cell that starts with
// =, +, -, @, a tab or a carriage return as a formula, so a model name
// such as =HYPERLINK("http://evil.example/","Chi tiết") set by a vendor
// would run in an inspector's Excel. Every CSV camreg writes (exports and
// row reports) prefixes such a cell with an apostrophe, which spreadsheets
// show as text; the CSV reader takes the apostrophe off again, so an
// export imports back to the same values. XLSX needs none of this: its
// cells are written as inline strings.
//
// The red team's pass of 2026-12-07 (brief red, item 2): a cell that starts
// with a lookalike of those signs, the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B,
// U+FF0D, U+FF20), the small form variants ﹦ ﹢ ﹣ ﹫, or the minus sign −,
// was written raw: spreadsheets with an East Asian input method read ＝ as =
// on entry, and names are stored as typed (only keys are folded). Such a
// cell is neutralised too, and after leading spaces (an Excel cell " =1+1"
// opened from CSV is a formula in some versions).

// formulaLike reports whether a spreadsheet could take s for a formula,
// or s is such a cell already neutralised (so that the round trip is
// exact for a value that really starts with an apostrophe).
func formulaLike(s string) bool {
	s = strings.TrimLeft(s, "'")
	s = strings.TrimLeft(s, " \u00a0\u3000")
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	if s[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '\uff1d', '\uff0b', '\uff0d', '\uff20', // full-width = + - @
		'\ufe66', '\ufe62', '\ufe63', '\ufe6b', // small = + - @
		'\u2212', '\u207c', '\u208c', '\u207a', '\u208a', '\u207b', '\u208b': // minus sign, super- and subscript = + -
		return true
	}
	return false
}

// NeutraliseCell returns s as it is safe to write in a CSV cell.
func NeutraliseCell(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// restoreCell undoes NeutraliseCell on a cell read from a CSV file.
func restoreCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}
