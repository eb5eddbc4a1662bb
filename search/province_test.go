package search

import (
	"strings"
	"testing"
)

func TestProvinceWords(t *testing.T) {
	for _, c := range []struct {
		q        string
		code     string
		from, to int
	}{
		{"minh phat da nang", "48", 2, 4},
		{"lai 6 gia lai", "", 2, 4},
		{"ha noi sao mai", "01", 0, 2},
		{"cua hang camera hoa binh cao bang", "", 5, 7},
		{"cua hang 6", "", 0, 0},
		{"da nang", "", 0, 0}, // a province alone is the query itself
		{"tphcm camera", "79", 0, 1},
	} {
		code, from, to, ok := ProvinceWords(words(c.q))
		if c.from == c.to {
			if ok {
				t.Errorf("%q: province %s at %d..%d, want none", c.q, code, from, to)
			}
			continue
		}
		if !ok || from != c.from || to != c.to || (c.code != "" && code != c.code) {
			t.Errorf("%q: province %q at %d..%d (%v), want %q at %d..%d", c.q, code, from, to, ok, c.code, c.from, c.to)
		}
	}
}

func words(s string) []string { return strings.Fields(s) }
