package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/importer/importtest"
)

// `camreg import` refuses the 2 GiB zip bomb of issue #14, and its limit
// flags bind (a cell over --max-cell-bytes).
func TestImportCommandLimits(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "camreg.db")
	bomb, err := importtest.ZipBomb(2048, false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bomb.xlsx")
	if err := os.WriteFile(path, bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "--db", db, "import", "models", path, "--dry-run"); err == nil || !strings.Contains(err.Error(), "CAMREG_IMPORT_MAX_PART") {
		t.Fatalf("bomb: %v", err)
	}
	csv := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(csv, []byte("brand,model_number\nAcme,"+strings.Repeat("7", 50)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "--db", db, "import", "models", csv, "--dry-run", "--max-cell-bytes", "20"); err == nil ||
		!strings.Contains(err.Error(), "CAMREG_IMPORT_MAX_CELL_BYTES") {
		t.Fatalf("cell: %v", err)
	}
	if _, err := run(t, "--db", db, "import", "models", csv, "--dry-run", "--max-rows", "lots"); err == nil {
		t.Fatal("--max-rows lots was accepted")
	}
}

// TestPrintSummaryCountsNothingWhenNothingWritten: "nothing written from 3
// rows: 2 created" was the CLI's line for a file with an invalid row; a dry
// run still counts what would be written.
func TestPrintSummaryCountsNothingWhenNothingWritten(t *testing.T) {
	sum := &importer.Summary{Entity: "models", Rows: 3, Counts: importer.Counts{Created: 2, Invalid: 1}}
	for _, tc := range []struct {
		dry, written bool
		want         string
	}{
		{false, false, "nothing written from 3 models rows: 0 created, 0 updated, 0 unchanged, 1 invalid\n"},
		{true, false, "dry run (nothing written) of 3 models rows: 2 created, 0 updated, 0 unchanged, 1 invalid\n"},
		{false, true, "imported 3 models rows: 2 created, 0 updated, 0 unchanged, 1 invalid\n"},
	} {
		sum.DryRun, sum.Written = tc.dry, tc.written
		var out strings.Builder
		printSummary(&out, sum, "")
		if out.String() != tc.want {
			t.Errorf("%+v: %q", tc, out.String())
		}
	}
}

// The memory limit leaves the heap all but the key table: with the
// national listings' table (4,194,304 slots of 12 bytes, from 1,572,864
// keys on), the checking pass's reference caches (65-80 MiB live) still
// have room, instead of a collector that runs without pause.
func TestKeyTableLimitLeavesTheHeapAllButTheTable(t *testing.T) {
	const table = 4_194_304 * 12
	if got, want := keyTableLimit(table), int64(importHeap-table); got != want {
		t.Fatalf("limit with a %d-byte key table: %d MiB, want %d MiB", table, got>>20, want>>20)
	}
	if got := keyTableLimit(0); got != importHeap {
		t.Fatalf("limit without a key table: %d, want %d", got, importHeap)
	}
	if got := keyTableLimit(importHeap); got != importHeap/3 {
		t.Fatalf("limit with a table as big as the heap: %d, want the floor %d", got, importHeap/3)
	}
}
