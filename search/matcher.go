package search

import (
	"context"
	"fmt"
	"strings"

	"camreg/fold"
	"camreg/match"
	"camreg/models"
)

// ModelMatcher finds the verified models a typed model number may mean,
// ranked best first: the registry's one matcher (models.Matcher, through
// match), so that search, verify and inspection items never disagree.
type ModelMatcher interface {
	MatchModels(ctx context.Context, text, brand string, limit int) ([]ModelMatch, error)
}

// ModelMatch is one model a matcher found.
type ModelMatch struct {
	ID          string
	Brand       string
	ModelNumber string
	// Distance is the weighted edit distance from the typed key: 0 is the
	// model's own key.
	Distance float64
}

// MatcherHits bounds the matcher's candidates put ahead of the engine's
// hits: enough for a family of near-identical siblings, few enough that a
// query that is not a model number keeps its own hits on the first page.
const MatcherHits = 5

// WithMatcher returns idx with the model hits of a model-number-like query
// (one with a digit, three characters or more) taken from m first, ahead of
// the engine's own hits, which follow without duplicates. Every other
// method, and every other query, goes to idx unchanged.
func WithMatcher(idx Index, m ModelMatcher) Index {
	return &matched{Index: idx, m: m}
}

type matched struct {
	Index
	m ModelMatcher
}

// Unwrap returns the engine's index.
func (x *matched) Unwrap() Index { return x.Index }

// modelLike says whether a query is one the matcher answers: text with a
// digit (or a dashed word with a digit's lookalike), of three characters
// or more, looking for models without filters
// the matcher cannot apply.
func modelLike(q Query) bool {
	if (q.Type != "" && q.Type != TypeModel) || q.Province != "" || q.Status != "" {
		return false
	}
	k := fold.Key(q.Text)
	if len(k) < 3 || len(k) > match.MaxKey {
		return false
	}
	if strings.ContainsAny(k, "0123456789") {
		return true
	}
	// A model number whose digits were all typed as their lookalikes
	// ("FPT-PLAYS" for FPT-PLAY5): a dashed word that holds a confusable.
	for _, w := range strings.Fields(q.Text) {
		if wk := fold.Key(w); strings.Contains(w, "-") && len(wk) >= 5 && strings.ContainsAny(match.Merge(wk), "0123456789") {
			return true
		}
	}
	return false
}

// HeadOffice is the head office's tax code of a query that is a branch's
// tax code alone ("0101234567-001", "MST: 0101234567 001",
// "0101234567001").
func HeadOffice(text string) (string, bool) {
	k := fold.Key(Rewrite(text))
	if len(k) != 13 || !allDigits([]string{k}) || k[10:] == "000" {
		return "", false
	}
	return k[:10], true
}

func (x *matched) search(ctx context.Context, q Query) (*Result, error) {
	// The matcher reads the model number the engines read: without what
	// is typed around it (Rewrite).
	mq := q
	mq.Text = Rewrite(q.Text)
	if !modelLike(mq) && len(fold.Key(mq.Text)) > match.MaxKey && (q.Type == "" || q.Type == TypeModel) && q.Province == "" && q.Status == "" {
		// Too long to be a model number, a listing's address may hold one.
		if mn, ok := x.modelIn(ctx, mq.Text); ok {
			mq.Text, q.Text = mn, mn
		}
	}
	if !modelLike(mq) {
		return x.Index.Search(ctx, q)
	}
	ms, err := x.m.MatchModels(ctx, mq.Text, q.Brand, 4*MatcherHits)
	if err != nil {
		return nil, fmt.Errorf("match models: %w", err)
	}
	if len(ms) == 0 {
		// A longer text that holds a model number (a listing's address,
		// a question): the model number is the query, for the engine too.
		if mn, ok := x.modelIn(ctx, mq.Text); ok {
			q.Text = mn
			if ms, err = x.m.MatchModels(ctx, mn, q.Brand, 4*MatcherHits); err != nil {
				return nil, fmt.Errorf("match models: %w", err)
			}
		}
	}
	if q.Brand != "" {
		bk := fold.Key(q.Brand)
		kept := ms[:0]
		for _, m := range ms {
			if fold.Key(m.Brand) == bk {
				kept = append(kept, m)
			}
		}
		ms = kept
	}
	ms = ms[:min(len(ms), MatcherHits)]
	if len(ms) == 0 {
		return x.Index.Search(ctx, q)
	}
	// The page is a window on the matcher's hits followed by the engine's
	// (less any the matcher gave): read the engine's from its start, as
	// far as the window needs.
	limit := max(q.Limit, 1)
	need := q.Offset + limit
	var engine []Hit
	var first *Result
	for from := 0; from < need; {
		eq := q
		eq.Offset, eq.Limit = from, min(MaxLimit, need-from)
		res, err := x.Index.Search(ctx, eq)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = res
		}
		engine = append(engine, res.Hits...)
		from += len(res.Hits)
		if len(res.Hits) < eq.Limit || from >= res.Total || from >= MaxOffset {
			break
		}
	}
	seen := map[string]bool{}
	all := make([]Hit, 0, len(ms)+len(engine))
	for _, m := range ms {
		seen[m.ID] = true
		all = append(all, Hit{Type: TypeModel, EntityID: m.ID, Title: strings.TrimSpace(m.Brand + " " + m.ModelNumber),
			Score: 1000 - m.Distance})
	}
	added := map[string]bool{}
	for _, m := range ms {
		added[m.ID] = true
	}
	for _, h := range engine {
		if h.Type == TypeModel && seen[h.EntityID] {
			delete(added, h.EntityID)
			continue
		}
		all = append(all, h)
	}
	out := &Result{Total: first.Total + len(added), Facets: copyFacets(first.Facets), FacetsExact: first.FacetsExact}
	for _, m := range ms {
		if added[m.ID] {
			out.Facets.Type[string(TypeModel)]++
			out.Facets.Brand[m.Brand]++
		}
	}
	if q.Offset < len(all) {
		out.Hits = all[q.Offset:min(len(all), q.Offset+limit)]
	} else {
		out.Hits = []Hit{}
	}
	return out, nil
}

