package search

import (
	"strings"
	"unicode"

	"camreg/fold"
)

// Rewrite is the query text every backend searches for text: the same
// words, less what people type around them that no record holds. A tax
// code behind its label ("MST: 0101234567", "mã số thuế 0101234567") is
// the tax code; "cty" is "công ty" ("cty cp" is "công ty cổ phần"). Any
// other text is returned as it is.
func Rewrite(text string) string {
	ws := strings.FieldsFunc(fold.Text(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, label := range [][]string{{"mst"}, {"ma", "so", "thue"}} {
		if len(ws) > len(label) && equalWords(ws[:len(label)], label) && allDigits(ws[len(label):]) {
			return strings.Join(ws[len(label):], "")
		}
	}
	changed := false
	var out []string
	for i, w := range ws {
		switch {
		case w == "cty":
			out, changed = append(out, "cong", "ty"), true
		case w == "cp" && i > 0 && (ws[i-1] == "cty" || ws[i-1] == "ty"):
			out, changed = append(out, "co", "phan"), true
		default:
			out = append(out, w)
		}
	}
	if !changed {
		return text
	}
	return strings.Join(out, " ")
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func allDigits(ws []string) bool {
	for _, w := range ws {
		if strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return false
		}
	}
	return len(ws) > 0
}
