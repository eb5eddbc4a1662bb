// Package doctest runs every shell example of the README and the guides
// against a real `camreg serve --demo`, so that the documentation can never
// drift from what camreg does.
//
// It builds camreg, starts it with the demo dataset on a free port and a
// temporary data directory, and runs the ```sh and ```bash blocks of
// README.md, docs/*.md and importer/demo/README.md in order, one bash
// session per file, from a temporary directory laid out like the
// repository (so ./bin/camreg and relative paths work). The only rewrite is
// the port: localhost:8080 and 127.0.0.1:8080 become the test server's.
//
// A block fails when it exits non-zero (the session runs with set -e and
// stops there); a file fails when the server answered any request of its
// session with a 5xx, or with a 429 (an example cut short by the rate limit
// shows a reader nothing of what it says). A block is skipped only when an HTML comment right
// before it says why: <!-- doctest: skip: needs PostgreSQL -->.
package doctest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// block is one shell example.
type block struct {
	line int    // the line of its opening fence
	code string // its text
	skip string // why it is skipped, or ""
}

var (
	fenceOpen  = regexp.MustCompile("^```(sh|bash)\\s*$")
	fenceClose = regexp.MustCompile("^```\\s*$")
	skipNote   = regexp.MustCompile(`^<!--\s*doctest:\s*skip:\s*(.*?)\s*-->$`)
)

// parseBlocks returns the shell blocks of a Markdown text.
func parseBlocks(text string) ([]block, error) {
	var (
		out  []block
		cur  *block
		prev string // the last non-blank line before the current one
		buf  strings.Builder
	)
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if cur != nil {
			if fenceClose.MatchString(line) {
				cur.code = buf.String()
				out = append(out, *cur)
				cur = nil
				buf.Reset()
			} else {
				buf.WriteString(line + "\n")
			}
			continue
		}
		if fenceOpen.MatchString(line) {
			cur = &block{line: n}
			if m := skipNote.FindStringSubmatch(strings.TrimSpace(prev)); m != nil {
				if m[1] == "" {
					return nil, fmt.Errorf("line %d: a doctest skip must say why", n)
				}
				cur.skip = m[1]
			}
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: the block is never closed", cur.line)
	}
	return out, nil
}

