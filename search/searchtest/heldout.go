package searchtest

import (
	"strings"
	"sync"

	"camreg/fold"
)

// The held-out probe (heldout2.json, made by tools/heldoutgen, apart from
// corpusgen): each query names, in Same, the rule its wanted records were
// chosen by, and widen applies the same rule to the distractors. "nearest"
// is the rule of corpusgen's typos, widened as they are.

// heldoutWords is s's folded words of letters and digits, joined by a
// space: what a trader's name or address is compared by.
func heldoutWords(s string) string {
	return memo(&heldoutMemo, s, func(s string) string {
		return strings.Join(strings.FieldsFunc(foldText(s), func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < '0' || r > '9')
		}), " ")
	})
}

// foldText is fold.Text, remembered: widen compares every query with
// every distractor (200,000 organizations of a national registry), and
// folding their names and addresses again for each query was nearly all
// of its time.
func foldText(s string) string { return memo(&foldMemo, s, fold.Text) }

var foldMemo, heldoutMemo sync.Map

// memo is f(s), remembered in m.
func memo(m *sync.Map, s string, f func(string) string) string {
	if v, ok := m.Load(s); ok {
		return v.(string)
	}
	v := f(s)
	m.Store(s, v)
	return v
}

// HeldoutAnswers says whether organization o answers q, made from
// organization src by the rule q.Same.
func HeldoutAnswers(q RelevanceQuery, src, o CorpusOrganization) bool {
	switch q.Same {
	case "name":
		n := heldoutWords(src.Name)
		return heldoutWords(o.Name) == n || strings.TrimSpace(heldoutWords(o.Name)+" "+heldoutWords(o.ProvinceName)) == n
	case "address":
		return heldoutWords(o.Address) == heldoutWords(src.Address)
	case "address_province":
		return heldoutWords(o.Address) == heldoutWords(src.Address) && o.ProvinceCode == src.ProvinceCode
	case "tax":
		return o.TaxCode == src.TaxCode
	}
	return false
}

// heldoutModelAnswers says whether a model with key mk answers q, made
// for a model with key want by the rule q.Same ("key" or "key_contains").
func heldoutModelAnswers(q RelevanceQuery, mk, want string) bool {
	switch q.Same {
	case "key":
		return mk == want
	case "key_contains":
		p := fold.Key(q.Q)
		return p != "" && strings.Contains(mk, p)
	}
	return false
}
