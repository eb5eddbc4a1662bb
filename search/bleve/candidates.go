package bleve

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// An atLeast clause's candidates, found on the postings' bitmaps.
//
// atLeast's searcher reads the postings of its rarest clauses one by one
// (with frequencies and norms, to score) and advances the others to each
// record they find: a long shop name or address of common words visits
// thousands of records holding one of its words, to keep those holding
// two in three, and under a filter (type=model) drops most of those
// afterwards. Which records hold need of the clauses, and pass the
// filters, is found first on the bitmaps of the clauses' terms (zapx keeps
// each term's postings as a roaring bitmap): a count of clauses per record
// by bit-sliced ORs and ANDs, the filters' bitmaps ANDed in, the deleted
// records taken out. The clauses' searchers then read their postings at
// those records only (candReader), so atLeast finds and scores what it
// did, at the records it would have found, with the index's counts and
// weights.

// source is an alternative of an atLeast clause, as the postings it
// matches: the terms of field, every term of field beginning prefix, or
// the terms of field within fuzziness edits of fuzzy sharing its first
// letter (as a query.FuzzyQuery with prefix 1 expands).
type source struct {
	field     string
	terms     []string
	prefix    string
	fuzzy     string
	fuzziness int
	// fuzzyPrefix, when not nil, is the prefix the fuzzy terms share
	// (their first letter otherwise).
	fuzzyPrefix *string
}

// maxSourceTerms is the most terms a prefix or fuzzy source is expanded
// to on the bitmaps; a clause with a wider one is counted as held by
// every record (the candidates are then more, never fewer).
const maxSourceTerms = 256

// expand is s's terms, read from the index's dictionary; ok is false
// when they are more than maxSourceTerms.
func (s source) expand(r index.IndexReader) (terms []string, ok bool, err error) {
	var d index.FieldDict
	switch {
	case s.prefix != "":
		d, err = r.FieldDictPrefix(s.field, []byte(s.prefix))
	case s.fuzzy != "":
		fr, isFuzzy := r.(index.IndexReaderFuzzy)
		if !isFuzzy {
			return nil, false, nil
		}
		_, n := utf8.DecodeRuneInString(s.fuzzy)
		prefix := s.fuzzy[:n]
		if s.fuzzyPrefix != nil {
			prefix = *s.fuzzyPrefix
		}
		d, err = fr.FieldDictFuzzy(s.field, s.fuzzy, s.fuzziness, prefix)
	default:
		return s.terms, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("bleve terms of %q: %w", s.prefix+s.fuzzy, err)
	}
	defer d.Close()
	terms = append([]string(nil), s.terms...)
	for {
		e, err := d.Next()
		if err != nil {
			return nil, false, fmt.Errorf("bleve terms of %q: %w", s.prefix+s.fuzzy, err)
		}
		if e == nil {
			return terms, true, nil
		}
		if len(terms) >= maxSourceTerms+len(s.terms) {
			return nil, false, nil
		}
		terms = append(terms, e.Term)
	}
}

// candidates are the records (by document number) of snapshot r that
// hold a term of need of the clauses (each a list of sources) and of
// every filter; ok is false when the bitmaps would tell nothing (every
// clause but fewer than need too wide to expand).
func candidates(r *scorch.IndexSnapshot, clauses [][]source, filters []source, need int) (_ *roaring.Bitmap, ok bool, err error) {
	expandAll := func(srcs []source) ([]field, bool, error) {
		var out []field
		for _, s := range srcs {
			terms, ok, err := s.expand(r)
			if err != nil || !ok {
				return nil, ok, err
			}
			out = append(out, field{s.field, terms})
		}
		return out, true, nil
	}
	var cs [][]field
	for _, c := range clauses {
		fs, ok, err := expandAll(c)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			need-- // held by every record, as far as the bitmaps count
			continue
		}
		cs = append(cs, fs)
	}
	fs, ok, err := expandAll(filters)
	if err != nil || !ok {
		return nil, false, err
	}
	if need <= 0 {
		return nil, false, nil
	}
	out := roaring.New()
	if len(cs) < need {
		return out, true, nil
	}
	var off uint64
	for _, ss := range r.Segments() {
		seg := ss.Segment()
		n := seg.Count()
		c, err := segmentCandidates(seg, cs, fs, need)
		if err != nil {
			return nil, false, err
		}
		if c != nil && !c.IsEmpty() {
			if del := ss.Deleted(); del != nil {
				c.AndNot(del)
			}
			out.Or(roaring.AddOffset64(c, int64(off)))
		}
		off += n
	}
	return out, true, nil
}

// field is a field's terms.
type field struct {
	name  string
	terms []string
}

