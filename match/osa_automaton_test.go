package match

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"
)

// The Levenshtein DFA the matcher used before osaAutomaton, kept to check
// that the two find the same keys.
var (
	builders     [3]*levenshtein.LevenshteinAutomatonBuilder
	buildersOnce sync.Once
	buildersErr  error
)

func automaton(key string, d int) (*levenshtein.DFA, error) {
	buildersOnce.Do(func() {
		for i := 1; i <= 2; i++ {
			builders[i], buildersErr = levenshtein.NewLevenshteinAutomatonBuilder(uint8(i), true)
			if buildersErr != nil {
				return
			}
		}
	})
	if buildersErr != nil {
		return nil, buildersErr
	}
	return builders[d].BuildDfa(key, uint8(d))
}

// keysWith walks the index's FST with an automaton and returns the keys it
// accepts.
func keysWith(t testing.TB, ix *Index, aut vellum.Automaton) []string {
	t.Helper()
	var out []string
	it, err := ix.fst.Search(aut, nil, nil)
	for err == nil {
		k, _ := it.Current()
		out = append(out, string(k))
		err = it.Next()
	}
	if !errors.Is(err, vellum.ErrIteratorDone) {
		t.Fatal(err)
	}
	return out
}

// TestAutomatonMatchesDFA: over random keys of the confusable alphabet
// (dense, so every edit kind lands on some key), the row automaton accepts
// exactly the keys vellum's Levenshtein DFA with transpositions accepts,
// at one and two edits, and the keys osa puts within reach.
func TestAutomatonMatchesDFA(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	es := randomEntries(r, 4000)
	ix := mustIndex(t, es)
	var all []string
	it, err := ix.fst.Iterator(nil, nil)
	for err == nil {
		k, _ := it.Current()
		all = append(all, string(k))
		err = it.Next()
	}
	const alphabet = "ab801c5x"
	for n := range 600 {
		b := make([]byte, 1+r.IntN(14))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		key := string(b)
		if n%3 == 0 {
			key = all[r.IntN(len(all))]
			if p := r.IntN(len(key)); n%2 == 0 {
				key = key[:p] + key[p+1:]
			} else if p+1 < len(key) {
				key = key[:p] + key[p+1:p+2] + key[p:p+1] + key[p+2:]
			}
		}
		for d := 1; d <= 2; d++ {
			dfa, err := automaton(key, d)
			if err != nil {
				t.Fatal(err)
			}
			want := keysWith(t, ix, dfa)
			aut := newOSA(key, d)
			got := keysWith(t, ix, aut)
			aut.put()
			if !slices.Equal(got, want) {
				t.Fatalf("%q within %d: rows found %q, the DFA %q", key, d, got, want)
			}
			var byOSA []string
			for _, k := range all {
				if osa(key, k) <= d {
					byOSA = append(byOSA, k)
				}
			}
			if !slices.Equal(got, byOSA) {
				t.Fatalf("%q within %d: rows found %q, osa %q", key, d, got, byOSA)
			}
		}
	}
}

// BenchmarkAutomaton compares building and running vellum's DFA with the
// row automaton, on typed keys of the dense bench registry.
func BenchmarkAutomaton(b *testing.B) {
	es, qs := benchEntries(100000)
	ix := mustIndex(b, es)
	b.Run("dfa", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			q := Merge(qs[i%len(qs)])
			dfa, err := automaton(q, Allowed(len(q)))
			if err != nil {
				b.Fatal(err)
			}
			keysWith(b, ix, dfa)
		}
	})
	b.Run("rows", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			q := Merge(qs[i%len(qs)])
			aut := newOSA(q, Allowed(len(q)))
			keysWith(b, ix, aut)
			aut.put()
		}
	})
}
