package search

import (
	"fmt"
	"testing"
)

// TestAnswersStore: the one store of remembered answers, keyed by a
// version: an answer is served at the version it was found at only, a copy
// each time; a Get at another version forgets everything (forward or back);
// a Put at a version the store has left, or after Forget and before a Get,
// is dropped; and the bytes held stay within the bound.
func TestAnswersStore(t *testing.T) {
	res := func(title string) *Result {
		return &Result{Hits: []Hit{{Type: TypeModel, EntityID: "m1", Title: title}}, Total: 1,
			Facets: Facets{Type: map[string]int{string(TypeModel): 1}}}
	}
	q := Query{Text: "hik", Limit: 10}
	a := NewAnswers[uint64](AnswerBytes)
	if _, ok := a.Get(1, q); ok {
		t.Fatal("an empty store answered")
	}
	a.Put(1, q, res("one"))
	r, ok := a.Get(1, q)
	if !ok || r.Hits[0].Title != "one" {
		t.Fatalf("remembered %v %v", r, ok)
	}
	r.Hits[0].Title, r.Facets.Type[string(TypeModel)] = "changed", 9
	if r, _ := a.Get(1, q); r.Hits[0].Title != "one" || r.Facets.Type[string(TypeModel)] != 1 {
		t.Fatalf("a caller changed the remembered answer: %+v", r)
	}
	if _, ok := a.Get(2, q); ok {
		t.Fatal("an answer of version 1 served at version 2")
	}
	a.Put(1, q, res("stale")) // found at 1, stored after the store moved to 2
	if _, ok := a.Get(2, q); ok {
		t.Fatal("an answer found at a version left behind was kept")
	}
	a.Put(2, q, res("two"))
	if _, ok := a.Get(1, q); ok {
		t.Fatal("a version moved back kept the answers")
	}

	// Forget: a search that read the version before a write must not store
	// its answer after it, even at the same version.
	a.Put(1, q, res("one"))
	a.Forget()
	a.Put(1, q, res("during the write"))
	if a.Len() != 0 {
		t.Fatal("an answer stored after Forget, before any Get")
	}
	if _, ok := a.Get(1, q); ok {
		t.Fatal("Forget kept an answer")
	}

	// A struct version, as the shared indexes key theirs.
	b := NewAnswers[answerKey](AnswerBytes)
	b.Get(answerKey{"1@t1", 0}, q)
	b.Put(answerKey{"1@t1", 0}, q, res("shared"))
	if _, ok := b.Get(answerKey{"1@t1", 1}, q); ok {
		t.Fatal("a write through the wrapper was not seen")
	}

	// Bounded: never more than limit bytes; an answer over it alone is
	// not kept.
	const limit = 8 << 10
	c := NewAnswers[int](limit)
	c.Get(0, q)
	for i := range 500 {
		qi := Query{Text: fmt.Sprint("camera ", i), Limit: 10}
		c.Put(0, qi, res(fmt.Sprint("Camera model number ", i)))
		if n := c.Bytes(); n > limit {
			t.Fatalf("after %d answers: %d bytes, bound %d", i, n, limit)
		}
	}
	if c.Len() == 0 {
		t.Fatal("nothing remembered")
	}
	big := &Result{Hits: make([]Hit, limit/64)}
	c.Put(0, Query{Text: "big"}, big)
	if _, ok := c.Get(0, Query{Text: "big"}); ok {
		t.Fatal("an answer larger than the bound was kept")
	}
}