// segmentCandidates are candidates in one segment: see candidates.
func segmentCandidates(seg segment.Segment, clauses [][]field, filters []field, need int) (*roaring.Bitmap, error) {
	var filter *roaring.Bitmap
	for _, f := range filters {
		b, err := postings(seg, f.name, f.terms)
		if err != nil {
			return nil, err
		}
		if filter == nil {
			filter = b
		} else {
			filter.And(b)
		}
		if filter.IsEmpty() {
			return nil, nil
		}
	}
	bs := make([]*roaring.Bitmap, len(clauses))
	for i, c := range clauses {
		bs[i] = roaring.New()
		for _, f := range c {
			x, err := postings(seg, f.name, f.terms)
			if err != nil {
				return nil, err
			}
			bs[i].Or(x)
		}
	}
	return atLeastOf(bs, filter, need), nil
}

// atLeastOf are the records in at least need of bs (each a clause's
// records, within filter unless it is nil); nil for none.
func atLeastOf(bs []*roaring.Bitmap, filter *roaring.Bitmap, need int) *roaring.Bitmap {
	// ge[j] are the records holding j clauses or more, of those read;
	// only the counts that may still reach need are kept.
	ge := make([]*roaring.Bitmap, need+1)
	for k, b := range bs {
		if filter != nil {
			b = roaring.And(b, filter)
		}
		left := len(bs) - k - 1
		lo := max(1, need-left)
		for j := min(k+1, need); j >= lo; j-- {
			var add *roaring.Bitmap
			if j == 1 {
				add = b
			} else if ge[j-1] != nil {
				add = roaring.And(ge[j-1], b)
			}
			if add == nil || add.IsEmpty() {
				continue
			}
			if ge[j] == nil {
				if j == 1 {
					add = add.Clone()
				}
				ge[j] = add
			} else {
				ge[j].Or(add)
			}
		}
		if lo > 1 {
			ge[lo-1] = nil
		}
	}
	return ge[need]
}

// postings are the records of seg holding one of terms in field, deleted
// records included.
func postings(seg segment.Segment, field string, terms []string) (*roaring.Bitmap, error) {
	out := roaring.New()
	if len(terms) == 0 {
		return out, nil
	}
	d, err := seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("bleve dictionary %q: %w", field, err)
	}
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for _, t := range terms {
		if pl, err = d.PostingsList([]byte(t), nil, pl); err != nil {
			return nil, fmt.Errorf("bleve postings %q: %w", t, err)
		}
		if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
			o.OrInto(out)
			continue
		}
		it = pl.Iterator(false, false, false, it)
		for p, err := it.Next(); p != nil || err != nil; p, err = it.Next() {
			if err != nil {
				return nil, fmt.Errorf("bleve postings %q: %w", t, err)
			}
			out.Add(uint32(p.Number()))
		}
	}
	return out, nil
}

// candReader is an index reader whose term readers read only the records
// of cands (by document number), skipping from one to the next; each
// term's count, and so its weight and every score, is the index's.
type candReader struct {
	index.IndexReader
	fuzzy index.IndexReaderFuzzy
	cands *roaring.Bitmap
}

func (r *candReader) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	t, err := r.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil {
		return nil, err
	}
	return &candTermReader{TermFieldReader: t, cands: r.cands}, nil
}

// FieldDictFuzzy and FieldDictFuzzyAutomaton expand fuzzy terms as the
// index does (bleve looks for them by a type assertion).
func (r *candReader) FieldDictFuzzy(field, term string, fuzziness int, prefix string) (index.FieldDict, error) {
	return r.fuzzy.FieldDictFuzzy(field, term, fuzziness, prefix)
}

func (r *candReader) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (index.FieldDict, index.FuzzyAutomaton, error) {
	return r.fuzzy.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
}

// candTermReader reads a term's postings at the records cands only.
type candTermReader struct {
	index.TermFieldReader
	cands *roaring.Bitmap
	it    roaring.IntPeekable
	// at is the document number from which the next record is read.
	at uint64
	// done tells that no record from doneFrom on holds the term: bleve's
	// disjunction advances a clause that has no match left again at
	// every advance, which must not read the postings again.
	done     bool
	doneFrom uint64
	buf      [8]byte
}

func (t *candTermReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	if t.done {
		return nil, nil
	}
	if t.it == nil {
		t.it = t.cands.Iterator()
	}
	from := t.at
	for {
		var c uint64
		found := false
		if t.at <= uint64(^uint32(0)) {
			t.it.AdvanceIfNeeded(uint32(t.at))
			if found = t.it.HasNext(); found {
				c = uint64(t.it.PeekNext())
			}
		}
		var d *index.TermFieldDoc
		var err error
		if found {
			d, err = t.TermFieldReader.Advance(index.NewIndexInternalID(t.buf[:0], c), pre)
		}
		if err != nil || d == nil {
			t.done, t.doneFrom = true, from
			return nil, err
		}
		n := d.ID.Value()
		t.at = n + 1
		if n <= uint64(^uint32(0)) && t.cands.Contains(uint32(n)) {
			return d, nil
		}
		pre = d.Reset()
	}
}

func (t *candTermReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	n := id.Value()
	if t.done && n >= t.doneFrom {
		return nil, nil
	}
	if n < t.at {
		// Back: the underlying reader starts again too.
		t.it, t.done = nil, false
	}
	t.at = n
	return t.Next(pre)
}
