package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A bulk transaction's covered-model rows checked against their parents in
// one statement at its end instead of row by row, on PostgreSQL.
//
// Each row COPYed into certificate_models, origin_certificate_models or
// warning_models fires its two foreign keys' checks, one query a row and a
// key share lock on the model the first time the transaction names it:
// most of the server's CPU for the national certificates (117,809 covered
// models; the server's CPU fell 44 % with both keys dropped, BENCHMARKS.md).
// In a bulk transaction (InBulkTx, with CheckKeysAtEnd) that writes many such rows, the table's
// foreign keys are dropped before its rows go in and added again, with the
// same names and definitions, before the transaction commits: adding a
// foreign key checks every row of the table in one join with the parents,
// and a row naming a model (or a document) that does not exist fails the
// transaction, so no such row is ever committed.
//
// Locks: dropping a foreign key takes an ACCESS EXCLUSIVE lock on the
// table and on the tables it references (camera_models and the document's
// table), held to commit. Until the import commits, nothing else reads
// those tables (model and document pages, lists, exports, the search
// indexer's reads of rows) and they wait for it; verify, which reads only
// the change log's head while it stands still, and search queries, which
// read their own index, go on. Other writers already wait for the import,
// which holds the change log's lock. The drop waits for the tables'
// readers at most deferKeysWait (lock_timeout, in a savepoint): while it
// waits, every new read of them queues behind it; past it the keys stay,
// checked row by row.
//
// Adding the keys back reads the whole table, so the keys are dropped only
// once the transaction has written, into that table, a share of what it
// held before (deferKeysShare) and at least deferKeysMin rows: a small file
// into a big registry keeps the row-by-row checks.

// deferKeysTables are the tables whose foreign keys a bulk transaction may
// check at its end.
var deferKeysTables = map[string]bool{
	"certificate_models": true, "origin_certificate_models": true, "warning_models": true,
}

// deferKeysMin is the fewest rows of a table a bulk transaction writes
// before its keys are checked at the end (SetDeferKeysMin).
var deferKeysMin = 2000

// deferKeysWait bounds the wait for the locks the keys' drop takes.
var deferKeysWait = 2 * time.Second

// SetDeferKeysMin makes n rows enough, whatever the table holds, for the
// tests (of this package and the importer's) that have a small file's keys
// checked at the end; restore puts the limits back. Not safe beside a
// running import.
func SetDeferKeysMin(n int) (restore func()) {
	oldMin, oldShare := deferKeysMin, deferKeysShare
	deferKeysMin, deferKeysShare = n, math.MaxInt
	return func() { deferKeysMin, deferKeysShare = oldMin, oldShare }
}

// SetDeferKeysWait sets deferKeysWait, for the tests; restore puts it back.
func SetDeferKeysWait(d time.Duration) (restore func()) {
	old := deferKeysWait
	deferKeysWait = d
	return func() { deferKeysWait = old }
}

var (
	// deferKeysShare: and at least the table's estimated rows divided by
	// it. Measured on national certificates (117,809 covered models into an
	// empty table, 15 COPYs in one transaction, server CPU): the row-by-row
	// checks cost 1.15 s, adding both keys back 0.33 s, which reads the
	// table and the parents whole.
	deferKeysShare = 2
)

// deferredKeys is a bulk transaction's record of the foreign keys it
// dropped, to add back before it commits.
type deferredKeys struct {
	conn *sql.Conn
	// written counts the rows written into each candidate table; limit is
	// the count at which its keys are dropped, read once.
	written map[string]int
	limit   map[string]int
	// dropped holds, by table, each dropped key's name and definition.
	dropped map[string][][2]string
	order   []string
}

// newDeferredKeys returns the record of a bulk transaction on conn, or nil
// when ctx was not marked by CheckKeysAtEnd.
func newDeferredKeys(ctx context.Context, conn *sql.Conn) *deferredKeys {
	if on, _ := ctx.Value(keysAtEndKey{}).(bool); !on {
		return nil
	}
	return &deferredKeys{conn: conn, written: map[string]int{}, limit: map[string]int{}, dropped: map[string][][2]string{}}
}

type keysAtEndKey struct{}

// CheckKeysAtEnd marks ctx so that a bulk transaction begun with it
// (InBulkTx) on PostgreSQL checks its covered models' foreign keys at its
// end once it writes enough of them. The caller must then read nothing of
// camera_models, or of the table of the documents it writes, outside that
// transaction until it ends: the transaction may hold them (ACCESS
// EXCLUSIVE), and the read would wait for it while it waits for the read.
func CheckKeysAtEnd(ctx context.Context) context.Context {
	return context.WithValue(ctx, keysAtEndKey{}, true)
}

