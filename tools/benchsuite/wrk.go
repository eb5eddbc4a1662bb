package main

import (
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Verify near the HTTP ceiling (issue #18 item 3): wrk against verify and,
// in the same run on the same cores, against echo answering a no-op JSON
// (served by this tool: it is no route of camreg's API). Warm asks the
// same 1,000 models over and over; cold walks every model of the registry
// in a shuffled order, a tenth of them with one slip (a substitution,
// insertion, deletion or transposition) that only the matcher's automaton
// finds, each asked once.

//go:embed wrk/paths.lua
var pathsLua []byte

// WrkResult is one wrk run.
type WrkResult struct {
	Target   string  `json:"target"`
	Database string  `json:"database,omitempty"`
	Conns    int     `json:"connections"`
	Requests int     `json:"requests"`
	PerSec   float64 `json:"requests_per_second"`
	P50Ms    float64 `json:"p50_ms"`
	P99Ms    float64 `json:"p99_ms"`
	Non2xx   int     `json:"non_2xx"`
	Errors   int     `json:"socket_errors"`
	// Ratio is PerSec over the no-op's in the same run.
	Ratio float64 `json:"ratio_to_noop,omitempty"`
	// Paths is how many distinct paths the run could walk (cold: more
	// than Requests, so none was asked twice).
	Paths int `json:"paths,omitempty"`
}

// wrkConns and wrkFor: wrk -t2 -c8 -d10s.
const (
	wrkConns = 8
	wrkFor   = 10 * time.Second
	// slipEvery: one cold path in slipEvery has a typo.
	slipEvery = 10
)

// serveNoop serves echo's no-op JSON answer on addr until killed: the
// ceiling verify is compared with (BenchmarkNoopEcho's handler).
func serveNoop(addr string) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/noop", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"verdict": "compliant"}) })
	return e.Start(addr)
}

// verifyPaths writes the warm and cold path lists from the generated
// models.csv.
func (s *suite) verifyPaths() (warm, cold string, n int, err error) {
	f, err := os.Open(s.path("gen/models.csv"))
	if err != nil {
		return "", "", 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return "", "", 0, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	type model struct{ brand, number string }
	var ms []model
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", 0, err
		}
		if rec[col["status"]] == "verified" {
			ms = append(ms, model{rec[col["brand"]], rec[col["model_number"]]})
		}
	}
	rnd := rand.New(rand.NewPCG(18, 3))
	rnd.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	path := func(m model) string {
		return "/v1/verify?" + url.Values{"model": {m.number}, "brand": {m.brand}}.Encode()
	}
	var w, c strings.Builder
	for i, m := range ms {
		if i < 1000 {
			w.WriteString(path(m) + "\n")
		}
		if i%slipEvery == slipEvery-1 {
			m.number = slip(rnd, m.number)
		}
		c.WriteString(path(m) + "\n")
	}
	warm, cold = s.path("verify-warm.txt"), s.path("verify-cold.txt")
	if err := os.WriteFile(warm, []byte(w.String()), 0o644); err != nil {
		return "", "", 0, err
	}
	return warm, cold, len(ms), os.WriteFile(cold, []byte(c.String()), 0o644)
}

// slip makes one typing slip in a model number, in its letters or digits.
func slip(r *rand.Rand, s string) string {
	b := []byte(s)
	var at []int
	for i, c := range b {
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			at = append(at, i)
		}
	}
	if len(at) < 4 {
		return s
	}
	p := at[1+r.IntN(len(at)-2)]
	other := byte('X')
	if b[p] == 'X' {
		other = 'K'
	}
	switch r.IntN(4) {
	case 0:
		b[p] = other
	case 1:
		b = append(b[:p], append([]byte{other}, b[p:]...)...)
	case 2:
		b = append(b[:p], b[p+1:]...)
	default:
		if p+1 < len(b) {
			b[p], b[p+1] = b[p+1], b[p]
		} else {
			b[p] = other
		}
	}
	return string(b)
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// wrk runs wrk -t2 -c8 -d10s --latency against base+path, or walks the
// paths file with paths.lua when paths is set.
func (s *suite) wrk(ctx context.Context, target, base, path, paths string) (WrkResult, error) {
	res := WrkResult{Target: target, Conns: wrkConns}
	args := []string{"-t2", fmt.Sprintf("-c%d", wrkConns), fmt.Sprintf("-d%ds", int(wrkFor.Seconds())), "--latency"}
	if paths != "" {
		lua := s.path("paths.lua")
		if err := os.WriteFile(lua, pathsLua, 0o644); err != nil {
			return res, err
		}
		args = append(args, "-s", lua, base, "--", paths, "2")
	} else {
		args = append(args, base+path)
	}
	r, err := s.exec(ctx, command{name: "wrk", args: args})
	if err != nil {
		return res, err
	}
	return parseWrk(res, r.Stdout)
}

