package gen

import (
	"strings"
	"testing"

	"camreg/fold"
	"camreg/models"
)

// Model numbers are unique per brand only if the folded prefixes of a
// brand's lines are prefix-free (see brandPlan.number).
func TestLinePrefixesPrefixFree(t *testing.T) {
	for _, b := range brands {
		for i, x := range b.lines {
			for j, y := range b.lines {
				if i != j && strings.HasPrefix(fold.Key(y.prefix), fold.Key(x.prefix)) {
					t.Errorf("%s: line %q is a prefix of line %q, so their model numbers could collide", b.name, x.prefix, y.prefix)
				}
			}
		}
	}
}

// The provinces are the registry's 34, each once, with a tax prefix, an
// area code and a distinct abbreviation for document numbers.
func TestProvincesAreTheRegistrys(t *testing.T) {
	if len(provinces) != len(models.Provinces) {
		t.Fatalf("%d provinces, the registry has %d", len(provinces), len(models.Provinces))
	}
	codes, abbrs := map[string]bool{}, map[string]bool{}
	for _, p := range provinces {
		if mp := models.LookupProvince(p.code); mp == nil || mp.Code != p.code {
			t.Errorf("code %s is no province of the registry", p.code)
		}
		if len(p.taxPrefix) != 2 || !strings.HasPrefix(p.area, "02") || p.weight <= 0 {
			t.Errorf("province %s: tax prefix %q, area %q, weight %d", p.code, p.taxPrefix, p.area, p.weight)
		}
		if codes[p.code] || abbrs[p.abbr] {
			t.Errorf("province %s (%s) repeats", p.code, p.abbr)
		}
		codes[p.code], abbrs[p.abbr] = true, true
	}
}
