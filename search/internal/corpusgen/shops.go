package main

import (
	"math/rand/v2"
	"strings"

	"camreg/fold"
	"camreg/search/searchtest"
)

// shopQueries makes the hostile shop-name queries of shops.json, from a
// random stream of their own (so queries.json and typos.json stay as they
// were): shop names as typed with one typo, and more name-and-province
// queries, where a national registry holds many shops of the same name
// in other provinces.
func shopQueries(c *searchtest.Corpus) []searchtest.RelevanceQuery {
	r := rand.New(rand.NewPCG(20261206, 13))
	var out []searchtest.RelevanceQuery
	seen := map[string]bool{}
	add := func(kind, q string, want []string) bool {
		if q == "" || len(want) == 0 || len(want) > 3 || seen[q] {
			return false
		}
		seen[q] = true
		out = append(out, searchtest.RelevanceQuery{Q: q, Kind: kind, Want: want})
		return true
	}
	repeat := func(n int, f func() bool) {
		for made, tries := 0, 0; made < n && tries < n*50; tries++ {
			if f() {
				made++
			}
		}
	}
	randOrg := func() searchtest.CorpusOrganization { return c.Organizations[r.IntN(len(c.Organizations))] }
	// A shop name without diacritics with one typo in one of its words of
	// five letters or more, past its first letter: a letter dropped,
	// doubled, swapped with the next, or replaced by a neighbour on the
	// keyboard.
	repeat(60, func() bool {
		o := randOrg()
		words := strings.Fields(fold.Text(o.Name))
		var long []int
		for i, w := range words {
			if len(w) >= 5 && !strings.ContainsAny(w, "0123456789") {
				long = append(long, i)
			}
		}
		if len(long) == 0 {
			return false
		}
		i := long[r.IntN(len(long))]
		words[i] = Typo(r, words[i])
		q := strings.Join(words, " ")
		var want []string
		for _, x := range c.Organizations {
			if searchtest.ShopTypoOf(q, fold.Text(x.Name)) {
				want = append(want, x.ID)
			}
		}
		return add("shop_name_typo", q, want)
	})
	// The distinctive words of a shop's name and its province.
	repeat(40, func() bool {
		o := randOrg()
		words := strings.Fields(fold.Text(o.Name))
		if len(words) < 4 {
			return false
		}
		part := strings.Join(words[len(words)-2:], " ")
		q := part + " " + fold.Text(o.ProvinceName)
		var want []string
		for _, x := range c.Organizations {
			if strings.Contains(" "+fold.Text(x.Name)+" ", " "+part+" ") && x.ProvinceCode == o.ProvinceCode {
				want = append(want, x.ID)
			}
		}
		return add("shop_name_province", q, want)
	})
	return out
}

// Typo makes one typo in w (five letters or more) past its first letter.
func Typo(r *rand.Rand, w string) string {
	b := []byte(w)
	i := 1 + r.IntN(len(b)-2)
	switch r.IntN(4) {
	case 0: // dropped
		return string(append(b[:i:i], b[i+1:]...))
	case 1: // doubled
		return string(b[:i+1]) + string(b[i:])
	case 2: // swapped with the next
		b[i], b[i+1] = b[i+1], b[i]
		if string(b) == w {
			b[i] = next(b[i])
		}
		return string(b)
	default: // a neighbour on the keyboard
		b[i] = next(b[i])
		return string(b)
	}
}

var neighbours = map[byte]byte{'a': 's', 'b': 'v', 'c': 'x', 'd': 'f', 'e': 'r', 'f': 'g', 'g': 'h', 'h': 'j', 'i': 'o',
	'j': 'k', 'k': 'l', 'l': 'k', 'm': 'n', 'n': 'm', 'o': 'p', 'p': 'o', 'q': 'w', 'r': 't', 's': 'd', 't': 'y', 'u': 'i',
	'v': 'c', 'w': 'e', 'x': 'z', 'y': 'u', 'z': 'x'}

func next(c byte) byte {
	if n, ok := neighbours[c]; ok {
		return n
	}
	return 'a'
}
