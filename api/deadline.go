package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// lazyDeadline is context.WithDeadline(parent, at) made only when someone
// asks for its Done channel: a query the database runs, a wait on a
// coalesced head read. Most requests never ask: a verify answered from the
// snapshot (SQLite reads the head in memory), a kept answer, a page, a
// probe. Profiled under wrk on the national registry (BENCHMARKS.md,
// "Verify cold on SQLite: the request's deadline made when first waited
// on"): context.WithTimeout for every request, its timer and its place
// among the request context's children, was 4 % of camreg's CPU in a cold
// verify run, and 5-6 % with its cancel and the map the parent keeps its
// children in.
//
// Until it is made, Deadline says at (or the parent's, if sooner), Err
// says the parent's error, or DeadlineExceeded once at has passed, and
// Value is the parent's; stop, the request's end, makes it Canceled, as
// cancel did (a goroutine that outlived the request sees it done).
type lazyDeadline struct {
	parent context.Context
	at     time.Time

	mu      sync.Mutex
	made    atomic.Pointer[madeDeadline]
	stopped atomic.Bool
}

type madeDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// closedDone is the Done of a lazyDeadline stopped before it was made.
var closedDone = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func newLazyDeadline(parent context.Context, d time.Duration) *lazyDeadline {
	return &lazyDeadline{parent: parent, at: time.Now().Add(d)}
}

func (c *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := c.parent.Deadline(); ok && d.Before(c.at) {
		return d, true
	}
	return c.at, true
}

func (c *lazyDeadline) Done() <-chan struct{} {
	if m := c.made.Load(); m != nil {
		return m.ctx.Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m := c.made.Load(); m != nil {
		return m.ctx.Done()
	}
	if c.stopped.Load() {
		return closedDone
	}
	ctx, cancel := context.WithDeadline(c.parent, c.at)
	c.made.Store(&madeDeadline{ctx, cancel})
	return ctx.Done()
}

func (c *lazyDeadline) Err() error {
	if m := c.made.Load(); m != nil {
		return m.ctx.Err()
	}
	if c.stopped.Load() {
		// stop may have made it meanwhile: its error, if so.
		if m := c.made.Load(); m != nil {
			return m.ctx.Err()
		}
		return context.Canceled
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.at) {
		return context.DeadlineExceeded
	}
	return nil
}

func (c *lazyDeadline) Value(key any) any {
	if m := c.made.Load(); m != nil {
		return m.ctx.Value(key)
	}
	return c.parent.Value(key)
}

// stop ends it as the cancel of context.WithDeadline does.
func (c *lazyDeadline) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped.Store(true)
	if m := c.made.Load(); m != nil {
		m.cancel()
	}
}
