package bleve

import (
	"fmt"
	"math/rand/v2"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestCandidatesChangeNothing checks that atLeast with its clauses'
// sources (its candidates found on the bitmaps, under the search's
// filters) finds and scores exactly what it does without them, over
// random records (some deleted) and queries: clauses of terms, prefixes
// and fuzzy terms as textQuery builds them, beside a key clause, with and
// without filters.
func TestCandidatesChangeNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	word := func() string {
		return fmt.Sprintf("w%dabc", int(r.ExpFloat64()*5)%25)
	}
	idx := randomIndexIn(t, t.TempDir(), r, word, 6, 400, 6, 8, func(batch, i int, title, body string) (string, map[string]any) {
		typ := []string{"model", "organization", "certificate"}[r.IntN(3)]
		id := recordID("d", batch, i)
		return id, map[string]any{"type": typ, "entity_id": id, "title": title, "body": body,
			"status":       []string{"active", "revoked"}[r.IntN(2)],
			"key_suffixes": []string{word() + "x", word() + "y"}}
	})
	b := idx.NewBatch()
	for batch := range 6 {
		for i := 0; i < 400; i += 7 {
			b.Delete(recordID("d", batch, i))
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	type clause struct {
		q    query.Query
		srcs []source
	}
	newClause := func() clause {
		w := word()
		var c clause
		var alts []query.Query
		if r.IntN(3) == 0 {
			p := query.NewPrefixQuery(w[:2])
			p.SetField("key_suffixes")
			p.SetBoost(6)
			alts = append(alts, p)
			c.srcs = append(c.srcs, source{field: "key_suffixes", prefix: w[:2]})
		}
		for _, f := range []string{"title", "body"} {
			tq := query.NewTermQuery(w)
			tq.SetField(f)
			tq.SetBoost(float64(1 + r.IntN(3)))
			alts = append(alts, tq)
			c.srcs = append(c.srcs, source{field: f, terms: []string{w}})
		}
		if r.IntN(2) == 0 {
			typo := []rune(w)
			typo[1+r.IntN(len(typo)-1)] = 'z'
			f := query.NewFuzzyQuery(string(typo))
			f.SetField("title")
			f.SetFuzziness(1)
			f.SetPrefix(1)
			f.SetBoost(0.4)
			alts = append(alts, f)
			c.srcs = append(c.srcs, source{field: "title", fuzzy: string(typo), fuzziness: 1})
		}
		c.q = query.NewDisjunctionQuery(alts)
		return c
	}
	for n := range 150 {
		var clauses []query.Query
		var srcs [][]source
		for range 3 + r.IntN(10) {
			c := newClause()
			clauses = append(clauses, c.q)
			srcs = append(srcs, c.srcs)
		}
		need := max(2, (2*len(clauses)+2)/3-r.IntN(2))
		keyWord := word() + "x"
		var filters []source
		var must []query.Query
		if n%3 != 0 {
			typ := []string{"model", "organization", "certificate"}[r.IntN(3)]
			tq := query.NewTermQuery(typ)
			tq.SetField("type")
			must = append(must, tq)
			filters = append(filters, source{field: "type", terms: []string{typ}})
		}
		if n%4 == 1 {
			tq := query.NewTermQuery("active")
			tq.SetField("status")
			must = append(must, tq)
			filters = append(filters, source{field: "status", terms: []string{"active"}})
		}
		wrap := func(most *atLeast) query.Query {
			most.filters = filters
			key := query.NewTermQuery(keyWord)
			key.SetField("key_suffixes")
			key.SetBoost(20)
			d := query.NewDisjunctionQuery([]query.Query{key, most})
			d.SetMin(1)
			if len(must) == 0 {
				return d
			}
			return query.NewConjunctionQuery(append([]query.Query{d}, must...))
		}
		search := func(q query.Query) (uint64, map[string]float64) {
			req := blevelib.NewSearchRequestOptions(q, 10000, 0, false)
			res, err := idx.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			scores := map[string]float64{}
			for _, h := range res.Hits {
				scores[h.ID] = h.Score
			}
			return res.Total, scores
		}
		wantN, want := search(wrap(newAtLeast(clauses, need)))
		with := newAtLeast(clauses, need)
		with.srcs = srcs
		gotN, got := search(wrap(with))
		if gotN != wantN || len(got) != len(want) {
			t.Fatalf("query %d (%d clauses, need %d, %d filters): %d matches, want %d", n, len(clauses), need, len(filters), gotN, wantN)
		}
		for id, w := range want {
			if g, ok := got[id]; !ok || g != w {
				t.Fatalf("query %d (%d clauses, need %d): %s scored %v, want %v", n, len(clauses), need, id, g, w)
			}
		}
	}
}
