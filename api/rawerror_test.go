package api

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUnreadableRequestsGetProblems: a request Go's server cannot read
// (a bad escape in the path, a malformed Host, an unknown transfer coding)
// is answered, by the server as Start runs it, with a problem, not Go's
// own text/plain (the red team's pass of 2026-12-07: /v1/models/%zz). A
// handler's own answers, and a keep-alive connection's later requests,
// pass through unchanged.
func TestUnreadableRequestsGetProblems(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		srv := New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Addr: "127.0.0.1:0"})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Start(ctx) }()
		defer func() { cancel(); <-done }()
		var addr net.Addr
		for range 500 {
			if addr = srv.Echo().ListenerAddr(); addr != nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if addr == nil {
			t.Fatal("the server did not listen")
		}
		send := func(raw string) (*http.Response, Problem) {
			t.Helper()
			c, err := net.Dial("tcp", addr.String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, raw); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var p Problem
			body, _ := io.ReadAll(res.Body)
			if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
				if err := json.Unmarshal(body, &p); err != nil {
					t.Fatalf("%q: %v: %s", raw, err, body)
				}
			}
			return res, p
		}
		for _, tc := range []struct {
			raw    string
			status int
			detail string
		}{
			{"GET /v1/models/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "%25"},
			{"GET /v1/verify?model=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 422, "invalid"}, // the query is ours to refuse
			{"GET /%e HTTP/1.1\r\nHost: x\r\n\r\n", 400, "%25"},
			{"GET /v1/models HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "Host"},
			{"POST /v1/models HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "transfer"},
		} {
			res, p := send(tc.raw)
			if res.StatusCode != tc.status || p.Status != tc.status || p.Type == "" || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("%q: %d %s %+v", tc.raw, res.StatusCode, res.Header.Get("Content-Type"), p)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%q: headers %v", tc.raw, res.Header)
			}
		}
		// A handler's answers are untouched, over a kept-alive connection.
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for _, path := range []string{"/healthz", "/v1/models/nope", "/healthz"} {
			io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			res, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if want := map[bool]int{true: 200, false: 404}[path == "/healthz"]; res.StatusCode != want || res.Header.Get("Date") == "" {
				t.Errorf("%s: %d %v", path, res.StatusCode, res.Header)
			}
		}
	})
}

func TestBareErrorAsProblemLeavesOtherWritesAlone(t *testing.T) {
	for _, p := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nok",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nDate: x\r\n\r\n400 Bad Request",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n\r\n{}",
		"{\"a\":1}", "", "HTTP/1.1 ", "HTTP/1.1 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n",
	} {
		if _, ok := bareErrorAsProblem([]byte(p)); ok {
			t.Errorf("%q rewritten", p)
		}
	}
}
