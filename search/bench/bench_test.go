// Package bench measures search speed through the HTTP API over a big
// registry: 100,000 camera models and 200,000 traders (set BENCH_MODELS
// and BENCH_ORGS for another size), on the search backend that -backend
// (or CAMREG_BENCH_BACKEND) names: bleve by default, meilisearch or
// postgres (see backend_test.go). It is a benchmark only, never run by
// `go test` without -bench:
//
//	go test -run='^$' -bench=BenchmarkSearchAPI -benchtime=2000x -timeout=60m ./search/bench/
//
// Rows are written straight into a SQLite registry (the services would
// take an hour to write 300,000 rows with their change-log events, and
// they are not what is measured); the index is then built from them by
// search.Reindex, through the shared document builder, as `camreg
// reindex` does. With BENCH_DIR set, the registry, the index and the query
// mix are kept in that directory and reused by the next run (delete it
// after a change to the document builder or the mapping).
package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"camreg/api"
	"camreg/fold"
	"camreg/migrations"
	"camreg/models"
	"camreg/search"
	"camreg/search/searchtest"
)

type fixture struct {
	dir     string
	store   *models.Store
	idx     search.Index
	backend *backend
	server  *httptest.Server
	queries []string
}

var (
	setupOnce sync.Once
	fx        *fixture
	setupErr  error
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

var brands = []string{"Hikvision", "Dahua", "KBVision", "Imou", "EZVIZ", "TP-Link", "Xiaomi", "Yoosee", "Vantech",
	"Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel", "VNPT Technology", "FPT Camera", "BKAV", "Ebitcam"}
var prefixes = []string{"DS-2CD", "IPC-HFW", "KX-A", "IPC-A", "CS-C", "Tapo C", "MJSXJ", "YS-HD", "VP-", "QNV-", "WV-S",
	"M", "XNV-", "IPC2", "HC", "ONE-IP", "FPT-IQ", "AIVIEW-", "EBF"}
var shopWords = []string{"Minh Phát", "Thành Đạt", "Hoàng Long", "Phúc An", "Đức Thịnh", "Sông Hàn", "Bình Minh",
	"Việt Tiến", "Quang Huy", "Hải Đăng", "Trường Sơn", "Ánh Dương", "Tân Phú", "Kim Ngân", "Đại Phát", "Hưng Thịnh"}
var shopKinds = []string{"Cửa hàng Camera", "Công ty TNHH Thiết bị An ninh", "Điện máy", "Cửa hàng Điện tử", "Hộ kinh doanh"}
var streets = []string{"Lê Duẩn", "Trần Phú", "Nguyễn Huệ", "Lê Lợi", "Hai Bà Trưng", "Bạch Đằng", "Điện Biên Phủ"}

func setup(b *testing.B) *fixture {
	setupOnce.Do(func() { fx, setupErr = build(b) })
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return fx
}

func build(b *testing.B) (*fixture, error) {
	if dir := os.Getenv("BENCH_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "queries.json")); err == nil {
			return reuse(dir)
		}
	}
	ctx := context.Background()
	nModels, nOrgs := envInt("BENCH_MODELS", 100_000), envInt("BENCH_ORGS", 200_000)
	dir := os.Getenv("BENCH_DIR")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "camreg-bench-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	st, err := models.Open(filepath.Join(dir, "camreg.db"))
	if err != nil {
		return nil, err
	}
	if _, err := migrations.Up(ctx, st.DB(), string(st.Dialect())); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	var queries []string
	if err := insert(st.DB(), nModels, nOrgs, r, &queries); err != nil {
		return nil, err
	}
	fmt.Printf("BENCH rows: %d models, %d traders written in %s\n", nModels, nOrgs, time.Since(start).Round(time.Millisecond))

	if os.Getenv("BENCH_DIR") != "" {
		js, err := json.Marshal(queries)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "queries.json"), js, 0o644); err != nil {
			return nil, err
		}
	}
	return index(ctx, dir, st, queries)
}

