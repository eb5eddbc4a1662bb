package search

import (
	"context"
	"fmt"
	"time"
)

// The rebuild lease of an index that several processes share (Meilisearch,
// postgres: their cursor is in the database). Without it, every `camreg
// serve` started over a new shared index would rebuild it at once, each
// doing the whole work, and two rebuilds finishing together could leave
// the cursor of one over the contents of the other, older one. The lease
// is a row of search_cursors named after the cursor, whose seq is the
// lease's expiry in Unix milliseconds: taken when absent or expired,
// renewed by its holder while it rebuilds, deleted when done. A process
// that dies holding it holds it at most leaseFor.

// leaseFor is how long a lease lasts without renewal; the holder renews
// it every leaseFor/4.
var leaseFor = 2 * time.Minute

// sharedIndex is an index whose cursor other processes share.
type sharedIndex interface {
	// RebuildLease is the index's cursor in the database, if it has one.
	RebuildLease() (DBCursor, bool)
}

func (c DBCursor) leaseName() string { return c.Name + "#rebuild" }

// takeLease takes the rebuild lease until until, unless another holder's
// is current; held is the expiry the caller holds (0 if none), which it
// may renew.
func (c DBCursor) takeLease(ctx context.Context, now, until time.Time, held int64) (bool, error) {
	res, err := c.DB.ExecContext(ctx, `INSERT INTO search_cursors (name, seq, updated_at) VALUES ($1, $2, CURRENT_TIMESTAMP)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
		WHERE search_cursors.seq < $3 OR search_cursors.seq = $4`, c.leaseName(), until.UnixMilli(), now.UnixMilli(), held)
	if err != nil {
		return false, fmt.Errorf("take the rebuild lease of %s: %w", c.Name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// dropLease gives the lease back, if the caller still holds it.
func (c DBCursor) dropLease(ctx context.Context, held int64) {
	_, _ = c.DB.ExecContext(ctx, `DELETE FROM search_cursors WHERE name = $1 AND seq = $2`, c.leaseName(), held)
}

// withLease runs rebuild holding the index's rebuild lease, renewed
// meanwhile. ran is false, without error, when another process holds it.
func withLease(ctx context.Context, c DBCursor, rebuild func() error) (ran bool, err error) {
	now := time.Now()
	held := now.Add(leaseFor).UnixMilli()
	ok, err := c.takeLease(ctx, now, time.UnixMilli(held), 0)
	if err != nil || !ok {
		return false, err
	}
	done := make(chan struct{})
	renewed := make(chan int64, 1)
	go func() {
		h := held
		defer func() { renewed <- h }()
		t := time.NewTicker(leaseFor / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				now := time.Now()
				next := now.Add(leaseFor).UnixMilli()
				if ok, err := c.takeLease(ctx, now, time.UnixMilli(next), h); err == nil && ok {
					h = next
				}
			}
		}
	}()
	err = rebuild()
	close(done)
	c.dropLease(context.WithoutCancel(ctx), <-renewed)
	return true, err
}
