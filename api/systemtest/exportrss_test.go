package systemtest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeasureConcurrentExports measures what 30 concurrent anonymous
// downloads of listings.xlsx cost the server (#14: before exports took
// their own admission slots, they took RSS to 1.36 GB and verify to 0.5 s):
// the server's peak RSS, how the 30 were answered (200, or 503 busy once
// the export slots, 2 per CPU, are full), and verify's latency while they
// run against the same server idle. A measurement, not a pass/fail on
// speed: run it with CAMREG_MEASURE=1 (CAMREG_MEASURE_SCALE=small|medium,
// default small: 20,000 listings). It fails only on a 5xx other than 503,
// or a hang.
func TestMeasureConcurrentExports(t *testing.T) {
	if os.Getenv("CAMREG_MEASURE") != "1" {
		t.Skip("a measurement: run with CAMREG_MEASURE=1")
	}
	scale := os.Getenv("CAMREG_MEASURE_SCALE")
	if scale == "" {
		scale = "small"
	}
	d := deployment{"CAMREG_DATA": t.TempDir(), "CAMREG_RATE_LIMITS": "public=100000:100000"}
	d.mustRun(t, "migrate", "up")
	d.mustRun(t, "gen", "--seed", "7", "--scale", scale, "--out", t.TempDir(), "--load")
	srv := startServer(t, "serve", d)
	pid := srv.p.cmd.Process.Pid

	// A model number that verify finds.
	c := newClient("")
	models := c.do("GET", srv.url+"/v1/models?limit=1", nil).json()
	items, _ := models["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no model to verify")
	}
	m := items[0].(map[string]any)
	verifyURL := srv.url + "/v1/verify?model=" + strings.ReplaceAll(m["model_number"].(string), " ", "%20")

	latencies := func(stop <-chan struct{}, n int) []time.Duration {
		var out []time.Duration
		for i := 0; i < n || n == 0; i++ {
			select {
			case <-stop:
				return out
			default:
			}
			start := time.Now()
			a := c.do("GET", verifyURL, nil)
			if a.status != http.StatusOK {
				t.Errorf("verify during exports: %s", a)
			}
			out = append(out, time.Since(start))
		}
		return out
	}
	idle := latencies(nil, 100)
	idleRSS := rssKB(t, pid, "VmRSS")

	// Peak RSS, sampled every 20 ms (and VmHWM, the kernel's own peak).
	var peak atomic.Int64
	stopSampling := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
				if kb := rssKB(t, pid, "VmRSS"); kb > peak.Load() {
					peak.Store(kb)
				}
			}
		}
	}()

	const n = 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	var sizes []int64
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.url + "/v1/export/listings.xlsx")
			if err != nil {
				t.Errorf("export: %v", err)
				return
			}
			size, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			if resp.StatusCode == http.StatusOK {
				sizes = append(sizes, size)
			}
			mu.Unlock()
		}()
	}
	stopVerify := make(chan struct{})
	busy := make(chan []time.Duration)
	go func() { busy <- latencies(stopVerify, 0) }()
	wg.Wait()
	took := time.Since(start)
	close(stopVerify)
	during := <-busy
	close(stopSampling)
	for code := range codes {
		if code >= 500 && code != http.StatusServiceUnavailable {
			t.Errorf("%d exports answered %d", codes[code], code)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	report(t, "exports30", "scale", scale, "answers", fmt.Sprint(codes), "xlsx_bytes", fmt.Sprint(slices.Max(append(sizes, 0))),
		"took", took.Round(time.Millisecond), "rss_idle_mb", idleRSS/1024, "rss_peak_mb", peak.Load()/1024,
		"hwm_mb", rssKB(t, pid, "VmHWM")/1024,
		"verify_idle_p50", pct(idle, 50), "verify_idle_p99", pct(idle, 99),
		"verify_during_p50", pct(during, 50), "verify_during_p99", pct(during, 99), "verify_during_n", len(during),
		"loadavg", strings.Join(strings.Fields(string(load))[:3], "/"))
}

// rssKB reads a field (VmRSS, VmHWM) of /proc/PID/status, in kB.
func rssKB(t *testing.T, pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond)
}
