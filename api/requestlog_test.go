package api

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"camreg/models/testdb"
)

// TestRequestLinesGoToTheRequestLogger: a request answered below 500 is
// logged on Config.RequestLogger (which serve batches), a 5xx on Logger
// (written at once), each once.
func TestRequestLinesGoToTheRequestLogger(t *testing.T) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	var main, reqs bytes.Buffer
	srv := New(st, Config{Logger: slog.New(slog.NewJSONHandler(&main, nil)), RequestLogger: slog.New(slog.NewJSONHandler(&reqs, nil))})
	srv.Echo().GET("/boom", func(echo.Context) error { return errors.New("boom") })
	for _, path := range []string{"/healthz", "/boom"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
	if n := strings.Count(reqs.String(), `"msg":"request"`); n != 1 || !strings.Contains(reqs.String(), `"path":"/healthz","status":200`) {
		t.Errorf("request logger (%d lines): %s", n, reqs.String())
	}
	if n := strings.Count(main.String(), `"msg":"request"`); n != 1 || !strings.Contains(main.String(), `"path":"/boom","status":500`) {
		t.Errorf("main logger (%d request lines): %s", n, main.String())
	}
}
