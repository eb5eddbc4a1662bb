package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// TestAdvanceIsNext checks that a term's postings, read with frequencies,
// norms and positions as a scored term reads them, answer an Advance with
// what reading them one by one finds: the first posting at or after the
// target, with its values; in segments with and without deletions. zapx is patched to skip through the bitmap to
// far targets (third_party/zapx-v17/CAMREG.md), so the targets here are
// near and far, within a chunk and across chunks, on words of every
// density, interleaved with Next.
func TestAdvanceIsNext(t *testing.T) {
	// With records deleted, zapx reads the postings of a segment past
	// its deletions by another path, patched alike.
	for _, deleted := range []bool{false, true} {
		t.Run(fmt.Sprintf("deleted=%v", deleted), func(t *testing.T) { advanceIsNext(t, deleted) })
	}
}

func advanceIsNext(t *testing.T, deleted bool) {
	m, err := Mapping()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := blevelib.New(filepath.Join(t.TempDir(), "idx"), m)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	r := rand.New(rand.NewPCG(9, 10))
	// w0 in nearly every record, w11 in about one in two thousand.
	word := func() string { return fmt.Sprintf("w%d", int(r.ExpFloat64()*1.5)%12) }
	randomRecords(t, idx, r, word, 2, 6000)
	if deleted {
		// Runs of records, long and short, as updates leave them.
		b := idx.NewBatch()
		for i := 0; i < 6000; i += 300 + r.IntN(900) {
			for k := range 1 + r.IntN(600) {
				b.Delete(recordID("d", r.IntN(2), i+k))
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	reader, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	all := internalIDs(t, reader)
	ctx := context.Background()
	for w := range 12 {
		term := []byte(fmt.Sprintf("w%d", w))
		open := func() index.TermFieldReader {
			tfr, err := reader.TermFieldReader(ctx, term, "title", true, true, true)
			if err != nil {
				t.Fatal(err)
			}
			return tfr
		}
		var want []*index.TermFieldDoc
		tfr := open()
		for {
			d, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if d == nil {
				break
			}
			want = append(want, d)
		}
		_ = tfr.Close()
		if len(want) == 0 {
			continue
		}
		for round := range 20 {
			tfr := open()
			at, pos := 0, 0 // the next record to target; the next of want
			for pos < len(want) {
				var got *index.TermFieldDoc
				if r.IntN(3) == 0 {
					got, err = tfr.Next(nil)
				} else {
					gap := []int{1, 5, 100, 300, 1500, 5000}[r.IntN(6)]
					at += 1 + r.IntN(gap)
					if at >= len(all) {
						break
					}
					got, err = tfr.Advance(all[at], nil)
					for pos < len(want) && want[pos].ID.Compare(all[at]) < 0 {
						pos++
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				if pos == len(want) {
					if got != nil {
						t.Fatalf("w%d round %d: %x, want the end", w, round, got.ID)
					}
					break
				}
				if got == nil || !reflect.DeepEqual(got, want[pos]) {
					t.Fatalf("w%d round %d: %+v, want %+v", w, round, got, want[pos])
				}
				for at < len(all) && all[at].Compare(got.ID) <= 0 {
					at++
				}
				pos++
			}
			_ = tfr.Close()
		}
	}
}

// randomRecords indexes batches of per records, each a title of 1 to 6
// words drawn by word.
func randomRecords(t *testing.T, idx blevelib.Index, r *rand.Rand, word func() string, batches, per int) {
	t.Helper()
	for batch := range batches {
		b := idx.NewBatch()
		for i := range per {
			title := word()
			for range r.IntN(6) {
				title += " " + word()
			}
			id := recordID("d", batch, i)
			if err := b.Index(id, map[string]any{"type": "organization", "entity_id": id, "title": title}); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
}

// internalIDs are every record's internal id, in index order.
func internalIDs(t *testing.T, r index.IndexReader) []index.IndexInternalID {
	t.Helper()
	dr, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	var out []index.IndexInternalID
	for {
		id, err := dr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if id == nil {
			return out
		}
		out = append(out, append(index.IndexInternalID(nil), id...))
	}
}
