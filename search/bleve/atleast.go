package bleve

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// atLeast is a query for records matching at least need of its clauses,
// scored as bleve's disjunction with a minimum scores them (the sum of the
// matching clauses' scores, times the share of the clauses they are), so
// that it finds and ranks exactly what query.NewDisjunctionQuery(clauses)
// with SetMin(need) does, at a lower cost.
//
// bleve's disjunction reads every clause's postings one by one, and a long
// shop name or address of common words ("cong", "ty", "tnhh", "phuong")
// holds tens of thousands. But a record holding need of the n clauses
// holds one of any n-need+1 of them: the n-need+1 clauses that match the
// fewest records drive (their postings are read), and the others are only
// advanced to each record the drivers find, to count and score it.
//
// When the clauses' sources are known (srcs, one list for each clause),
// the records that can match are found first on the postings' bitmaps,
// under the search's filters (see candidates), and the clauses read their
// postings at those records only.
type atLeast struct {
	clauses []query.Query
	need    int
	srcs    [][]source
	// filters are the term filters the search's matches must pass (see
	// buildQuery): the candidates are those passing them.
	filters []source
}

func newAtLeast(clauses []query.Query, need int) *atLeast {
	return &atLeast{clauses: clauses, need: need}
}

// Searcher builds the clauses' searchers as query.DisjunctionQuery does.
func (q *atLeast) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	r := i
	if snap, ok := i.(*scorch.IndexSnapshot); ok && len(q.srcs) == len(q.clauses) && q.need > 1 && q.need <= len(q.clauses) {
		cands, ok, err := candidates(snap, q.srcs, q.filters, q.need)
		if err != nil {
			return nil, err
		}
		if ok {
			r = &candReader{IndexReader: i, fuzzy: snap, cands: cands}
		}
	}
	ss := make([]bsearch.Searcher, 0, len(q.clauses))
	for _, c := range q.clauses {
		s, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			for _, s := range ss {
				_ = s.Close()
			}
			return nil, err
		}
		if s != nil {
			ss = append(ss, s)
		}
	}
	if len(ss) < 1 {
		return searcher.NewMatchNoneSearcher(i)
	}
	nctx := context.WithValue(ctx, bsearch.IncludeScoreBreakdownKey, false)
	if q.need <= 1 || q.need > len(ss) {
		return searcher.NewDisjunctionSearcher(nctx, i, ss, float64(q.need), options)
	}
	return newAtLeastSearcher(ss, q.need, options), nil
}

// atLeastSearcher is atLeast's searcher: see atLeast.
type atLeastSearcher struct {
	// searchers in the order bleve's disjunction keeps them (by Count, as
	// searcher.OrderedSearcherList sorts), so that scores are summed in
	// the same order and come out the same to the last bit.
	searchers []bsearch.Searcher
	// driver tells the searchers whose postings are read; the others are
	// advanced to each driver's match.
	driver []bool
	// currs are each searcher's current match; nil for a driver that is
	// done, or a follower not yet advanced past its last match (stale).
	currs []*bsearch.DocumentMatch
	// done tells the followers that have no match left.
	done []bool
	// followers are the followers' positions in searchers, fewest
	// matches first (most likely to miss, so a candidate fails early).
	followers []int
	need      int
	scorer    *scorer.DisjunctionQueryScorer
	matching  []*bsearch.DocumentMatch
	cand      index.IndexInternalID
	init      bool
}

func newAtLeastSearcher(ss []bsearch.Searcher, need int, options bsearch.SearcherOptions) *atLeastSearcher {
	sorted := make(searcher.OrderedSearcherList, len(ss))
	copy(sorted, ss)
	sort.Sort(sorted)
	n := len(sorted)
	s := &atLeastSearcher{searchers: sorted, driver: make([]bool, n), currs: make([]*bsearch.DocumentMatch, n),
		done: make([]bool, n), need: need, scorer: scorer.NewDisjunctionQueryScorer(options),
		matching: make([]*bsearch.DocumentMatch, 0, n)}
	// The n-need+1 clauses matching fewest records drive. Count is what
	// bleve sorted by; a stable sort of positions keeps ties in order.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	counts := make([]uint64, n)
	for i, x := range sorted {
		counts[i] = x.Count()
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] < counts[order[b]] })
	for k, i := range order {
		if k < n-need+1 {
			s.driver[i] = true
		} else {
			s.followers = append(s.followers, i)
		}
	}
	// The query norm as bleve's disjunction computes it (a parent sets
	// it again, as it does for bleve's).
	sum := 0.0
	for _, x := range sorted {
		sum += x.Weight()
	}
	for _, x := range sorted {
		x.SetQueryNorm(1.0 / math.Sqrt(sum))
	}
	return s
}

