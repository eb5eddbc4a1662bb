package models

import (
	"context"
	"time"
)

// The write gate: on SQLite, this process's write transactions take turns
// in Go before they take a connection.
//
// SQLite has one writer at a time, and every write transaction here begins
// IMMEDIATE (it takes the write lock up front). One that finds the lock
// taken sleeps in SQLite's busy handler and tries again (after 1, 2, 5, 10,
// ... up to 100 ms), holding one of the pool's eight connections all the
// while: under the soak's mix (a write in ten requests, sixteen requests
// at once) writers sleeping past the moment the lock was freed, and
// readers waiting for the connections they held. Waiting on the gate
// instead, a writer holds no connection and goes the moment the last one
// commits. Other processes (camreg import, a second serve) are still kept
// apart by SQLite's lock and its busy handler, as before.
type writeGate chan struct{}

// gateWait is how long a writer waits for the gate: as long as SQLite's
// busy timeout (sqliteDSN). After that it goes on to SQLite's own lock,
// and its busy handler, as it did before the gate.
const gateWait = 10 * time.Second

func newWriteGate(d Dialect) writeGate {
	if d != SQLite {
		return nil
	}
	return make(writeGate, 1)
}

// enter waits for the gate and returns its release; a nil gate (PostgreSQL)
// lets everyone through at once.
func (g writeGate) enter(ctx context.Context) (leave func()) {
	if g == nil {
		return func() {}
	}
	select {
	case g <- struct{}{}:
		return g.leave
	default:
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case g <- struct{}{}:
		return g.leave
	case <-ctx.Done():
		// The transaction fails on its cancelled context.
	case <-t.C:
	}
	return func() {}
}

func (g writeGate) leave() { <-g }
