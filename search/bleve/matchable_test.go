package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"camreg/search"
)

// TestNothingIsNothing checks that a plan the bitmaps say can match
// nothing (checker.nothing) finds nothing in bleve's search, and that the
// answer given for it is runPlan's, over random records (some deleted)
// and queries: words, typos, model number pieces, under filters.
func TestNothingIsNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	stems := []string{"camera", "thiet", "phuong", "trung", "quang", "minh", "hoang", "sieu", "ha", "noi", "an", "ninh"}
	word := func() string {
		switch n := int(r.ExpFloat64() * 5); {
		case n < len(stems):
			return stems[n]
		case n%3 == 0:
			return fmt.Sprintf("x%d", 100+n)
		default:
			return fmt.Sprintf("donga%c", 'a'+n%26)
		}
	}
	types := []search.Type{search.TypeModel, search.TypeOrganization, search.TypeCertificate}
	idx := randomIndexIn(t, t.TempDir(), r, word, 4, 300, 6, 8, func(batch, i int, title, body string) (string, map[string]any) {
		eid := recordID("e", batch, i)
		typ := types[r.IntN(len(types))]
		d := search.Document{ID: search.DocID(typ, eid), Type: typ, EntityID: eid,
			Title: title, Body: body, Province: fmt.Sprintf("%02d", r.IntN(3)), Status: search.Statuses[r.IntN(4)]}
		if typ == search.TypeModel {
			d.Keys = []string{fmt.Sprintf("DS-%d%s-%d", 100+r.IntN(30), word(), r.IntN(50))}
		}
		return d.ID, fields(d)
	})
	b := idx.NewBatch()
	for batch := range 4 {
		for i := 0; i < 300; i += 5 {
			for _, typ := range types {
				b.Delete(search.DocID(typ, recordID("e", batch, i)))
			}
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nothing, empty, all := 0, 0, 0
	for range 300 {
		var ws []string
		for range 1 + r.IntN(7) {
			w := word()
			switch r.IntN(6) {
			case 0:
				if len(w) >= 5 {
					k := 1 + r.IntN(len(w)-1)
					w = w[:k] + "q" + w[k+1:]
				}
			case 1:
				w = fmt.Sprintf("%d", 100+r.IntN(40))
			}
			ws = append(ws, w)
		}
		q := search.Query{Text: strings.Join(ws, " "), Limit: 10}
		if r.IntN(2) == 0 {
			q.Type = types[r.IntN(len(types))]
		}
		if r.IntN(4) == 0 {
			q.Province = fmt.Sprintf("%02d", r.IntN(4))
		}
		if r.IntN(4) == 0 {
			q.Status = search.Statuses[r.IntN(4)]
		}
		st, err := wordStats(ctx, idx, q.Text)
		if err != nil {
			t.Fatal(err)
		}
		if st.typos, err = titleTypos(ctx, idx, words(q.Text)); err != nil {
			t.Fatal(err)
		}
		chk, err := newChecker(idx)
		if err != nil {
			t.Fatal(err)
		}
		if chk.snap == nil {
			t.Fatal("not a scorch index")
		}
		for _, pl := range plans(q.Text, st) {
			all++
			built := buildQuery(pl.query, q)
			none, err := chk.nothing(ctx, built)
			if err != nil {
				t.Fatal(err)
			}
			n, err := count(ctx, idx, built)
			if err != nil {
				t.Fatal(err)
			}
			if none && n > 0 {
				t.Fatalf("%+v plan %d: the bitmaps say nothing, bleve finds %d", q, pl.plan, n)
			}
			if n == 0 {
				empty++
				res, err := runPlan(ctx, idx, q, pl.query, st.together(pl.plan, q.FacetLimit()), st.split(pl.plan))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res, emptyResult()) {
					t.Fatalf("%+v: runPlan found nothing as %+v, not as emptyResult", q, res)
				}
			}
			if none {
				nothing++
			}
		}
		chk.close()
	}
	if nothing < empty/2 {
		t.Fatalf("the bitmaps told %d of %d plans that find nothing", nothing, empty)
	}
	t.Logf("the bitmaps told %d of %d plans that find nothing (of %d plans)", nothing, empty, all)
}
