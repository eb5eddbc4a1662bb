package importer_test

import (
	"context"
	"path/filepath"
	"testing"

	"camreg/importer"
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
