package main

import (
	"slices"
	"strings"

	"camreg/fold"
	"camreg/search/searchtest"
)

// typos are one-edit misspellings people make of brands.
var typos = map[string]string{"Hikvision": "hikvison", "Dahua": "dahuaa", "KBVision": "kbvison", "Panasonic": "panasonik",
	"Uniview": "univiev", "Questek": "questeck", "Vantech": "vantec", "Hanwha": "hanwa", "Xiaomi": "xiaomy", "Ebitcam": "ebitcom"}

// queries makes the relevance set from the corpus: for each kind, records
// picked at random and the query a user would type for them, with every
// record that correctly answers it.
func (g *gen) queries(c *searchtest.Corpus) []searchtest.RelevanceQuery {
	var out []searchtest.RelevanceQuery
	seen := map[string]bool{}
	add := func(kind, q string, want []string) bool {
		q = strings.TrimSpace(q)
		if q == "" || len(want) == 0 || len(want) > 3 || seen[q] {
			return false
		}
		seen[q] = true
		out = append(out, searchtest.RelevanceQuery{Q: q, Kind: kind, Want: want})
		return true
	}
	modelsWhere := func(f func(m searchtest.CorpusModel) bool) []string {
		var ids []string
		for _, m := range c.Models {
			if f(m) {
				ids = append(ids, m.ID)
			}
		}
		return ids
	}
	repeat := func(n int, f func() bool) {
		for made, tries := 0, 0; made < n && tries < n*50; tries++ {
			if f() {
				made++
			}
		}
	}
	randModel := func() searchtest.CorpusModel { return c.Models[g.r.IntN(len(c.Models))] }
	randOrg := func() searchtest.CorpusOrganization { return c.Organizations[g.r.IntN(len(c.Organizations))] }
	sameKey := func(key string) []string {
		return modelsWhere(func(m searchtest.CorpusModel) bool { return fold.Key(m.ModelNumber) == key })
	}

	// Model numbers as printed, and as typed: lower case, no dashes.
	repeat(20, func() bool {
		m := randModel()
		return add("model_exact", m.ModelNumber, sameKey(fold.Key(m.ModelNumber)))
	})
	repeat(20, func() bool {
		m := randModel()
		return add("model_no_dashes", strings.ToLower(fold.Key(m.ModelNumber)), sameKey(fold.Key(m.ModelNumber)))
	})
	// O typed for 0 (and 0 for O).
	repeat(15, func() bool {
		m := randModel()
		if !strings.Contains(m.ModelNumber, "0") {
			return false
		}
		q := strings.Replace(m.ModelNumber, "0", "O", 1)
		want := modelsWhere(func(x searchtest.CorpusModel) bool { return fold.LooseKey(x.ModelNumber) == fold.LooseKey(q) })
		return add("model_o_for_0", q, want)
	})
	// Partial model numbers: a piece from inside the key.
	repeat(25, func() bool {
		m := randModel()
		k := fold.Key(m.ModelNumber)
		if len(k) < 8 {
			return false
		}
		start := 1 + g.r.IntN(3)
		n := 5 + g.r.IntN(3)
		if start+n > len(k) {
			return false
		}
		piece := k[start : start+n]
		if strings.IndexAny(piece, "0123456789") < 0 {
			return false
		}
		return add("model_partial", piece, modelsWhere(func(x searchtest.CorpusModel) bool {
			return strings.Contains(fold.Key(x.ModelNumber), piece)
		}))
	})
	// Partial model numbers typed with spaces for dashes: "IPC HFW1230".
	repeat(12, func() bool {
		m := randModel()
		parts := strings.Split(m.ModelNumber, "-")
		if len(parts) < 2 || len(parts[1]) < 4 {
			return false
		}
		q := parts[0] + " " + parts[1][:len(parts[1])-1]
		return add("model_spaced_prefix", q, modelsWhere(func(x searchtest.CorpusModel) bool {
			return strings.HasPrefix(fold.Key(x.ModelNumber), fold.Key(q))
		}))
	})
	// A misspelt brand with a piece of the model number.
	repeat(15, func() bool {
		m := randModel()
		typo, ok := typos[m.Brand]
		k := fold.Key(m.ModelNumber)
		if !ok || len(k) < 6 {
			return false
		}
		piece := k[len(k)-6:]
		return add("brand_typo", typo+" "+piece, modelsWhere(func(x searchtest.CorpusModel) bool {
			return x.Brand == m.Brand && strings.Contains(fold.Key(x.ModelNumber), piece)
		}))
	})
	// Brand aliases.
	repeat(8, func() bool {
		m := randModel()
		alias := map[string]string{"Hikvision": "hik", "Hanwha": "wisenet", "KBVision": "kb vision"}[m.Brand]
		if alias == "" {
			return false
		}
		return add("brand_alias", alias+" "+m.ModelNumber, sameKey(fold.Key(m.ModelNumber)))
	})
	// Shop names without diacritics, in lower case.
	repeat(30, func() bool {
		o := randOrg()
		q := fold.Text(o.Name)
		var want []string
		for _, x := range c.Organizations {
			if fold.Text(x.Name) == q {
				want = append(want, x.ID)
			}
		}
		return add("shop_name", q, want)
	})
	// Addresses as typed.
	repeat(15, func() bool {
		o := randOrg()
		q := strings.ReplaceAll(fold.Text(o.Address), ",", "")
		var want []string
		for _, x := range c.Organizations {
			if strings.ReplaceAll(fold.Text(x.Address), ",", "") == q {
				want = append(want, x.ID)
			}
		}
		return add("address", q, want)
	})
	// Shop name and province: "minh phat da nang".
	repeat(10, func() bool {
		o := randOrg()
		words := strings.Fields(fold.Text(o.Name))
		if len(words) < 4 {
			return false
		}
		q := strings.Join(words[len(words)-2:], " ") + " " + fold.Text(o.ProvinceName)
		var want []string
		for _, x := range c.Organizations {
			if strings.Contains(fold.Text(x.Name), strings.Join(words[len(words)-2:], " ")) && x.ProvinceCode == o.ProvinceCode {
				want = append(want, x.ID)
			}
		}
		return add("shop_name_province", q, want)
	})
	// Tax codes.
	repeat(10, func() bool { o := randOrg(); return add("tax_code", o.TaxCode, []string{o.ID}) })
	// Certificate numbers, as printed and typed.
	certsWhere := func(key string) []string {
		var ids []string
		for _, x := range c.Certificates {
			if fold.Key(x.Number) == key {
				ids = append(ids, x.ID)
			}
		}
		return ids
	}
	repeat(15, func() bool {
		ct := c.Certificates[g.r.IntN(len(c.Certificates))]
		return add("certificate_number", ct.Number, certsWhere(fold.Key(ct.Number)))
	})
	repeat(10, func() bool {
		ct := c.Certificates[g.r.IntN(len(c.Certificates))]
		q := strings.ToLower(strings.NewReplacer("-", " ", "/", " ").Replace(ct.Number))
		return add("certificate_number_typed", q, certsWhere(fold.Key(ct.Number)))
	})
	// Warning references and CVE ids.
	repeat(12, func() bool {
		w := c.Warnings[g.r.IntN(len(c.Warnings))]
		var want []string
		for _, x := range c.Warnings {
			if fold.Key(x.Reference) == fold.Key(w.Reference) {
				want = append(want, x.ID)
			}
		}
		q := w.Reference
		if g.r.IntN(2) == 0 {
			q = strings.ToLower(q)
		}
		return add("warning_reference", q, want)
	})
	repeat(6, func() bool {
		w := c.Warnings[g.r.IntN(len(c.Warnings))]
		var want []string
		for _, x := range c.Warnings {
			if slices.Contains(x.CVEIDs, w.CVEIDs[0]) {
				want = append(want, x.ID)
			}
		}
		return add("cve", w.CVEIDs[0], want)
	})
	return out
}
