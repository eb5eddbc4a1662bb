package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/importer/importtest"
	"camreg/models"
	"camreg/models/testdb"
)

// The generated bomb is a well-formed zip: its sheet inflates to what it
// says, with a good CRC (so the refusal below is the limits', not a parse
// error's).
func TestZipBombIsWellFormed(t *testing.T) {
	b, err := importtest.ZipBomb(3, false)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, _ := f.Open()
		n, err := io.Copy(io.Discard, rc)
		if err != nil || uint64(n) != f.UncompressedSize64 || n < 3<<20 {
			t.Fatalf("sheet inflates to %d bytes (declared %d): %v", n, f.UncompressedSize64, err)
		}
		return
	}
	t.Fatal("no sheet1.xml")
}

// Issue #14, hole 1: a 2 MB XLSX holding one 2 GiB inline string drove the
// server to 13.7 GB. The CLI path (importer.Import, which `camreg import`
// calls) refuses it, whether the zip declares the size or lies about it,
// having allocated little.
func TestZipBombRefused(t *testing.T) {
	for _, lie := range []bool{false, true} {
		b, err := importtest.ZipBomb(2048, lie)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 4<<20 {
			t.Fatalf("the bomb is %d bytes", len(b))
		}
		path := filepath.Join(t.TempDir(), "bomb.xlsx")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		testdb.Each(t, func(t *testing.T, st *models.Store) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := run(st, "models", path, importer.Options{DryRun: true})
			runtime.ReadMemStats(&after)
			if lie {
				// The declared size binds: archive/zip stops at it.
				if err == nil || !strings.Contains(err.Error(), "XLSX") {
					t.Fatalf("lying bomb: %v", err)
				}
			} else if !errors.Is(err, importer.ErrTooLarge) || !strings.Contains(err.Error(), "CAMREG_IMPORT_MAX_PART") {
				t.Fatalf("bomb: %v", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > 64<<20 {
				t.Fatalf("refusing the bomb allocated %d MiB", alloc>>20)
			}
			t.Logf("bomb of %d bytes (lying header: %v) refused, %.1f MiB allocated", len(b), lie, float64(alloc)/(1<<20))
		})
	}
}

// Each limit, on each format, refuses the file with its name, and writes
// nothing.
func TestImportLimits(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 200)
	cases := []struct {
		name, file, content string
		lim                 importer.Limits
		setting             string
	}{
		{"bytes", "a.csv", "brand,model_number\nAcme,X1\n", importer.Limits{Bytes: 10}, "CAMREG_IMPORT_MAX_BYTES"},
		{"csv cell", "b.csv", "brand,model_number\nAcme," + long + "\n", importer.Limits{CellBytes: 100}, "CAMREG_IMPORT_MAX_CELL_BYTES"},
		{"csv cells", "c.csv", "brand,model_number" + strings.Repeat(",", 50) + "\n", importer.Limits{Cells: 20}, "CAMREG_IMPORT_MAX_CELLS"},
		{"csv quoted row", "d.csv", "brand,model_number\nAcme,\"" + strings.Repeat("y\n", 300000) + "\"\n",
			importer.Limits{RowBytes: 1000, CellBytes: 1000}, "CAMREG_IMPORT_MAX_ROW_BYTES"},
		{"csv rows", "e.csv", "brand,model_number\n" + strings.Repeat("Acme,X1\n", 30), importer.Limits{Rows: 10}, "CAMREG_IMPORT_MAX_ROWS"},
		{"ndjson line", "f.ndjson", `{"brand":"Acme","model_number":"` + long + `"}` + "\n", importer.Limits{RowBytes: 100}, "CAMREG_IMPORT_MAX_ROW_BYTES"},
		{"json record", "g.json", `[{"brand":"Acme","model_number":"` + strings.Repeat("z", 400000) + `"}]`,
			importer.Limits{RowBytes: 1000}, "CAMREG_IMPORT_MAX_ROW_BYTES"},
		{"json depth", "h.json", `[{"brand":"Acme","model_number":"X","name":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}]`,
			importer.Limits{JSONDepth: 8}, "CAMREG_IMPORT_MAX_JSON_DEPTH"},
		{"json cell", "i.json", `[{"brand":"Acme","model_number":"` + long + `"}]`, importer.Limits{CellBytes: 100}, "CAMREG_IMPORT_MAX_CELL_BYTES"},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		for _, c := range cases {
			path := filepath.Join(dir, c.file)
			writeFile(t, path, c.content)
			before := counts(t, st)["camera_models"]
			_, err := run(st, "models", path, importer.Options{Limits: c.lim})
			if !errors.Is(err, importer.ErrTooLarge) || !strings.Contains(err.Error(), c.setting) {
				t.Errorf("%s: %v", c.name, err)
			}
			if after := counts(t, st)["camera_models"]; after != before {
				t.Errorf("%s: %d models written", c.name, after-before)
			}
		}
	})
}