func (s *atLeastSearcher) Weight() float64 {
	var w float64
	for _, x := range s.searchers {
		w += x.Weight()
	}
	return w
}

func (s *atLeastSearcher) SetQueryNorm(norm float64) {
	for _, x := range s.searchers {
		x.SetQueryNorm(norm)
	}
}

// Count is bleve's disjunction's (the worst case), so that a parent
// disjunction orders its clauses as before.
func (s *atLeastSearcher) Count() uint64 {
	var n uint64
	for _, x := range s.searchers {
		n += x.Count()
	}
	return n
}

func (s *atLeastSearcher) Min() int { return s.need }

func (s *atLeastSearcher) Size() int {
	n := 64 + 8*len(s.currs)
	for _, x := range s.searchers {
		n += x.Size()
	}
	return n
}

func (s *atLeastSearcher) DocumentMatchPoolSize() int {
	n := len(s.searchers)
	for _, x := range s.searchers {
		n += x.DocumentMatchPoolSize()
	}
	return n
}

func (s *atLeastSearcher) Close() (err error) {
	for _, x := range s.searchers {
		if e := x.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// start points every driver at its first match at or after id (its first
// match, when id is nil).
func (s *atLeastSearcher) start(ctx *bsearch.SearchContext, id index.IndexInternalID) error {
	s.init = true
	for i, x := range s.searchers {
		if !s.driver[i] {
			continue
		}
		var err error
		if id == nil {
			s.currs[i], err = x.Next(ctx)
		} else {
			s.currs[i], err = x.Advance(ctx, id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *atLeastSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.init {
		if err := s.start(ctx, nil); err != nil {
			return nil, err
		}
	}
	for {
		// The next candidate: the drivers' least current match.
		var cand index.IndexInternalID
		for i, c := range s.currs {
			if s.driver[i] && c != nil && (cand == nil || c.IndexInternalID.Compare(cand) < 0) {
				cand = c.IndexInternalID
			}
		}
		if cand == nil {
			return nil, nil
		}
		// A copy: a match put back in the pool has its ID overwritten.
		s.cand = append(s.cand[:0], cand...)
		cand = s.cand
		count := 0
		for i, c := range s.currs {
			if s.driver[i] && c != nil && c.IndexInternalID.Equals(cand) {
				count++
			}
		}
		// Each follower, advanced to the candidate if behind it, until
		// the count is reached or can no longer be.
		for k, i := range s.followers {
			if count+len(s.followers)-k < s.need {
				break
			}
			if s.done[i] {
				continue
			}
			c := s.currs[i]
			if c == nil || c.IndexInternalID.Compare(cand) < 0 {
				if c != nil {
					ctx.DocumentMatchPool.Put(c)
				}
				var err error
				if c, err = s.searchers[i].Advance(ctx, cand); err != nil {
					return nil, err
				}
				s.currs[i] = c
				if c == nil {
					s.done[i] = true
					continue
				}
			}
			if c.IndexInternalID.Equals(cand) {
				count++
			}
		}
		var rv *bsearch.DocumentMatch
		if count >= s.need {
			// Every clause matching the candidate, in bleve's order.
			m := s.matching[:0]
			for _, c := range s.currs {
				if c != nil && c.IndexInternalID.Equals(cand) {
					m = append(m, c)
				}
			}
			s.matching = m
			rv = s.scorer.Score(ctx, m, len(m), len(s.searchers))
		}
		// The drivers at the candidate move on; the followers at it are
		// advanced past it when the next candidate needs them.
		for i, c := range s.currs {
			if c == nil || !c.IndexInternalID.Equals(cand) {
				continue
			}
			if c != rv {
				ctx.DocumentMatchPool.Put(c)
			}
			s.currs[i] = nil
			if s.driver[i] {
				var err error
				if s.currs[i], err = s.searchers[i].Next(ctx); err != nil {
					return nil, err
				}
			}
		}
		if rv != nil {
			return rv, nil
		}
	}
}

func (s *atLeastSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.init {
		if err := s.start(ctx, id); err != nil {
			return nil, err
		}
		return s.Next(ctx)
	}
	for i, c := range s.currs {
		if !s.driver[i] || c == nil || c.IndexInternalID.Compare(id) >= 0 {
			continue
		}
		ctx.DocumentMatchPool.Put(c)
		var err error
		if s.currs[i], err = s.searchers[i].Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}
