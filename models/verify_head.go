package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// headReads coalesces the change-log head reads of concurrent verifies.
//
// Profiled (BENCHMARKS.md): with the snapshot warm, reading the head was
// the largest part of a verify's CPU time on SQLite (the driver parses the
// statement anew each time) and a round trip on PostgreSQL. A verify must
// see every write committed before it was asked, so it may take the head
// of any read that started after it arrived: while one read is in flight,
// the verifies that arrive meanwhile queue behind it and share the next
// one. Under load that is one query for a batch of verifies; alone, a
// verify reads the head itself, as before.
type headReads struct {
	mu   sync.Mutex
	cur  *headRead // the read in flight, nil if none
	next *headRead // the read queued behind it, nil if none

	once sync.Once
	stmt *sql.Stmt // the head query, prepared
}

type headRead struct {
	done chan struct{}
	head int64
	err  error
}

// read returns a head read after the call began.
func (h *headReads) read(r reader) (int64, error) {
	ctx := r.db.Statement.Context
	h.mu.Lock()
	if b := h.next; b != nil {
		// Queued behind the read in flight, not started yet: share it.
		h.mu.Unlock()
		select {
		case <-b.done:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		if b.err != nil && ctx.Err() == nil && (errors.Is(b.err, context.Canceled) || errors.Is(b.err, context.DeadlineExceeded)) {
			// The verify that ran it was cancelled, not this one.
			return h.readHead(r)
		}
		return b.head, b.err
	}
	b := &headRead{done: make(chan struct{})}
	prev := h.cur
	if prev == nil {
		h.cur = b
	} else {
		h.next = b
	}
	h.mu.Unlock()
	if prev != nil {
		// The read in flight may have started before this verify: wait
		// for it, then run the next one for everyone queued meanwhile.
		select {
		case <-prev.done:
		case <-ctx.Done():
			// Hand the queued read on: the next arrival runs it.
			h.mu.Lock()
			if h.next == b {
				h.next = nil
			}
			h.mu.Unlock()
			b.err = ctx.Err()
			close(b.done)
			return 0, ctx.Err()
		}
		h.mu.Lock()
		if h.cur == prev {
			h.cur = nil
		}
		if h.next == b {
			h.next = nil
		}
		h.cur = b
		h.mu.Unlock()
	}
	b.head, b.err = h.readHead(r)
	h.mu.Lock()
	if h.cur == b {
		h.cur = nil
	}
	h.mu.Unlock()
	close(b.done)
	return b.head, b.err
}

// readHead reads the head with the statement prepared once per store, or
// as any query when it could not be prepared. PostgreSQL then parses and
// plans it once per connection; the pure-Go SQLite driver prepares it anew
// on every query all the same (profiled under wrk: 12.7% of a warm
// verify's CPU is still SQLite's parser).
func (h *headReads) readHead(r reader) (int64, error) {
	db, ok := r.db.Statement.ConnPool.(*sql.DB)
	if !ok {
		return readHead(r)
	}
	h.once.Do(func() { h.stmt, _ = db.Prepare(headQuery) })
	if h.stmt == nil {
		return readHead(r)
	}
	var head int64
	if err := h.stmt.QueryRowContext(r.db.Statement.Context).Scan(&head); err != nil {
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	return head, nil
}
