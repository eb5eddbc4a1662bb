package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Remembered answers for an index that several processes share
// (Meilisearch, postgres). Every `camreg serve` over the shared index
// remembers the answers it gave, and keys them by the index's position:
// its cursor row in search_cursors (the seq of the last change-log event
// applied, and the time it was set). Each search reads the position (one
// primary-key read) and serves a remembered answer only if it was stored
// at that same position; a fresh answer is stored under the position read
// BEFORE the search, so that an answer may be newer than its position,
// never older. Answers at another position are forgotten as soon as a
// search sees the position move, whichever way it moved.
//
// Every write that changes what a search finds moves the position:
//   - the indexer sets the cursor after each applied batch (after
//     Meilisearch's task has succeeded: Upsert and Delete wait for it);
//   - a rebuild (catch-up or `camreg reindex`) sets the cursor after the
//     new index is swapped in, and a rebuild at the same seq still changes
//     the row's time (microseconds on PostgreSQL; seconds on SQLite, the
//     only case where two settings may look alike).
//
// Between a batch's write and its cursor (milliseconds; up to the
// indexer's retry pause if the engine fails in between) a search may
// still be given the answer from before the batch, as a search of an
// index that lags the database would be. The records themselves are
// never remembered: the API loads each hit's row per request.
//
// Bleve keeps its own remembered answers (search/bleve/answers.go): it has
// one process, and knows of every write to it.

// AnswerBytes bounds (roughly: the strings' lengths and a fixed cost a hit
// and a facet) the memory of a process's remembered answers.
const AnswerBytes = 64 << 20

// Position reads where a shared index stands: two equal positions saw the
// same index.
type Position func(ctx context.Context) (string, error)

// Position reads the cursor row, seq and time of setting: the position of
// the index whose cursor c is.
func (c DBCursor) Position(ctx context.Context) (string, error) {
	var seq int64
	var at string
	err := c.DB.QueryRowContext(ctx, "SELECT seq, CAST(updated_at AS TEXT) FROM search_cursors WHERE name = $1", c.Name).Scan(&seq, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("read search position %s: %w", c.Name, err)
	}
	return fmt.Sprintf("%d@%s", seq, at), nil
}

// RememberAnswers wraps idx so that its searches remember their answers,
// up to limit bytes, keyed by pos (see above). Writes through the wrapper
// forget every answer at once; writes by other processes are seen through
// pos.
func RememberAnswers(idx Index, pos Position, limit int) Index {
	return &remembering{Index: idx, pos: pos, a: NewAnswers[answerKey](limit)}
}

type remembering struct {
	Index
	pos Position
	a   *Answers[answerKey]
	// local counts the writes through the wrapper, so that an answer found
	// before such a write is never stored after it.
	local atomic.Uint64
}

// answerKey is the version of a shared index's answers: its position, and
// the count of writes through the wrapper when it was read.
type answerKey struct {
	pos   string
	local uint64
}

// Unwrap returns the engine's index.
func (x *remembering) Unwrap() Index { return x.Index }

// RebuildLease is the wrapped index's, so that a rebuild through the
// wrapper takes the shared lease (lease.go).
func (x *remembering) RebuildLease() (DBCursor, bool) {
	if sh, ok := x.Index.(sharedIndex); ok {
		return sh.RebuildLease()
	}
	return DBCursor{}, false
}

// Search answers q from memory when the index has not moved since the
// answer was found. When the position cannot be read, it searches without
// remembering.
func (x *remembering) Search(ctx context.Context, q Query) (*Result, error) {
	p, err := x.pos(ctx)
	if err != nil {
		return x.Index.Search(ctx, q)
	}
	k := answerKey{pos: p, local: x.local.Load()}
	if r, ok := x.a.Get(k, q); ok {
		return r, nil
	}
	r, err := x.Index.Search(ctx, q)
	if err == nil {
		x.a.Put(k, q, r)
	}
	return r, err
}

// changed forgets every answer after a write through the wrapper.
func (x *remembering) changed() {
	x.local.Add(1)
	x.a.Forget()
}

