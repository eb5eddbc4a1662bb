package models_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"camreg/models"
	"camreg/models/testdb"
)

// BenchmarkAppendPaired measures appends with the log tree and without it
// in one process, interleaved (alternating which goes first), so that the
// load of a shared machine weighs on both alike. It reports each side's
// time per append and their ratio (tree/plain).
//
//	go test -run '^$' -bench BenchmarkAppendPaired -benchtime 3000x -count 3 ./models/
func BenchmarkAppendPaired(b *testing.B) {
	for _, be := range testdb.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			with, without := testdb.Open(b, be), testdb.Open(b, be)
			models.SetLogTree(without, false)
			kind := models.OrgAuthority
			write := func(st *models.Store, i int) time.Duration {
				name := "Sở Thông tin và Truyền thông " + strconv.Itoa(i)
				t0 := time.Now()
				if _, err := st.CreateOrganization(b.Context(), admin, models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0)
			}
			var tTree, tPlain time.Duration
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					tTree += write(with, i)
					tPlain += write(without, i)
				} else {
					tPlain += write(without, i)
					tTree += write(with, i)
				}
			}
			b.ReportMetric(float64(tTree.Nanoseconds())/float64(b.N), "tree-ns/append")
			b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "plain-ns/append")
			b.ReportMetric(float64(tTree)/float64(tPlain), "ratio")
		})
	}
}

// benchLeaves is the tree size of BenchmarkProofs: CAMREG_BENCH_LEAVES, or
// one million.
func benchLeaves(b *testing.B) int64 {
	if v := os.Getenv("CAMREG_BENCH_LEAVES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 2 {
			b.Fatalf("CAMREG_BENCH_LEAVES=%q", v)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkProofs measures the store's proofs at scale: an inclusion proof
// of a random leaf, a consistency proof from a random older size, and the
// tree head, in a tree of CAMREG_BENCH_LEAVES leaves (default 1,000,000).
//
//	go test -run '^$' -bench BenchmarkProofs -benchtime 2000x ./models/
func BenchmarkProofs(b *testing.B) {
	n := benchLeaves(b)
	for _, be := range testdb.Backends(b) {
		b.Run(fmt.Sprintf("%s/%d", be.Name, n), func(b *testing.B) {
			st := testdb.Open(b, be)
			tree := testdb.FillLogTree(b, st, n)
			root, _ := tree.Root(n)
			ctx := b.Context()
			// The store's answers are the tree's, checked once.
			if size, head, err := st.LogHead(ctx); err != nil || size != n || head != root {
				b.Fatalf("head %d %v %v", size, head, err)
			}
			p, err := st.ProveInclusion(ctx, n/3, n)
			leaf, _ := tree.LeafHash(n / 3)
			if err != nil || tlog.CheckRecord(p, n, root, n/3, leaf) != nil {
				b.Fatalf("inclusion proof: %v", err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			b.Run("inclusion", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ProveInclusion(ctx, rng.Int64N(n), n); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("consistency", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ProveConsistency(ctx, 1+rng.Int64N(n-1), n); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("head", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := st.LogHead(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
