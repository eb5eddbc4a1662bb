package api

import (
	"bytes"
	"encoding/json"
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
type verifyAnswers struct {
	mu   sync.Mutex
	head int64
	m    map[string][]byte
}

// maxVerifyAnswers bounds the answers kept (about 1.5 KB each); past it
// they start afresh.
const maxVerifyAnswers = 20_000

// get returns the answer kept for key at head.
func (a *verifyAnswers) get(head int64, key string) ([]byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if head != a.head || a.m == nil {
		return nil, false
	}
	b, ok := a.m[key]
	return b, ok
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
