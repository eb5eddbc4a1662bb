// Command benchsuite is `make bench`: the benchmark suite of issue #7 on a
// generated dataset (the national set by default), end to end through the
// camreg binary, as an operator would run it:
//
//  1. camreg gen (kept in the work dir, reused while its manifest matches),
//  2. camreg import of every file into SQLite and into a private
//     PostgreSQL database (created and dropped here): rows/s and peak RSS,
//  3. camreg reindex for bleve, Meilisearch and postgres,
//  4. camreg serve's start-up time with an existing index,
//  5. search p50/p99 with 1 and 32 clients for each backend (camreg load
//     --mix search=100), and recall@3 of the relevance set for each,
//  6. verify requests/s and p99 at 8 and 32 clients,
//  7. each server's peak RSS,
//
// and then rewrites the generated section of BENCHMARKS.md (between
// <!-- bench:begin --> and <!-- bench:end -->) and writes the raw results
// to docs/bench/. A step that cannot run here (no npm for Meilisearch, no
// PostgreSQL, no postgres backend in this camreg) is skipped with a note.
//
// Usage: go run ./tools/benchsuite [--scale national|small] [--dir DIR] [--pg DSN|none]
//
// To measure search again on the same data without importing it again
// (an import of the national set takes half an hour on a busy machine):
// --reuse-sqlite --reuse-pg DSN --search-only.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// suite is one run of the benchmark suite.
type suite struct {
	scale     string
	seed      int
	dir       string
	root      string
	bin       string
	pgAdmin   string
	withMeili bool
	// meiliMemory is Meilisearch's --max-indexing-memory ("": its default).
	meiliMemory string
	// reuseSQLite and reusePG keep databases an earlier run imported
	// (reusePG is a database URL, never created or dropped here);
	// searchOnly skips the verify runs.
	reuseSQLite bool
	reusePG     string
	searchOnly  bool
	// skipCatchUp skips the catch-up of an emptied index by serve.
	skipCatchUp bool
	// importOnly measures the imports only, and prints their table.
	importOnly   bool
	loadFor      time.Duration
	readyTimeout time.Duration
	log          io.Writer

	// pgDSN is the private PostgreSQL database, once created.
	pgDSN string
	// backends are the search backends whose index was built.
	backends []backend
	meili    *meili
	commands []string
	report   Report
	started  time.Time
}

