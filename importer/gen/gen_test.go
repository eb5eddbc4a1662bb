package gen_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"camreg/fold"
	"camreg/importer"
	"camreg/importer/gen"
	"camreg/models"
	"camreg/models/testdb"
)

// tiny is small enough to import in a test, big enough to hold every kind
// of row: renewed, expired, suspended and revoked certificates, and
// traders of each kind.
var tiny = gen.Counts{Traders: 60, Models: 150, Certificates: 60, Origins: 25, Warnings: 12, Listings: 400}

func generate(t *testing.T, seed uint64, n gen.Counts) (string, *gen.Manifest) {
	t.Helper()
	dir := t.TempDir()
	m, err := gen.Generate(t.Context(), gen.Config{Seed: seed, Scale: "custom", Counts: n}, dir)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return dir, m
}

// readCSV reads a generated file as maps from column to cell.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

func TestSameSeedSameFiles(t *testing.T) {
	_, a := generate(t, 7, tiny)
	_, b := generate(t, 7, tiny)
	_, c := generate(t, 8, tiny)
	for i := range a.Files {
		if a.Files[i].SHA256 != b.Files[i].SHA256 {
			t.Errorf("%s differs between two runs of seed 7", a.Files[i].Name)
		}
		if a.Files[i].SHA256 == c.Files[i].SHA256 {
			t.Errorf("%s is the same for seeds 7 and 8", a.Files[i].Name)
		}
	}
}

func TestManifest(t *testing.T) {
	dir, m := generate(t, 1, tiny)
	b, err := os.ReadFile(filepath.Join(dir, gen.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var got gen.Manifest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if got.Seed != 1 || got.Counts != tiny || len(got.Files) != len(importer.Entities) {
		t.Fatalf("manifest = %+v", got)
	}
	want := map[string]int{"models": tiny.Models, "certificates": tiny.Certificates,
		"origin-certificates": tiny.Origins, "warnings": tiny.Warnings, "listings": tiny.Listings}
	for i, f := range got.Files {
		if f.Entity != importer.Entities[i] {
			t.Errorf("file %d is %s, want %s: the manifest lists files in import order", i, f.Entity, importer.Entities[i])
		}
		rows := len(readCSV(t, filepath.Join(dir, f.Name)))
		if rows != f.Rows {
			t.Errorf("%s has %d rows, the manifest says %d", f.Name, rows, f.Rows)
		}
		if n, ok := want[f.Entity]; ok && rows != n {
			t.Errorf("%s has %d rows, want %d", f.Name, rows, n)
		}
	}
	if m.Organizations <= tiny.Traders {
		t.Errorf("organizations = %d: want the %d traders plus bodies, authorities and manufacturers", m.Organizations, tiny.Traders)
	}
}

// A run stopped half-way leaves no manifest vouching for its files, not
// even an earlier run's.
func TestCanceledLeavesNoManifest(t *testing.T) {
	dir, _ := generate(t, 1, tiny)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := gen.Generate(ctx, gen.Config{Seed: 2, Scale: "custom", Counts: tiny}, dir); !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate with a canceled context: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, gen.ManifestName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a manifest is left after a canceled run: %v", err)
	}
}

func TestColumnsAreTheImporters(t *testing.T) {
	dir, _ := generate(t, 1, tiny)
	for _, f := range gen.Files {
		r, err := os.Open(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		head, err := csv.NewReader(r).Read()
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range head {
			if !slices.Contains(importer.Columns(f.Entity), col) {
				t.Errorf("%s: column %q is not one of the importer's %v", f.Name, col, importer.Columns(f.Entity))
			}
		}
	}
}

func TestCountsChecked(t *testing.T) {
	bad := []struct {
		name string
		n    gen.Counts
	}{
		{"too few traders", gen.Counts{Traders: 3, Models: 10}},
		{"negative", gen.Counts{Traders: 20, Models: 10, Warnings: -1}},
		{"more certificates than models", gen.Counts{Traders: 20, Models: 10, Certificates: 11}},
		{"listings beyond distinct pairs", gen.Counts{Traders: 20, Models: 10, Listings: 51}},
		{"warnings without models", gen.Counts{Traders: 20, Warnings: 1}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.n.Check(); err == nil {
				t.Errorf("Check(%+v) = nil, want an error", tc.n)
			}
		})
	}
	for name, n := range gen.Scales {
		if err := n.Check(); err != nil {
			t.Errorf("scale %s: %v", name, err)
		}
	}
}

// The small scale's traders cover all 34 provinces, with valid and unique
// tax codes, some of them branches.
func TestTradersSmallScale(t *testing.T) {
	n := gen.Scales["small"]
	n.Models, n.Certificates, n.Origins, n.Warnings, n.Listings = 0, 0, 0, 0, 0
	dir, _ := generate(t, 1, n)
	provinces := map[string]bool{}
	seen := map[string]bool{}
	branches, traders := 0, 0
	for _, o := range readCSV(t, filepath.Join(dir, "organizations.csv")) {
		if o["tax_code"] == "" {
			continue
		}
		traders++
		tc, err := models.CheckTaxCode(o["tax_code"])
		if err != nil || tc != o["tax_code"] {
			t.Errorf("tax code %q of %s: %v", o["tax_code"], o["name"], err)
		}
		if seen[tc] {
			t.Errorf("tax code %s appears twice", tc)
		}
		seen[tc] = true
		if strings.Contains(tc, "-") {
			branches++
		}
		p := models.LookupProvince(o["province"])
		if p == nil {
			t.Errorf("province %q of %s is no province", o["province"], o["name"])
			continue
		}
		provinces[p.Code] = true
	}
	if traders != n.Traders {
		t.Errorf("%d traders, want %d", traders, n.Traders)
	}
	if len(provinces) != len(models.Provinces) {
		t.Errorf("traders in %d provinces, want all %d", len(provinces), len(models.Provinces))
	}
	if branches == 0 {
		t.Error("no branch tax codes (-001)")
	}
}

// Natural keys never repeat, or the importer would refuse the duplicates.
func TestNaturalKeysUnique(t *testing.T) {
	n := gen.Scales["small"]
	dir, _ := generate(t, 3, n)
	keys := map[string]func(r map[string]string) string{
		"organizations.csv": func(r map[string]string) string {
			if r["tax_code"] != "" {
				return r["tax_code"]
			}
			return fold.Text(r["name"]) + "/" + r["kind"]
		},
		"models.csv":              func(r map[string]string) string { return fold.Key(r["brand"]) + " " + fold.Key(r["model_number"]) },
		"certificates.csv":        func(r map[string]string) string { return docKey(r["number"]) },
		"origin-certificates.csv": func(r map[string]string) string { return docKey(r["number"]) + "/" + r["exporting_country"] },
		"warnings.csv":            func(r map[string]string) string { return docKey(r["reference"]) },
		"listings.csv": func(r map[string]string) string {
			return strings.Join([]string{r["trader"], fold.Key(r["brand"]), fold.Key(r["model_number"]), r["channel"], r["url"], r["shop_address"]}, "/")
		},
	}
	for _, f := range gen.Files {
		seen := map[string]bool{}
		for _, r := range readCSV(t, filepath.Join(dir, f.Name)) {
			k := keys[f.Name](r)
			if seen[k] {
				t.Errorf("%s: key %q repeats", f.Name, k)
			}
			seen[k] = true
		}
	}
}

func docKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// Model numbers are unique per brand by construction; check it over the
// national set's 100,000 models.
func TestModelNumbersUniqueNationally(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 models")
	}
	n := gen.Scales["national"]
	n.Traders, n.Certificates, n.Origins, n.Warnings, n.Listings = 1000, 0, 0, 0, 0
	dir, _ := generate(t, 1, n)
	seen := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, "models.csv")) {
		k := fold.Key(r["brand"]) + " " + fold.Key(r["model_number"])
		if seen[k] {
			t.Fatalf("model %s %s repeats", r["brand"], r["model_number"])
		}
		seen[k] = true
	}
}

