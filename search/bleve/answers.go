package bleve

import (
	"slices"
	"sync"

	"camreg/search"
)

// AnswerBytes is the size (roughly estimated: the strings' lengths and a
// fixed cost a hit and a facet) of the answers a serving index remembers
// when Options.Answers is set. The load's mix of `make bench` (some 5,500
// queries with their type filters) takes about 20 MB.
const AnswerBytes = 64 << 20

// answers remembers the answers of the index as it is now: every write to
// the live index (an upsert, a delete, a rebuilt index swapped in) makes
// a new generation and forgets them all, so that a remembered answer is
// the one a search would give, to the letter, until the index changes.
// The records themselves are never remembered: the API loads the hits
// from the database for each request.
type answers struct {
	mu    sync.Mutex
	gen   uint64 // the index's generation: bumped after each write
	bytes int
	limit int
	m     map[search.Query]*search.Result
}

func newAnswers(limit int) *answers {
	return &answers{limit: limit, m: map[search.Query]*search.Result{}}
}

// generation is the current generation, read before a search whose answer
// may be remembered.
func (a *answers) generation() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.gen
}

// changed forgets every answer: the index has been written. Called after
// the write is visible to searches, so that an answer found during the
// write (from the index before or after it) is never kept past it.
func (a *answers) changed() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	clear(a.m)
	a.bytes = 0
}

// get returns a copy of the remembered answer to q, if any.
func (a *answers) get(q search.Query) (*search.Result, bool) {
	a.mu.Lock()
	r, ok := a.m[q]
	a.mu.Unlock()
	if !ok {
		return nil, false
	}
	return cloneResult(r), true
}

// put remembers r as the answer to q found at generation gen, unless the
// index has been written since.
func (a *answers) put(q search.Query, gen uint64, r *search.Result) {
	n := resultBytes(q, r)
	r = cloneResult(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen || n > a.limit {
		return
	}
	if a.bytes+n > a.limit {
		clear(a.m)
		a.bytes = 0
	}
	if old, ok := a.m[q]; ok {
		a.bytes -= resultBytes(q, old)
	}
	a.m[q] = r
	a.bytes += n
}

// resultBytes is about what q and r hold in memory.
func resultBytes(q search.Query, r *search.Result) int {
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

// cloneResult is a copy of r that shares only its strings, so that neither
// the remembered answer nor the caller's can change the other.
func cloneResult(r *search.Result) *search.Result {
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
	return &search.Result{Hits: slices.Clone(r.Hits), Total: r.Total, FacetsExact: r.FacetsExact,
		Facets: search.Facets{Type: cp(r.Facets.Type), Brand: cp(r.Facets.Brand), Province: cp(r.Facets.Province), Status: cp(r.Facets.Status)}}
}
