package systemtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The camreg binary under test, built on first use: tests that skip
// cost no build.
var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// camregBinary builds camreg from the repository root, once per test binary.
func camregBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := filepath.Abs("../..")
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "camreg-systemtest-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "camreg")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build camreg: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// repoPath is a path relative to the repository root.
func repoPath(rel string) string {
	root, _ := filepath.Abs("../..")
	return filepath.Join(root, rel)
}

// deployment is the configuration camreg processes share: the
// environment they run with (CAMREG_DB, CAMREG_SEARCH, MEILI_URL, ...).
type deployment map[string]string

// environ is the process environment: the test's own, without any camreg
// or Meilisearch setting, plus the deployment's.
func (d deployment) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CAMREG_") && !strings.HasPrefix(kv, "MEILI_") {
			env = append(env, kv)
		}
	}
	// The clients of these tests come from one address and one key.
	env = append(env, "CAMREG_RATE_LIMITS=public=100000:100000,admin=100000:100000")
	for k, v := range d {
		env = append(env, k+"="+v)
	}
	return env
}

// with returns a copy of d with more settings.
func (d deployment) with(kv ...string) deployment {
	c := deployment{}
	for k, v := range d {
		c[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

// run runs a camreg command to its end and returns its output and error.
func (d deployment) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, camregBinary(t), args...)
	cmd.Env = d.environ()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun runs a camreg command that must succeed.
func (d deployment) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := d.run(t, args...)
	if err != nil {
		t.Fatalf("camreg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// adminKey creates an admin key and returns it: the last line of
// `camreg keys create`.
func (d deployment) adminKey(t *testing.T) string {
	t.Helper()
	return lastLine(d.mustRun(t, "keys", "create", "--role", "admin", "--name", "systemtest"))
}

// auditVerify runs `camreg audit verify`, which must exit 0.
func (d deployment) auditVerify(t *testing.T) string {
	t.Helper()
	out := d.mustRun(t, "audit", "verify")
	return strings.TrimSpace(out)
}

// proc is a camreg process running in the background.
type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// start starts a camreg command in the background; it is killed when the
// test ends. Its output goes to a log file, shown when the test fails.
func (d deployment) start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(camregBinary(t), args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = d.environ(), f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start camreg %s: %v", strings.Join(args, " "), err)
	}
	p := &proc{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			tailLog(t, name, logPath)
		}
	})
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// exited tells whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tailLog shows the end of a process's log.
func tailLog(t *testing.T, name, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// A crash's cause heads its stack trace, which may be long.
	for i, l := range lines {
		if strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "unexpected fault") {
			t.Logf("%s crashed:\n%s", name, strings.Join(lines[i:min(i+4, len(lines))], "\n"))
			break
		}
	}
	var warnings []string
	for _, l := range lines {
		if !strings.Contains(l, `"msg":"request"`) && (strings.Contains(l, `"level":"WARN"`) || strings.Contains(l, `"level":"ERROR"`)) {
			warnings = append(warnings, l)
		}
	}
	if len(warnings) > 10 {
		warnings = warnings[len(warnings)-10:]
	}
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	t.Logf("last warnings in %s's log:\n%s\nlast lines:\n%s", name, strings.Join(warnings, "\n"), strings.Join(lines, "\n"))
}

// server is a `camreg serve` process on a loopback port.
type server struct {
	name string
	dep  deployment
	addr string
	url  string
	p    *proc
}

// startServer starts `camreg serve` on a free port and waits until it
// answers /healthz.
func startServer(t *testing.T, name string, d deployment) *server {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s := &server{name: name, dep: d.with("CAMREG_ADDR", addr), addr: addr, url: "http://" + addr}
	s.restart(t)
	return s
}

// restart starts the server again, on the same address and data.
func (s *server) restart(t *testing.T) {
	t.Helper()
	s.p = s.dep.start(t, s.name, "serve")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s.p.exited() {
			tailLog(t, s.name, s.p.log)
			t.Fatalf("%s exited at start", s.name)
		}
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer /healthz within 60 s", s.name)
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// clientTimeout is how long a test client waits for an answer. A request
// that takes longer counts as a hang: the server must answer 503 sooner.
const clientTimeout = 20 * time.Second

// client calls the API with a key, with clientTimeout.
type client struct {
	http *http.Client
	key  string
}

func newClient(key string) *client {
	return &client{http: &http.Client{Timeout: clientTimeout}, key: key}
}

// answer is one request's outcome.
type answer struct {
	status int
	body   []byte
	header http.Header
	err    error
	at     time.Time
}

// json decodes the answer's body into a map.
func (a answer) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(a.body, &m)
	return m
}

// str reads a top-level string field of the body.
func (a answer) str(field string) string {
	s, _ := a.json()[field].(string)
	return s
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	b := a.body
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%d %s", a.status, b)
}

// do sends a request with a body: nil for none, bytes as they are (set
// their Content-Type in headers), or any other value as JSON.
func (c *client) do(method, url string, body any, headers ...string) answer {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return answer{err: err}
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return answer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, at: time.Now()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: b, header: resp.Header, err: err, at: time.Now()}
}

