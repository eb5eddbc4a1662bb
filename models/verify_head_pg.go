package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgHead reads the change log's head on PostgreSQL over one connection of
// the pool held for it, with the head query prepared on that connection
// once and run through pgx's wire protocol directly: Bind, Execute and
// Sync in one round trip, the one int8 read in binary.
//
// Profiled (BENCHMARKS.md, "Verify near the ceiling: PostgreSQL's head
// read over a held connection, fewer bytes a cold question"): through
// database/sql every read took a connection from the pool, started a
// goroutine to watch the request's context for the rows, and converted
// the value twice: 25 allocations a read, 14 % of camreg's CPU on a warm verify
// (11 % after). The round trip itself, and so the guarantee, are the
// same: the read starts after the verify asked, and sees every write
// committed before.
type pgHead struct {
	mu   sync.Mutex
	conn *sql.Conn // held; nil before the first read and after an error
	// unusable is set when the pool's driver is not pgx's: the caller
	// reads through database/sql.
	unusable bool
}

// pgHeadStmt is the prepared statement's name on the held connection.
const pgHeadStmt = "camreg_verify_head"

// head reads the head, reporting false when it could not try (another read
// holds the connection, or the driver is not pgx's): the caller reads
// through database/sql then.
func (p *pgHead) head(ctx context.Context, db *sql.DB) (int64, bool, error) {
	if p == nil || !p.mu.TryLock() {
		return 0, false, nil
	}
	defer p.mu.Unlock()
	if p.unusable {
		return 0, false, nil
	}
	fresh := false
	if p.conn == nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return 0, true, fmt.Errorf("read the change-log head: %w", err)
		}
		p.conn, fresh = conn, true
	}
	var head int64
	err := p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errNotPgx
		}
		pg := c.Conn().PgConn()
		if fresh {
			// A connection the pool had lent to an earlier head reader
			// holds the statement already: the same name, the same text.
			var pe *pgconn.PgError
			if _, err := pg.Prepare(ctx, pgHeadStmt, headQuery, nil); err != nil && !(errors.As(err, &pe) && pe.Code == "42P05") {
				return err
			}
		}
		var err error
		head, err = readPgHead(pg.ExecPrepared(ctx, pgHeadStmt, nil, nil, pgBinary))
		return err
	})
	if errors.Is(err, errNotPgx) {
		p.unusable = true
		p.drop()
		return 0, false, nil
	}
	if err != nil {
		p.drop()
		return 0, true, fmt.Errorf("read the change-log head: %w", err)
	}
	return head, true, nil
}

var (
	errNotPgx = errors.New("not a pgx connection")
	pgBinary  = []int16{1}
)

// readPgHead reads the one int8 of the head query's one row.
func readPgHead(rr *pgconn.ResultReader) (int64, error) {
	var head int64
	rows := 0
	for rr.NextRow() {
		v := rr.Values()
		if rows++; len(v) != 1 || len(v[0]) != 8 {
			_, _ = rr.Close()
			return 0, fmt.Errorf("the head query answered %d values", len(v))
		}
		head = int64(binary.BigEndian.Uint64(v[0]))
	}
	if _, err := rr.Close(); err != nil {
		return 0, err
	}
	if rows != 1 {
		return 0, fmt.Errorf("the head query answered %d rows", rows)
	}
	return head, nil
}

// drop gives the held connection back, marked bad so that the pool closes
// it: after an error its state is not known. The caller holds mu.
func (p *pgHead) drop() {
	if p.conn == nil {
		return
	}
	_ = p.conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = p.conn.Close()
	p.conn = nil
}

// close gives the held connection back.
func (p *pgHead) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		_ = p.conn.Close()
		p.conn = nil
	}
}
