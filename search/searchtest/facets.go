package searchtest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
)

// runFacetBounds checks that facets are counted exactly up to the query's
// bound and estimated beyond it, saying so, and that the hits and their
// order do not depend on how the facets were counted.
func runFacetBounds(t *testing.T, f Factory) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	idx := f(t, st)
	ctx := context.Background()
	// 300 shops that all hold "camera", over three provinces (100 each).
	provinces := []string{"01", "48", "79"}
	var docs []search.Document
	for i := range 300 {
		code := provinces[i%3]
		name := fmt.Sprintf("Cửa hàng Camera số %d", i)
		o := &models.Organization{Record: models.Record{ID: fmt.Sprintf("f%03d", i)}, Name: name,
			Address: fmt.Sprintf("%d Trần Phú", i), Kind: "retailer", ProvinceCode: &code, ProvinceName: &code}
		docs = append(docs, search.OrganizationDocument(o))
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	run := func(q search.Query) *search.Result {
		t.Helper()
		q.Limit = 20
		res, err := idx.Search(ctx, q)
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		return res
	}

	exact := run(search.Query{Text: "camera", FacetExactUpTo: 1000})
	if !exact.FacetsExact {
		t.Fatalf("300 matches, exact up to 1000: facets_exact false")
	}
	if exact.Total != 300 {
		t.Errorf("total %d, want 300", exact.Total)
	}
	for _, p := range provinces {
		if exact.Facets.Province[p] != 100 {
			t.Errorf("exact province %s: %d, want 100 (%v)", p, exact.Facets.Province[p], exact.Facets.Province)
		}
	}
	if def := run(search.Query{Text: "camera"}); !def.FacetsExact {
		t.Errorf("300 matches under the default bound (%d): facets_exact false", search.FacetExactMatches)
	}

	est := run(search.Query{Text: "camera", FacetExactUpTo: 50})
	if est.FacetsExact {
		// A backend may count every match anyway (Meilisearch counts them
		// in the search that ranks them): then they must be exact.
		for _, p := range provinces {
			if est.Facets.Province[p] != 100 || est.Total != 300 {
				t.Fatalf("300 matches, exact up to 50: facets_exact true, but province %s counted %d, total %d",
					p, est.Facets.Province[p], est.Total)
			}
		}
	}
	if est.Total != 300 {
		t.Errorf("estimated facets: total %d, want 300 (the total is not estimated)", est.Total)
	}
	// Every match is an organization: the scaled type count is the total.
	if got := est.Facets.Type[string(search.TypeOrganization)]; got != 300 {
		t.Errorf("estimated type count %d, want 300 (%v)", got, est.Facets.Type)
	}
	for _, p := range provinces {
		if got := est.Facets.Province[p]; got < 40 || got > 200 {
			t.Errorf("estimated province %s: %d, want about 100 (%v)", p, got, est.Facets.Province)
		}
	}
	if !slices.Equal(ids(exact), ids(est)) {
		t.Errorf("hits depend on how facets are counted:\nexact     %v\nestimated %v", ids(exact), ids(est))
	}
	// Filters restrict what is counted, estimated or not.
	filtered := run(search.Query{Text: "camera", Province: "48", FacetExactUpTo: 50})
	if filtered.Total != 100 || filtered.FacetsExact != est.FacetsExact {
		t.Errorf("province 48: total %d exact %v, want 100, exact %v as without the filter", filtered.Total, filtered.FacetsExact, est.FacetsExact)
	}
	if len(filtered.Facets.Province) != 1 || filtered.Facets.Province["48"] != 100 {
		t.Errorf("province 48: province facets %v, want only 48: 100", filtered.Facets.Province)
	}
	// A query that matches nothing counts nothing, exactly.
	if none := run(search.Query{Text: "khongcogi", FacetExactUpTo: 50}); none.Total != 0 || !none.FacetsExact {
		t.Errorf("no match: total %d exact %v", none.Total, none.FacetsExact)
	}
}
