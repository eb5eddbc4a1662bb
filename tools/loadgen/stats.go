package loadgen

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// recorder holds one client's observations; each client has its own, so
// recording takes no lock, and they are merged at the end. Every latency
// is kept (8 bytes a request), so percentiles are exact.
type recorder struct {
	classes map[Class]*tally
}

type tally struct {
	latencies []time.Duration
	status    map[int]int
	timeouts  int
	transport int
}

func newRecorder() *recorder { return &recorder{classes: map[Class]*tally{}} }

func (r *recorder) tally(c Class) *tally {
	t := r.classes[c]
	if t == nil {
		t = &tally{status: map[int]int{}}
		r.classes[c] = t
	}
	return t
}

// answer records a request the server answered.
func (r *recorder) answer(c Class, took time.Duration, status int) {
	t := r.tally(c)
	t.latencies = append(t.latencies, took)
	t.status[status]++
}

// failure records a request that got no answer: a timeout or a transport
// error (refused, reset).
func (r *recorder) failure(c Class, took time.Duration, timeout bool) {
	t := r.tally(c)
	t.latencies = append(t.latencies, took)
	if timeout {
		t.timeouts++
	} else {
		t.transport++
	}
}

func (t *tally) merge(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	for s, n := range o.status {
		t.status[s] += n
	}
	t.timeouts += o.timeouts
	t.transport += o.transport
}

// Stats describe one class of request, or all of them.
type Stats struct {
	Class    string  `json:"class"`
	Requests int     `json:"requests"`
	PerSec   float64 `json:"requests_per_second"`
	P50Ms    float64 `json:"p50_ms"`
	P90Ms    float64 `json:"p90_ms"`
	P99Ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
	// Status counts every answer by HTTP status.
	Status map[string]int `json:"status"`
	// Errors are answers of 400 and over other than 429, plus timeouts and
	// transport errors: the goal is none.
	Errors       int `json:"errors"`
	ServerErrors int `json:"server_errors_5xx"`
	RateLimited  int `json:"rate_limited_429"`
	Timeouts     int `json:"timeouts"`
	Transport    int `json:"transport_errors"`
}

// Result is a run's report.
type Result struct {
	URL         string        `json:"url"`
	Clients     int           `json:"clients"`
	Mix         string        `json:"mix"`
	Planned     string        `json:"duration_planned"`
	Elapsed     float64       `json:"elapsed_seconds"`
	Started     time.Time     `json:"started"`
	Overall     Stats         `json:"overall"`
	Classes     []Stats       `json:"classes"`
	Memory      *MemoryReport `json:"memory,omitempty"`
	Sample      SampleInfo    `json:"sample"`
	Timeout     string        `json:"request_timeout"`
	MaxRequests int64         `json:"max_requests,omitempty"`
}

// SampleInfo says what the requests were drawn from.
type SampleInfo struct {
	Models       int `json:"models"`
	Verified     int `json:"verified_models"`
	Traders      int `json:"traders"`
	Certificates int `json:"certificates"`
	Listings     int `json:"listings"`
	Queries      int `json:"search_queries"`
	// AllKeyed: the public saw no models, so every request carried the key.
	AllKeyed bool `json:"all_requests_keyed,omitempty"`
}

// Class returns the stats of one class, or nil when the mix had none.
func (r *Result) Class(c Class) *Stats {
	for i := range r.Classes {
		if r.Classes[i].Class == string(c) {
			return &r.Classes[i]
		}
	}
	return nil
}

func summarize(cfg Config, elapsed time.Duration, recs []*recorder) *Result {
	res := &Result{URL: cfg.URL, Clients: cfg.Clients, Mix: cfg.Mix.String(), Planned: cfg.Duration.String(),
		Elapsed: elapsed.Seconds(), Started: time.Now().Add(-elapsed).UTC(), Timeout: cfg.Timeout.String(),
		MaxRequests: cfg.MaxRequests}
	all := &tally{status: map[int]int{}}
	for _, c := range Classes {
		t := &tally{status: map[int]int{}}
		for _, r := range recs {
			if rt := r.classes[c]; rt != nil {
				t.merge(rt)
			}
		}
		if len(t.latencies) == 0 {
			continue
		}
		all.merge(t)
		res.Classes = append(res.Classes, t.stats(string(c), elapsed))
	}
	res.Overall = all.stats("all", elapsed)
	return res
}

func (t *tally) stats(name string, elapsed time.Duration) Stats {
	slices.Sort(t.latencies)
	s := Stats{Class: name, Requests: len(t.latencies), Status: map[string]int{},
		P50Ms: ms(Percentile(t.latencies, 50)), P90Ms: ms(Percentile(t.latencies, 90)),
		P99Ms: ms(Percentile(t.latencies, 99)), Timeouts: t.timeouts, Transport: t.transport}
	if n := len(t.latencies); n > 0 {
		s.MaxMs = ms(t.latencies[n-1])
	}
	if elapsed > 0 {
		s.PerSec = float64(s.Requests) / elapsed.Seconds()
	}
	for code, n := range t.status {
		s.Status[strconv.Itoa(code)] = n
		switch {
		case code == 429:
			s.RateLimited += n
		case code >= 500:
			s.ServerErrors += n
			s.Errors += n
		case code >= 400:
			s.Errors += n
		}
	}
	s.Errors += t.timeouts + t.transport
	return s
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// Percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted
// latencies: the smallest value that at least p % of them do not exceed.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// Slope is the least-squares slope of y over x; 0 with fewer than two
// distinct x.
func Slope(x, y []float64) float64 {
	n := float64(len(x))
	if len(x) < 2 || len(x) != len(y) {
		return 0
	}
	var sx, sy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
	}
	mx, my := sx/n, sy/n
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	if sxx == 0 {
		return 0
	}
	return sxy / sxx
}
