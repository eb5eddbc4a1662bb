// Package loadgen drives a running camreg server with a realistic mix of
// requests from N concurrent clients, and reports what it saw: throughput,
// latency percentiles per class of request, errors by status, timeouts,
// and the server's memory over time.
//
// The model is closed-loop: each client sends its next request as soon as
// the previous one is answered, as a person or a script at the other end
// would. An open-loop tool (a fixed request rate, like vegeta's) measures
// something else, how long requests queue once the server falls behind;
// here the question is how much the server does for 200 clients, and
// whether it keeps doing it for minutes without errors or growing memory.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Class is a kind of request in the mix.
type Class string

// The classes of the mix. Search and verify are the public's questions;
// reads are records, lists and permalinks; writes create listings and
// change them.
const (
	Search Class = "search"
	Verify Class = "verify"
	Read   Class = "read"
	Write  Class = "write"
)

// Classes lists the classes in the order reports show them.
var Classes = []Class{Search, Verify, Read, Write}

// Mix is the share of each class, as integer weights.
type Mix map[Class]int

// DefaultMix is issue #7's mix: 70 % search and verify, 20 % reads, 10 % writes.
var DefaultMix = Mix{Search: 35, Verify: 35, Read: 20, Write: 10}

// ParseMix reads "search=35,verify=35,read=20,write=10". Classes left out
// get no requests; at least one weight must be positive.
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	total := 0
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(w))
		name = strings.TrimSpace(name)
		if !ok || err != nil || n < 0 || !knownClass(Class(name)) {
			return nil, fmt.Errorf("mix %q: write class=weight with a class among search, verify, read, write and a weight ≥ 0", part)
		}
		m[Class(name)] = n
		total += n
	}
	if total == 0 {
		return nil, fmt.Errorf("mix %q: give at least one positive weight", s)
	}
	return m, nil
}

func knownClass(c Class) bool {
	for _, k := range Classes {
		if k == c {
			return true
		}
	}
	return false
}

// String writes the mix back in ParseMix's form.
func (m Mix) String() string {
	var parts []string
	for _, c := range Classes {
		if m[c] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", c, m[c]))
		}
	}
	return strings.Join(parts, ",")
}

// Config is one run.
type Config struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Key is an admin API key: writes need it. Searches, verifies and
	// reads are sent without it, as the public sends them.
	Key      string
	Clients  int
	Duration time.Duration
	// MaxRequests, when positive, ends the run after that many requests
	// (whichever of it and Duration comes first); tests use it.
	MaxRequests int64
	Mix         Mix
	// Timeout bounds each request; one that takes longer counts as a timeout.
	Timeout time.Duration
	// PID is the server's process id: its RSS is read from /proc. Without
	// it, process_resident_memory_bytes is read from /metrics.
	PID int
	// MemoryEvery is how often memory is sampled (default 5 s).
	MemoryEvery time.Duration
	// Queries are search queries to use besides the ones made from the
	// sample (model numbers, brands, trader names).
	Queries []string
	// Sample is how many models to fetch from the server to draw requests
	// from (default 5,000).
	Sample int
	Seed   uint64
	// Progress, when set, gets a line every ProgressEvery (default 10 s).
	Progress      io.Writer
	ProgressEvery time.Duration
}

func (c *Config) defaults() error {
	if c.URL == "" {
		return errors.New("the server's URL is required")
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Clients <= 0 {
		return errors.New("clients must be at least 1")
	}
	if c.Duration <= 0 && c.MaxRequests <= 0 {
		return errors.New("give a duration or a number of requests")
	}
	if c.Mix == nil {
		c.Mix = DefaultMix
	}
	if c.Mix[Write] > 0 && c.Key == "" {
		return errors.New("writes need an admin key (--key), or leave write out of the mix")
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MemoryEvery <= 0 {
		c.MemoryEvery = 5 * time.Second
	}
	if c.Sample <= 0 {
		c.Sample = 5000
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 10 * time.Second
	}
	return nil
}

// Run prepares the requests from the server's own data, then drives it
// until the duration or the request count is reached.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	hc := &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        cfg.Clients * 2,
			MaxIdleConnsPerHost: cfg.Clients * 2,
			IdleConnTimeout:     90 * time.Second,
		},
		// A redirect is an answer in itself (a permalink not in canonical form).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer hc.CloseIdleConnections()
	fx, err := prepare(ctx, hc, cfg)
	if err != nil {
		return nil, fmt.Errorf("prepare the requests: %w", err)
	}

	runCtx := ctx
	var cancel context.CancelFunc
	if cfg.Duration > 0 {
		runCtx, cancel = context.WithTimeout(ctx, cfg.Duration)
	} else {
		runCtx, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	mem := newMemorySampler(hc, cfg)
	memDone := make(chan []MemorySample, 1)
	go func() { memDone <- mem.run(runCtx) }()

	var sent, failed atomic.Int64
	stopProgress := startProgress(runCtx, cfg, &sent, &failed)
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	start := time.Now()
	recs := make([]*recorder, cfg.Clients)
	var wg sync.WaitGroup
	for i := range recs {
		recs[i] = newRecorder()
		cl := &client{id: i, runID: runID, cfg: &cfg, hc: hc, fx: fx, rec: recs[i],
			rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)), picker: newPicker(cfg.Mix)}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl.loop(ctx, runCtx, &sent, &failed)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	stopProgress()
	samples := <-memDone

	res := summarize(cfg, elapsed, recs)
	res.Memory = memoryReport(mem.source, samples)
	res.Sample = fx.describe()
	return res, nil
}

// startProgress prints a line every ProgressEvery until stop is called.
func startProgress(ctx context.Context, cfg Config, sent, failed *atomic.Int64) (stop func()) {
	if cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(cfg.ProgressEvery)
		defer t.Stop()
		start, last := time.Now(), int64(0)
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case now := <-t.C:
				n := sent.Load()
				fmt.Fprintf(cfg.Progress, "%6.0fs  %9d requests  %7.0f req/s  %d not ok\n",
					now.Sub(start).Seconds(), n, float64(n-last)/cfg.ProgressEvery.Seconds(), failed.Load())
				last = n
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// picker draws a class with the mix's weights.
type picker struct {
	classes []Class
	cum     []int
	total   int
}

func newPicker(m Mix) *picker {
	p := &picker{}
	for _, c := range Classes {
		if m[c] > 0 {
			p.total += m[c]
			p.classes = append(p.classes, c)
			p.cum = append(p.cum, p.total)
		}
	}
	return p
}

func (p *picker) pick(rng *rand.Rand) Class {
	n := rng.IntN(p.total)
	i := sort.SearchInts(p.cum, n+1)
	return p.classes[i]
}
