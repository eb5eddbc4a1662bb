package match

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchEntries is n models: a tenth of them one dense family of siblings
// sharing a prefix, the rest random keys of 6 to 14 characters.
func benchEntries(n int) ([]Entry, []string) {
	r := rand.New(rand.NewPCG(7, 8))
	var es []Entry
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	for i := range n {
		var k string
		if i%10 == 0 {
			k = fmt.Sprintf("ds2cd2%04dg2%s", i/10, []string{"iu", "i", "is", "isu", "l"}[i%5])
		} else {
			b := make([]byte, 6+r.IntN(9))
			for j := range b {
				b[j] = chars[r.IntN(len(chars))]
			}
			k = string(b)
		}
		es = append(es, Entry{ID: fmt.Sprint(i), BrandKey: "b", ModelKey: k})
	}
	var qs []string
	for i := range 1000 {
		k := es[r.IntN(len(es))].ModelKey
		p := r.IntN(len(k))
		qs = append(qs, k[:p]+"x"+k[p+1:])
		_ = i
	}
	return es, qs
}

// BenchmarkFind compares the automaton over the FST with a scan of every
// key (the brute force it must agree with) and with a SymSpell deletion
// index over the same merged keys. Run with -benchtime 2000x.
func BenchmarkFind(b *testing.B) {
	for _, n := range []int{20000, 100000} {
		es, qs := benchEntries(n)
		b.Run(fmt.Sprintf("fst/%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ix, err := New(es)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			mib := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			for i := 0; b.Loop(); i++ {
				if _, err := ix.Find(Query{Text: qs[i%len(qs)]}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(mib, "MiB")
			runtime.KeepAlive(ix)
		})
		b.Run(fmt.Sprintf("scan/%d", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				bruteForce(es, qs[i%len(qs)])
			}
		})
		b.Run(fmt.Sprintf("symspell/%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			s := newSymSpell(es)
			runtime.GC()
			runtime.ReadMemStats(&after)
			mib := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			for i := 0; b.Loop(); i++ {
				s.find(qs[i%len(qs)])
			}
			b.ReportMetric(mib, "MiB")
			b.ReportMetric(float64(len(s.deletes)), "deletes")
		})
	}
}

// symSpell is a minimal deletion-neighbourhood index, for comparison only:
// every key's deletions up to Allowed(len) characters map to the keys.
type symSpell struct {
	deletes map[string][]int32
	keys    []string
}

func deletions(k string, d int, out map[string]bool) {
	out[k] = true
	if d == 0 {
		return
	}
	for i := range len(k) {
		deletions(k[:i]+k[i+1:], d-1, out)
	}
}

func newSymSpell(es []Entry) *symSpell {
	s := &symSpell{deletes: map[string][]int32{}}
	for i, e := range es {
		m := Merge(e.ModelKey)
		s.keys = append(s.keys, m)
		set := map[string]bool{}
		deletions(m, 2, set)
		for k := range set {
			s.deletes[k] = append(s.deletes[k], int32(i))
		}
	}
	return s
}

func (s *symSpell) find(q string) []int32 {
	m := Merge(q)
	d := Allowed(len(m))
	set := map[string]bool{}
	deletions(m, d, set)
	seen := map[int32]bool{}
	var out []int32
	for k := range set {
		for _, i := range s.deletes[k] {
			if !seen[i] && osa(m, s.keys[i]) <= d {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	return out
}

// BenchmarkDecideSlip: a number typed with one slip (a key of 6 to 14
// characters, a tenth of them in a dense family), decided as Decide does
// (within one edit first) and as Find then Result.Decide (within two for a
// key of 9 characters or more). Run with -benchtime 2000x.
func BenchmarkDecideSlip(b *testing.B) {
	es, qs := benchEntries(100000)
	ix, err := New(es)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decide", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, _, err := ix.Decide(Query{Text: qs[i%len(qs)]}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("find-then-decide", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			res, err := ix.Find(Query{Text: qs[i%len(qs)]})
			if err != nil {
				b.Fatal(err)
			}
			res.Decide()
		}
	})
}
