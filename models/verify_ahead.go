package models

import (
	"context"
	"database/sql"
)

// VerifyAhead is ViewVerify with the head read under way rather than
// done: on PostgreSQL the read is a round trip, and a verify works out its
// answer on the snapshot as it stands meanwhile; it gives that answer only
// if the head, once read, is no later than the snapshot's head the answer
// was worked out at, and otherwise brings the snapshot to the head and
// answers again. The read starts after BeginVerify was called, so the
// answer is never older than the latest write committed before it was
// asked, as ViewVerify's. Elsewhere (SQLite, whose head is read in memory)
// BeginVerify reads the head at once, as ViewVerify does.
type VerifyAhead struct {
	s *Store
	r reader
	// read is the head read under way; nil once waited for (r.head holds
	// its head, err its error).
	read *headRead
	err  error
}

// BeginVerify starts a verify's head read (see VerifyAhead).
func (s *Store) BeginVerify(ctx context.Context) (VerifyAhead, error) {
	r := reader{g: s.db, ctx: ctx, matcher: s.matcher, head: -1}
	if _, pooled := r.g.Statement.ConnPool.(*sql.DB); !pooled || s.cache == nil || s.heads.pg == nil {
		r, err := s.reader(ctx)
		return VerifyAhead{s: s, r: r}, err
	}
	return VerifyAhead{s: s, r: r, read: s.heads.begin(r)}, nil
}

// Head waits for the head read, brings the snapshot to it and returns it,
// as VerifyView.Head after ViewVerify.
func (a *VerifyAhead) Head() (int64, error) {
	if a.read == nil {
		return a.r.head, a.err
	}
	head, err := a.read.wait(a.r.ctx)
	a.read = nil
	if err != nil {
		a.err = err
		return -1, err
	}
	a.r.head = head
	ok, err := a.s.cache.advance(a.r, head, false)
	if err != nil {
		a.err = err
		return -1, err
	}
	if ok {
		a.r.snap = a.s.cache
	}
	return head, nil
}

// Verify answers one query, as VerifyView.Verify does.
func (a *VerifyAhead) Verify(q VerifyQuery) (*Verification, error) {
	var e ValidationError
	p := a.s.checkQuery(&e, "", q)
	if err := e.Err(); err != nil {
		if _, herr := a.Head(); herr != nil {
			return nil, herr // as ViewVerify: the head's error first
		}
		return nil, err
	}
	if a.read != nil {
		out, at, ok, err := verifyOnSnapshot(a.r, a.s.cache, p)
		if err != nil {
			return nil, err
		}
		if ok {
			head, err := a.read.wait(a.r.ctx)
			if err != nil {
				a.read, a.err = nil, err
				return nil, err
			}
			if head <= at {
				// The snapshot held every write up to the head.
				a.read, a.r.head, a.r.snap = nil, head, a.s.cache
				return &out[0], nil
			}
		}
	}
	if _, err := a.Head(); err != nil {
		return nil, err
	}
	out, err := verifyAll(a.r, []parsedQuery{p})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// verifyOnSnapshot answers p on the snapshot as it stands, and returns the
// head the snapshot held it at; ok is false when there is no snapshot yet.
func verifyOnSnapshot(r reader, c *verifyCache, p parsedQuery) (out []Verification, at int64, ok bool, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.head < 0 {
		return nil, -1, false, nil
	}
	r.snap = c
	out, err = verifyLocked(r, []parsedQuery{p})
	return out, c.head, err == nil, err
}