// deferredKeysKey carries a bulk transaction's deferredKeys in its
// batches' contexts, for copyRows.
type deferredKeysKey struct{}

// beforeCopy is told that n rows are about to be COPYed into table; it
// drops the table's foreign keys when the transaction's rows into it reach
// the table's limit.
func (d *deferredKeys) beforeCopy(ctx context.Context, table string, n int) error {
	if d == nil || !deferKeysTables[table] {
		return nil
	}
	if _, done := d.dropped[table]; done {
		return nil
	}
	limit, ok := d.limit[table]
	if !ok {
		var est float64
		if err := d.conn.QueryRowContext(ctx, "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = $1::regclass", table).Scan(&est); err != nil {
			return fmt.Errorf("estimate %s's rows: %w", table, err)
		}
		limit = max(deferKeysMin, int(est)/deferKeysShare)
		d.limit[table] = limit
	}
	d.written[table] += n
	if d.written[table] < limit {
		return nil
	}
	rows, err := d.conn.QueryContext(ctx, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname", table)
	if err != nil {
		return fmt.Errorf("read %s's foreign keys: %w", table, err)
	}
	var keys [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			rows.Close()
			return fmt.Errorf("read %s's foreign keys: %w", table, err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s's foreign keys: %w", table, err)
	}
	d.dropped[table] = keys
	d.order = append(d.order, table)
	if len(keys) == 0 {
		return nil
	}
	drops := make([]string, len(keys))
	for i, k := range keys {
		drops[i] = "DROP CONSTRAINT " + pgx.Identifier{k[0]}.Sanitize()
	}
	// The drop waits at most deferKeysWait for the tables' other readers
	// (a long export, a reindex): while it waits, every read of them
	// queues behind it. Past that the keys stay, checked row by row.
	var was string
	if err := d.conn.QueryRowContext(ctx, "SELECT current_setting('lock_timeout')").Scan(&was); err != nil {
		return fmt.Errorf("check %s's foreign keys at commit: %w", table, err)
	}
	stmts := []string{"SAVEPOINT keys_at_end", fmt.Sprintf("SET LOCAL lock_timeout = %d", deferKeysWait.Milliseconds()),
		"ALTER TABLE " + pgx.Identifier{table}.Sanitize() + " " + strings.Join(drops, ", ")}
	for _, q := range stmts {
		if _, err := d.conn.ExecContext(ctx, q); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
				if _, rerr := d.conn.ExecContext(ctx, "ROLLBACK TO SAVEPOINT keys_at_end"); rerr == nil {
					d.dropped[table] = nil
					_, err = d.conn.ExecContext(ctx, "RELEASE SAVEPOINT keys_at_end")
					return err
				}
			}
			return fmt.Errorf("check %s's foreign keys at commit: %w", table, err)
		}
	}
	if _, err := d.conn.ExecContext(ctx, "RELEASE SAVEPOINT keys_at_end"); err != nil {
		return fmt.Errorf("check %s's foreign keys at commit: %w", table, err)
	}
	if _, err := d.conn.ExecContext(ctx, "SELECT set_config('lock_timeout', $1, true)", was); err != nil {
		return fmt.Errorf("check %s's foreign keys at commit: %w", table, err)
	}
	return nil
}

// restore adds back every key dropped, as it was: each is checked against
// every row of its table, and a row without its parent fails the
// transaction. Sequential scans are allowed for the check (a batch's
// connection has them off), a hash join of the table with its parent.
func (d *deferredKeys) restore(ctx context.Context) error {
	if d == nil || len(d.order) == 0 {
		return nil
	}
	if _, err := d.conn.ExecContext(ctx, "SET enable_seqscan = on"); err != nil {
		return fmt.Errorf("check the foreign keys: %w", err)
	}
	for _, table := range d.order {
		keys := d.dropped[table]
		if len(keys) == 0 {
			continue
		}
		adds := make([]string, len(keys))
		for i, k := range keys {
			adds[i] = "ADD CONSTRAINT " + pgx.Identifier{k[0]}.Sanitize() + " " + k[1]
		}
		if _, err := d.conn.ExecContext(ctx, "ALTER TABLE "+pgx.Identifier{table}.Sanitize()+" "+strings.Join(adds, ", ")); err != nil {
			return translate(err, "covered model")
		}
	}
	d.order = nil
	if _, err := d.conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		return fmt.Errorf("check the foreign keys: %w", err)
	}
	return nil
}

// bulkContext is ctx with s's bulk transaction's connection and deferred
// keys, for a batch that runs in it (runBatch).
func (s *Store) bulkContext(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, bulkConnKey{}, s.bulkConn)
	if s.bulkKeys != nil {
		ctx = context.WithValue(ctx, deferredKeysKey{}, s.bulkKeys)
	}
	return ctx
}
