package bleve

import (
	"context"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A plan that finds nothing, passed over on the postings' bitmaps.
//
// A query whose plans find nothing (a trader's name asked under
// type=model, a typo no plan forgives) costs every plan's search: each
// reads its clauses' postings, thousands of records holding a common
// word, to find none passing the filters. Which records a plan can match
// at all is found far more cheaply on the bitmaps of its terms' postings
// (ANDs, ORs and atLeast's count, the filters ANDed in): when none can,
// the plan's search is skipped (it would have found nothing: the bitmaps
// hold every record its clauses match, and more where a clause is not
// read: see matchable).

// checker tells plans that can match nothing (see nothing), reading
// each term's postings once for all the plans of a query.
type checker struct {
	r    index.IndexReader
	snap *scorch.IndexSnapshot
	segs []*matchable
}

// newChecker is a checker over a reader of idx; close it.
func newChecker(idx blevelib.Index) (*checker, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bleve reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bleve reader: %w", err)
	}
	c := &checker{r: r}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		c.snap = snap
		m := idx.Mapping()
		for _, ss := range snap.Segments() {
			c.segs = append(c.segs, &matchable{r: snap, m: m, seg: ss.Segment(), deleted: ss.Deleted(),
				terms: map[string]*roaring.Bitmap{}})
		}
	}
	return c, nil
}

func (c *checker) close() { _ = c.r.Close() }

// nothing tells whether q can match no record, as far as its terms'
// postings tell.
func (c *checker) nothing(ctx context.Context, q query.Query) (bool, error) {
	if c.snap == nil {
		return false, nil
	}
	for _, e := range c.segs {
		b, err := e.bits(q, nil)
		if err != nil {
			return false, err
		}
		if b == nil {
			return false, nil
		}
		if e.deleted != nil {
			b = roaring.AndNot(b, e.deleted)
		}
		if !b.IsEmpty() {
			return false, nil
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
	return true, nil
}

// matchable finds, in one segment, records a query can match: every one
// it matches, and perhaps others.
type matchable struct {
	r       *scorch.IndexSnapshot
	m       mapping.IndexMapping
	seg     segment.Segment
	deleted *roaring.Bitmap
	// terms are the postings read, by field and term (or source), kept
	// unchanged.
	terms map[string]*roaring.Bitmap
}

// bits are records of the segment within mask (every record when mask
// is nil) that q may match, deleted ones included; nil for every record
// of mask (a query it does not read). Not to be changed: it may be the
// postings kept, or mask.
func (e *matchable) bits(q query.Query, mask *roaring.Bitmap) (*roaring.Bitmap, error) {
	within := func(b *roaring.Bitmap, err error) (*roaring.Bitmap, error) {
		if err != nil || b == nil || mask == nil {
			return b, err
		}
		return roaring.And(b, mask), nil
	}
	switch q := q.(type) {
	case *query.TermQuery:
		return within(e.source(source{field: q.FieldVal, terms: []string{q.Term}}))
	case *query.PrefixQuery:
		return within(e.source(source{field: q.FieldVal, prefix: q.Prefix}))
	case *query.FuzzyQuery:
		if q.Fuzziness == 0 {
			return within(e.source(source{field: q.FieldVal, terms: []string{q.Term}}))
		}
		// The prefix as bleve takes it: up to the first rune boundary at
		// or after q.Prefix bytes.
		prefix := q.Term
		for i := range q.Term {
			if i >= q.Prefix {
				prefix = q.Term[:i]
				break
			}
		}
		return within(e.source(source{field: q.FieldVal, fuzzy: q.Term, fuzziness: q.Fuzziness, fuzzyPrefix: &prefix}))
	case *query.MatchNoneQuery:
		return roaring.New(), nil
	case *query.MatchQuery:
		if q.Fuzziness != 0 || q.Analyzer != "" || q.FieldVal == "" {
			return nil, nil
		}
		a := e.m.AnalyzerNamed(e.m.AnalyzerNameForPath(q.FieldVal))
		if a == nil {
			return nil, nil
		}
		tokens := a.Analyze([]byte(q.Match))
		if len(tokens) == 0 {
			return nil, nil
		}
		qs := make([]query.Query, len(tokens))
		for i, t := range tokens {
			tq := query.NewTermQuery(string(t.Term))
			tq.SetField(q.FieldVal)
			qs[i] = tq
		}
		if q.Operator == query.MatchQueryOperatorAnd {
			return e.all(qs, mask)
		}
		return e.any(qs, 1, mask)
	case *query.ConjunctionQuery:
		return e.all(q.Conjuncts, mask)
	case *query.DisjunctionQuery:
		return e.any(q.Disjuncts, max(1, int(q.Min)), mask)
	case *query.BooleanQuery:
		var qs []query.Query
		if q.Filter != nil {
			qs = append(qs, q.Filter)
		}
		if q.Must != nil {
			qs = append(qs, q.Must)
		}
		return e.all(qs, mask)
	case *atLeast:
		return e.any(q.clauses, q.need, mask)
	}
	return nil, nil
}

// all are the records of mask all of qs may match (nil: all of mask).
// Terms first: the filters narrow the mask the rest is read within.
func (e *matchable) all(qs []query.Query, mask *roaring.Bitmap) (*roaring.Bitmap, error) {
	sorted := make([]query.Query, 0, len(qs))
	for _, q := range qs {
		if _, ok := q.(*query.TermQuery); ok {
			sorted = append(sorted, q)
		}
	}
	for _, q := range qs {
		if _, ok := q.(*query.TermQuery); !ok {
			sorted = append(sorted, q)
		}
	}
	for _, q := range sorted {
		b, err := e.bits(q, mask)
		if err != nil {
			return nil, err
		}
		if b != nil {
			mask = b
		}
		if mask != nil && mask.IsEmpty() {
			break
		}
	}
	return mask, nil
}

// any are the records of mask need of qs may match (nil: all of mask).
func (e *matchable) any(qs []query.Query, need int, mask *roaring.Bitmap) (*roaring.Bitmap, error) {
	// A query not read (every record) counts for every record: need one
	// fewer of the rest.
	bs := make([]*roaring.Bitmap, 0, len(qs))
	for _, q := range qs {
		b, err := e.bits(q, mask)
		if err != nil {
			return nil, err
		}
		if b == nil {
			need--
			continue
		}
		bs = append(bs, b)
	}
	switch {
	case need <= 0:
		return nil, nil
	case need > len(bs):
		return roaring.New(), nil
	case need == 1:
		return roaring.FastOr(bs...), nil
	}
	if c := atLeastOf(bs, nil, need); c != nil {
		return c, nil
	}
	return roaring.New(), nil
}

// source are the records of the segment holding one of s's terms (nil
// when they are too many to read: see maxSourceTerms).
func (e *matchable) source(s source) (*roaring.Bitmap, error) {
	key := fmt.Sprintf("%s\x00%q\x00%s\x00%s\x00%d", s.field, s.terms, s.prefix, s.fuzzy, s.fuzziness)
	if s.fuzzyPrefix != nil {
		key += "\x00" + *s.fuzzyPrefix
	}
	if b, ok := e.terms[key]; ok {
		return b, nil
	}
	terms, ok, err := s.expand(e.r)
	if err != nil {
		return nil, err
	}
	var b *roaring.Bitmap
	if ok {
		if b, err = postings(e.seg, s.field, terms); err != nil {
			return nil, err
		}
	}
	e.terms[key] = b
	return b, nil
}