// The generated files import with no invalid row, and the registry they
// make has compliant and non-compliant models on the data's "today".
func TestImportTiny(t *testing.T) {
	dir, m := generate(t, 1, tiny)
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := testdb.Open(t, b)
			for _, f := range m.Files {
				sum, err := importer.Import(t.Context(), st, filepath.Join(dir, f.Name),
					importer.Options{Entity: f.Entity, Actor: models.System("gen-test")})
				if err != nil && !errors.Is(err, importer.ErrRowsInvalid) {
					t.Fatalf("import %s: %v", f.Name, err)
				}
				if sum.Invalid > 0 {
					t.Fatalf("import %s: %d invalid rows, first: %+v", f.Name, sum.Invalid, sum.Errors[0])
				}
				if sum.Created != f.Rows {
					t.Errorf("import %s: %d created, want %d", f.Name, sum.Created, f.Rows)
				}
			}
			verdicts := verifyAll(t, st, readCSV(t, filepath.Join(dir, "models.csv")))
			for _, v := range []string{models.VerdictCompliant, models.VerdictNonCompliant} {
				if verdicts[v] == 0 {
					t.Errorf("no %s model on 2026-11-20; verdicts: %v", v, verdicts)
				}
			}
			t.Logf("verdicts on 2026-11-20: %v", verdicts)
		})
	}
}

// verifyAll verifies every model on 2026-11-20 and counts the verdicts:
// each verified model must match exactly, each pending one not at all.
func verifyAll(t *testing.T, st *models.Store, rows []map[string]string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for start := 0; start < len(rows); start += models.MaxVerifyItems {
		var qs []models.VerifyQuery
		for _, r := range rows[start:min(start+models.MaxVerifyItems, len(rows))] {
			qs = append(qs, models.VerifyQuery{Brand: r["brand"], Model: r["model_number"], At: "2026-11-20"})
		}
		vs, err := st.VerifyMany(t.Context(), qs)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		for i, v := range vs {
			// A pending registration is private: verify never matches it
			// (a pending decoy must not hide a verified model's verdict).
			want := models.MatchExact
			if rows[start+i]["status"] == models.ModelPending {
				want = models.MatchNone
			}
			if v.Match != want {
				t.Errorf("%s %s (%s) matched %s, want %s", v.Query.Brand, v.Query.Model, rows[start+i]["status"], v.Match, want)
			}
			out[v.Verdict]++
		}
	}
	return out
}

func ExampleGenerate() {
	dir, _ := os.MkdirTemp("", "gen-example")
	defer os.RemoveAll(dir)
	m, err := gen.Generate(context.Background(), gen.Config{Seed: 1, Scale: "custom", Counts: tiny}, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range m.Files {
		fmt.Println(f.Entity, f.Rows)
	}
	// Output:
	// organizations 115
	// models 150
	// certificates 60
	// origin-certificates 25
	// warnings 12
	// listings 400
}
