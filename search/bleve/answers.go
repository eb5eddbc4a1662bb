package bleve

import (
	"sync"

	"camreg/search"
)

// AnswerBytes is the size (roughly estimated: the strings' lengths and a
// fixed cost a hit and a facet) of the answers a serving index remembers
// when Options.Answers is set. The load's mix of `make bench` (some 5,500
// queries with their type filters) takes about 20 MB.
const AnswerBytes = search.AnswerBytes

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

// resultBytes and cloneResult are the shared index's (search/answers.go).
var (
	resultBytes = search.ResultBytes
	cloneResult = search.CloneResult
)