// index opens the selected backend's index over the registry, building
// it with search.Reindex when it is new, and serves the API over both.
func index(ctx context.Context, dir string, st *models.Store, queries []string) (*fixture, error) {
	be, err := openBackend(ctx, dir, st)
	if err != nil {
		return nil, err
	}
	if !be.fresh {
		fmt.Printf("BENCH reusing the %s index in %s\n", *backendName, dir)
		return serve(dir, st, be, queries), nil
	}
	start := time.Now()
	n, err := search.Reindex(ctx, st, be.idx)
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	size := "unknown"
	if b := be.size(); b >= 0 {
		size = fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	fmt.Printf("BENCH index build (%s): %d documents in %s (%.0f docs/s); index size %s\n",
		*backendName, n, took.Round(time.Millisecond), float64(n)/took.Seconds(), size)
	return serve(dir, st, be, queries), nil
}

// reuse opens the registry and index a previous run left in BENCH_DIR,
// so that trying a change to the query costs seconds, not minutes.
func reuse(dir string) (*fixture, error) {
	js, err := os.ReadFile(filepath.Join(dir, "queries.json"))
	if err != nil {
		return nil, err
	}
	var queries []string
	if err := json.Unmarshal(js, &queries); err != nil {
		return nil, fmt.Errorf("read %s/queries.json: %w", dir, err)
	}
	st, err := models.Open(filepath.Join(dir, "camreg.db"))
	if err != nil {
		return nil, err
	}
	fmt.Printf("BENCH reusing the registry in %s\n", dir)
	return index(context.Background(), dir, st, queries)
}

func serve(dir string, st *models.Store, be *backend, queries []string) *fixture {
	srv := api.New(st, api.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Rates: map[string]api.Rate{"public": {PerSecond: 1e9, Burst: 1e9}}, Search: be.idx})
	ts := httptest.NewServer(srv.Handler())
	return &fixture{dir: dir, store: st, idx: be.idx, backend: be, server: ts, queries: queries}
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// insert writes the rows in one transaction and collects a query mix:
// exact and partial model numbers, shop names without diacritics,
// misspelt brands, tax codes.
func insert(db *sql.DB, nModels, nOrgs int, r *rand.Rand, queries *[]string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	orgStmt, err := tx.Prepare(`INSERT INTO organizations (id, version, created_at, updated_at, name, name_key, kind, tax_code, address, province_code, province_name, country)
		VALUES ($1, 1, $2, $2, $3, $4, 'retailer', $5, $6, $7, $8, 'VN')`)
	if err != nil {
		return err
	}
	taxSeen := map[string]bool{}
	for i := range nOrgs {
		p := models.Provinces[r.IntN(len(models.Provinces))]
		name := fmt.Sprintf("%s %s %s %d", shopKinds[r.IntN(len(shopKinds))], shopWords[r.IntN(len(shopWords))], p.Name, i)
		tax := ""
		for tax == "" || taxSeen[tax] {
			tax = taxCode(r, p.Code)
		}
		taxSeen[tax] = true
		addr := fmt.Sprintf("%d %s", 1+r.IntN(500), streets[r.IntN(len(streets))])
		if _, err := orgStmt.Exec(uuid.Must(uuid.NewV7()).String(), now, name, fold.Text(name), tax, addr, p.Code, p.Name); err != nil {
			return fmt.Errorf("insert organization: %w", err)
		}
		if i%2000 == 0 {
			*queries = append(*queries, fold.Text(name), tax)
		}
	}
	modelStmt, err := tx.Prepare(`INSERT INTO camera_models (id, version, created_at, updated_at, brand, brand_key, model_number, model_key, loose_key, name, kind, status)
		VALUES ($1, 1, $2, $2, $3, $4, $5, $6, $7, $8, 'ip', 'verified')`)
	if err != nil {
		return err
	}
	for i := range nModels {
		bi := r.IntN(len(brands))
		number := fmt.Sprintf("%s%d%s%02d-%s%d", prefixes[bi], r.IntN(10), string(rune('A'+r.IntN(26))), i%100,
			string(rune('A'+r.IntN(26))), i)
		name := fmt.Sprintf("Camera IP %dMP %s", 2+2*r.IntN(4), shopWords[r.IntN(len(shopWords))])
		if _, err := modelStmt.Exec(uuid.Must(uuid.NewV7()).String(), now, brands[bi], fold.Key(brands[bi]), number,
			fold.Key(number), fold.LooseKey(number), name); err != nil {
			return fmt.Errorf("insert model: %w", err)
		}
		if i%1000 == 0 {
			k := fold.Key(number)
			*queries = append(*queries, number, k[2:min(len(k), 9)], brands[bi][:len(brands[bi])-1]+" "+k[len(k)-5:])
		}
	}
	return tx.Commit()
}

func taxCode(r *rand.Rand, province string) string {
	weights := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for {
		s := province + fmt.Sprintf("%07d", 1+r.IntN(9_999_998))
		sum := 0
		for i, w := range weights {
			sum += w * int(s[i]-'0')
		}
		if check := 10 - sum%11; check < 10 {
			return s + strconv.Itoa(check)
		}
	}
}

// BenchmarkSearchAPI measures GET /v1/search latency over real HTTP,
// from one client and from 32 at once, and reports p50 and p99.
func BenchmarkSearchAPI(b *testing.B) {
	f := setup(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(q string) (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(f.server.URL + "/v1/search?limit=20&q=" + url.QueryEscape(q))
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("q=%q: status %d", q, resp.StatusCode)
		}
		return time.Since(start), nil
	}
	for _, clients := range []int{1, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var next int64
			var mu sync.Mutex
			var wg sync.WaitGroup
			var firstErr error
			b.ResetTimer()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						i := next
						next++
						mu.Unlock()
						if i >= int64(b.N) {
							return
						}
						d, err := get(f.queries[int(i)%len(f.queries)])
						if err != nil {
							mu.Lock()
							firstErr = err
							mu.Unlock()
							return
						}
						lat[i] = d
						if slow := envInt("BENCH_SLOW_MS", 0); slow > 0 && d > time.Duration(slow)*time.Millisecond {
							fmt.Printf("BENCH slow %s: %q\n", d.Round(time.Millisecond), f.queries[int(i)%len(f.queries)])
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			slices.Sort(lat)
			p50, p99 := lat[len(lat)*50/100], lat[min(len(lat)-1, len(lat)*99/100)]
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			fmt.Printf("BENCH clients=%d requests=%d p50=%s p99=%s\n", clients, b.N, p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond))
		})
	}
}

