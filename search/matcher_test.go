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

// keyIndex is an engine that finds the hits filed under a query's text.
type keyIndex struct {
	search.Index
	byText map[string][]search.Hit
	seen   []string
}

func (k *keyIndex) Search(_ context.Context, q search.Query) (*search.Result, error) {
	if k.seen != nil || len(k.byText) > 0 {
		k.seen = append(k.seen, q.Text)
	}
	hs := k.byText[q.Text]
	return &search.Result{Total: len(hs), Hits: hs}, nil
}

// TestWithMatcherHeadOffice checks that a branch's tax code no record
// holds finds its head office, and that one a record holds finds it.
func TestWithMatcherHeadOffice(t *testing.T) {
	m, err := search.NewStaticMatcher([]search.ModelMatch{{ID: "m", Brand: "Hikvision", ModelNumber: "DS-2CD2143G2-IU"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	engine := &keyIndex{byText: map[string][]search.Hit{
		"0101234567":     {{Type: search.TypeOrganization, EntityID: "head"}},
		"0101234567-002": {{Type: search.TypeOrganization, EntityID: "branch2"}},
	}}
	idx := search.WithMatcher(engine, m)
	for q, want := range map[string]string{"0101234567-001": "head", "MST 0101234567 001": "head", "0101234567-002": "branch2"} {
		res, err := idx.Search(context.Background(), search.Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(res.Hits); !slices.Equal(got, []string{want}) {
			t.Errorf("%q: %v, want %s (engine saw %q)", q, got, want, engine.seen)
		}
	}
	engine.seen = nil
	if res, _ := idx.Search(context.Background(), search.Query{Text: "9999999999-001", Limit: 3}); res.Total != 0 || len(engine.seen) != 2 {
		t.Errorf("a branch of no head office: %d hits, engine saw %q", res.Total, engine.seen)
	}
}
