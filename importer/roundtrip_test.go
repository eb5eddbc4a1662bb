package importer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// exportAll exports every entity of st in the format to dir, and returns
// the paths in load order.
func exportAll(t *testing.T, st *models.Store, format, dir string) []string {
	t.Helper()
	var paths []string
	for _, e := range importer.Entities {
		var buf bytes.Buffer
		if err := importer.Export(context.Background(), st, e, format, &buf); err != nil {
			t.Fatalf("export %s as %s: %v", e, format, err)
		}
		p := filepath.Join(dir, e+"."+format)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func importFile(t *testing.T, st *models.Store, entity, path string, opts importer.Options) *importer.Summary {
	t.Helper()
	opts.Entity = entity
	if opts.Actor.Role == "" {
		opts.Actor = models.System("import-test")
	}
	sum, err := importer.Import(context.Background(), st, path, opts)
	if err != nil {
		t.Fatalf("import %s from %s: %v; errors %+v", entity, filepath.Base(path), err, sum)
	}
	if sum.Invalid != 0 {
		t.Fatalf("import %s: %d invalid rows: %+v", entity, sum.Invalid, sum.Errors)
	}
	return sum
}

// TestExportImportRoundTrip exports the demo registry in every format,
// imports the files into an empty registry, and exports that: the two
// exports must be identical, byte for byte, for every entity. Importing the
// same files into the original registry must then change nothing.
func TestExportImportRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, src *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, src); err != nil {
			t.Fatal(err)
		}
		for _, format := range importer.ExportFormats {
			t.Run(format, func(t *testing.T) {
				dir := t.TempDir()
				paths := exportAll(t, src, format, dir)
				dst := testdb.Open(t, testdb.Backends(t)[backendIndex(src)])
				for i, e := range importer.Entities {
					sum := importFile(t, dst, e, paths[i], importer.Options{})
					if sum.Rows == 0 || sum.Created != sum.Rows {
						t.Errorf("%s: %d rows, %d created", e, sum.Rows, sum.Created)
					}
				}
				again := exportAll(t, dst, format, t.TempDir())
				for i, e := range importer.Entities {
					a, _ := os.ReadFile(paths[i])
					b, _ := os.ReadFile(again[i])
					if format == importer.FormatXLSX {
						// Zip timestamps differ; compare what the cells say.
						a, b = csvOf(t, dst, e, paths[i]), csvOf(t, dst, e, again[i])
					}
					if !bytes.Equal(a, b) {
						t.Errorf("%s: the re-exported file differs from the original export\nfirst:\n%s\nsecond:\n%s", e, a, b)
					}
				}
				// Idempotency: the same files into the original registry.
				before, _ := src.Counts(ctx)
				for i, e := range importer.Entities {
					sum := importFile(t, src, e, paths[i], importer.Options{})
					if sum.Unchanged != sum.Rows || sum.Created+sum.Updated != 0 {
						t.Errorf("%s re-imported: %+v, want every row unchanged", e, sum.Counts)
					}
				}
				after, _ := src.Counts(ctx)
				if before["events"] != after["events"] {
					t.Errorf("re-import wrote %d events", after["events"]-before["events"])
				}
			})
		}
	})
}

// backendIndex tells which backend a store runs on, to open another of the same.
func backendIndex(st *models.Store) int {
	if st.Dialect() == models.Postgres {
		return 1
	}
	return 0
}

// csvOf renders an XLSX file's cells as comma-separated text.
func csvOf(t *testing.T, _ *models.Store, _ string, path string) []byte {
	t.Helper()
	rows, err := importer.ReadXLSXCells(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(c)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
