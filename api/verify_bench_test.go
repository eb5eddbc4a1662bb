package api

import (
	"bytes"
	"context"
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
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/migrations"
	"camreg/models"
)

// The verify benchmarks run /v1/verify through the whole HTTP handler
// (middleware included) against a registry of 100,000 camera models on
// SQLite. Building that registry through the services takes minutes, so it
// is built once into a file and reused by later runs: CAMREG_BENCH_DB, or
// camreg-bench-verify-100k.db in the temp dir (delete it to rebuild).
// BENCHMARKS.md serves the same file with `camreg serve` for the load test.
//
//	make bench-verify

// benchModels is the size of the benchmark registry: 100,000, or
// CAMREG_BENCH_MODELS (a smaller registry builds in seconds, for profiling).
var benchModels = func() int {
	if n, err := strconv.Atoi(os.Getenv("CAMREG_BENCH_MODELS")); err == nil && n >= 1000 {
		return n
	}
	return 100_000
}()

// benchBrands are the brands the generated models spread over.
var benchBrands = []string{"Hikvision", "Dahua", "KBVision", "Imou", "EZVIZ", "TP-Link", "Xiaomi", "Yoosee", "Vantech",
	"Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel", "VNPT Technology", "FPT Camera", "BKAV", "Ebitcam", "Tiandy"}

// benchNumber is the i-th generated model number: unique within its brand,
// shaped like the real ones ("DS-2CD1023G0E-I").
func benchNumber(i int) string {
	return fmt.Sprintf("DS-%dCD%05dG%dE-I", i%7+1, i, i%3)
}

func benchBrand(i int) string { return benchBrands[i%len(benchBrands)] }

// openBenchStore opens (and migrates) the benchmark registry, building it
// if it holds fewer than benchModels models.
func openBenchStore(b *testing.B) *models.Store {
	b.Helper()
	path := os.Getenv("CAMREG_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "camreg-bench-verify-100k.db")
		if benchModels != 100_000 {
			path = filepath.Join(os.TempDir(), fmt.Sprintf("camreg-bench-verify-%d.db", benchModels))
		}
	}
	st, err := models.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := migrations.Up(ctx, st.DB(), string(st.Dialect())); err != nil {
		b.Fatal(err)
	}
	counts, err := st.Counts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if counts["camera_models"] >= int64(benchModels) {
		return st
	}
	if counts["camera_models"] > 0 {
		b.Fatalf("%s holds a partial registry (%d models); remove it", path, counts["camera_models"])
	}
	start := time.Now()
	if err := buildBenchRegistry(ctx, st, benchModels); err != nil {
		b.Fatal(err)
	}
	b.Logf("built a registry of %d models in %s", benchModels, time.Since(start).Round(time.Second))
	return st
}

