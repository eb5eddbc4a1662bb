package bleve

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
)

// randomIndex is the property tests' index: in memory, batches segments
// of per random records each, a record's title 1 to titleMax words and its
// body 0 to bodyMax-1 words, drawn by word from r. record turns a record
// (its batch, its number in the batch, title and body) into the id and
// fields indexed; it may draw more from r. Closed when the test ends.
func randomIndex(t *testing.T, r *rand.Rand, word func() string, batches, per, titleMax, bodyMax int,
	record func(batch, i int, title, body string) (string, map[string]any)) blevelib.Index {
	t.Helper()
	return randomIndexIn(t, "", r, word, batches, per, titleMax, bodyMax, record)
}

// randomIndexIn is randomIndex in dir: a scorch index of zapx segments,
// as the server's is (in memory, blevelib.NewMemOnly's, when dir is "").
func randomIndexIn(t *testing.T, dir string, r *rand.Rand, word func() string, batches, per, titleMax, bodyMax int,
	record func(batch, i int, title, body string) (string, map[string]any)) blevelib.Index {
	t.Helper()
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	var idx blevelib.Index
	if dir == "" {
		idx, err = blevelib.NewMemOnly(m)
	} else {
		idx, err = blevelib.New(filepath.Join(dir, "idx"), m)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	for batch := range batches {
		b := idx.NewBatch()
		for i := range per {
			var title, body []string
			for range 1 + r.IntN(titleMax) {
				title = append(title, word())
			}
			for range r.IntN(bodyMax) {
				body = append(body, word())
			}
			id, f := record(batch, i, strings.Join(title, " "), strings.Join(body, " "))
			if err := b.Index(id, f); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// recordID is a random record's id: its batch and its number in it.
func recordID(prefix string, batch, i int) string { return fmt.Sprintf("%s%d-%d", prefix, batch, i) }
