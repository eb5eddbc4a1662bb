package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

type ctxKey struct{}

func closedWithin(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// TestLazyDeadline: the deadline made when first waited on behaves as
// context.WithDeadline's, made or not.
func TestLazyDeadline(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "v")

	c := newLazyDeadline(parent, time.Hour)
	if d, ok := c.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Fatalf("Deadline = %v, %v", d, ok)
	}
	if c.Err() != nil || c.Value(ctxKey{}) != "v" {
		t.Fatalf("Err %v, Value %v", c.Err(), c.Value(ctxKey{}))
	}
	c.stop()
	if !errors.Is(c.Err(), context.Canceled) || !closedWithin(c.Done(), time.Second) {
		t.Fatalf("stopped before made: Err %v", c.Err())
	}
	if c.made.Load() != nil {
		t.Fatal("stopped before made: made a timer")
	}

	// Made, then stopped: Canceled, as cancel.
	c = newLazyDeadline(parent, time.Hour)
	done := c.Done()
	child, cancelChild := context.WithCancel(c)
	defer cancelChild()
	c.stop()
	if !closedWithin(done, time.Second) || !errors.Is(c.Err(), context.Canceled) || !closedWithin(child.Done(), time.Second) {
		t.Fatalf("made, stopped: Err %v, child %v", c.Err(), child.Err())
	}

	// Past its deadline without being made: DeadlineExceeded, and Done
	// closed once asked for.
	c = newLazyDeadline(parent, 10*time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	if !errors.Is(c.Err(), context.DeadlineExceeded) || !closedWithin(c.Done(), time.Second) {
		t.Fatalf("expired: Err %v", c.Err())
	}
	c.stop()
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("expired, stopped: Err %v (want the deadline's)", c.Err())
	}

	// Made before the deadline: Done closes at it, a child's too.
	c = newLazyDeadline(parent, 30*time.Millisecond)
	child, cancelChild = context.WithCancel(c)
	defer cancelChild()
	if !closedWithin(child.Done(), 5*time.Second) || !errors.Is(c.Err(), context.DeadlineExceeded) || child.Value(ctxKey{}) != "v" {
		t.Fatalf("made: Err %v, child %v", c.Err(), child.Err())
	}
	c.stop()

	// The parent's cancel and its sooner deadline, made or not.
	for _, made := range []bool{false, true} {
		p, cancel := context.WithTimeout(parent, time.Minute)
		c = newLazyDeadline(p, time.Hour)
		if d, _ := c.Deadline(); time.Until(d) > 2*time.Minute {
			t.Fatalf("Deadline %v: not the parent's sooner one", d)
		}
		if made {
			c.Done()
		}
		cancel()
		if !errors.Is(c.Err(), context.Canceled) || !closedWithin(c.Done(), time.Second) {
			t.Fatalf("parent cancelled (made %v): Err %v", made, c.Err())
		}
		c.stop()
	}
}

// TestRequestDeadlineMadeWhenWaitedOn: a request's handler sees a
// deadline, cancelled when the request ends, but no timer is made for a
// handler that never waits on it; one that does gets its Done closed at
// the deadline.
func TestRequestDeadlineMadeWhenWaitedOn(t *testing.T) {
	e := echo.New()
	e.Use(boundDatabaseWait)
	var seen context.Context
	e.GET("/v1/plain", func(c echo.Context) error {
		seen = c.Request().Context()
		if _, ok := seen.Deadline(); !ok {
			t.Error("no deadline")
		}
		return c.NoContent(http.StatusNoContent)
	})
	e.GET("/v1/waits", func(c echo.Context) error {
		seen = c.Request().Context()
		select {
		case <-seen.Done():
		default:
		}
		return c.NoContent(http.StatusNoContent)
	})
	for _, path := range []string{"/v1/plain", "/v1/waits"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		lazy, ok := seen.(*lazyDeadline)
		if !ok {
			t.Fatalf("%s: the handler's context is a %T, made for every request", path, seen)
		}
		if made := lazy.made.Load() != nil; made != (path == "/v1/waits") {
			t.Errorf("%s: timer made %v", path, made)
		}
		if !errors.Is(seen.Err(), context.Canceled) {
			t.Errorf("%s: after the request, Err %v", path, seen.Err())
		}
	}
}