func parseWrk(res WrkResult, out string) (WrkResult, error) {
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		return res, fmt.Errorf("no Requests/sec in wrk's output")
	}
	res.PerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkTotal.FindStringSubmatch(out); m != nil {
		res.Requests, _ = strconv.Atoi(m[1])
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		res.Non2xx, _ = strconv.Atoi(m[1])
	}
	if m := wrkSockErr.FindStringSubmatch(out); m != nil {
		for _, v := range m[1:] {
			n, _ := strconv.Atoi(v)
			res.Errors += n
		}
	}
	for _, m := range wrkPct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			res.P50Ms = v
		} else {
			res.P99Ms = v
		}
	}
	return res, nil
}

// wrkVerify measures, against srv: the no-op, verify cold, verify warm,
// and the no-op again; ratios are to the mean of the two no-op runs.
func (s *suite) wrkVerify(ctx context.Context, srv *server, database string) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		s.note("verify near the ceiling not measured: wrk is not installed")
		return nil
	}
	warm, cold, n, err := s.verifyPaths()
	if err != nil {
		return err
	}
	noop, stopNoop, err := s.startNoop(ctx)
	if err != nil {
		return err
	}
	defer stopNoop()
	before, err := s.wrk(ctx, "echo no-op", noop, "/noop", "")
	if err != nil {
		return err
	}
	// The cold run walks every model once, before anything asked them.
	coldRes, err := s.wrk(ctx, "verify cold", srv.url, "", cold)
	if err != nil {
		return err
	}
	coldRes.Paths = n
	if coldRes.Requests > n {
		s.note("verify cold on %s asked %d requests over %d models: some were asked twice", database, coldRes.Requests, n)
	}
	// Warm: one pass over the warm list first.
	if _, err := s.wrk(ctx, "verify warm-up", srv.url, "", warm); err != nil {
		return err
	}
	warmRes, err := s.wrk(ctx, "verify warm", srv.url, "", warm)
	if err != nil {
		return err
	}
	after, err := s.wrk(ctx, "echo no-op", noop, "/noop", "")
	if err != nil {
		return err
	}
	ceiling := (before.PerSec + after.PerSec) / 2
	for _, r := range []WrkResult{before, coldRes, warmRes, after} {
		r.Database = database
		if r.Target != "echo no-op" && ceiling > 0 {
			r.Ratio = r.PerSec / ceiling
		}
		s.report.Ceiling = append(s.report.Ceiling, r)
		if r.Non2xx > 0 || r.Errors > 0 {
			s.note("%s on %s: %d non-2xx answers, %d socket errors", r.Target, database, r.Non2xx, r.Errors)
		}
	}
	return nil
}

// startNoop starts this tool again as the no-op server, on a free port.
func (s *suite) startNoop(ctx context.Context) (string, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(self, "--noop", addr)
	s.commands = append(s.commands, "go run ./tools/benchsuite --noop "+addr)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	base := "http://" + addr
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/noop"); err == nil {
			resp.Body.Close()
			return base, stop, nil
		}
		select {
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	stop()
	return "", nil, fmt.Errorf("the no-op server did not answer")
}

// ceilingOnly is --ceiling: the wrk runs against a server already up,
// printed as the table BENCHMARKS.md shows.
func ceilingOnly(base, database string, s *suite) error {
	if s.dir == "" {
		return fmt.Errorf("--ceiling needs --dir holding gen/models.csv")
	}
	s.report.Machine.LoadBefore = loadAverage()
	if err := s.wrkVerify(context.Background(), &server{url: base}, database); err != nil {
		return err
	}
	s.report.Machine.LoadAfter = loadAverage()
	var b strings.Builder
	writeCeiling(&b, s.report)
	fmt.Print(b.String())
	for _, n := range s.report.Notes {
		fmt.Println("note:", n)
	}
	return nil
}

// writeCeiling writes the ceiling table.
func writeCeiling(b *strings.Builder, r Report) {
	if len(r.Ceiling) == 0 {
		return
	}
	fmt.Fprintf(b, "### Verify near the ceiling (`wrk -t2 -c%d -d%ds --latency`, against echo's no-op JSON in the same run; load average %s → %s)\n\n",
		wrkConns, int(wrkFor.Seconds()), r.Machine.LoadBefore, r.Machine.LoadAfter)
	b.WriteString("Cold walks every verified model once in a shuffled order, one in ten with a typing slip; warm asks the same 1,000 models again and again.\n\n")
	b.WriteString("| Database | Target | Requests/s | Of the no-op | p50 | p99 | Non-2xx |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range r.Ceiling {
		ratio := ""
		if c.Ratio > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*c.Ratio)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %.2f ms | %.2f ms | %d |\n", c.Database, c.Target, thousands(int(c.PerSec)), ratio, c.P50Ms, c.P99Ms, c.Non2xx+c.Errors)
	}
	b.WriteString("\n")
}
