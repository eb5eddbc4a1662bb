package api

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"camreg/models/testdb"
	"camreg/translog"
)

// BenchmarkLogProofsHTTP measures proofs and the signed checkpoint through
// the whole HTTP stack (middleware, handler, JSON), in-process, over a tree
// of CAMREG_BENCH_LEAVES leaves (default 1,000,000).
//
//	go test -run '^$' -bench BenchmarkLogProofsHTTP -benchtime 2000x ./api/
func BenchmarkLogProofsHTTP(b *testing.B) {
	n := int64(1_000_000)
	if v := os.Getenv("CAMREG_BENCH_LEAVES"); v != "" {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 2 {
			b.Fatalf("CAMREG_BENCH_LEAVES=%q", v)
		}
	}
	for _, be := range testdb.Backends(b) {
		b.Run(fmt.Sprintf("%s/%d", be.Name, n), func(b *testing.B) {
			st := testdb.Open(b, be)
			testdb.FillLogTree(b, st, n)
			skey, _, _ := translog.GenerateKey("bench.camreg/log")
			signer, _ := note.NewSigner(skey)
			generous := map[string]Rate{}
			for tier := range DefaultRates {
				generous[tier] = Rate{PerSecond: 1e9, Burst: 1e9}
			}
			h := New(st, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous, LogSigner: signer}).Handler()
			rng := rand.New(rand.NewPCG(3, 4))
			get := func(b *testing.B, path string) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
				}
			}
			b.Run("inclusion", func(b *testing.B) {
				for b.Loop() {
					get(b, fmt.Sprintf("/v1/log/proof/inclusion?index=%d&size=%d", rng.Int64N(n), n))
				}
			})
			b.Run("consistency", func(b *testing.B) {
				for b.Loop() {
					get(b, fmt.Sprintf("/v1/log/proof/consistency?from=%d&to=%d", 1+rng.Int64N(n-1), n))
				}
			})
			b.Run("checkpoint", func(b *testing.B) {
				for b.Loop() {
					get(b, "/v1/log/checkpoint")
				}
			})
		})
	}
}
