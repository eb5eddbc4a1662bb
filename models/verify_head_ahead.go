package models

import (
	"context"
	"time"
)

// begin and wait split a head read on PostgreSQL in two, so that a verify
// works on its answer while the round trip is under way (VerifyAhead).
//
// Profiled under wrk (BENCHMARKS.md, "Verify cold on PostgreSQL: the
// answer worked out while the head is read"): with the head read first,
// every verify of a batch parked on the read in flight and the next one,
// then woke to do its work; the scheduler's parking and waking was 11-13 %
// of camreg's CPU on PostgreSQL against 4-5 % on SQLite, where the head is
// read in memory. Here the reads run on a goroutine of their own (readLoop,
// while any is queued); a verify joins the read queued behind the one in
// flight (the same coalescing as read: the read it joins starts after it
// joined, so it sees every write committed before), works, and by the
// time it waits, the read is usually done.

// headReadTimeout bounds one head read run by readLoop: it runs apart from
// the verifies that wait for it (each waits no longer than its own
// context), so that one cancelled verify does not fail its whole batch.
const headReadTimeout = 15 * time.Second

// begin queues a head read that starts after the call, and returns it to
// wait for.
func (h *headReads) begin(r reader) *headRead {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b := h.next; b != nil {
		return b // queued, not started yet: share it
	}
	b := &headRead{done: make(chan struct{})}
	h.next = b
	if !h.reading {
		h.reading = true
		r.ctx = context.WithoutCancel(r.ctx)
		go h.readLoop(r)
	}
	return b
}

// readLoop runs the queued reads one after the other, each for every
// verify that joined it before it started, until none is queued.
func (h *headReads) readLoop(r reader) {
	base := r.ctx
	for {
		h.mu.Lock()
		b := h.next
		if b == nil {
			h.reading = false
			h.mu.Unlock()
			return
		}
		h.next, h.cur = nil, b
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(base, headReadTimeout)
		r.ctx = ctx
		b.head, b.err = h.readHead(r)
		cancel()
		h.mu.Lock()
		h.cur = nil
		h.mu.Unlock()
		close(b.done)
	}
}

// wait returns the read's head, or ctx's error if ctx ends first.
func (b *headRead) wait(ctx context.Context) (int64, error) {
	select {
	case <-b.done:
		return b.head, b.err
	default:
	}
	select {
	case <-b.done:
		return b.head, b.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
