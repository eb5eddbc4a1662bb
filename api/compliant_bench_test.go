package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The published list over the benchmark registry (100,000 models, or
// CAMREG_BENCH_MODELS; see openBenchStore): about one model in twenty holds
// a certificate that counts, so filling a page of 50 evaluates about a
// thousand models. BenchmarkModelsFirstPage, a plain list page, is the
// baseline to quote the ratio against, measured in the same run:
//
//	go test -run '^$' -bench 'FirstPage|CompliantCSV' -benchtime 50x ./api/

func benchGet(b *testing.B, h http.Handler, path string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkModelsFirstPage is the baseline: the first page of the plain
// list of models.
func BenchmarkModelsFirstPage(b *testing.B) {
	benchGet(b, benchServer(openBenchStore(b)), "/v1/models?limit=50")
}

// BenchmarkCompliantFirstPage is the first page of the published list, as a
// procurement officer opens it.
func BenchmarkCompliantFirstPage(b *testing.B) {
	h := benchServer(openBenchStore(b))
	warmUp(b, h, []string{"/v1/compliant-models?limit=50"})
	benchGet(b, h, "/v1/compliant-models?limit=50")
}

// BenchmarkCompliantCSV streams the whole list as CSV: every model of the
// registry is evaluated.
func BenchmarkCompliantCSV(b *testing.B) {
	h := benchServer(openBenchStore(b))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/export/compliant-models.csv", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		b.SetBytes(int64(rec.Body.Len()))
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}
