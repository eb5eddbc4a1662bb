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

// TestSplitIsOneSearch checks that a page highlighted by a second search
// at its records (split) is the page one search gives: the same hits,
// scores, highlights and facets, for every plan of random queries (typed
// words, words one letter off, pieces of numbers), on several segments;
// under a type filter, the same but for the highlights (see split).
func TestSplitIsOneSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
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
	types := []search.Type{search.TypeModel, search.TypeOrganization}
	idx := randomIndex(t, r, word, 3, 400, 6, 8, func(batch, i int, title, body string) (string, map[string]any) {
		eid := recordID("e", batch, i)
		typ := types[r.IntN(len(types))]
		d := search.Document{ID: search.DocID(typ, eid), Type: typ, EntityID: eid,
			Title: title, Body: body, Province: fmt.Sprintf("%02d", r.IntN(3)), Status: search.Statuses[r.IntN(4)]}
		return d.ID, fields(d)
	})
	ctx := context.Background()
	checked := 0
	for range 80 {
		var ws []string
		for range 1 + r.IntN(6) {
			w := word()
			if r.IntN(5) == 0 && len(w) >= 5 {
				// One letter off: the looser plans' fuzzy words.
				k := 1 + r.IntN(len(w)-1)
				w = w[:k] + "q" + w[k+1:]
			}
			ws = append(ws, w)
		}
		q := search.Query{Text: strings.Join(ws, " "), Limit: 10}
		if r.IntN(4) == 0 {
			q.Type = types[r.IntN(len(types))]
		}
		st, err := wordStats(ctx, idx, q.Text)
		if err != nil {
			t.Fatal(err)
		}
		if st.typos, err = titleTypos(ctx, idx, words(q.Text)); err != nil {
			t.Fatal(err)
		}
		for _, pl := range plans(q.Text, st) {
			together := st.together(pl.plan, q.FacetLimit())
			one, err := runPlan(ctx, idx, q, pl.query, together, false)
			if err != nil {
				t.Fatal(err)
			}
			two, err := runPlan(ctx, idx, q, pl.query, together, true)
			if err != nil {
				t.Fatal(err)
			}
			if q.Type != "" {
				// Under a filter a highlight may hold more words (see
				// split): the rest is the same.
				for i := range one.Hits {
					one.Hits[i].Highlight, two.Hits[i].Highlight = "", ""
				}
			}
			if !reflect.DeepEqual(one, two) {
				t.Fatalf("%q plan %d: one search %+v, split %+v", q.Text, pl.plan, one, two)
			}
			if one.Total > 0 {
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d plans found anything", checked)
	}
}
