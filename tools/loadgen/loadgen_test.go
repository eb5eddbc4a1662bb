package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer answers the routes the tool uses, counts the requests of
// each class as the server sees them, and fails some on purpose.
type fakeServer struct {
	mu       sync.Mutex
	byClass  map[Class]int
	statuses map[Class]map[int]int
	seq      int
	etags    map[string]string
	// failVerify answers every n-th verify with 500; failSearch every
	// n-th search with 429.
	failVerify, failSearch int
	badIfMatch             int
	unkeyedWrites          int
	// keyedReads counts the searches, verifies and reads sent with a key;
	// hidden hides the models from requests without one.
	keyedReads int
	hidden     bool
}

func newFakeServer() *fakeServer {
	return &fakeServer{byClass: map[Class]int{}, statuses: map[Class]map[int]int{}, etags: map[string]string{}}
}

func (f *fakeServer) count(c Class, status int) {
	f.byClass[c]++
	if f.statuses[c] == nil {
		f.statuses[c] = map[int]int{}
	}
	f.statuses[c][status]++
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := r.URL.Path
	keyed := r.Header.Get("Authorization") != ""
	if keyed && r.Method == http.MethodGet && (p == "/v1/search" || p == "/v1/verify" || p == "/v1/models/m1" || p == "/v1/models/m2") {
		f.keyedReads++
	}
	switch {
	case p == "/metrics":
		fmt.Fprintln(w, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345e+08")
	case p == "/v1/models" && r.URL.Query().Get("brand") == "":
		if r.URL.Query().Get("cursor") != "" || (f.hidden && !keyed) {
			writeJSON(w, 200, page[sampleModel]{})
			return
		}
		writeJSON(w, 200, page[sampleModel]{Items: []sampleModel{
			{ID: "m1", Brand: "Hikvision", ModelNumber: "DS-2CD1023G0E-I", ModelKey: "ds2cd1023g0ei", Status: "verified", FirmwareVersions: []string{"V5.5"}},
			{ID: "m2", Brand: "Dahua", ModelNumber: "IPC-HFW1230S", ModelKey: "ipchfw1230s", Status: "pending"},
		}, NextCursor: "next"})
	case p == "/v1/organizations" && r.URL.Query().Get("trader") == "true":
		hn := "01"
		writeJSON(w, 200, page[sampleOrg]{Items: []sampleOrg{{ID: "o1", Name: "Cửa hàng An Phát", ProvinceCode: &hn}}})
	case p == "/v1/certificates" && r.URL.Query().Get("limit") == "500":
		writeJSON(w, 200, page[idOnly]{Items: []idOnly{{ID: "c1"}}})
	case p == "/v1/listings" && r.Method == http.MethodGet && r.URL.Query().Get("province") == "":
		writeJSON(w, 200, page[idOnly]{Items: []idOnly{{ID: "l0"}}})
	case p == "/v1/search":
		status := 200
		if f.failSearch > 0 && (f.byClass[Search]+1)%f.failSearch == 0 {
			status = 429
		}
		f.count(Search, status)
		w.WriteHeader(status)
	case p == "/v1/verify":
		status := 200
		if f.failVerify > 0 && (f.byClass[Verify]+1)%f.failVerify == 0 {
			status = 500
		}
		f.count(Verify, status)
		w.WriteHeader(status)
	case r.Method == http.MethodPost && p == "/v1/listings":
		f.write(w, r, "")
	case r.Method == http.MethodPatch && strings.HasPrefix(p, "/v1/listings/"):
		f.write(w, r, strings.TrimPrefix(p, "/v1/listings/"))
	case r.Method == http.MethodGet:
		f.count(Read, 200)
		w.WriteHeader(200)
	default:
		http.NotFound(w, r)
	}
}

// write creates a listing, or changes one when the If-Match is its ETag.
func (f *fakeServer) write(w http.ResponseWriter, r *http.Request, id string) {
	if r.Header.Get("Authorization") != "Bearer k" {
		f.unkeyedWrites++
	}
	if id == "" {
		f.seq++
		id = fmt.Sprintf("l%d", f.seq)
		f.etags[id] = `"1"`
		w.Header().Set("ETag", `"1"`)
		f.count(Write, 201)
		writeJSON(w, 201, idOnly{ID: id})
		return
	}
	if r.Header.Get("If-Match") != f.etags[id] {
		f.badIfMatch++
		f.count(Write, 412)
		w.WriteHeader(412)
		return
	}
	f.seq++
	f.etags[id] = fmt.Sprintf(`"%d"`, f.seq)
	w.Header().Set("ETag", f.etags[id])
	f.count(Write, 200)
	w.WriteHeader(200)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func runAgainst(t *testing.T, f *fakeServer, cfg Config) *Result {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.URL, cfg.Key = srv.URL, "k"
	if cfg.Duration == 0 {
		cfg.Duration = time.Minute // a bound only: the run ends after MaxRequests
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRunHonoursTheMix(t *testing.T) {
	f := newFakeServer()
	const n = 4000
	res := runAgainst(t, f, Config{Clients: 8, MaxRequests: n, Seed: 1})
	total := 0
	for _, c := range Classes {
		total += f.byClass[c]
	}
	if total != n {
		t.Fatalf("server saw %d requests, want %d", total, n)
	}
	if res.Overall.Requests != n {
		t.Errorf("report counts %d requests, want %d", res.Overall.Requests, n)
	}
	for _, c := range Classes {
		share := float64(f.byClass[c]) / n * 100
		want := float64(DefaultMix[c])
		// Binomial: the standard deviation at 35 % of 4,000 is 0.75 point.
		if math.Abs(share-want) > 3 {
			t.Errorf("%s: %.1f %% of the requests, want %.0f ± 3", c, share, want)
		}
		if s := res.Class(c); s == nil || s.Requests != f.byClass[c] {
			t.Errorf("%s: report %+v, server saw %d", c, s, f.byClass[c])
		}
	}
	if f.keyedReads != 0 {
		t.Errorf("%d public requests carried the key", f.keyedReads)
	}
	if f.badIfMatch != 0 || f.unkeyedWrites != 0 {
		t.Errorf("%d PATCHes had a stale If-Match and %d writes had no key", f.badIfMatch, f.unkeyedWrites)
	}
	if f.statuses[Write][200] == 0 {
		t.Error("no listing was changed: writes only created")
	}
	if res.Overall.Errors != 0 {
		t.Errorf("errors = %d, want 0: %+v", res.Overall.Errors, res.Overall.Status)
	}
	if res.Memory == nil || res.Memory.Peak != 123450000 {
		t.Errorf("memory = %+v, want the /metrics figure", res.Memory)
	}
}

func TestRunSendsTheKeyWhenThePublicSeesNoModels(t *testing.T) {
	f := newFakeServer()
	f.hidden = true
	res := runAgainst(t, f, Config{Clients: 2, MaxRequests: 200, Seed: 3, Mix: Mix{Search: 1, Verify: 1}})
	if !res.Sample.AllKeyed || res.Sample.Models != 2 {
		t.Errorf("sample = %+v, want the 2 models seen with the key", res.Sample)
	}
	if f.keyedReads != 200 {
		t.Errorf("%d of 200 requests carried the key", f.keyedReads)
	}
}

func TestRunCountsErrorsByStatus(t *testing.T) {
	f := newFakeServer()
	f.failVerify, f.failSearch = 7, 5
	res := runAgainst(t, f, Config{Clients: 4, MaxRequests: 2000, Seed: 2, Mix: Mix{Search: 50, Verify: 50}})
	verify, search := res.Class(Verify), res.Class(Search)
	if verify == nil || search == nil {
		t.Fatalf("classes = %+v", res.Classes)
	}
	if got, want := verify.ServerErrors, f.statuses[Verify][500]; got != want || want == 0 {
		t.Errorf("verify 5xx = %d, server sent %d", got, want)
	}
	if got, want := search.RateLimited, f.statuses[Search][429]; got != want || want == 0 {
		t.Errorf("search 429s = %d, server sent %d", got, want)
	}
	if search.Errors != 0 {
		t.Errorf("search errors = %d: a 429 is counted apart, not as an error", search.Errors)
	}
	if res.Overall.Errors != f.statuses[Verify][500] || res.Overall.Status["500"] != f.statuses[Verify][500] {
		t.Errorf("overall errors = %d, statuses %v; server sent %d 500s", res.Overall.Errors, res.Overall.Status, f.statuses[Verify][500])
	}
	if res.Class(Write) != nil || res.Class(Read) != nil {
		t.Error("classes out of the mix were sent")
	}
}

func TestRunCountsRefusedConnections(t *testing.T) {
	f := newFakeServer()
	srv := httptest.NewServer(f)
	url := srv.URL
	hc := &http.Client{}
	fx, err := prepare(context.Background(), hc, Config{URL: url, Sample: 10, Mix: DefaultMix})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	rec := newRecorder()
	cl := &client{cfg: &Config{URL: url, Timeout: time.Second}, hc: hc, fx: fx, rec: rec, rng: rand.New(rand.NewPCG(1, 1))}
	if cl.do(context.Background(), Verify, cl.verify()) {
		t.Fatal("a request to a closed server succeeded")
	}
	s := summarize(Config{Mix: DefaultMix}, time.Second, []*recorder{rec}).Overall
	if s.Transport != 1 || s.Errors != 1 || s.Timeouts != 0 {
		t.Errorf("stats = %+v, want one transport error", s)
	}
}

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    Mix
		wantErr bool
	}{
		{in: "search=35,verify=35,read=20,write=10", want: DefaultMix},
		{in: "search=100", want: Mix{Search: 100}},
		{in: " verify = 3 , search=1", want: Mix{Verify: 3, Search: 1}},
		{in: "search=0", wantErr: true},
		{in: "browse=10", wantErr: true},
		{in: "search=-1,verify=2", wantErr: true},
		{in: "search", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseMix(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseMix(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got.String() != tt.want.String() {
			t.Errorf("ParseMix(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p90 of 1..100", ms(hundred...), 90, 90 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p99 of ten is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(p%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestSlope(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"flat", []float64{0, 1, 2, 3}, []float64{5, 5, 5, 5}, 0},
		{"line", []float64{0, 1, 2, 3}, []float64{1, 3, 5, 7}, 2},
		{"noisy line", []float64{0, 1, 2, 3}, []float64{0, 2, 1, 3}, 0.8},
		{"one point", []float64{1}, []float64{3}, 0},
		{"same x", []float64{2, 2}, []float64{1, 3}, 0},
	}
	for _, tt := range tests {
		if got := Slope(tt.x, tt.y); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Slope = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMemoryReportSlopeOverTheSecondHalf(t *testing.T) {
	// Warm-up growth in the first half, flat after: the slope is 0.
	var samples []MemorySample
	for i := 0; i < 10; i++ {
		b := int64(100e6)
		if i < 5 {
			b = int64(50e6 + i*10e6)
		}
		samples = append(samples, MemorySample{T: float64(i * 30), Bytes: b})
	}
	r := memoryReport("test", samples)
	if r.SlopeMBPerMin != 0 || r.Peak != 100e6 || r.First != 50e6 || r.Last != 100e6 {
		t.Errorf("report = %+v", r)
	}
	// Growing by 1 MB every 30 s: 2 MB a minute.
	for i := range samples {
		samples[i].Bytes = int64(100e6 + i*1e6)
	}
	if r := memoryReport("test", samples); math.Abs(r.SlopeMBPerMin-2) > 1e-9 {
		t.Errorf("slope = %v MB/min, want 2", r.SlopeMBPerMin)
	}
}

func TestParseVmRSS(t *testing.T) {
	status := "Name:\tcamreg\nVmPeak:\t  900000 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"
	got, err := parseVmRSS(strings.NewReader(status))
	if err != nil || got != 123456*1024 {
		t.Errorf("parseVmRSS = %d, %v", got, err)
	}
	if _, err := parseVmRSS(strings.NewReader("Name:\tx\n")); err == nil {
		t.Error("a status without VmRSS parsed")
	}
}
