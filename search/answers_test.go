package search

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// titleIndex is an engine whose documents are titles, found by substring;
// it counts its searches.
type titleIndex struct {
	Index
	mu       sync.Mutex
	titles   map[string]string
	searches int
}

func (x *titleIndex) Upsert(_ context.Context, docs []Document) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, d := range docs {
		x.titles[d.ID] = d.Title
	}
	return nil
}

func (x *titleIndex) Delete(_ context.Context, ids []string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		delete(x.titles, id)
	}
	return nil
}

func (x *titleIndex) SetCursor(context.Context, int64) error { return nil }

func (x *titleIndex) Search(_ context.Context, q Query) (*Result, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.searches++
	r := &Result{Facets: Facets{Type: map[string]int{}}}
	for id, title := range x.titles {
		if strings.Contains(title, q.Text) {
			r.Hits = append(r.Hits, Hit{Type: TypeModel, EntityID: id, Title: title})
			r.Facets.Type[string(TypeModel)]++
		}
	}
	r.Total = len(r.Hits)
	return r, nil
}

// sharedPosition is a position another process may move.
type sharedPosition struct {
	mu sync.Mutex
	p  string
}

func (s *sharedPosition) set(p string) { s.mu.Lock(); s.p = p; s.mu.Unlock() }
func (s *sharedPosition) get(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p, nil
}

func total(t *testing.T, idx Index, text string) int {
	t.Helper()
	r, err := idx.Search(context.Background(), Query{Text: text, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return r.Total
}

// TestRememberAnswers checks that an answer is remembered while the
// position stands, that a write by another process is seen at the next
// search once the position moves (forward or back), and that a write
// through the wrapper is seen at once.
func TestRememberAnswers(t *testing.T) {
	ctx := context.Background()
	engine := &titleIndex{titles: map[string]string{"model-1": "Hikvision DS-2CD"}}
	pos := &sharedPosition{p: "1@t1"}
	idx := RememberAnswers(engine, pos.get, AnswerBytes)
	if total(t, idx, "Hik") != 1 || total(t, idx, "Hik") != 1 || engine.searches != 1 {
		t.Fatalf("searches %d, want 1 (the second remembered)", engine.searches)
	}
	// Another process writes the shared index; until its cursor moves the
	// remembered answer stands, and then the write is seen.
	_ = engine.Upsert(ctx, []Document{{ID: "model-2", Title: "Hikvision DS-7608"}})
	if n := total(t, idx, "Hik"); n != 1 {
		t.Fatalf("before the cursor moved: %d hits, want the remembered 1", n)
	}
	pos.set("2@t2")
	if n := total(t, idx, "Hik"); n != 2 {
		t.Fatalf("after the cursor moved: %d hits, want 2", n)
	}
	// A rebuild at the same seq changes the time; a cursor moved back
	// forgets too.
	_ = engine.Delete(ctx, []string{"model-1"})
	pos.set("2@t3")
	if n := total(t, idx, "Hik"); n != 1 {
		t.Fatalf("after a rebuild at the same seq: %d hits, want 1", n)
	}
	_ = engine.Upsert(ctx, []Document{{ID: "model-3", Title: "Hikvision DS-3E"}})
	pos.set("1@t4")
	if n := total(t, idx, "Hik"); n != 2 {
		t.Fatalf("after the cursor moved back: %d hits, want 2", n)
	}
	// A write through the wrapper is seen at once.
	if err := idx.Upsert(ctx, []Document{{ID: "model-4", Title: "Hikvision DS-9"}}); err != nil {
		t.Fatal(err)
	}
	if n := total(t, idx, "Hik"); n != 3 {
		t.Fatalf("after a write through the wrapper: %d hits, want 3", n)
	}
	// A remembered answer is a copy: changing it changes nothing held.
	r, _ := idx.Search(ctx, Query{Text: "Hik", Limit: 10})
	r.Hits[0].Title, r.Facets.Type[string(TypeModel)] = "changed", 99
	r2, _ := idx.Search(ctx, Query{Text: "Hik", Limit: 10})
	if r2.Hits[0].Title == "changed" || r2.Facets.Type[string(TypeModel)] != 3 {
		t.Fatalf("a caller changed the remembered answer: %+v", r2)
	}
}

// TestRememberAnswersRace checks that an answer found before a write
// through the wrapper is not stored after it.
func TestRememberAnswersRace(t *testing.T) {
	engine := &titleIndex{titles: map[string]string{"model-1": "Dahua"}}
	pos := &sharedPosition{p: "1@t1"}
	x := RememberAnswers(engine, pos.get, AnswerBytes).(*remembering)
	key := answerKey{pos: "1@t1", local: x.local.Load()}
	old, _ := engine.Search(context.Background(), Query{Text: "Dahua"})
	_ = x.Upsert(context.Background(), []Document{{ID: "model-2", Title: "Dahua 2"}})
	if _, ok := x.a.Get(answerKey{pos: "1@t1", local: x.local.Load()}, Query{Text: "Dahua"}); ok {
		t.Fatal("an answer survived a write")
	}
	x.a.Put(key, Query{Text: "Dahua"}, old)
	if n := total(t, x, "Dahua"); n != 2 {
		t.Fatalf("%d hits, want 2: an answer from before the write was kept", n)
	}
}

// TestRememberAnswersBounded checks that the remembered answers stay
// within their bound.
func TestRememberAnswersBounded(t *testing.T) {
	engine := &titleIndex{titles: map[string]string{}}
	for i := range 50 {
		engine.titles[fmt.Sprint("m", i)] = fmt.Sprint("Camera model number ", i)
	}
	const limit = 64 << 10
	pos := &sharedPosition{p: "1@t1"}
	x := RememberAnswers(engine, pos.get, limit).(*remembering)
	for i := range 2000 {
		total(t, x, fmt.Sprint("model number ", i%100))
		total(t, x, fmt.Sprint("Camera ", i))
		if n := x.a.Bytes(); n > limit {
			t.Fatalf("after %d searches: %d bytes remembered, bound %d", i, n, limit)
		}
	}
	if x.a.Len() == 0 {
		t.Fatal("nothing remembered")
	}
}
