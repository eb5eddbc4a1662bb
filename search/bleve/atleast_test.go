package bleve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestAtLeastIsBlevesDisjunction checks that atLeast finds, scores and
// ranks exactly what bleve's disjunction with a minimum does, over random
// records and queries: word clauses of terms, prefixes and fuzzy terms,
// alone, beside other clauses, and under a filter (which advances it).
func TestAtLeastIsBlevesDisjunction(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// Words of very different frequencies: w0 in most records, w20 in few.
	word := func() string {
		return fmt.Sprintf("w%d", int(r.ExpFloat64()*5)%25)
	}
	idx := randomIndex(t, r, word, 6, 500, 6, 8, func(batch, i int, title, body string) (string, map[string]any) {
		typ := []string{"model", "organization"}[r.IntN(2)]
		id := recordID("d", batch, i)
		return id, map[string]any{"type": typ, "entity_id": id, "title": title, "body": body,
			"key_suffixes": []string{word() + "x", word() + "y"}}
	})
	clause := func() query.Query {
		w := word()
		var alts []query.Query
		for _, f := range []string{"title", "body"} {
			tq := query.NewTermQuery(w)
			tq.SetField(f)
			tq.SetBoost(float64(1 + r.IntN(3)))
			alts = append(alts, tq)
		}
		if r.IntN(3) == 0 {
			p := query.NewPrefixQuery(w[:2])
			p.SetField("key_suffixes")
			p.SetBoost(6)
			alts = append(alts, p)
		}
		if r.IntN(3) == 0 {
			f := query.NewFuzzyQuery(w + "1")
			f.SetField("title")
			f.SetFuzziness(1)
			f.SetBoost(0.4)
			alts = append(alts, f)
		}
		return query.NewDisjunctionQuery(alts)
	}
	for n := range 100 {
		var clauses []query.Query
		nc := 3 + r.IntN(11)
		for range nc {
			clauses = append(clauses, clause())
		}
		need := max(2, (2*len(clauses)+2)/3-r.IntN(2))
		keyWord := word() + "x"
		wrap := func(most query.Query) query.Query {
			key := query.NewTermQuery(keyWord)
			key.SetField("key_suffixes")
			key.SetBoost(20)
			d := query.NewDisjunctionQuery([]query.Query{key, most})
			d.SetMin(1)
			if n%3 == 0 {
				typ := query.NewTermQuery("model")
				typ.SetField("type")
				return query.NewConjunctionQuery([]query.Query{d, typ})
			}
			return d
		}
		old := query.NewDisjunctionQuery(clauses)
		old.SetMin(float64(need))
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
		wantN, want := search(wrap(old))
		gotN, got := search(wrap(newAtLeast(clauses, need)))
		if gotN != wantN || len(got) != len(want) {
			t.Fatalf("query %d (%d clauses, need %d): %d matches, want %d", n, len(clauses), need, gotN, wantN)
		}
		for id, w := range want {
			// Equal, but for the order in which bleve's heap of clauses
			// (more than ten, or a fuzzy or prefix term's expansion) adds
			// them up, which differs after an Advance: the last bit.
			if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-12*w {
				t.Fatalf("query %d (%d clauses, need %d): %s scored %v, want %v", n, len(clauses), need, id, g, w)
			}
		}
	}
}
