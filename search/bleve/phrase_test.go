package bleve

import (
	"fmt"
	"math/rand/v2"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestPossiblePhraseIsBlevesPhrase checks that a title phrase read only
// when some title holds all its words finds, scores and ranks exactly what
// bleve's phrase does, as the scoring clause beside a required one: over
// random records, phrases of two to four words, with and without typo
// alternatives, most of which no title holds.
func TestPossiblePhraseIsBlevesPhrase(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func() string { return fmt.Sprintf("w%d", int(r.ExpFloat64()*4)%16) }
	idx := randomIndex(t, r, word, 3, 500, 5, 6, func(batch, i int, title, body string) (string, map[string]any) {
		id := recordID("d", batch, i)
		return id, map[string]any{"type": "organization", "entity_id": id, "title": title, "body": body}
	})
	held, absent := 0, 0
	for i := range 300 {
		var ws []string
		for range 2 + r.IntN(3) {
			ws = append(ws, word())
		}
		typos := map[string][]string{}
		if i%3 == 0 {
			typos[ws[0]] = []string{word(), "zz"}
		}
		var must []query.Query
		for _, w := range ws {
			for _, f := range []string{"title", "body"} {
				tq := query.NewTermQuery(w)
				tq.SetField(f)
				must = append(must, tq)
			}
		}
		d := query.NewDisjunctionQuery(must)
		d.SetMin(1)
		guarded := titlePhrase(ws, typos).(*possiblePhrase)
		run := func(ph query.Query) *blevelib.SearchResult {
			req := blevelib.NewSearchRequestOptions(query.NewBooleanQuery([]query.Query{d}, []query.Query{ph}, nil), 50, 0, false)
			res, err := idx.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		got, want := run(guarded), run(guarded.phrase)
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Fatalf("%v %v: total %d, bleve's %d", ws, typos, got.Total, want.Total)
		}
		for j := range got.Hits {
			if got.Hits[j].ID != want.Hits[j].ID || got.Hits[j].Score != want.Hits[j].Score {
				t.Fatalf("%v %v: hit %d %s %v, bleve's %s %v", ws, typos, j, got.Hits[j].ID, got.Hits[j].Score,
					want.Hits[j].ID, want.Hits[j].Score)
			}
		}
		cnt := query.NewBooleanQuery([]query.Query{guarded.phrase}, nil, nil)
		res, err := idx.Search(blevelib.NewSearchRequestOptions(cnt, 0, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 {
			held++
		} else {
			absent++
		}
	}
	if held == 0 || absent == 0 {
		t.Fatalf("phrases held by some title %d, by none %d: want both", held, absent)
	}
}
