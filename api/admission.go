package api

import (
	"context"
	"net/http"
	"runtime"
	"strings"
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
type admission struct {
	slots *slots
}

// admissionWait is how long a request may wait to run.
const admissionWait = 5 * time.Second

// newAdmission admits 8 requests per CPU: enough that requests waiting on
// the database or the network keep every core busy.
func newAdmission() *admission {
	return &admission{slots: &slots{ch: make(chan struct{}, 8*runtime.GOMAXPROCS(0)), wait: admissionWait, busy: registryBusy}}
}

func registryBusy() error {
	p := problem(http.StatusServiceUnavailable, "busy", "The registry is busy",
		"too many requests are waiting; try again after Retry-After seconds")
	p.p.retryAfter = 1
	return p
}

// middleware applies the bound to /v1 requests, but for the streams
// (exports and imports) that run for minutes, which would hold a slot.
func (a *admission) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/export/") || strings.HasPrefix(path, "/v1/imports") {
			return next(c)
		}
		release, err := a.slots.acquire(c.Request().Context())
		if err != nil {
			return err
		}
		defer release()
		return next(c)
	}
}

// slots is a counting semaphore whose waiters give up: on their context,
// or after wait with the error busy returns (a 503 with Retry-After).
type slots struct {
	ch   chan struct{}
	wait time.Duration
	busy func() error
}

// acquire takes a slot, and returns the function that gives it back.
func (sl *slots) acquire(ctx context.Context) (func(), error) {
	return sl.acquireWithin(ctx, sl.wait)
}

func (sl *slots) acquireWithin(ctx context.Context, wait time.Duration) (func(), error) {
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