func copyFacets(f Facets) Facets {
	cp := func(m map[string]int) map[string]int {
		out := make(map[string]int, len(m)+1)
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return Facets{Type: cp(f.Type), Brand: cp(f.Brand), Province: cp(f.Province), Status: cp(f.Status)}
}

// StaticMatcher is a ModelMatcher over a fixed set of models, for tests
// and tools that have no registry: the very same match.Index the registry
// builds, over the same keys.
type StaticMatcher struct {
	ix     *match.Index
	models map[string]ModelMatch
}

// NewStaticMatcher builds a StaticMatcher; listings counts models' listings
// by id (nil for none).
func NewStaticMatcher(ms []ModelMatch, listings map[string]int) (*StaticMatcher, error) {
	sm := &StaticMatcher{models: map[string]ModelMatch{}}
	es := make([]match.Entry, 0, len(ms))
	for _, m := range ms {
		sm.models[m.ID] = m
		es = append(es, match.Entry{ID: m.ID, BrandKey: fold.Key(m.Brand), ModelKey: fold.Key(m.ModelNumber),
			LooseKey: fold.LooseKey(m.ModelNumber), Listings: listings[m.ID]})
	}
	ix, err := match.New(es)
	if err != nil {
		return nil, err
	}
	sm.ix = ix
	return sm, nil
}

// MatchModels implements ModelMatcher.
func (sm *StaticMatcher) MatchModels(_ context.Context, text, brand string, limit int) ([]ModelMatch, error) {
	return sm.matches(sm.ix.Find(match.Query{Text: text, Brand: brand, Limit: limit}))
}

// matches are a match's candidates as the models they name.
func (sm *StaticMatcher) matches(res match.Result, err error) ([]ModelMatch, error) {
	if err != nil {
		return nil, err
	}
	out := make([]ModelMatch, 0, len(res.Candidates))
	for _, c := range res.Candidates {
		m := sm.models[c.ID]
		m.Distance = c.Distance
		out = append(out, m)
	}
	return out, nil
}

// StoreMatcher is the registry's matcher (models.Matcher: verified models
// only, kept current from the change log) as a ModelMatcher.
type StoreMatcher struct{ Store *models.Store }

// MatchModels implements ModelMatcher.
func (s StoreMatcher) MatchModels(ctx context.Context, text, brand string, limit int) ([]ModelMatch, error) {
	return modelMatches(s.Store.Matcher().Candidates(ctx, text, brand, limit))
}

// modelMatches are the registry matcher's candidates as ModelMatches.
func modelMatches(cs []models.MatchCandidate, err error) ([]ModelMatch, error) {
	if err != nil {
		return nil, err
	}
	out := make([]ModelMatch, len(cs))
	for i, c := range cs {
		out[i] = ModelMatch{ID: c.ID, Brand: c.Brand, ModelNumber: c.ModelNumber, Distance: c.Distance}
	}
	return out, nil
}

// ExactMatcher is a ModelMatcher that can also find the models whose key
// a text is without walking the typos' reach (StaticMatcher,
// StoreMatcher): what reading a longer text for a model number asks.
type ExactMatcher interface {
	ExactModels(ctx context.Context, text string) ([]ModelMatch, error)
}

// ExactModels implements ExactMatcher.
func (sm *StaticMatcher) ExactModels(_ context.Context, text string) ([]ModelMatch, error) {
	return sm.matches(sm.ix.FindExact(match.Query{Text: text}))
}

// ExactModels implements ExactMatcher.
func (s StoreMatcher) ExactModels(ctx context.Context, text string) ([]ModelMatch, error) {
	return modelMatches(s.Store.Matcher().Exact(ctx, text))
}
