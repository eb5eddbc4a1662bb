package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

	// version, on a SQLite file, asks PRAGMA data_version before the
	// head (see dataVersion); nil elsewhere.
	version *dataVersion
	// pg reads the head on PostgreSQL (verify_head_pg.go); nil on SQLite.
	pg *pgHead
	// reading is set while a goroutine runs the reads begin queues
	// (readLoop).
	reading bool
}

type headRead struct {
	done chan struct{}
	head int64
	err  error
}

// read returns a head read after the call began.
func (h *headReads) read(r reader) (int64, error) {
	if h.pg != nil {
		return h.begin(r).wait(r.ctx)
	}
	ctx := r.ctx
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
// plans it once per connection, SQLite once per connection too (the
// former pure-Go driver prepared it anew on every query: profiled under
// wrk, 12.7% of a warm verify's CPU was SQLite's parser).
func (h *headReads) readHead(r reader) (int64, error) {
	if h.version != nil {
		return h.version.head(r.ctx)
	}
	db, ok := r.g.Statement.ConnPool.(*sql.DB)
	if !ok {
		return readHead(r)
	}
	if head, tried, err := h.pg.head(r.ctx, db); tried {
		return head, err
	}
	h.once.Do(func() { h.stmt, _ = db.Prepare(headQuery) })
	if h.stmt == nil {
		return readHead(r)
	}
	var head int64
	if err := h.stmt.QueryRowContext(r.ctx).Scan(&head); err != nil {
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	return head, nil
}

// dataVersion reads the change log's head on SQLite only when the
// database changed since it last did.
//
// Profiled under wrk (BENCHMARKS.md): reading the head was 17% of the
// server's CPU during warm and cold verify runs, half of it SQLite parsing
// the statement (the former pure-Go driver prepared every statement anew,
// a prepared one too). PRAGMA data_version is SQLite's own answer to "has
// anything been committed since I last looked?": on one connection, its
// value changes whenever another connection (of this process or any other,
// such as a `camreg import` beside `serve`) has committed in the meantime,
// and stays the same otherwise. Its connection here is its own and never
// writes (a connection's own commits do not change its value). So:
//
//   - it asks data_version (T1), and when the value is the one it saw last
//     time (T0, just before it read the head it holds), nothing was
//     committed between T0 and T1, and the head it read after T0 is still
//     the head at T1;
//   - otherwise it reads the head again (T2, after T1) and keeps it with
//     the value of T1. A commit between T1 and T2 changes the value the
//     next read sees (the connection notices it at T2), so that head is
//     never reused past a commit it did not see.
//
// Either way the head returned is at least every write committed before
// the read began, as a head query's is.
type dataVersion struct {
	mu      sync.Mutex
	db      *sql.DB   // one connection, read-only by use
	conn    *sql.Conn // that connection, held
	known   bool
	version int64
	last    int64
	// wal is the wal-index header as the held connection's SQLite mapped
	// it (see walHeader); hdr is the header as read before the last check
	// that found last current.
	wal      *walHeader
	walTried bool
	hdr      [12]uint32
	hdrOK    bool
}

// openDataVersion opens the connection data_version is asked on, for a
// SQLite database in a file (an in-memory one is private to each
// connection: nil, and the head is read as elsewhere).
func openDataVersion(path string) (*dataVersion, error) {
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil, nil
	}
	db, err := sql.Open(sqliteDriver, sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return &dataVersion{db: db}, nil
}

func (d *dataVersion) head(ctx context.Context) (int64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == nil {
		// One connection held for good: the pool must not swap it for a
		// new one, whose values would not follow the old one's.
		conn, err := d.db.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("read the change-log head: %w", err)
		}
		d.conn, d.known = conn, false
	}
	head, err := d.read(ctx)
	if err != nil {
		d.drop()
		return 0, fmt.Errorf("read the change-log head: %w", err)
	}
	if !d.walTried {
		// The connection's SQLite has mapped the wal-index once it has
		// read (the PRAGMA above).
		d.walTried = true
		_ = d.conn.Raw(func(c any) error {
			d.wal = walIndexOf(c)
			return nil
		})
	}
	return head, nil
}

// drop closes the held connection, and forgets the header it mapped.
func (d *dataVersion) drop() {
	d.wal, d.walTried, d.hdrOK = nil, false, false
	if d.conn != nil {
		_ = d.conn.Close()
	}
	d.conn, d.known = nil, false
}

func (d *dataVersion) read(ctx context.Context) (int64, error) {
	if d.known && d.hdrOK {
		if hdr, ok := d.wal.read(); ok && hdr == d.hdr {
			// Nothing committed since the header was read, before the
			// check that found d.last current.
			return d.last, nil
		}
	}
	hdr, hdrOK := d.wal.read()
	var version int64
	if err := d.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&version); err != nil {
		return 0, err
	}
	if d.known && version == d.version {
		// Nothing committed since the head was read, nor so since hdr.
		d.hdr, d.hdrOK = hdr, hdrOK
		return d.last, nil
	}
	var head int64
	if err := d.conn.QueryRowContext(ctx, headQuery).Scan(&head); err != nil {
		return 0, err
	}
	d.known, d.version, d.last = true, version, head
	d.hdr, d.hdrOK = hdr, hdrOK
	return head, nil
}

func (d *dataVersion) close() error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	d.drop()
	d.mu.Unlock()
	return d.db.Close()
}
