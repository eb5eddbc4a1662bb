package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// MemorySample is the server's resident memory at T seconds into the run.
type MemorySample struct {
	T     float64 `json:"t_seconds"`
	Bytes int64   `json:"rss_bytes"`
}

// MemoryReport is memory over the run. The slope over the second half
// (after warm-up: caches filled, connections open) shows whether memory
// keeps growing; a few MB per minute is noise from the garbage collector.
type MemoryReport struct {
	Source  string         `json:"source"`
	Samples []MemorySample `json:"samples"`
	First   int64          `json:"first_bytes"`
	Last    int64          `json:"last_bytes"`
	Peak    int64          `json:"peak_bytes"`
	// SlopeMBPerMin is the least-squares slope of RSS over the second
	// half of the samples, in MB per minute.
	SlopeMBPerMin float64 `json:"second_half_slope_mb_per_min"`
}

type memorySampler struct {
	source string
	every  time.Duration
	read   func(ctx context.Context) (int64, error)
}

func newMemorySampler(hc *http.Client, cfg Config) *memorySampler {
	m := &memorySampler{every: cfg.MemoryEvery}
	if cfg.PID > 0 {
		path := fmt.Sprintf("/proc/%d/status", cfg.PID)
		m.source = path + " VmRSS"
		m.read = func(context.Context) (int64, error) { return readVmRSS(path) }
		return m
	}
	m.source = cfg.URL + "/metrics process_resident_memory_bytes"
	m.read = func(ctx context.Context) (int64, error) { return scrapeRSS(ctx, hc, cfg.URL+"/metrics") }
	return m
}

// run samples at once and then every interval until ctx ends. A failed
// read is skipped: memory is a report, not a reason to stop the run.
func (m *memorySampler) run(ctx context.Context) []MemorySample {
	var out []MemorySample
	start := time.Now()
	sample := func() {
		rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if b, err := m.read(rctx); err == nil {
			out = append(out, MemorySample{T: time.Since(start).Seconds(), Bytes: b})
		}
	}
	sample()
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sample()
			return out
		case <-t.C:
			sample()
		}
	}
}

// readVmRSS reads a process's resident set size from /proc/<pid>/status.
func readVmRSS(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmRSS(f)
}

func parseVmRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("VmRSS line %q", sc.Text())
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS line")
}

// scrapeRSS reads process_resident_memory_bytes from a Prometheus text page.
func scrapeRSS(ctx context.Context, hc *http.Client, u string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return parseMetricsRSS(resp.Body)
}

func parseMetricsRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return int64(v), err
		}
	}
	return 0, fmt.Errorf("no process_resident_memory_bytes in the metrics")
}

func memoryReport(source string, samples []MemorySample) *MemoryReport {
	if len(samples) == 0 {
		return nil
	}
	r := &MemoryReport{Source: source, Samples: samples, First: samples[0].Bytes, Last: samples[len(samples)-1].Bytes}
	for _, s := range samples {
		r.Peak = max(r.Peak, s.Bytes)
	}
	half := samples[len(samples)/2:]
	x, y := make([]float64, len(half)), make([]float64, len(half))
	for i, s := range half {
		x[i], y[i] = s.T/60, float64(s.Bytes)/1e6
	}
	r.SlopeMBPerMin = Slope(x, y)
	return r
}