func (x *remembering) Upsert(ctx context.Context, docs []Document) error {
	defer x.changed()
	return x.Index.Upsert(ctx, docs)
}

func (x *remembering) Delete(ctx context.Context, ids []string) error {
	defer x.changed()
	return x.Index.Delete(ctx, ids)
}

func (x *remembering) SetCursor(ctx context.Context, seq int64) error {
	defer x.changed()
	return x.Index.SetCursor(ctx, seq)
}

func (x *remembering) Rebuild(ctx context.Context, seq int64, fill func(put func([]Document) error) error) error {
	defer x.changed()
	return x.Index.Rebuild(ctx, seq, fill)
}

// Answers remembers the answers to searches found at one version of an
// index, up to a bound in bytes: the shared indexes' (version: the
// position and the writes through the wrapper, above) and bleve's (the
// write generation of its live index). A version is anything comparable
// that changes whenever what a search finds may have changed.
type Answers[V comparable] struct {
	mu    sync.Mutex
	at    V    // the version of the answers held
	held  bool // false until a Get sets at, and after Forget
	bytes int
	limit int
	m     map[Query]*Result
}

// NewAnswers returns an empty store that holds up to limit bytes
// (ResultBytes) of answers.
func NewAnswers[V comparable](limit int) *Answers[V] {
	return &Answers[V]{limit: limit, m: map[Query]*Result{}}
}

// Get returns a copy of the answer to q remembered at version v. A search
// reads the version before it searches and asks with it: any answer held
// at another version is forgotten then, whichever way the version moved.
func (a *Answers[V]) Get(v V, q Query) (*Result, bool) {
	a.mu.Lock()
	if !a.held || v != a.at {
		a.at, a.held = v, true
		a.clear()
	}
	r, ok := a.m[q]
	a.mu.Unlock()
	if !ok {
		return nil, false
	}
	return CloneResult(r), true
}

// Put remembers r, found by a search that read version v (and asked Get
// with it) before it searched, unless the store has moved since: another
// version seen by a Get, or a Forget.
func (a *Answers[V]) Put(v V, q Query, r *Result) {
	n := ResultBytes(q, r)
	r = CloneResult(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.held || v != a.at || n > a.limit {
		return
	}
	if a.bytes+n > a.limit {
		a.clear()
	}
	if old, ok := a.m[q]; ok {
		a.bytes -= ResultBytes(q, old)
	}
	a.m[q] = r
	a.bytes += n
}

// Forget forgets every answer: the index was written. Call it after the
// write is visible to searches and its version has moved; until a Get
// with the new version, no answer is stored, so that one found during the
// write is never kept past it.
func (a *Answers[V]) Forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.held = false
	a.clear()
}

// Bytes is about what the answers held take in memory.
func (a *Answers[V]) Bytes() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bytes
}

// Len is how many answers are held.
func (a *Answers[V]) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.m)
}

// clear forgets the answers held. Called under mu.
func (a *Answers[V]) clear() {
	clear(a.m)
	a.bytes = 0
}

// ResultBytes is about what q and r hold in memory.
func ResultBytes(q Query, r *Result) int {
	n := 256 + len(q.Text) + len(q.Brand) + len(q.Province) + len(q.Status) + len(q.Type)
	for _, h := range r.Hits {
		n += 96 + len(h.Type) + len(h.EntityID) + len(h.Title) + len(h.Highlight)
	}
	for _, m := range []map[string]int{r.Facets.Type, r.Facets.Brand, r.Facets.Province, r.Facets.Status} {
		for k := range m {
			n += 48 + len(k)
		}
	}
	return n
}

// CloneResult is a copy of r that shares only its strings, so that neither
// a remembered answer nor the caller's can change the other.
func CloneResult(r *Result) *Result {
	cp := func(m map[string]int) map[string]int {
		if m == nil {
			return nil
		}
		out := make(map[string]int, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return &Result{Hits: slices.Clone(r.Hits), Total: r.Total, FacetsExact: r.FacetsExact,
		Facets: Facets{Type: cp(r.Facets.Type), Brand: cp(r.Facets.Brand), Province: cp(r.Facets.Province), Status: cp(r.Facets.Status)}}
}
