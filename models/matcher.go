package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"

	"camreg/match"
)

// Matcher is the registry's one model-number matcher (package match) over
// the verified models only: verify, inspection items and search all ask
// it, so they never disagree, and a pending registration never competes
// with a verified model (it cannot make one ambiguous, nor hide its ban).
//
// It is kept current from the change log, as the search indexers are: each
// use reads the latest camera_model event's seq (one index probe) and, when
// it moved, applies the models those events name on top of the built index;
// after many such patches, or on first use, it rebuilds from the table.
type Matcher struct {
	db  *gorm.DB
	mu  sync.Mutex // one refresh at a time
	cur atomic.Pointer[matcherState]
}

type matcherState struct {
	ix   *match.Index
	head int64
	// listings counts the listings of models that were not verified when
	// the index was built (the index holds the others' counts, as it was
	// built): a model verified since takes its count from one or the other.
	listings map[string]int

	// found remembers Candidates' answers in this state (a state is never
	// changed, only replaced, so an answer holds as long as it does):
	// search asks the matcher for every query that looks like a model
	// number, and building the automaton and scanning the index was 11%
	// of the national soak's server CPU, for queries people repeat.
	// Verify keeps its own decisions (verifyCache.decisions).
	foundMu sync.Mutex
	found   map[string][]MatchCandidate
}

// maxFound bounds the answers a matcher state remembers; past it they
// start afresh.
const maxFound = 20_000

func (st *matcherState) remembered(key string) ([]MatchCandidate, bool) {
	st.foundMu.Lock()
	defer st.foundMu.Unlock()
	c, ok := st.found[key]
	return c, ok
}

func (st *matcherState) remember(key string, c []MatchCandidate) {
	st.foundMu.Lock()
	defer st.foundMu.Unlock()
	if st.found == nil || len(st.found) >= maxFound {
		st.found = map[string][]MatchCandidate{}
	}
	st.found[key] = c
}

// MatchCandidate is a model the matcher found for a typed text.
type MatchCandidate struct {
	ID          string
	Brand       string
	ModelNumber string
	// Distance is the weighted edit distance of the typed key to the
	// model's (0: the same key; a confusable such as O for 0 is 0.5).
	Distance float64
}

// Bounds of the matcher's upkeep.
const (
	// matcherPatchLimit is how many changed models the matcher layers over
	// its built index before rebuilding it.
	matcherPatchLimit = 5000
)

func newMatcher(db *gorm.DB) *Matcher { return &Matcher{db: db} }

// Matcher returns the store's model-number matcher.
func (s *Store) Matcher() *Matcher { return s.matcher }

// Warm builds the matcher, or brings it up to date: a server calls it at
// start so that the first query does not wait for the build.
func (m *Matcher) Warm(ctx context.Context) error {
	_, err := m.current(ctx, -1)
	return err
}

// Find ranks the verified models the typed text may mean (see match.Index
// Find). limit bounds the candidates, 0 for all.
func (m *Matcher) Find(ctx context.Context, text, brand string, limit int) (match.Result, error) {
	return m.findAt(ctx, -1, text, brand, limit)
}

// findAt is Find when the caller has just read the change log's head
// (verify reads it for its cache): a head at or past the latest
// camera_model event saves reading it again; -1 reads it.
func (m *Matcher) findAt(ctx context.Context, head int64, text, brand string, limit int) (match.Result, error) {
	st, err := m.current(ctx, head)
	if err != nil {
		return match.Result{}, err
	}
	res, err := st.ix.Find(match.Query{Text: text, Brand: brand, Limit: limit})
	if errors.Is(err, match.ErrTooLong) {
		return match.Result{BrandKey: res.BrandKey}, nil
	}
	return res, err
}

// decideAt decides how the typed text matched (see match.Index Decide),
// with the head as findAt takes it.
func (m *Matcher) decideAt(ctx context.Context, head int64, text, brand string) (match.Kind, []match.Candidate, error) {
	st, err := m.current(ctx, head)
	if err != nil {
		return match.None, nil, err
	}
	k, cs, err := st.ix.Decide(match.Query{Text: text, Brand: brand})
	if errors.Is(err, match.ErrTooLong) {
		return match.None, nil, nil
	}
	return k, cs, err
}

// Candidates is Find with each model's brand and number, for search.
func (m *Matcher) Candidates(ctx context.Context, text, brand string, limit int) ([]MatchCandidate, error) {
	st, err := m.current(ctx, -1)
	if err != nil {
		return nil, err
	}
	key := text + "\x00" + brand + "\x00" + strconv.Itoa(limit)
	if c, ok := st.remembered(key); ok {
		return slices.Clone(c), nil
	}
	out, err := matchCandidates(st.ix.Find(match.Query{Text: text, Brand: brand, Limit: limit}))
	if err == nil && out != nil {
		st.remember(key, slices.Clone(out))
	}
	return out, err
}

// Exact is Candidates with no edit allowed (match.Index FindExact): the
// models whose key the typed text is, for search to tell whether a run of
// a longer text is a model number.
func (m *Matcher) Exact(ctx context.Context, text string) ([]MatchCandidate, error) {
	st, err := m.current(ctx, -1)
	if err != nil {
		return nil, err
	}
	return matchCandidates(st.ix.FindExact(match.Query{Text: text}))
}

