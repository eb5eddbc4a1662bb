package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Requests beyond the slots wait their turn; one that waits too long is
// answered 503 with Retry-After; streams and non-API paths are not held.
func TestAdmission(t *testing.T) {
	a := &admission{slots: &slots{ch: make(chan struct{}, 1), wait: 20 * time.Millisecond, busy: registryBusy},
		exports: &slots{ch: make(chan struct{}, 1), wait: 20 * time.Millisecond, busy: registryBusy}, bodyWait: time.Second}
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		p, _ := toProblem(err)
		setRetryAfter(c.Response().Header(), p)
		_ = c.NoContent(p.Status)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	slow := func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return c.NoContent(http.StatusOK)
	}
	fast := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	e.GET("/v1/slow", slow, a.middleware)
	e.GET("/v1/fast", fast, a.middleware)
	e.GET("/v1/export/models.csv", fast, a.middleware)
	e.GET("/healthz", fast, a.middleware)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}

	done := make(chan int)
	go func() { done <- get("/v1/slow").Code }()
	<-entered // the one slot is taken
	if rec := get("/v1/fast"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("a request with no slot: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	for _, path := range []string{"/v1/export/models.csv", "/healthz"} {
		if code := get(path).Code; code != http.StatusOK {
			t.Errorf("%s waited for a slot: %d", path, code)
		}
	}
	close(release)
	if code := <-done; code != http.StatusOK {
		t.Fatalf("the slow request: %d", code)
	}
	if code := get("/v1/fast").Code; code != http.StatusOK {
		t.Fatalf("after the slot was given back: %d", code)
	}
}
