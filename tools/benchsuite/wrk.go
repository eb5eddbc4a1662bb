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
// finds, each asked once; then, when a run is fast enough to get past
// them, the same models typed otherwise (coldPasses), each again a
// question never asked before. No cold question is ever asked twice:
// paths.lua stops a thread when its share of the list is used up, and
// the run is then reported as such (its rate counts the idle end).

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
	// Models is how many models the cold list is about (its first pass);
	// cold requests past it asked those models again, typed otherwise.
	Models int `json:"models,omitempty"`
	// UsedUp: the cold list ran out before the run's end; its threads
	// stopped rather than ask a question twice, so PerSec is understated.
	UsedUp bool `json:"used_up,omitempty"`
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

// coldPasses types each verified model in these ways, one pass over every
// model after the other, so that the first pass asks every model once
// before any is asked again: as printed with its brand, then the number
// alone in lower case, then the brand in capitals with the number written
// without separators, then the number alone with spaces for separators.
// Each pass slips one question in slipEvery. Every question is a text
// never asked before, so neither the kept answers nor the matcher's kept
// decisions (both keyed on the text as typed) can serve it.
var coldPasses = []func(brand, number string) (string, string){
	func(b, n string) (string, string) { return b, n },
	func(b, n string) (string, string) { return "", strings.ToLower(n) },
	func(b, n string) (string, string) {
		return strings.ToUpper(b), strings.NewReplacer("-", "", " ", "", "/", "", ".", "").Replace(n)
	},
	func(b, n string) (string, string) {
		return "", strings.NewReplacer("-", " ", "/", " ", ".", " ").Replace(n)
	},
}

// coldFor is the cold run's length (--cold-duration): short enough that a
// fast server stays within the list's first pass, where every question is
// about a model never asked before.
var coldFor = wrkFor

// verifyPaths writes the warm and cold path lists from the generated
// models.csv: n distinct cold paths about models verified models.
func (s *suite) verifyPaths() (warm, cold string, n, models int, err error) {
	f, err := os.Open(s.path("gen/models.csv"))
	if err != nil {
		return "", "", 0, 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return "", "", 0, 0, err
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
			return "", "", 0, 0, err
		}
		if rec[col["status"]] == "verified" {
			ms = append(ms, model{rec[col["brand"]], rec[col["model_number"]]})
		}
	}
	rnd := rand.New(rand.NewPCG(18, 3))
	rnd.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	path := func(brand, number string) string {
		v := url.Values{"model": {number}}
		if brand != "" {
			v.Set("brand", brand)
		}
		return "/v1/verify?" + v.Encode()
	}
	var w, c strings.Builder
	for i, m := range ms {
		if i < 1000 {
			w.WriteString(path(m.brand, m.number) + "\n")
		}
	}
	seen := make(map[string]bool, len(coldPasses)*len(ms))
	for _, typed := range coldPasses {
		for i, m := range ms {
			brand, number := typed(m.brand, m.number)
			if i%slipEvery == slipEvery-1 {
				number = slip(rnd, number)
			}
			p := path(brand, number)
			if seen[p] {
				continue
			}
			seen[p] = true
			c.WriteString(p + "\n")
		}
	}
	warm, cold = s.path("verify-warm.txt"), s.path("verify-cold.txt")
	if err := os.WriteFile(warm, []byte(w.String()), 0o644); err != nil {
		return "", "", 0, 0, err
	}
	return warm, cold, len(seen), len(ms), os.WriteFile(cold, []byte(c.String()), 0o644)
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
// paths file with paths.lua when paths is set: over and over, or with once
// never a path twice.
func (s *suite) wrk(ctx context.Context, target, base, path, paths string, once bool) (WrkResult, error) {
	res := WrkResult{Target: target, Conns: wrkConns}
	d := wrkFor
	if once {
		d = coldFor
	}
	args := []string{"-t2", fmt.Sprintf("-c%d", wrkConns), fmt.Sprintf("-d%ds", max(1, int(d.Seconds()))), "--latency"}
	if paths != "" {
		lua := s.path("paths.lua")
		if err := os.WriteFile(lua, pathsLua, 0o644); err != nil {
			return res, err
		}
		args = append(args, "-s", lua, base, "--", paths, "2")
		if once {
			args = append(args, "once")
		}
	} else {
		args = append(args, base+path)
	}
	r, err := s.exec(ctx, command{name: "wrk", args: args})
	if err != nil {
		return res, err
	}
	res, err = parseWrk(res, r.Stdout)
	res.UsedUp = strings.Contains(r.Stdout, "paths.lua: list used up")
	return res, err
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
	warm, cold, n, models, err := s.verifyPaths()
	if err != nil {
		return err
	}
	noop, stopNoop, err := s.startNoop(ctx)
	if err != nil {
		return err
	}
	defer stopNoop()
	before, err := s.wrk(ctx, "echo no-op", noop, "/noop", "", false)
	if err != nil {
		return err
	}
	// The cold run walks every model once, before anything asked them,
	// then the same models typed otherwise; never a question twice.
	coldRes, err := s.wrk(ctx, "verify cold", srv.url, "", cold, true)
	if err != nil {
		return err
	}
	coldRes.Paths, coldRes.Models = n, models
	coldRes.UsedUp = coldRes.UsedUp || coldRes.Requests >= n
	s.note("verify cold on %s asked %d distinct questions (none twice) about %d verified models: %s",
		database, coldRes.Requests, models, coldSpread(coldRes.Requests, models))
	if coldRes.UsedUp {
		s.note("verify cold on %s used up its %d questions before the run's end: its threads stopped rather than ask one twice, so its rate is understated; give it a longer list", database, n)
	}
	// Warm: one pass over the warm list first.
	if _, err := s.wrk(ctx, "verify warm-up", srv.url, "", warm, false); err != nil {
		return err
	}
	warmRes, err := s.wrk(ctx, "verify warm", srv.url, "", warm, false)
	if err != nil {
		return err
	}
	after, err := s.wrk(ctx, "echo no-op", noop, "/noop", "", false)
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

// coldSpread says how far into the cold list's passes a run of requests got.
func coldSpread(requests, models int) string {
	if models == 0 || requests <= models {
		return "each model asked at most once"
	}
	return fmt.Sprintf("every model once, then %d of them again typed otherwise (%.1f passes of %d)",
		requests-models, float64(requests)/float64(models), len(coldPasses))
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
	b.WriteString("Cold walks every verified model once in a shuffled order, one in ten with a typing slip, then the same models typed otherwise, and never asks a question twice; warm asks the same 1,000 models again and again.\n\n")
	b.WriteString("| Database | Target | Requests/s | Of the no-op | p50 | p99 | Non-2xx | Distinct questions |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range r.Ceiling {
		ratio := ""
		if c.Ratio > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*c.Ratio)
		}
		distinct := ""
		if c.Models > 0 {
			distinct = fmt.Sprintf("%s about %s models", thousands(c.Requests), thousands(c.Models))
			if c.UsedUp {
				distinct += " (list used up: rate understated)"
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %.2f ms | %.2f ms | %d | %s |\n", c.Database, c.Target, thousands(int(c.PerSec)), ratio, c.P50Ms, c.P99Ms, c.Non2xx+c.Errors, distinct)
	}
	b.WriteString("\n")
}
