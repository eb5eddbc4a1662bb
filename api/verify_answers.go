package api

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"strings"
	"sync"
)

// verifyAnswers keeps the encoded answers of GET /v1/verify at the change
// log's latest head: the same query, asked on the same date in the same
// language (and with the same public base URL in the permalinks), at the
// same head, has the same answer, since nothing verify reads was written
// in between (models.VerifyView.Head). A verify still reads the head
// first, so an answer is never older than the latest write committed
// before it was asked; when the head moves, every answer kept is dropped.
//
// Profiled under wrk (BENCHMARKS.md): with the head read made cheap, a
// warm verify's CPU went on evaluating the rules again (verifyAll, 15%),
// building the response (6%) and encoding it by reflection (7%) for an
// answer it had just given.
//
// An answer is kept the second time its question is asked at a head, not
// the first: the first asking only notes the question's hash (asked). On a
// cold run (BENCHMARKS.md, "Verify cold: where the slow 1 % waits") no
// question came twice, yet every answer was copied out of its scratch
// buffer and kept: 12.7 % of the bytes a cold verify allocated, and a map
// of 20,000 answers emptied every 20,000 questions. A question asked
// again and again (warm) is answered from here from its third asking on.
type verifyAnswers struct {
	mu    sync.Mutex
	head  int64
	m     map[string][]byte
	asked map[uint64]struct{}
}

// maxVerifyAnswers bounds the answers kept (about 1.5 KB each); past it
// they start afresh. maxVerifyAsked bounds the questions noted.
const (
	maxVerifyAnswers = 20_000
	maxVerifyAsked   = 100_000
)

var askedSeed = maphash.MakeSeed()

// keep reports whether an answer given at head to the question key is to
// be kept (put): its question was asked before at that head. Otherwise it
// notes the question. A later head forgets the questions and the answers
// of the earlier one; a head earlier than the kept ones keeps nothing.
func (a *verifyAnswers) keep(head int64, key string) bool {
	h := maphash.String(askedSeed, key)
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case head < a.head:
		return false
	case head > a.head || a.m == nil:
		a.head, a.m = head, map[string][]byte{}
		clear(a.asked)
	}
	if _, ok := a.asked[h]; ok {
		return true
	}
	if a.asked == nil {
		a.asked = map[uint64]struct{}{}
	} else if len(a.asked) >= maxVerifyAsked {
		clear(a.asked)
	}
	a.asked[h] = struct{}{}
	return false
}

// get returns the answer kept for key at head.
func (a *verifyAnswers) get(head int64, key string) ([]byte, bool) {
	b, at, ok := a.latest(key)
	return b, ok && at == head
}

// latest returns the answer kept for key and the head it was kept at: an
// answer to a verify that reads the same head.
func (a *verifyAnswers) latest(key string) ([]byte, int64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		return nil, 0, false
	}
	b, ok := a.m[key]
	return b, a.head, ok
}

// put keeps an answer given at head. A later head drops every answer of
// the earlier one; an answer at an earlier head than the kept ones (a
// verify that read the head before another's) is not kept.
func (a *verifyAnswers) put(head int64, key string, body []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case head < a.head:
		return
	case head > a.head || a.m == nil:
		a.head, a.m = head, map[string][]byte{}
		clear(a.asked)
	case len(a.m) >= maxVerifyAnswers:
		clear(a.m) // in place, as verifyCache.decide
	}
	a.m[key] = body
}

// verifyAnswerKey names an answer by everything it depends on besides the
// registry: the query's parameters as given, the language, the base of the
// permalinks and the date (today, for a query without one).
func verifyAnswerKey(lang, base, today, model, brand, firmware, at string) string {
	return strings.Join([]string{lang, base, today, model, brand, firmware, at}, "\x00")
}

// encodeJSON encodes v as echo's c.JSON does (encoding/json's Encoder, with
// its trailing newline), so that a kept answer is byte for byte the one
// given the first time.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// answerScratch holds the buffers answers are written into before they are
// copied out at their own length.
var answerScratch = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}
