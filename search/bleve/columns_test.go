package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bfacet "github.com/blevesearch/bleve/v2/search/facet"
	index "github.com/blevesearch/bleve_index_api"

	"camreg/search"
)

// TestColumnsCountAsDocValues checks that the facets counted from the
// segments' columns are those bleve's terms facet builders count from the
// doc values (terms, counts, missing, other, the top facetSize and its
// order), for random sets of documents of an index of several segments,
// with records written again (the old versions deleted), an empty brand,
// and more brands than facetSize, many tied.
func TestColumnsCountAsDocValues(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func() string { return fmt.Sprintf("w%d", r.IntN(30)) }
	types := []search.Type{search.TypeModel, search.TypeOrganization, search.TypeCertificate}
	idx := randomIndexIn(t, t.TempDir(), r, word, 5, 500, 3, 3, func(batch, i int, title, body string) (string, map[string]any) {
		typ := types[r.IntN(len(types))]
		eid := recordID("e", batch%3, i) // batches 3 and 4 write 0 and 1's records again
		brand := fmt.Sprintf("B%d", r.IntN(160))
		if r.IntN(10) == 0 {
			brand = ""
		}
		d := search.Document{ID: search.DocID(typ, eid), Type: typ, EntityID: eid, Title: title, Body: body,
			Brand: brand, Province: fmt.Sprintf("%02d", r.IntN(40)), Status: search.Statuses[r.IntN(4)]}
		return d.ID, fields(d)
	})
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	ir, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer ir.Close()
	snap, ok := ir.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("reader is %T, not a scorch snapshot", ir)
	}
	if len(snap.Segments()) < 2 {
		t.Fatalf("%d segments, want several", len(snap.Segments()))
	}
	live := liveDocs(t, snap)
	for round := range 40 {
		var docs []uint64
		share := []float64{0.01, 0.2, 0.7, 1}[round%4]
		for _, d := range live {
			if r.Float64() < share {
				docs = append(docs, d)
			}
		}
		got, ok, err := newSnapColumns(snap).count(docs)
		if err != nil || !ok {
			t.Fatalf("columns: ok %v, %v", ok, err)
		}
		dv, err := snap.DocValueReader(facetFields)
		if err != nil {
			t.Fatal(err)
		}
		fb := bsearch.NewFacetsBuilder(snap)
		for _, f := range facetFields {
			fb.Add(f, newTermsFacet(f))
		}
		for _, d := range docs {
			fb.StartDoc()
			if err := dv.VisitDocValues(docID(d), fb.UpdateVisitor); err != nil {
				t.Fatal(err)
			}
			fb.EndDoc()
		}
		want := fb.Results()
		for _, f := range facetFields {
			g, w := got[f], want[f]
			if g.Total != w.Total || g.Missing != w.Missing || g.Other != w.Other || !reflect.DeepEqual(g.Terms.Terms(), w.Terms.Terms()) {
				t.Fatalf("round %d (%d documents), %s: columns total %d missing %d other %d %v, doc values %d %d %d %v",
					round, len(docs), f, g.Total, g.Missing, g.Other, terms(g), w.Total, w.Missing, w.Other, terms(w))
			}
		}
	}
}

// liveDocs are snap's live documents' global numbers, ascending.
func liveDocs(t *testing.T, snap *scorch.IndexSnapshot) []uint64 {
	t.Helper()
	rd, err := snap.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out []uint64
	for {
		id, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if id == nil {
			return out
		}
		out = append(out, id.Value())
	}
}

func newTermsFacet(field string) bsearch.FacetBuilder {
	return bfacet.NewTermsFacetBuilder(field, facetSize)
}

func docID(d uint64) index.IndexInternalID { return index.NewIndexInternalID(nil, d) }

func terms(r *bsearch.FacetResult) []string {
	var out []string
	for _, t := range r.Terms.Terms() {
		out = append(out, fmt.Sprintf("%s:%d", t.Term, t.Count))
	}
	return out
}

// TestColumnsForgetMergedSegments checks that the columns cache does not
// keep the segments scorch merges away while an index is written and
// searched (nor those of other tests' indexes): at most maxStale and the
// live snapshot's twice (see pruneColumns).
func TestColumnsForgetMergedSegments(t *testing.T) {
	idx, err := create(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for i := range 60 {
		d := search.Document{ID: search.DocID(search.TypeModel, fmt.Sprint(i)), Type: search.TypeModel,
			EntityID: fmt.Sprint(i), Title: "camera", Brand: fmt.Sprintf("B%d", i%7), Province: "01", Status: "certified"}
		if err := upsert(idx, []search.Document{d}); err != nil {
			t.Fatal(err)
		}
		q := search.Query{Text: "camera", Limit: 5}
		st, err := wordStats(context.Background(), idx, q.Text)
		if err != nil {
			t.Fatal(err)
		}
		res, err := runPlan(context.Background(), idx, q, plans(q.Text, st)[0].query, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != i+1 || res.Facets.Brand["B0"] != (i+7)/7 {
			t.Fatalf("write %d: %d matches, brand B0 %d", i, res.Total, res.Facets.Brand["B0"])
		}
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	ir, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer ir.Close()
	segs := len(ir.(*scorch.IndexSnapshot).Segments())
	columnsCache.Lock()
	n := len(columnsCache.m)
	columnsCache.Unlock()
	// Pruned before a search adds its snapshot's columns: at most the
	// snapshot's, maxStale others, and those a search added since.
	if n > 2*segs+maxStale {
		t.Fatalf("%d segments' columns kept, the snapshot has %d", n, segs)
	}
}