// BenchmarkSearchRelevanceQueries runs the 223 relevance queries
// (search/testdata) against the big index, through Index.Search: their
// shop names and streets are mostly not in the benchmark registry, so they
// show what a query with a missing word costs.
func BenchmarkSearchRelevanceQueries(b *testing.B) {
	f := setup(b)
	js, err := os.ReadFile(filepath.Join(searchtest.TestdataDir(), "queries.json"))
	if err != nil {
		b.Fatal(err)
	}
	var qs []searchtest.RelevanceQuery
	if err := json.Unmarshal(js, &qs); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range b.N {
		q := qs[i%len(qs)].Q
		start := time.Now()
		if _, err := f.idx.Search(ctx, search.Query{Text: q, Limit: search.DefaultLimit}); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
		if slow := envInt("BENCH_SLOW_MS", 0); slow > 0 && lat[i] > time.Duration(slow)*time.Millisecond {
			fmt.Printf("BENCH slow %s: %q\n", lat[i].Round(time.Millisecond), q)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	p50, p90, p99 := lat[len(lat)*50/100], lat[len(lat)*90/100], lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	fmt.Printf("BENCH relevance queries=%d p50=%s p90=%s p99=%s\n", b.N, p50.Round(10*time.Microsecond),
		p90.Round(10*time.Microsecond), p99.Round(10*time.Microsecond))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fx != nil {
		fx.server.Close()
		fx.backend.close()
		fx.store.Close()
		if os.Getenv("BENCH_DIR") == "" {
			fx.backend.drop()
			os.RemoveAll(fx.dir)
		}
	}
	os.Exit(code)
}