// tally counts what clients saw.
type tally struct {
	mu sync.Mutex
	// ok are the 2xx answers; unavailable the 503s that were problem+json
	// with a Retry-After.
	ok, unavailable int
	// timeouts are requests with no answer within clientTimeout: hangs.
	timeouts int
	// refused are connections refused or reset: the server was not running.
	refused int
	// other is everything else (a 500, a 503 without Retry-After, ...);
	// samples shows the first few.
	other   int
	samples []string
	// okAt and unavailableAt are the times of the 2xx and 503 answers,
	// to measure reactions and recoveries.
	okAt, unavailableAt []time.Time
}

// add counts one answer and reports whether it was a 2xx.
func (t *tally) add(a answer) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ne net.Error
	switch {
	case a.err != nil && errors.As(a.err, &ne) && ne.Timeout():
		t.timeouts++
	case a.err != nil && (errors.Is(a.err, syscall.ECONNREFUSED) || errors.Is(a.err, syscall.ECONNRESET) ||
		errors.Is(a.err, io.EOF) || errors.Is(a.err, io.ErrUnexpectedEOF)):
		t.refused++
	case a.err == nil && a.status >= 200 && a.status < 300:
		t.ok++
		t.okAt = append(t.okAt, a.at)
		return true
	case a.err == nil && a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "" &&
		strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json"):
		t.unavailable++
		t.unavailableAt = append(t.unavailableAt, a.at)
	default:
		t.other++
		if len(t.samples) < 5 {
			t.samples = append(t.samples, a.String())
		}
	}
	return false
}

// firstOKAfter is the time from at to the first 2xx after it; -1 if none.
func (t *tally) firstOKAfter(at time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return firstAfter(t.okAt, at)
}

// firstUnavailableAfter is the time from at to the first 503 after it; -1
// if none.
func (t *tally) firstUnavailableAfter(at time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return firstAfter(t.unavailableAt, at)
}

// firstAfter is the time from at to the earliest of times after it.
func firstAfter(times []time.Time, at time.Time) time.Duration {
	best := time.Duration(-1)
	for _, x := range times {
		if d := x.Sub(at); d >= 0 && (best < 0 || d < best) {
			best = d
		}
	}
	return best
}

func (t *tally) String() string { return t.snapshot().String() }

// counts are a tally's counts at one moment.
type counts struct{ ok, unavailable, timeouts, refused, other int }

// snapshot returns the counts so far.
func (t *tally) snapshot() counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	return counts{t.ok, t.unavailable, t.timeouts, t.refused, t.other}
}

// minus is what was counted since an earlier snapshot.
func (c counts) minus(earlier counts) counts {
	return counts{c.ok - earlier.ok, c.unavailable - earlier.unavailable, c.timeouts - earlier.timeouts,
		c.refused - earlier.refused, c.other - earlier.other}
}

func (c counts) String() string {
	return fmt.Sprintf("2xx=%d,503=%d,timeouts=%d,refused=%d,other=%d", c.ok, c.unavailable, c.timeouts, c.refused, c.other)
}

// wantNoHangsOrErrors fails the test when clients saw a hang or an
// unclear error (anything but 2xx, a clear 503, or a refused connection).
func (t *tally) wantNoHangsOrErrors(tb testing.TB) {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timeouts > 0 {
		tb.Errorf("%d requests timed out after %s: the server hung instead of answering 503", t.timeouts, clientTimeout)
	}
	if t.other > 0 {
		tb.Errorf("%d answers were neither 2xx nor 503 with Retry-After, e.g. %q", t.other, t.samples)
	}
}

// report logs a line of figures that RELIABILITY.md quotes.
func report(t *testing.T, name string, kv ...any) {
	var b strings.Builder
	fmt.Fprintf(&b, "RELIABILITY %s", name)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	t.Log(b.String())
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	last := ""
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			last = l
		}
	}
	return last
}