// buildBenchRegistry fills an empty registry through the services, 1,000
// models to a transaction: every model imported from CN or made in VN; a
// certificate per 20 models (QCVN 11, or QCVN 135 alone for one group in
// ten, which no longer counts); a C/O per 50 models; a warning per 1,000
// models naming 5 of them with a firmware range.
func buildBenchRegistry(ctx context.Context, st *models.Store, n int) error {
	actor := models.System("bench")
	str := func(s string) *string { return &s }
	var body, holder, authority string
	err := st.InTx(ctx, func(tx *models.Store) error {
		for _, o := range []struct {
			name, kind string
			id         *string
		}{{"Quatest 1", models.OrgCertificationBody, &body}, {"Công ty Nhập khẩu Camera", models.OrgImporter, &holder},
			{"Cục An toàn thông tin", models.OrgAuthority, &authority}} {
			org, err := tx.CreateOrganization(ctx, actor, models.OrganizationInput{Name: str(o.name), Kind: str(o.kind)})
			if err != nil {
				return err
			}
			*o.id = org.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	const batch = 1000
	method := 1
	for lo := 0; lo < n; lo += batch {
		err := st.InTx(ctx, func(tx *models.Store) error {
			ids := make([]string, 0, batch)
			for i := lo; i < lo+batch && i < n; i++ {
				origin := "CN"
				if i%4 == 0 {
					origin = "VN"
				}
				m, err := tx.CreateModel(ctx, actor, models.ModelInput{Brand: str(benchBrand(i)), ModelNumber: str(benchNumber(i)),
					OriginCountry: str(origin), Status: str(models.ModelVerified), FirmwareVersions: &[]string{"V5.7.3 build 220112"}})
				if err != nil {
					return fmt.Errorf("model %d: %w", i, err)
				}
				ids = append(ids, m.ID)
			}
			for g := 0; g < len(ids); g += 20 {
				std, issued, expires := "QCVN 11:2026/BCA", "2026-07-10", "2029-07-09"
				if (lo+g)/20%10 == 9 {
					std, issued, expires = "QCVN 135:2024/BTTTT", "2025-04-01", "2028-03-31"
				}
				covered := []models.CoveredModelInput{}
				for _, id := range ids[g:min(g+20, len(ids))] {
					covered = append(covered, models.CoveredModelInput{CameraModelID: id})
				}
				if _, err := tx.CreateCertificate(ctx, actor, models.CertificateInput{Number: str("BENCH-" + strconv.Itoa(lo+g)),
					StandardCode: str(std), CertificationBodyOrgID: &body, Method: &method, HolderOrgID: &holder,
					IssuedOn: str(issued), ExpiresOn: str(expires), Models: &covered}); err != nil {
					return fmt.Errorf("certificate %d: %w", lo+g, err)
				}
			}
			for g := 0; g < len(ids); g += 50 {
				group := ids[g:min(g+50, len(ids))]
				if _, err := tx.CreateOriginCertificate(ctx, actor, models.OriginCertificateInput{Number: str("E-BENCH-" + strconv.Itoa(lo+g)),
					Form: str("E"), Issuer: str("CCPIT"), ExportingCountry: str("CN"), IssuedOn: str("2026-01-15"),
					CameraModelIDs: &group}); err != nil {
					return fmt.Errorf("C/O %d: %w", lo+g, err)
				}
			}
			affected := []models.AffectedModelInput{}
			for _, id := range ids[:5] {
				affected = append(affected, models.AffectedModelInput{CameraModelID: id, FixedIn: "V5.5.800 build 210628"})
			}
			_, err := tx.CreateWarning(ctx, actor, models.WarningInput{AuthorityOrgID: &authority, Reference: str(fmt.Sprintf("%d/CATTT-BENCH", lo)),
				Title: str("Lỗ hổng xác thực"), Severity: str("high"), IssuedOn: str("2026-02-01"), Measure: str("stop_sale"), Affected: &affected})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// benchPaths are verify requests as a shelf check makes them: mostly exact
// numbers (with the brand half of the time, some with firmware), some typed
// with O for 0, some not in the registry.
func benchPaths(count int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, count)
	for k := range out {
		i := r.IntN(benchModels)
		q := url.Values{}
		number := benchNumber(i)
		switch p := r.IntN(100); {
		case p < 5:
			number = "XX-" + strconv.Itoa(i) + "-NOPE"
		case p < 10:
			number = fmt.Sprintf("DS-%dCD%05dGOE-I", i%7+1, i)
		}
		q.Set("model", number)
		if r.IntN(2) == 0 {
			q.Set("brand", benchBrand(i))
		}
		if r.IntN(4) == 0 {
			q.Set("firmware", "V5.7.3 build 220112")
		}
		out[k] = "/v1/verify?" + q.Encode()
	}
	return out
}

func benchServer(st *models.Store) http.Handler {
	unlimited := map[string]Rate{}
	for tier := range DefaultRates {
		unlimited[tier] = Rate{PerSecond: 1e9, Burst: 1e9}
	}
	return New(st, Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Rates: unlimited}).Handler()
}

// warmUp sends every path once, so that the store's verify cache holds
// what they read, as it does for the models a busy server is asked about.
func warmUp(b *testing.B, h http.Handler, paths []string) {
	b.Helper()
	for _, p := range paths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", p, rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkVerify measures one GET /v1/verify at a time through the
// handler, with the verify cache warm.
func BenchmarkVerify(b *testing.B) {
	h := benchServer(openBenchStore(b))
	paths := benchPaths(10_000)
	warmUp(b, h, paths)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", paths[i%len(paths)], rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkVerifyParallel measures throughput with as many concurrent
// requests as GOMAXPROCS, with the verify cache warm.
func BenchmarkVerifyParallel(b *testing.B) {
	h := benchServer(openBenchStore(b))
	paths := benchPaths(10_000)
	warmUp(b, h, paths)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(paths))
		for pb.Next() {
			i++
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil))
			if rec.Code != http.StatusOK {
				b.Errorf("%d %s", rec.Code, rec.Body.String())
				return
			}
		}
	})
}

// BenchmarkVerifyCold measures GET /v1/verify on models the cache has not
// seen: every request reads the database (up to 100,000 of them).
func BenchmarkVerifyCold(b *testing.B) {
	h := benchServer(openBenchStore(b))
	paths := benchPaths(benchModels)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i == len(paths) {
			b.Fatalf("run at most %d iterations (-benchtime 20000x)", len(paths))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i], nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", paths[i], rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkVerifyBulk measures a 500-item shelf check.
func BenchmarkVerifyBulk(b *testing.B) {
	h := benchServer(openBenchStore(b))
	paths := benchPaths(500)
	items := make([]map[string]string, len(paths))
	for i, p := range paths {
		u, _ := url.Parse(p)
		items[i] = map[string]string{"model": u.Query().Get("model"), "brand": u.Query().Get("brand"), "firmware": u.Query().Get("firmware")}
	}
	body, err := json.Marshal(map[string]any{"items": items})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/v1/verify", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkNoopEcho is the ceiling verify is measured against: a bare echo
// answering a small JSON object, through the same httptest recorder. Run it
// in the same `go test -bench` as BenchmarkVerify and compare ns/op.
func BenchmarkNoopEcho(b *testing.B) {
	e := echo.New()
	e.GET("/noop", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"verdict": "compliant"}) })
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/noop?model=DS-2CD1023G0E-I", nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
