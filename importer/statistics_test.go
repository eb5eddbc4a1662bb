package importer_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// planStats reads what the planner knows of camera_models' size: the rows
// ANALYZE counted on PostgreSQL (-1 when never analyzed), the statistics
// rows of its indexes on SQLite.
func planStats(t *testing.T, st *models.Store) float64 {
	t.Helper()
	var n float64
	q := "SELECT reltuples FROM pg_class WHERE oid = 'camera_models'::regclass"
	if st.Dialect() == models.SQLite {
		var exists int
		if err := st.DB().QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists == 0 {
			return 0
		}
		q = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'camera_models'"
	}
	if err := st.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportRefreshesStatistics: a bulk load leaves the planner's
// statistics current (ANALYZE on PostgreSQL, PRAGMA optimize on SQLite); a
// dry run, which writes nothing, leaves them alone.
func TestImportRefreshesStatistics(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		var b strings.Builder
		b.WriteString("brand,model_number,kind,origin_country\n")
		for i := range 400 {
			fmt.Fprintf(&b, "Brand%d,MX-%05d,ip,CN\n", i%7, i)
		}
		path := filepath.Join(t.TempDir(), "models.csv")
		writeFile(t, path, b.String())
		before := planStats(t, st)
		if before > 0 {
			t.Fatalf("statistics before any load: %v", before)
		}
		if _, err := run(st, "models", path, importer.Options{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if got := planStats(t, st); got != before {
			t.Errorf("a dry run changed the statistics: %v, was %v", got, before)
		}
		sum, err := run(st, "models", path, importer.Options{})
		if err != nil || sum.Counts.Created != 400 {
			t.Fatalf("import: %v %+v", err, sum)
		}
		got := planStats(t, st)
		switch {
		case st.Dialect() == models.Postgres && got != 400:
			t.Errorf("pg_class.reltuples of camera_models is %v after loading 400 models, want 400", got)
		case st.Dialect() == models.SQLite && got == 0:
			t.Error("no sqlite_stat1 rows for camera_models after the load")
		}
	})
}

// TestImportAnalyzesOnlyWhatChanged: on PostgreSQL a load that changes less
// than a tenth of a table leaves its statistics to autovacuum (the change
// log's ANALYZE was most of a small import's cost), and a larger one
// refreshes them.
func TestImportAnalyzesOnlyWhatChanged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		if st.Dialect() != models.Postgres {
			t.Skip("SQLite's PRAGMA optimize has its own rule")
		}
		load := func(from, n int) {
			t.Helper()
			var b strings.Builder
			b.WriteString("brand,model_number,kind,origin_country\n")
			for i := from; i < from+n; i++ {
				fmt.Fprintf(&b, "Brand%d,MX-%05d,ip,CN\n", i%7, i)
			}
			path := filepath.Join(t.TempDir(), "models.csv")
			writeFile(t, path, b.String())
			if sum, err := run(st, "models", path, importer.Options{}); err != nil || sum.Counts.Created != n {
				t.Fatalf("import: %v %+v", err, sum)
			}
		}
		load(0, 400)
		load(400, 10)
		if got := planStats(t, st); got != 400 {
			t.Errorf("reltuples %v after 10 more models, want 400 (not analyzed again)", got)
		}
		load(410, 100)
		if got := planStats(t, st); got != 510 {
			t.Errorf("reltuples %v after 100 more models, want 510", got)
		}
	})
}
