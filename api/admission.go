package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// admission bounds the API requests a process runs at once; the others
// wait their turn, in arrival order, for up to admissionWait, and are then
// answered 503 with Retry-After.
//
// Without it, two hundred clients on two cores run two hundred requests at
// once, and Go shares the CPU evenly among them: a broad search that needs
// 150 ms of CPU gets a hundredth of a core and takes seconds (measured on
// the national set: 114 of 47,477 searches ran past the clients' 10 s
// timeout). Run a few at a time, each request gets the CPU it needs and
// the queue, not the scheduler, absorbs the overload. Throughput does not
// change: the CPU was already full.
//
// A request's body is read before it takes a slot, within bodyWait: a
// client that trickles its body (one byte every two seconds) holds a
// goroutine and a connection, not one of the few slots, and is cut off
// with 408 when the wait ends. Twenty such senders used to take every slot
// and answer every other request 503 (issue #14).
//
// Exports stream for minutes and would hold an ordinary slot for as long:
// they have slots of their own, fewer, so that thirty concurrent
// downloads of the listings wait their turn instead of filling memory.
type admission struct {
	slots    *slots
	exports  *slots
	bodyWait time.Duration
}

// admissionWait is how long a request may wait to run.
const admissionWait = 5 * time.Second

// bodyWait is how long a client may take to send a request body.
const bodyWait = 10 * time.Second

// newAdmission admits 8 requests per CPU: enough that requests waiting on
// the database or the network keep every core busy; and 2 exports per CPU.
func newAdmission() *admission {
	return &admission{slots: &slots{ch: make(chan struct{}, 8*runtime.GOMAXPROCS(0)), wait: admissionWait, busy: registryBusy},
		exports:  &slots{ch: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), wait: admissionWait, busy: registryBusy},
		bodyWait: bodyWait}
}

// saturated reports whether every slot is taken and requests are waiting:
// /readyz then answers 503, so that a load balancer sends new clients
// elsewhere.
func (a *admission) saturated() bool { return a.slots.saturated() }

func registryBusy() error {
	p := problem(http.StatusServiceUnavailable, "busy", "The registry is busy",
		"too many requests are waiting; try again after Retry-After seconds")
	p.p.retryAfter = 1
	return p
}

// middleware applies the bound to /v1 requests, but for imports (whose
// uploads are read to a file under their own deadline, and whose jobs run
// detached) and exports (their own slots).
func (a *admission) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/imports") {
			return next(c)
		}
		sl := a.slots
		if strings.HasPrefix(path, "/v1/export/") {
			sl = a.exports
		}
		if err := a.readBody(c); err != nil {
			return err
		}
		release, err := sl.acquire(c.Request().Context())
		if err != nil {
			return err
		}
		defer release()
		return next(c)
	}
}

// readBody reads the request's body (up to one byte more than any JSON
// body may hold) into memory within bodyWait, so that the handler, once
// admitted, never waits on the client.
func (a *admission) readBody(c echo.Context) error {
	r := c.Request()
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	rc := http.NewResponseController(c.Response().Writer)
	_ = rc.SetReadDeadline(time.Now().Add(a.bodyWait))
	orig := r.Body
	b, err := io.ReadAll(io.LimitReader(orig, maxBodyBytes+1))
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return problem(http.StatusRequestTimeout, "body-too-slow", "Request body too slow",
				fmt.Sprintf("the body must arrive within %s", a.bodyWait))
		}
		return problem(http.StatusBadRequest, "malformed-json", "Malformed request body", "the body could not be read")
	}
	// Past the limit, the rest stays unread: decodeJSON answers 413 on
	// the byte over it.
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), orig), orig}
	return nil
}

// slots is a counting semaphore whose waiters give up: on their context,
// or after wait with the error busy returns (a 503 with Retry-After).
type slots struct {
	ch      chan struct{}
	wait    time.Duration
	busy    func() error
	waiting atomic.Int64
}

// saturated reports whether every slot is taken and some request waits.
func (sl *slots) saturated() bool { return len(sl.ch) == cap(sl.ch) && sl.waiting.Load() > 0 }

// acquire takes a slot, and returns the function that gives it back.
func (sl *slots) acquire(ctx context.Context) (func(), error) {
	return sl.acquireWithin(ctx, sl.wait)
}

func (sl *slots) acquireWithin(ctx context.Context, wait time.Duration) (func(), error) {
	select {
	case sl.ch <- struct{}{}:
		return func() { <-sl.ch }, nil
	default:
	}
	sl.waiting.Add(1)
	defer sl.waiting.Add(-1)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case sl.ch <- struct{}{}:
		return func() { <-sl.ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, sl.busy()
	}
}