func main() {
	s := &suite{log: os.Stderr}
	var noMarkdown bool
	var markdownFrom, noop, ceiling, ceilingDB string
	flag.StringVar(&s.scale, "scale", envOr("BENCH_SCALE", "national"), "camreg gen's --scale: national or small (env BENCH_SCALE)")
	flag.IntVar(&s.seed, "seed", 1, "camreg gen's --seed")
	flag.StringVar(&s.dir, "dir", os.Getenv("BENCH_DIR"), "work dir: the dataset, the databases, the indexes and the logs (env BENCH_DIR; default $TMPDIR/camreg-bench-<scale>)")
	flag.StringVar(&s.pgAdmin, "pg", envOr("CAMREG_TEST_PG", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"),
		"a PostgreSQL URL whose server the suite creates its own database on (dropped at the end); none skips PostgreSQL")
	flag.BoolVar(&s.withMeili, "meilisearch", envOr("BENCH_MEILI", "1") != "0", "measure Meilisearch too (env BENCH_MEILI=0 skips it: its reindex is the suite's slowest step)")
	flag.StringVar(&s.meiliMemory, "meili-indexing-memory", envOr("BENCH_MEILI_INDEXING_MEMORY", "1GiB"),
		"Meilisearch's --max-indexing-memory (env BENCH_MEILI_INDEXING_MEMORY; \"default\" leaves Meilisearch's own, two thirds of the RAM, "+
			"which costs seconds of system time a batch: docs/search.md)")
	flag.DurationVar(&s.loadFor, "load-duration", 30*time.Second, "how long each search and verify load run lasts")
	flag.DurationVar(&s.readyTimeout, "ready-timeout", 10*time.Minute, "how long camreg serve may take to answer /readyz")
	flag.BoolVar(&s.reuseSQLite, "reuse-sqlite", false, "keep the SQLite database already imported in the work dir (its import is not measured again)")
	flag.StringVar(&s.reusePG, "reuse-pg", "", "a PostgreSQL database URL already imported from the same dataset, used as is: neither imported nor dropped")
	flag.BoolVar(&s.searchOnly, "search-only", false, "measure search only: no verify runs")
	flag.BoolVar(&s.skipCatchUp, "skip-catchup", false, "skip the catch-up of an emptied index by serve (at national scale, minutes per backend)")
	flag.BoolVar(&s.importOnly, "import-only", false, "measure the imports only (SQLite, then PostgreSQL unless --pg none), print their table and leave BENCHMARKS.md alone")
	flag.BoolVar(&noMarkdown, "no-markdown", false, "leave BENCHMARKS.md alone (the JSON is still written)")
	flag.StringVar(&markdownFrom, "markdown-from", "", "only rewrite BENCHMARKS.md's generated section from this JSON result of an earlier run")
	flag.StringVar(&noop, "noop", "", "only serve echo's no-op JSON answer on this address (the ceiling verify is compared with)")
	flag.StringVar(&ceiling, "ceiling", "", "only run the wrk runs of verify near the ceiling against the camreg serve at this URL, over --dir's gen/models.csv")
	flag.DurationVar(&coldFor, "cold-duration", wrkFor, "with --ceiling or verify: how long the cold wrk run lasts (shorter keeps a fast server in the cold list's first pass: each model asked once)")
	flag.StringVar(&ceilingDB, "ceiling-db", "SQLite", "with --ceiling: the database the server runs on, for the table")
	flag.Parse()
	if noop != "" {
		if err := serveNoop(noop); err != nil {
			fmt.Fprintln(os.Stderr, "benchsuite:", err)
			os.Exit(1)
		}
		return
	}
	if ceiling != "" {
		if err := ceilingOnly(ceiling, ceilingDB, s); err != nil {
			fmt.Fprintln(os.Stderr, "benchsuite:", err)
			os.Exit(1)
		}
		return
	}
	if markdownFrom != "" {
		if err := rewriteFrom(markdownFrom); err != nil {
			fmt.Fprintln(os.Stderr, "benchsuite:", err)
			os.Exit(1)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := s.run(ctx, !noMarkdown); err != nil {
		fmt.Fprintln(os.Stderr, "benchsuite:", err)
		os.Exit(1)
	}
}

// rewriteFrom rewrites the generated section from a saved result.
func rewriteFrom(path string) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := &suite{root: root}
	if err := json.Unmarshal(b, &s.report); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	return s.writeMarkdown(abs)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func (s *suite) run(ctx context.Context, markdown bool) error {
	var err error
	if s.root, err = repoRoot(); err != nil {
		return err
	}
	if s.dir == "" {
		s.dir = filepath.Join(os.TempDir(), "camreg-bench-"+s.scale)
	}
	if s.dir, err = filepath.Abs(s.dir); err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	s.bin = s.path("camreg")
	s.started = time.Now()
	s.report = Report{Scale: s.scale, Seed: s.seed, Started: s.started.UTC(), Dir: s.dir, LoadDuration: s.loadFor.String()}
	s.report.Machine = readMachine(s.root)
	s.progress("camreg benchmark suite, scale %s, in %s (load average %s)", s.scale, s.dir, s.report.Machine.LoadBefore)

	type step struct {
		name string
		fn   func(context.Context) error
		// must: the suite cannot go on without it.
		must bool
	}
	steps := []step{
		{"build camreg", s.build, true},
		{"generate the dataset", s.generate, true},
		{"import into SQLite", s.importSQLite, true},
		{"import into PostgreSQL", s.importPostgres, false},
		{"reindex", s.reindexAll, true},
		{"catch-up of an empty index by serve", s.catchUpAll, false},
		{"serve: start-up, search, verify and memory", s.serveAll, false},
		{"relevance", s.relevance, false},
	}
	if s.importOnly {
		steps, markdown = steps[:4], false
	}
	if s.skipCatchUp {
		steps = slices.DeleteFunc(steps, func(st step) bool { return st.name == "catch-up of an empty index by serve" })
	}
	defer s.dropPostgres()
	defer s.stopMeili()
	for i, st := range steps {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.progress("[%d/%d] %s", i+1, len(steps), st.name)
		start := time.Now()
		err := st.fn(ctx)
		s.report.Steps = append(s.report.Steps, StepTime{Name: st.name, Seconds: time.Since(start).Seconds()})
		if err != nil && st.must {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		if err != nil {
			s.note("%s failed: %v", st.name, err)
		}
		s.progress("[%d/%d] %s: %s", i+1, len(steps), st.name, time.Since(start).Round(time.Second))
	}
	s.report.Machine.LoadAfter = loadAverage()
	s.report.Seconds = time.Since(s.started).Seconds()
	s.report.Commands = s.commands
	s.report.Estimate = s.estimateNational()
	jsonPath, err := s.writeJSON()
	if err != nil {
		return err
	}
	s.progress("raw results: %s", jsonPath)
	if markdown {
		if err := s.writeMarkdown(jsonPath); err != nil {
			return err
		}
		s.progress("rewrote the generated section of BENCHMARKS.md")
	}
	if s.importOnly {
		out := render(&s.report, jsonPath)
		if i := strings.Index(out, "### Import"); i >= 0 {
			fmt.Print(out[i:])
		}
	}
	s.progress("done in %s (load average after: %s)", time.Since(s.started).Round(time.Second), s.report.Machine.LoadAfter)
	if e := s.report.Estimate; e != "" {
		s.progress("estimate: %s", e)
	}
	return nil
}

// path is a file in the work dir.
func (s *suite) path(name string) string { return filepath.Join(s.dir, name) }

// shorten writes a command with $BENCH_DIR for the work dir and paths
// relative to the repository, so the commands in BENCHMARKS.md read the
// same on any machine.
func (s *suite) shorten(line string) string {
	if s.pgDSN != "" {
		line = strings.ReplaceAll(line, s.pgDSN, "$BENCH_PG")
	}
	line = strings.ReplaceAll(line, s.dir, "$BENCH_DIR")
	return strings.ReplaceAll(line, s.root+string(filepath.Separator), "")
}

func (s *suite) progress(format string, args ...any) {
	fmt.Fprintf(s.log, "== %s  %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// note records something the reader of the results must know: a step
// skipped or failed.
func (s *suite) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	s.report.Notes = append(s.report.Notes, n)
	s.progress("note: %s", n)
}

func (s *suite) build(ctx context.Context) error {
	_, err := s.exec(ctx, command{name: "go", args: []string{"build", "-o", s.bin, "."}, dir: s.root})
	return err
}

// repoRoot is the directory of go.mod, found upwards from the working dir.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run the suite from the repository")
		}
		dir = parent
	}
}