// A cancelled context (SIGTERM in `camreg import`, shutdown in serve) stops
// a pass in the middle of the file, not after it.
func TestImportStopsWhenCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.csv")
	var b strings.Builder
	b.WriteString("brand,model_number\n")
	for i := 0; i < 5000; i++ {
		// Every row a model of its own: a repeated key is reported and
		// not batched, so a file of few keys would be read to its end
		// before the first batch reports its progress.
		fmt.Fprintf(&b, "Acme,X%d-%c\n", i, 'a'+i%26)
	}
	writeFile(t, path, b.String())
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		rows := 0
		_, err := importer.Import(ctx, st, path, importer.Options{Entity: "models", Actor: models.System("t"), DryRun: true,
			BatchSize: 100, Progress: func(p importer.Progress) {
				rows = p.Rows
				cancel()
			}})
		if !errors.Is(err, context.Canceled) || rows >= 5000 {
			t.Fatalf("after cancel at row %d: %v", rows, err)
		}
	})
}

func TestLimitsFromEnv(t *testing.T) {
	env := map[string]string{"CAMREG_IMPORT_MAX_BYTES": "5MiB", "CAMREG_IMPORT_MAX_ROWS": "12"}
	l, err := importer.LimitsFromEnv(func(k string) string { return env[k] })
	if err != nil || l.Bytes != 5<<20 || l.Rows != 12 || l.Cells != 0 {
		t.Fatalf("%+v %v", l, err)
	}
	env["CAMREG_IMPORT_MAX_CELLS"] = "-3"
	if _, err := importer.LimitsFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Fatal("a negative limit was accepted")
	}
}

// The writing pass after a clean check holds no table of the keys read: it
// compares each batch's keys with those checked, so a file changed between
// the passes (a row that repeats another's key; a row whose key changed)
// is refused at the first batch that differs, before it is written,
// instead of being written unchecked. The changes keep the file no longer,
// so that the checking pass, which may still be reading when the last
// batch's progress is reported, cannot read them.
func TestImportRefusesAFileChangedAfterTheCheck(t *testing.T) {
	rows := func(at int, row string) string {
		var b strings.Builder
		b.WriteString("brand,model_number\n")
		for i := 0; i < 300; i++ {
			if i == at {
				b.WriteString(row + "\n")
				continue
			}
			fmt.Fprintf(&b, "Acme,X%d\n", i)
		}
		return b.String()
	}
	for _, c := range []struct {
		name    string
		changed string
		written int64
	}{
		{"a key repeated in the third batch", rows(250, "Acme,X10"), 200},
		{"a key changed in the second batch", rows(150, "Acme,X999"), 100},
	} {
		testdb.Each(t, func(t *testing.T, st *models.Store) {
			path := filepath.Join(t.TempDir(), "m.csv")
			writeFile(t, path, rows(-1, ""))
			_, err := importer.Import(context.Background(), st, path, importer.Options{Entity: "models", Actor: models.System("t"),
				BatchSize: 100, Progress: func(p importer.Progress) {
					if p.Phase == "validating" && p.Rows == 300 {
						writeFile(t, path, c.changed)
					}
				}})
			if err == nil || !strings.Contains(err.Error(), "the file changed after it was checked") {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n := counts(t, st)["camera_models"]; n != c.written {
				t.Fatalf("%s: %d models written, want %d", c.name, n, c.written)
			}
		})
	}
}
