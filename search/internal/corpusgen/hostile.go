package main

import (
	"math/rand/v2"
	"strings"

	"camreg/fold"
	"camreg/search/searchtest"
)

// hostileQueries makes hostile.json: kinds of query people type that the
// other files lack, from a random stream of their own (so the other files
// stay as they were). Each kind's wanted records are every record that
// answers it by the rule it is made with (searchtest.Answers), which also
// widens it over distractors.
func hostileQueries(c *searchtest.Corpus) []searchtest.RelevanceQuery {
	r := rand.New(rand.NewPCG(20261206, 2013))
	var out []searchtest.RelevanceQuery
	seen := map[string]bool{}
	add := func(kind, q string) bool {
		if q == "" || seen[q] {
			return false
		}
		want := answering(c.Organizations, kind, q, searchtest.Answers)
		if want == nil {
			return false
		}
		seen[q] = true
		out = append(out, searchtest.RelevanceQuery{Q: q, Kind: kind, Want: want})
		return true
	}
	repeat := func(n int, f func(o searchtest.CorpusOrganization) bool) {
		for made, tries := 0, 0; made < n && tries < n*50; tries++ {
			if f(c.Organizations[r.IntN(len(c.Organizations))]) {
				made++
			}
		}
	}
	// A shop's name as written on its sign or invoice, with diacritics
	// and capitals.
	repeat(30, func(o searchtest.CorpusOrganization) bool { return add("shop_name_written", o.Name) })
	// A shop's name without its trade ("Cửa hàng Camera", "Công ty TNHH"):
	// the words people remember.
	repeat(30, func(o searchtest.CorpusOrganization) bool {
		return add("shop_name_core", searchtest.CoreName(o.Name))
	})
	// A company's name with "cty" for "công ty", as people write it.
	repeat(15, func(o searchtest.CorpusOrganization) bool {
		name := fold.Text(o.Name)
		if !strings.HasPrefix(name, "cong ty ") {
			return false
		}
		return add("shop_name_cty", "cty "+strings.TrimPrefix(name, "cong ty "))
	})
	// A tax code as printed beside "MST", or grouped by spaces or dots.
	repeat(15, func(o searchtest.CorpusOrganization) bool {
		t := o.TaxCode
		if len(t) != 10 {
			return false
		}
		forms := []string{"MST " + t, "mst: " + t, "MST: " + t, t[:4] + " " + t[4:7] + " " + t[7:], t[:4] + "." + t[4:7] + "." + t[7:]}
		return add("tax_code_written", forms[r.IntN(len(forms))])
	})
	// An address as written, with its province.
	repeat(20, func(o searchtest.CorpusOrganization) bool {
		return add("address_written", o.Address+", "+o.ProvinceName)
	})
	return out
}

// answering returns the traders that answer q of kind by rule, or nil when
// none or more than three do: a query kept must point at a few records.
func answering(orgs []searchtest.CorpusOrganization, kind, q string, rule func(kind, q string, o searchtest.CorpusOrganization) bool) []string {
	var want []string
	for _, o := range orgs {
		if rule(kind, q, o) {
			want = append(want, o.ID)
		}
	}
	if len(want) == 0 || len(want) > 3 {
		return nil
	}
	return want
}