func TestParseBlocks(t *testing.T) {
	md := "text\n\n```sh\necho one\n```\n\n<!-- doctest: skip: needs PostgreSQL -->\n```bash\necho two\n```\n\n```go\nx\n```\n"
	got, err := parseBlocks(md)
	if err != nil {
		t.Fatal(err)
	}
	want := []block{{line: 3, code: "echo one\n"}, {line: 8, code: "echo two\n", skip: "needs PostgreSQL"}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if _, err := parseBlocks("<!-- doctest: skip: -->\n```sh\nx\n```\n"); err == nil {
		t.Fatal("a skip without a reason was accepted")
	}
	if _, err := parseBlocks("```sh\nx\n"); err == nil {
		t.Fatal("an unclosed block was accepted")
	}
}

// recorder is a reverse proxy in front of the server that remembers the
// requests answered with a 5xx or a 429.
type recorder struct {
	mu     sync.Mutex
	failed []string
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.failed
	r.failed = nil
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// layout makes a directory laid out like the repository: a link to each
// top-level entry but bin/ and data/, and bin/camreg freshly built.
func layout(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); name != "bin" && name != "data" && name != ".git" {
			if err := os.Symlink(filepath.Join(root, name), filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now()
	defer func() { t.Logf("built camreg in %s", time.Since(start).Round(time.Millisecond)) }()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "camreg"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// serve starts `camreg serve --demo` and a recording proxy in front of it,
// and returns the proxy's port once the demo is searchable.
func serve(t *testing.T, dir, data string, rec *recorder) int {
	t.Helper()
	port := freePort(t)
	logf, err := os.Create(filepath.Join(data, "..", "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	cmd := exec.Command(filepath.Join(dir, "bin", "camreg"), "serve", "--demo")
	cmd.Dir = dir
	// The examples run in milliseconds, one after another, where a reader
	// takes minutes over them: the public per-IP limit (20/s, burst 40) is
	// raised so that the guides together do not drain it, and so is the
	// admin key's (200/s): docs/operations.md's two-second `camreg load`
	// run, whose guide says most answers are 429 at the defaults, asked
	// more than 2,000 a second on a fast machine and failed the test.
	cmd.Env = append(cleanEnv(), "CAMREG_DATA="+data, "CAMREG_ADDR=127.0.0.1:"+strconv.Itoa(port), "CAMREG_SEARCH=bleve",
		"CAMREG_RATE_LIMITS=public=100000:100000,admin=100000:100000",
		// docs/market.md registers a webhook on this machine.
		"CAMREG_WEBHOOK_ALLOW_PRIVATE=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	started := time.Now()
	deadline := started.Add(60 * time.Second)
	for {
		// Ready, and the demo is in the search index.
		resp, err := http.Get(base + "/v1/search?q=hikvision&limit=1")
		if err == nil {
			var b [256]byte
			n, _ := resp.Body.Read(b[:])
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(b[:n]), `"id"`) {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("camreg serve --demo was not searchable within 60 s: %v\n%s", err, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("camreg serve --demo answered searches after %s", time.Since(started).Round(time.Millisecond))

	target, _ := url.Parse(base)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			rec.mu.Lock()
			rec.failed = append(rec.failed, fmt.Sprintf("%s %s → %d", resp.Request.Method, resp.Request.URL.RequestURI(), resp.StatusCode))
			rec.mu.Unlock()
		}
		return nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// cleanEnv is the environment without camreg's own settings, so that a
// developer's CAMREG_DB never reaches the examples.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CAMREG_") && !strings.HasPrefix(kv, "MEILI_") {
			out = append(out, kv)
		}
	}
	return out
}

// docFiles lists the files whose examples run, relative to root, in order.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(guides)
	for _, g := range guides {
		rel, _ := filepath.Rel(root, g)
		files = append(files, filepath.ToSlash(rel))
	}
	return append(files, "importer/demo/README.md")
}

// TestExamples runs every shell example of the documentation.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds camreg and starts a server: not in -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := layout(t, root)
	data := filepath.Join(filepath.Dir(dir), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	port := serve(t, dir, data, rec)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	rewrite := strings.NewReplacer("localhost:8080", addr, "127.0.0.1:8080", addr)

	for _, file := range docFiles(t, root) {
		t.Run(strings.ReplaceAll(file, "/", "_"), func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := parseBlocks(string(src))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			runFile(t, file, blocks, dir, data, rewrite, rec)
		})
	}
}

// runFile runs a file's blocks in one bash session.
func runFile(t *testing.T, file string, blocks []block, dir, data string, rewrite *strings.Replacer, rec *recorder) {
	work := t.TempDir()
	markers := filepath.Join(work, "markers")
	var script strings.Builder
	script.WriteString("set -e\ncd " + strconv.Quote(dir) + "\n")
	var ran []block
	for i, b := range blocks {
		if b.skip != "" {
			t.Logf("%s:%d skipped: %s", file, b.line, b.skip)
			continue
		}
		path := filepath.Join(work, fmt.Sprintf("block-%d.sh", i))
		if err := os.WriteFile(path, []byte(rewrite.Replace(b.code)), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&script, "echo %d >> %s\n. %s\n", len(ran), strconv.Quote(markers), strconv.Quote(path))
		ran = append(ran, b)
	}
	if len(ran) == 0 {
		return
	}
	fmt.Fprintf(&script, "echo done >> %s\n", strconv.Quote(markers))
	rec.take()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "CAMREG_DATA="+data, "PATH="+filepath.Join(dir, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	got, _ := os.ReadFile(markers)
	lines := strings.Fields(string(got))
	finished := len(lines) > 0 && lines[len(lines)-1] == "done"
	for i, b := range ran {
		started := i < len(lines)
		if !started {
			break
		}
		if !finished && i == len(lines)-1 {
			t.Errorf("%s:%d failed (%v):\n%s\n--- output of the session:\n%s", file, b.line, err, b.code, tail(out, 4000))
			break
		}
		t.Logf("%s:%d ran", file, b.line)
	}
	if finished && err != nil {
		t.Errorf("%s: the session failed after its last block: %v\n%s", file, err, tail(out, 4000))
	}
	if failed := rec.take(); len(failed) > 0 {
		t.Errorf("%s: the server answered with a 5xx or a 429:\n  %s", file, strings.Join(failed, "\n  "))
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return "…" + string(b[len(b)-n:])
	}
	return string(b)
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinks fails when a relative link of the README or a guide names a
// file that does not exist.
func TestLinks(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := append(docFiles(t, root), "ARCHITECTURE.md", "SCALING.md", "BENCHMARKS.md", "RELIABILITY.md")
	checked := 0
	for _, file := range files {
		src, err := os.ReadFile(filepath.Join(root, file))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(src), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			checked++
			if _, err := os.Stat(filepath.Join(root, filepath.Dir(file), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, m[1])
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative link found: the scan is broken")
	}
}
