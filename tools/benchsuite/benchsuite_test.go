package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	const section = "## Generated\n\nfigures"
	block := beginMarker + "\n" + section + "\n" + endMarker
	tests := []struct {
		name, doc, want string
		wantErr         bool
	}{
		{
			name: "no markers: after the title and its paragraph",
			doc:  "# Benchmarks\n\nMeasured figures.\n\n## Importer\n\nby hand\n",
			want: "# Benchmarks\n\nMeasured figures.\n\n" + block + "\n\n## Importer\n\nby hand\n",
		},
		{
			name: "markers: only what is between them changes",
			doc:  "# Benchmarks\n\nintro\n\n" + beginMarker + "\nold run\n" + endMarker + "\n\n## Importer\n\nby hand\n",
			want: "# Benchmarks\n\nintro\n\n" + block + "\n\n## Importer\n\nby hand\n",
		},
		{
			name:    "one marker alone",
			doc:     "# B\n\n" + beginMarker + "\nhalf\n",
			wantErr: true,
		},
		{
			name: "no title: at the top",
			doc:  "text\n",
			want: block + "\n\ntext\n",
		},
	}
	for _, tt := range tests {
		got, err := replaceSection(tt.doc, section)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error = %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestReplaceSectionTwiceIsStable(t *testing.T) {
	doc := "# Benchmarks\n\nintro\n\n## Importer\n\nby hand\n"
	once, err := replaceSection(doc, "run 1")
	if err != nil {
		t.Fatal(err)
	}
	twice, err := replaceSection(once, "run 2")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(twice, beginMarker) != 1 || !strings.Contains(twice, "run 2") || strings.Contains(twice, "run 1") ||
		!strings.HasSuffix(twice, "## Importer\n\nby hand\n") {
		t.Errorf("second rewrite:\n%s", twice)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2353000: "2,353,000", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestManifestMatches(t *testing.T) {
	dir := t.TempDir()
	if manifestMatches(dir, 1, "small") {
		t.Error("no manifest matched")
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("models.csv", "a,b\n")
	sum, err := fileSHA256(filepath.Join(dir, "models.csv"))
	if err != nil {
		t.Fatal(err)
	}
	write("manifest.json", `{"seed": 1, "scale": "small", "files": [{"entity": "models", "file": "models.csv", "rows": 0, "sha256": "`+sum+`"}]}`)
	if !manifestMatches(dir, 1, "small") {
		t.Error("the same seed and scale did not match")
	}
	if manifestMatches(dir, 2, "small") || manifestMatches(dir, 1, "national") {
		t.Error("another seed or scale matched")
	}
	write("models.csv", "a,c\n")
	if manifestMatches(dir, 1, "small") {
		t.Error("a changed file matched")
	}
}

func TestDatasetFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"organizations.csv", "models.csv", "origin_certificates.csv", "listings.ndjson", "manifest.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := datasetFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"organizations": "organizations.csv", "models": "models.csv",
		"origin-certificates": "origin_certificates.csv", "listings": "listings.ndjson"}
	if len(got) != len(want) {
		t.Errorf("files = %v", got)
	}
	for ent, name := range want {
		if got[ent] != filepath.Join(dir, name) {
			t.Errorf("%s: %q, want %s", ent, got[ent], name)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	out := "warning: x\nimported 12000 listings rows: 11990 created, 0 updated, 0 unchanged, 10 invalid\n  line 3: bad\n"
	m := summaryLine.FindStringSubmatch(out)
	if m == nil || m[1] != "12000" || m[5] != "10" {
		t.Errorf("match = %q", m)
	}
}

func TestCommandStringHidesKeys(t *testing.T) {
	c := command{env: []string{"CAMREG_SEARCH=meilisearch", "MEILI_API_KEY=s3cret"}, name: "camreg",
		args: []string{"load", "--key", "s3cret", "--mix", "search=100,verify=1"}}
	got := c.String()
	want := "CAMREG_SEARCH=meilisearch MEILI_API_KEY=$KEY camreg load --key $KEY --mix 'search=100,verify=1'"
	if got != want || strings.Contains(got, "s3cret") {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestCount5xx(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serve.log")
	log := `{"level":"INFO","msg":"serving"}
{"level":"INFO","msg":"request","path":"/v1/search","status":200}
{"level":"ERROR","msg":"internal error","status":500}
{"level":"ERROR","msg":"request","path":"/v1/verify","status":500}
{"level":"WARN","msg":"request","path":"/v1/verify","status":503}
not json
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := count5xx(path); err != nil || n != 2 {
		t.Errorf("count5xx = %d, %v; want the 2 request lines of 5xx", n, err)
	}
}

func TestRenderLabelsASmallRunAndPutsBackendsSideBySide(t *testing.T) {
	r := &Report{Scale: "small", Seed: 1, LoadDuration: "30s",
		Machine: Machine{CPUs: 2, CPU: "Test CPU", Memory: "1.0 GiB", LoadBefore: "0.1 0.1 0.1", LoadAfter: "0.2 0.2 0.2", Commit: "abc"},
		Search: []LoadResult{
			{Backend: "bleve", Database: "SQLite", Answers: "first", Clients: 32, PerSec: 1234.5, P50Ms: 1.5, P99Ms: 9.25},
			{Backend: "bleve", Database: "SQLite", Answers: "remembered", Clients: 32, PerSec: 5000, P50Ms: 1, P99Ms: 2},
			{Backend: "postgres", Database: "PostgreSQL", Answers: "first", Clients: 32, PerSec: 99, P50Ms: 3, P99Ms: 20},
			{Backend: "postgres", Database: "PostgreSQL", Answers: "remembered", Clients: 32, PerSec: 150, P50Ms: 2, P99Ms: 5},
		},
		Relevance: []RelevanceResult{{Backend: "bleve", Queries: 223, At1: 0.996, At3: 1}, {Backend: "meilisearch", Queries: 223, At1: 1, At3: 1}},
		Notes:     []string{"postgres search skipped: reason"},
		Commands:  []string{"$BENCH_DIR/camreg reindex"},
	}
	got := render(r, "docs/bench/x.json")
	for _, want := range []string{
		"**Scale: small.**", "**not** the national figures",
		"| bleve | SQLite | first | 32 | 1,234 | 1.50 ms | 9.25 ms |  | 0.0 ms | 0 | 0.996 | 1.000 |",
		"| postgres | PostgreSQL | first | 32 | 99 | 3.00 ms | 20.00 ms | 2.16 | 0.0 ms | 0 | – | – |",
		"| postgres | PostgreSQL | remembered | 32 | 150 | 2.00 ms | 5.00 ms | 2.50 | 0.0 ms | 0 | – | – |",
		"| meilisearch | | | | | | | | | | 1.000 | 1.000 |",
		"- postgres search skipped: reason",
		"```sh\n$BENCH_DIR/camreg reindex\n```",
		"load average before 0.1 0.1 0.1, after 0.2 0.2 0.2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("render lacks %q:\n%s", want, got)
		}
	}
	r.Scale = "national"
	if strings.Contains(render(r, "x.json"), "Scale:") {
		t.Error("a national run is labelled as a check")
	}
}
