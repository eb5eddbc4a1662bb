package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"camreg/migrations"
	"camreg/models"
)

// An error that means the database cannot serve for now is answered with
// 503, problem+json and a Retry-After fitting its cause; the request's
// own errors and bugs are not.
func TestUnavailableErrors(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		wantStatus int
		wantRetry  string
	}{
		{"connection refused", fmt.Errorf("find models: %w", &pgconn.ConnectError{}), 503, "5"},
		{"refused socket", fmt.Errorf("ping: %w", syscall.ECONNREFUSED), 503, "5"},
		{"postgres shutting down", fmt.Errorf("create model: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}), 503, "5"},
		{"postgres starting", &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, 503, "5"},
		{"postgres disk full", &pgconn.PgError{Code: "53100", Message: "could not extend file"}, 503, "30"},
		{"postgres too many connections", &pgconn.PgError{Code: "53300"}, 503, "2"},
		{"conn closed", errors.New("find events: conn closed"), 503, "5"},
		{"unexpected EOF", fmt.Errorf("commit: %w", io.ErrUnexpectedEOF), 503, "5"},
		{"request deadline", fmt.Errorf("find models: %w", context.DeadlineExceeded), 503, "2"},
		{"sqlite full, by message", errors.New("create listing: database or disk is full (13)"), 503, "30"},
		{"sqlite read-only, by message", errors.New("attempt to write a readonly database (8)"), 503, "30"},
		{"no space left", fmt.Errorf("save upload: %w", syscall.ENOSPC), 503, "30"},
		{"read-only file system", fmt.Errorf("save upload: %w", syscall.EROFS), 503, "30"},
		{"sqlite locked", errors.New("database is locked (5)"), 503, "2"},
		{"a unique violation is a conflict", models.Conflict("model already exists"), 409, ""},
		{"another SQLSTATE is a bug", &pgconn.PgError{Code: "42703", Message: "column does not exist"}, 500, ""},
		{"an unknown error is a bug", errors.New("boom"), 500, ""},
	}
	e := newEnv(t, openSQLite(t, filepath.Join(t.TempDir(), "camreg.db"), true))
	e.srv.Echo().GET("/test/fail/:case", func(c echo.Context) error {
		i, _ := strconv.Atoi(c.Param("case"))
		return cases[i].err
	})
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.with(t).do(http.MethodGet, "/test/fail/"+strconv.Itoa(i), "", nil).want(tc.wantStatus)
			if got := r.Header().Get("Retry-After"); got != tc.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tc.wantRetry)
			}
			if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tc.wantStatus == 503 && r.str("type") != "/problems/database-unavailable" {
				t.Errorf("type %q", r.str("type"))
			}
		})
	}
	metrics := e.with(t).do(http.MethodGet, "/metrics", e.admin, nil).want(http.StatusOK).Body.String()
	for _, want := range []string{`camreg_database_unavailable_total{cause="unreachable"} 6`,
		`camreg_database_unavailable_total{cause="disk full"} 3`, `camreg_database_unavailable_total{cause="read-only"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A SQLite database whose storage refuses writes answers writes with 503
// and Retry-After, keeps answering reads, and /readyz turns 503.
func TestReadOnlyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "camreg.db")
	rw := openSQLite(t, path, true)
	e := newEnv(t, rw)
	e.create("organizations", map[string]any{"name": "Quatest 3", "kind": "certification_body"})
	admin := e.admin
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}

	roStore := openSQLite(t, "file:"+path+"?mode=ro", false)
	ro := &testEnv{t: t, store: roStore, admin: admin,
		srv: New(roStore, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})}
	ro.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK)
	r := ro.do(http.MethodPost, "/v1/organizations", admin, map[string]any{"name": "Quatest 2", "kind": "certification_body"}).
		want(http.StatusServiceUnavailable)
	if r.Header().Get("Retry-After") != "30" || !strings.Contains(r.str("detail"), "read-only") {
		t.Errorf("Retry-After %q, detail %q", r.Header().Get("Retry-After"), r.str("detail"))
	}
	ro.do(http.MethodGet, "/v1/organizations", "", nil).want(http.StatusOK)
	ready := ro.do(http.MethodGet, "/readyz", "", nil).want(http.StatusServiceUnavailable)
	if ready.Header().Get("Retry-After") == "" || ready.json()["checks"].(map[string]any)["database"] != "read-only" {
		t.Errorf("readyz %s", ready.Body.String())
	}
}

// openSQLite opens (and with migrate, migrates) a SQLite store closed with the test.
func openSQLite(t *testing.T, dsn string, migrate bool) *models.Store {
	t.Helper()
	st, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if migrate {
		if _, err := migrations.Up(context.Background(), st.DB(), string(st.Dialect())); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// A request whose client went away is logged as 499, not as a server error;
// a cancellation the client did not cause is still a 500.
func TestClientGoneIsNotAServerError(t *testing.T) {
	e := newEnv(t, openSQLite(t, filepath.Join(t.TempDir(), "camreg.db"), true))
	e.srv.Echo().GET("/test/canceled", func(c echo.Context) error {
		return fmt.Errorf("read the change-log head: %w", context.Canceled)
	})
	for _, tc := range []struct {
		name       string
		clientGone bool
		want       int
	}{
		{"client disconnected", true, StatusClientClosedRequest},
		{"client still there", false, http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			if tc.clientGone {
				cancel()
			} else {
				defer cancel()
			}
			rec := httptest.NewRecorder()
			e.srv.Echo().ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/test/canceled", nil))
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