// matchCandidates is a match's candidates with their brands and numbers;
// a text too long to be a model number has none (nil).
func matchCandidates(res match.Result, err error) ([]MatchCandidate, error) {
	if errors.Is(err, match.ErrTooLong) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]MatchCandidate, 0, len(res.Candidates))
	for _, c := range res.Candidates {
		out = append(out, MatchCandidate{ID: c.ID, Brand: c.Brand, ModelNumber: c.ModelNumber, Distance: c.Distance})
	}
	return out, nil
}

// current returns the matcher's state as of the change log's head, read
// unless given (head >= 0).
func (m *Matcher) current(ctx context.Context, head int64) (*matcherState, error) {
	var err error
	if head < 0 {
		if head, err = m.head(ctx); err != nil {
			return nil, err
		}
	}
	if st := m.cur.Load(); st != nil && st.head >= head {
		return st, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.cur.Load()
	if st != nil && st.head >= head {
		return st, nil
	}
	if st == nil || st.ix.Pending() > matcherPatchLimit {
		st, err = m.build(ctx)
	} else {
		st, err = m.patch(ctx, st, head)
	}
	if err != nil {
		return nil, err
	}
	m.cur.Store(st)
	return st, nil
}

// modelHeadQuery reads the latest event of one entity up to a seq. It is
// written as a range over the (entity, seq) index, ordered by both, rather
// than MAX(seq) ... WHERE entity = ?: PostgreSQL planned that as a
// backward walk of the primary key filtered on the entity, which after a
// bulk import (the models' events first, then hundreds of thousands of
// others) read every later event: 1.9 s a verify while the snapshot was
// being built, the "first run" anomaly of BENCHMARKS.md. With the entity
// as a range the primary key cannot give the order, and the plan is one
// probe of events_entity_seq (3.6 ms cold, on SQLite as well).
const modelHeadQuery = "SELECT seq FROM events WHERE entity >= ? AND entity <= ? AND seq <= ? ORDER BY entity DESC, seq DESC LIMIT 1"

func (m *Matcher) head(ctx context.Context) (int64, error) {
	var head int64
	err := m.db.WithContext(ctx).Raw(modelHeadQuery, "camera_model", "camera_model", int64(math.MaxInt64)).Scan(&head).Error
	if err != nil {
		return 0, fmt.Errorf("read the models' change-log head: %w", err)
	}
	return head, nil
}

type matcherRow struct {
	ID, Brand, BrandKey, ModelNumber, ModelKey, LooseKey, Status string
}

func (r matcherRow) entry(listings int) match.Entry {
	return match.Entry{ID: r.ID, BrandKey: r.BrandKey, ModelKey: r.ModelKey, LooseKey: r.LooseKey, Listings: listings,
		Brand: r.Brand, ModelNumber: r.ModelNumber}
}

const matcherColumns = "id, brand, brand_key, model_number, model_key, loose_key, status"

// build reads every verified model and the listings counts. The head is
// read first: an event that lands meanwhile is applied again next time,
// which is harmless.
func (m *Matcher) build(ctx context.Context) (*matcherState, error) {
	head, err := m.head(ctx)
	if err != nil {
		return nil, err
	}
	db := m.db.WithContext(ctx)
	var rows []matcherRow
	if err := db.Raw("SELECT "+matcherColumns+" FROM camera_models WHERE status = ?", ModelVerified).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("build the matcher: %w", err)
	}
	var counts []struct {
		CameraModelID string
		N             int
	}
	if err := db.Raw("SELECT camera_model_id, COUNT(*) AS n FROM listings GROUP BY camera_model_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("build the matcher: %w", err)
	}
	listings := make(map[string]int, len(counts))
	for _, c := range counts {
		listings[c.CameraModelID] = c.N
	}
	es := make([]match.Entry, len(rows))
	for i, r := range rows {
		es[i] = r.entry(listings[r.ID])
		delete(listings, r.ID)
	}
	// A map emptied by deletes keeps its buckets: copy what is left.
	st := &matcherState{head: head, listings: make(map[string]int, len(listings))}
	for id, n := range listings {
		st.listings[id] = n
	}
	if st.ix, err = match.New(es); err != nil {
		return nil, err
	}
	return st, nil
}

// patch applies the models named by the events after st's head: verified
// ones are (re)added, any other (pending, deleted) removed.
func (m *Matcher) patch(ctx context.Context, st *matcherState, head int64) (*matcherState, error) {
	db := m.db.WithContext(ctx)
	var ids []string
	err := db.Raw("SELECT DISTINCT entity_id FROM events WHERE entity = ? AND seq > ? AND seq <= ? LIMIT ?",
		"camera_model", st.head, head, matcherPatchLimit+1).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("read the models' changes: %w", err)
	}
	if len(ids) > matcherPatchLimit {
		return m.build(ctx)
	}
	next := &matcherState{head: head, listings: st.listings}
	var add []match.Entry
	found := map[string]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		var rows []matcherRow
		if err := db.Raw("SELECT "+matcherColumns+" FROM camera_models WHERE id IN ?", chunk).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("read the changed models: %w", err)
		}
		for _, r := range rows {
			if r.Status != ModelVerified {
				continue
			}
			found[r.ID] = true
			n, ok := st.ix.BuiltListings(r.ID)
			if !ok {
				n = st.listings[r.ID]
			}
			add = append(add, r.entry(n))
		}
	}
	var remove []string
	for _, id := range ids {
		if !found[id] {
			remove = append(remove, id)
		}
	}
	next.ix = st.ix.With(add, remove)
	return next, nil
}
