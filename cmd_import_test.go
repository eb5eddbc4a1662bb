package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
