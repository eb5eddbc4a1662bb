package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"camreg/search"
)

// listIndex is an engine that answers every query with the same ranked
// hits, paged, and records the queries it saw.
type listIndex struct {
	search.Index
	hits []search.Hit
	seen []search.Query
}

func (l *listIndex) Search(_ context.Context, q search.Query) (*search.Result, error) {
	l.seen = append(l.seen, q)
	res := &search.Result{Total: len(l.hits), Facets: search.Facets{Type: map[string]int{"model": 0, "organization": 0},
		Brand: map[string]int{}, Province: map[string]int{}, Status: map[string]int{}}}
	for _, h := range l.hits {
		res.Facets.Type[string(h.Type)]++
	}
	from := min(q.Offset, len(l.hits))
	res.Hits = l.hits[from:min(len(l.hits), from+q.Limit)]
	return res, nil
}

func hitIDs(hs []search.Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.EntityID
	}
	return out
}

func TestWithMatcher(t *testing.T) {
	m, err := search.NewStaticMatcher([]search.ModelMatch{
		{ID: "iu", Brand: "Hikvision", ModelNumber: "DS-2CD2143G2-IU"},
		{ID: "i", Brand: "Hikvision", ModelNumber: "DS-2CD2143G2-I"},
		{ID: "2123", Brand: "Hikvision", ModelNumber: "DS-2CD2123G2-IU"},
		{ID: "dh", Brand: "Dahua", ModelNumber: "DS-2CD2143G2-IX"},
	}, map[string]int{"i": 5})
	if err != nil {
		t.Fatal(err)
	}
	engine := &listIndex{}
	for i := range 30 {
		engine.hits = append(engine.hits, search.Hit{Type: search.TypeOrganization, EntityID: fmt.Sprintf("o%02d", i)})
	}
	engine.hits = slices.Insert(engine.hits, 1, search.Hit{Type: search.TypeModel, EntityID: "i"})
	idx := search.WithMatcher(engine, m)
	ctx := context.Background()

	res, err := idx.Search(ctx, search.Query{Text: "DS-2CD2143G2-LU", Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hitIDs(res.Hits), []string{"iu", "i", "dh", "2123"}; !slices.Equal(got, want) {
		t.Fatalf("first page %v, want %v", got, want)
	}
	// i was the engine's too: counted once; iu, dh and 2123 are new.
	if res.Total != 31+3 || res.Facets.Type["model"] != 1+3 || res.Facets.Brand["Dahua"] != 1 {
		t.Fatalf("total %d, facets %v", res.Total, res.Facets)
	}
	res, _ = idx.Search(ctx, search.Query{Text: "DS-2CD2143G2-LU", Limit: 4, Offset: 4})
	if got, want := hitIDs(res.Hits), []string{"o00", "o01", "o02", "o03"}; !slices.Equal(got, want) {
		t.Fatalf("second page %v, want %v (the engine's model hit i is not repeated)", got, want)
	}

	// A brand filter keeps the matcher's hits of that brand only.
	res, _ = idx.Search(ctx, search.Query{Text: "DS-2CD2143G2-LU", Brand: "dahua", Limit: 2})
	if got := hitIDs(res.Hits); got[0] != "dh" || slices.Contains(got, "iu") {
		t.Fatalf("brand filter: %v", got)
	}

	// Queries the matcher cannot answer go to the engine alone.
	for _, q := range []search.Query{
		{Text: "camera da nang", Limit: 3},
		{Text: "DS-2CD2143G2-LU", Type: search.TypeOrganization, Limit: 3},
		{Text: "DS-2CD2143G2-LU", Province: "48", Limit: 3},
		{Text: "DS-2CD2143G2-LU", Status: "certified", Limit: 3},
		{Text: "zz9", Limit: 3}, // nothing near
	} {
		engine.seen = nil
		res, err := idx.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(res.Hits); !slices.Equal(got, []string{"o00", "i", "o01"}) || len(engine.seen) != 1 || engine.seen[0] != q {
			t.Fatalf("%+v: %v, engine saw %+v", q, got, engine.seen)
		}
	}
}
