package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"camreg/search"
)

// TestTallyIsTheSecondSearch checks that the facets a search counts of
// its own matches (tally) are those a second search counted: over every
// match up to the limit, and beyond over the matches in the sample
// buckets, scaled; under filters, on several segments, and on an index
// without sample buckets (every match counted); in memory (the doc
// values counted) and on disk, as a server's (the segments' columns, see
// columns); and with together, over every match, exactly.
func TestTallyIsTheSecondSearch(t *testing.T) {
	for _, c := range []struct{ sampled, disk bool }{{true, false}, {false, false}, {true, true}, {false, true}} {
		sampled, dir := c.sampled, ""
		if c.disk {
			dir = t.TempDir()
		}
		r := rand.New(rand.NewPCG(5, 6))
		word := func() string { return fmt.Sprintf("w%d", int(r.ExpFloat64()*4)%20) }
		types := []search.Type{search.TypeModel, search.TypeOrganization, search.TypeCertificate}
		idx := randomIndexIn(t, dir, r, word, 4, 600, 5, 6, func(batch, i int, title, body string) (string, map[string]any) {
			typ := types[r.IntN(len(types))]
			eid := recordID("e", batch, i)
			d := search.Document{ID: search.DocID(typ, eid), Type: typ, EntityID: eid, Title: title, Body: body,
				Brand: fmt.Sprintf("B%d", r.IntN(130)), Province: fmt.Sprintf("%02d", r.IntN(40)), Status: search.Statuses[r.IntN(4)]}
			f := fields(d)
			if !sampled {
				delete(f, "sample")
			}
			return d.ID, f
		})
		ctx := context.Background()
		checked := map[bool]int{}
		for i := range 120 {
			q := search.Query{Limit: 10, FacetExactUpTo: []int{30, 200, 5000}[i%3]}
			var ws []string
			for range 1 + r.IntN(3) {
				ws = append(ws, word())
			}
			q.Text = strings.Join(ws, " ")
			if i%4 == 1 {
				q.Type = types[r.IntN(len(types))]
			}
			st, err := wordStats(ctx, idx, q.Text)
			if err != nil {
				t.Fatal(err)
			}
			for _, pl := range plans(q.Text, st) {
				got, err := runPlan(ctx, idx, q, pl.query, false, false)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total == 0 {
					continue
				}
				want := secondSearch(t, idx, q, pl.query, got.Total)
				if !reflect.DeepEqual(got.Facets, want.Facets) || got.FacetsExact != want.FacetsExact {
					t.Fatalf("%q (%+v): tally %v exact %v, second search %v exact %v", q.Text, q, got.Facets, got.FacetsExact, want.Facets, want.FacetsExact)
				}
				checked[got.FacetsExact]++
				together, err := runPlan(ctx, idx, q, pl.query, true, false)
				if err != nil {
					t.Fatal(err)
				}
				all := q
				all.FacetExactUpTo = together.Total
				if want := secondSearch(t, idx, all, pl.query, together.Total); !reflect.DeepEqual(together.Facets, want.Facets) || !together.FacetsExact {
					t.Fatalf("%q (%+v): together %v exact %v, second search %v", q.Text, q, together.Facets, together.FacetsExact, want.Facets)
				}
			}
		}
		if checked[true] == 0 || (sampled && checked[false] == 0) {
			t.Fatalf("sampled %v: checked %v (exact: estimated)", sampled, checked)
		}
	}
}

// secondSearch is the facets as runPlan counted them before tally: by a
// second search of the matches (in the sample buckets, beyond the limit).
func secondSearch(t *testing.T, idx blevelib.Index, q search.Query, text query.Query, total int) *search.Result {
	t.Helper()
	ctx := context.Background()
	out := &search.Result{FacetsExact: true}
	base := buildQuery(matchOnly(text), q)
	counted := base
	if total > q.FacetLimit() {
		n := search.SampleShare(total, q.FacetLimit())
		in := query.NewTermRangeInclusiveQuery(sampleTerm(0), sampleTerm(n), &yes, &no)
		in.SetField("sample")
		counted = query.NewConjunctionQuery([]query.Query{base, in})
	}
	facets, sampled, err := countFacets(ctx, idx, counted)
	if err != nil {
		t.Fatal(err)
	}
	if counted != base && sampled == 0 {
		counted = base
		if facets, _, err = countFacets(ctx, idx, base); err != nil {
			t.Fatal(err)
		}
	}
	out.Facets = facets
	if counted != base {
		out.Facets = search.ScaleFacets(facets, sampled, total)
		out.FacetsExact = false
	}
	return out
}
