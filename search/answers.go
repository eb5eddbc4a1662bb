package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
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
	return &remembering{Index: idx, pos: pos, a: &answerStore{limit: limit, m: map[Query]*Result{}}}
}

type remembering struct {
	Index
	pos Position
	a   *answerStore
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
	p = x.a.key(p)
	if r, ok := x.a.get(p, q); ok {
		return r, nil
	}
	r, err := x.Index.Search(ctx, q)
	if err == nil {
		x.a.put(p, q, r)
	}
	return r, err
}

func (x *remembering) Upsert(ctx context.Context, docs []Document) error {
	defer x.a.changed()
	return x.Index.Upsert(ctx, docs)
}

func (x *remembering) Delete(ctx context.Context, ids []string) error {
	defer x.a.changed()
	return x.Index.Delete(ctx, ids)
}

func (x *remembering) SetCursor(ctx context.Context, seq int64) error {
	defer x.a.changed()
	return x.Index.SetCursor(ctx, seq)
}

func (x *remembering) Rebuild(ctx context.Context, seq int64, fill func(put func([]Document) error) error) error {
	defer x.a.changed()
	return x.Index.Rebuild(ctx, seq, fill)
}

// answerStore holds the answers found at one position.
type answerStore struct {
	mu    sync.Mutex
	at    string // the position of the answers held
	local uint64 // bumped by every write through the wrapper
	bytes int
	limit int
	m     map[Query]*Result
}

// moveTo forgets every answer unless p is the position they were found at.
// Called under mu.
func (a *answerStore) moveTo(p string) {
	if p != a.at {
		a.at = p
		clear(a.m)
		a.bytes = 0
	}
}

// get returns a copy of the answer to q remembered at position p.
func (a *answerStore) get(p string, q Query) (*Result, bool) {
	a.mu.Lock()
	a.moveTo(p)
	r, ok := a.m[q]
	a.mu.Unlock()
	if !ok {
		return nil, false
	}
	return CloneResult(r), true
}

// put remembers r, found after reading position p, unless the index has
// moved since (seen by a search, or written through the wrapper).
func (a *answerStore) put(p string, q Query, r *Result) {
	n := ResultBytes(q, r)
	r = CloneResult(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	if p != a.at || n > a.limit {
		return
	}
	if a.bytes+n > a.limit {
		clear(a.m)
		a.bytes = 0
	}
	if old, ok := a.m[q]; ok {
		a.bytes -= ResultBytes(q, old)
	}
	a.m[q] = r
	a.bytes += n
}

// key is the key of the answers found at position p: p and the count of
// writes through the wrapper so far, so that an answer found before such a
// write is never stored after it.
func (a *answerStore) key(p string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return fmt.Sprintf("%s#%d", p, a.local)
}

// changed forgets every answer after a write through the wrapper.
func (a *answerStore) changed() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.local++
	a.at = ""
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
