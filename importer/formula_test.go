package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// Issue #14, hole 5: a model name =HYPERLINK(...) or an address
// @SUM(1+1)*cmd|' /C calc'!A0 was written raw into models.csv and
// organizations.csv, where Excel runs it. Every such cell now starts with
// an apostrophe, and the file imports back to the same values (a value that
// really starts with an apostrophe included).
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	hyper := `=HYPERLINK("http://evil.example/","Chi tiết")`
	calc := `@SUM(1+1)*cmd|' /C calc'!A0`
	dir := t.TempDir()
	orgs := filepath.Join(dir, "orgs.csv")
	writeFile(t, orgs, "name,kind,address\nCông ty Evil,importer,\""+strings.ReplaceAll(calc, `"`, `""`)+"\"\n")
	mods := filepath.Join(dir, "models.csv")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll([][]string{{"brand", "model_number", "name", "kind"},
		{"Acme", "X1", hyper, "ip"}, {"Acme", "X2", "+1 camera", "ip"}, {"Acme", "X3", "''=kept", "ip"},
		{"Acme", "X4", "\tTab", "ip"}, {"Acme", "X5", "Plain -dash", "ip"}})
	writeFile(t, mods, b.String())
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		importFile(t, st, "organizations", orgs, importer.Options{})
		importFile(t, st, "models", mods, importer.Options{})
		cells := map[string]bool{}
		for _, entity := range []string{"organizations", "models"} {
			var out bytes.Buffer
			if err := importer.Export(context.Background(), st, entity, importer.FormatCSV, &out); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				for _, c := range r {
					cells[c] = true
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Errorf("%s.csv: a cell starts as a formula: %q", entity, c)
					}
				}
			}
			// The export imports back to the same values: nothing changes.
			p := filepath.Join(t.TempDir(), entity+".csv")
			if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if sum := importFile(t, st, entity, p, importer.Options{}); sum.Unchanged != sum.Rows {
				t.Errorf("%s: the export re-imported changed %d of %d rows", entity, sum.Rows-sum.Unchanged, sum.Rows)
			}
		}
		for _, want := range []string{"'" + hyper, "'" + calc, "'+1 camera", "''=kept", "Plain -dash"} {
			if !cells[want] {
				t.Errorf("no cell %q in the exports", want)
			}
		}
		var m models.Model
		if err := st.DB().QueryRow("SELECT name FROM camera_models WHERE model_number = 'X3'").Scan(&m.Name); err != nil || m.Name != "'=kept" {
			t.Errorf("X3's name is %q (%v)", m.Name, err)
		}
	})
}

// The CSV report of invalid rows neutralises its cells too.
func TestReportNeutralisesFormulas(t *testing.T) {
	var out bytes.Buffer
	rw, err := importer.NewReportWriter(&out, "csv")
	if err != nil {
		t.Fatal(err)
	}
	rw.Add(importer.RowError{Line: 3, Key: "=cmd", Errors: []models.FieldError{{Field: "name", Message: "-bad"}}})
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3,'=cmd,name,'-bad") {
		t.Fatalf("report: %q", out.String())
	}
}

// The red team's pass of 2026-12-07 (brief red, item 2): a cell starting
// with a lookalike of = + - @ (full-width, small form variants, the minus
// sign) was written raw into models.csv. Each now
// starts with an apostrophe, and the export imports back unchanged: the
// importer reads them as the text they are.
func TestCSVExportNeutralisesLookalikeFormulas(t *testing.T) {
	names := []string{
		"＝HYPERLINK(\"http://evil.example/\",\"Chi tiết\")", "＋1+cmd|' /C calc'!A0", "－2+3", "＠SUM(1+1)",
		"﹦1+1", "﹢1", "﹣1", "﹫SUM(1)", "−1+1", "'＝kept",
	}
	dir := t.TempDir()
	mods := filepath.Join(dir, "models.csv")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"brand", "model_number", "name", "kind"})
	for i, n := range names {
		_ = w.Write([]string{"Acme", "L" + string(rune('A'+i)), importer.NeutraliseCell(n), "ip"})
	}
	w.Flush()
	writeFile(t, mods, b.String())
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		importFile(t, st, "models", mods, importer.Options{})
		var out bytes.Buffer
		if err := importer.Export(context.Background(), st, "models", importer.FormatCSV, &out); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		cells := map[string]bool{}
		for _, r := range rows {
			for _, c := range r {
				cells[c] = true
			}
		}
		for _, n := range names {
			if !cells["'"+n] {
				t.Errorf("no neutralised cell %q in models.csv", "'"+n)
			}
		}
		p := filepath.Join(t.TempDir(), "models.csv")
		if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if sum := importFile(t, st, "models", p, importer.Options{}); sum.Unchanged != sum.Rows {
			t.Errorf("the export re-imported changed %d of %d rows", sum.Rows-sum.Unchanged, sum.Rows)
		}
		var got string
		if err := st.DB().QueryRow("SELECT name FROM camera_models WHERE model_number = 'LA'").Scan(&got); err != nil || got != names[0] {
			t.Errorf("LA's name is %q (%v), want %q", got, err, names[0])
		}
	})
}
