package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"camreg/importer"
	"camreg/importer/gen"
	"camreg/models"
	"camreg/models/testdb"
)

// BenchmarkImportListings imports b.N listings from CSV into a registry
// that already has their traders and models, on each backend. It reports
// rows/s; BENCHMARKS.md has the figures of the full-size runs.
func BenchmarkImportListings(b *testing.B) {
	for _, be := range testdb.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			dir := b.TempDir()
			nModels := min(max(b.N/10, 10), 100_000)
			generateBenchData(b, dir, 100, nModels, b.N)
			st := testdb.Open(b, be)
			ctx := context.Background()
			for _, e := range []string{"organizations", "models"} {
				if _, err := importer.Import(ctx, st, filepath.Join(dir, e+".csv"), importer.Options{Entity: e, Actor: models.System("bench"), SkipInvalid: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			sum, err := importer.Import(ctx, st, filepath.Join(dir, "listings.csv"), importer.Options{Entity: "listings", Actor: models.System("bench"), SkipInvalid: true})
			if err != nil || sum.Created != b.N {
				b.Fatalf("%v %+v", err, sum)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkImportEntities imports each entity of a generated set (gen, seed
// 1), in the import order, into a fresh registry per iteration, on each
// backend, and reports each entity's rows/s. CAMREG_BENCH_SET=DIR imports
// a set made by `camreg gen` instead (the national one, for the figures
// of BENCHMARKS.md); listings are left out unless CAMREG_BENCH_LISTINGS=1.
// Profile one entity with -run '^$' -bench 'ImportEntities/sqlite/certificates' -cpuprofile.
func BenchmarkImportEntities(b *testing.B) {
	dir := os.Getenv("CAMREG_BENCH_SET")
	if dir == "" {
		dir = b.TempDir()
		if _, err := gen.Generate(context.Background(), gen.Config{Seed: 1, Scale: "custom",
			Counts: gen.Counts{Traders: 20_000, Models: 10_000, Certificates: 3_000, Origins: 2_000, Warnings: 300, Listings: 10}}, dir); err != nil {
			b.Fatal(err)
		}
	}
	entities := []string{"organizations", "models", "certificates", "origin-certificates", "warnings"}
	if os.Getenv("CAMREG_BENCH_LISTINGS") == "1" {
		entities = append(entities, "listings")
	}
	for _, be := range testdb.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			for i, e := range entities {
				b.Run(e, func(b *testing.B) {
					var rows int
					for n := 0; n < b.N; n++ {
						b.StopTimer()
						st := testdb.Open(b, be)
						for _, before := range entities[:i] {
							importBench(b, st, dir, before)
						}
						b.StartTimer()
						rows += importBench(b, st, dir, e)
					}
					b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
				})
			}
		})
	}
}

// importBench imports one entity's file of dir and returns its rows.
func importBench(b *testing.B, st *models.Store, dir, entity string) int {
	sum, err := importer.Import(context.Background(), st, filepath.Join(dir, entity+".csv"),
		importer.Options{Entity: entity, Actor: models.System("bench")})
	if err != nil || sum.Invalid > 0 {
		b.Fatalf("%s: %v %+v", entity, err, sum.Errors)
	}
	return sum.Rows
}
