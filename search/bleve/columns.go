package bleve

import (
	"fmt"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// columns are a segment's facet values: for each of columnFields, the
// term each document holds, as a number into the field's terms. They are
// read once a segment from its term dictionaries and postings (a segment
// never changes), and then a match's facets cost four array reads,
// where reading them from the doc values (bleve's facets, and tally's
// before) decompresses and decodes the document's chunk of each field
// anew in every search: on the national registry, the facets' doc values
// were a sixth of a search's CPU.
type columns struct {
	// terms are each field's terms; of[f][doc] is 1 + the document's
	// term's position in terms[f], 0 when it holds none.
	terms [][]string
	of    [][]uint32
}

// columnFields are the fields columns hold: facetFields, then the sample
// bucket (see search.SampleOf).
var columnFields = append(append([]string{}, facetFields...), "sample")

// sampleColumn is the sample bucket's position in columnFields.
var sampleColumn = len(facetFields)

// columnsCache holds the columns of the segments searched lately, by
// segment: those of a snapshot being searched, and at most maxStale more
// (segments scorch has merged away, which the cache would otherwise keep
// from being collected; see pruneColumns).
var columnsCache = struct {
	sync.Mutex
	m map[segment.Segment]*columns
}{m: map[segment.Segment]*columns{}}

// maxStale is how many segments not in the snapshot being searched the
// cache may hold (a search of an older snapshot may still need them).
const maxStale = 8

// pruneColumns forgets the columns of segments not in segs once there are
// more than maxStale of them.
func pruneColumns(segs []*scorch.SegmentSnapshot) {
	columnsCache.Lock()
	defer columnsCache.Unlock()
	if len(columnsCache.m) <= len(segs)+maxStale {
		return
	}
	keep := make(map[segment.Segment]*columns, len(segs))
	for _, ss := range segs {
		if c, ok := columnsCache.m[ss.Segment()]; ok {
			keep[ss.Segment()] = c
		}
	}
	columnsCache.m = keep
}

// segmentColumns are seg's columns; ok is false when some document holds
// more than one term of a facet field (the columns cannot say it).
func segmentColumns(seg segment.Segment) (*columns, bool, error) {
	columnsCache.Lock()
	c, hit := columnsCache.m[seg]
	columnsCache.Unlock()
	if hit {
		return c, c != nil, nil
	}
	c, err := readColumns(seg)
	if err != nil {
		return nil, false, err
	}
	columnsCache.Lock()
	columnsCache.m[seg] = c
	columnsCache.Unlock()
	return c, c != nil, nil
}

// readColumns reads seg's columns from its terms' postings; nil when a
// document holds two terms of one field.
func readColumns(seg segment.Segment) (*columns, error) {
	n := seg.Count()
	c := &columns{terms: make([][]string, len(columnFields)), of: make([][]uint32, len(columnFields))}
	for f, name := range columnFields {
		of := make([]uint32, n)
		d, err := seg.Dictionary(name)
		if err != nil {
			return nil, fmt.Errorf("bleve dictionary %q: %w", name, err)
		}
		it := d.AutomatonIterator(nil, nil, nil)
		var pl segment.PostingsList
		var pit segment.PostingsIterator
		bm := roaring.New()
		for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
			if err != nil {
				return nil, fmt.Errorf("bleve terms %q: %w", name, err)
			}
			c.terms[f] = append(c.terms[f], e.Term)
			id := uint32(len(c.terms[f]))
			if pl, err = d.PostingsList([]byte(e.Term), nil, pl); err != nil {
				return nil, fmt.Errorf("bleve postings %q: %w", e.Term, err)
			}
			bm.Clear()
			if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
				o.OrInto(bm)
			} else {
				pit = pl.Iterator(false, false, false, pit)
				for p, err := pit.Next(); p != nil || err != nil; p, err = pit.Next() {
					if err != nil {
						return nil, fmt.Errorf("bleve postings %q: %w", e.Term, err)
					}
					bm.Add(uint32(p.Number()))
				}
			}
			for bi := bm.Iterator(); bi.HasNext(); {
				doc := bi.Next()
				if uint64(doc) >= n || of[doc] != 0 {
					return nil, nil
				}
				of[doc] = id
			}
		}
		c.of[f] = of
	}
	return c, nil
}

// snapColumns finds a snapshot's documents in their segments' columns.
type snapColumns struct {
	segs []*scorch.SegmentSnapshot
	cols []*columns
	// starts are the segments' first global document numbers, and the
	// snapshot's document count last.
	starts []uint64
	at     int // the segment of the last document found
}

func newSnapColumns(snap *scorch.IndexSnapshot) *snapColumns {
	segs := snap.Segments()
	s := &snapColumns{segs: segs, cols: make([]*columns, len(segs)), starts: make([]uint64, len(segs)+1)}
	for i, ss := range segs {
		s.starts[i+1] = s.starts[i] + ss.Segment().Count()
	}
	pruneColumns(segs)
	return s
}

// find is the segment holding doc (a global document number), its
// columns and doc's number in it; ok is false when the segment has none.
func (s *snapColumns) find(doc uint64) (seg int, c *columns, local uint64, ok bool, err error) {
	si := s.at
	if si >= len(s.segs) || doc < s.starts[si] || doc >= s.starts[si+1] {
		si = sort.Search(len(s.segs), func(i int) bool { return s.starts[i+1] > doc })
		if si == len(s.segs) {
			return 0, nil, 0, false, fmt.Errorf("bleve facets: document %d beyond the snapshot", doc)
		}
		s.at = si
	}
	if s.cols[si] == nil {
		c, ok, err := segmentColumns(s.segs[si].Segment())
		if err != nil || !ok {
			return 0, nil, 0, false, err
		}
		s.cols[si] = c
	}
	return si, s.cols[si], doc - s.starts[si], true, nil
}

// inSample keeps the documents of docs whose sample bucket (the field
// "sample") is within [lo, hi); ok is false when a segment has no columns.
func (s *snapColumns) inSample(docs []uint64, lo, hi string) ([]uint64, bool, error) {
	var out []uint64
	for _, doc := range docs {
		_, c, local, ok, err := s.find(doc)
		if err != nil || !ok {
			return nil, false, err
		}
		if t := c.of[sampleColumn][local]; t > 0 {
			if b := c.terms[sampleColumn][t-1]; b >= lo && b < hi {
				out = append(out, doc)
			}
		}
	}
	return out, true, nil
}

// count counts the facets of docs (global document numbers, ascending)
// from their segments' columns, as bleve's terms facet builders would
// from the doc values: the same terms, counts, order and top facetSize.
// ok is false when a segment has no columns.
func (s *snapColumns) count(docs []uint64) (bsearch.FacetResults, bool, error) {
	counts := make([][][]int, len(s.segs))
	seen := make([]int, len(facetFields))
	missing := make([]int, len(facetFields))
	for _, doc := range docs {
		si, c, local, ok, err := s.find(doc)
		if err != nil || !ok {
			return nil, false, err
		}
		if counts[si] == nil {
			counts[si] = make([][]int, len(facetFields))
			for f := range facetFields {
				counts[si][f] = make([]int, len(c.terms[f])+1)
			}
		}
		for f := range facetFields {
			t := c.of[f][local]
			counts[si][f][t]++
			if t == 0 {
				missing[f]++
			} else {
				seen[f]++
			}
		}
	}
	out := make(bsearch.FacetResults, len(facetFields))
	for f, name := range facetFields {
		byTerm := map[string]int{}
		for si, c := range s.cols {
			if counts[si] == nil {
				continue
			}
			for t, k := range counts[si][f][1:] {
				if k > 0 {
					byTerm[c.terms[f][t]] += k
				}
			}
		}
		r := &bsearch.FacetResult{Field: name, Total: seen[f], Missing: missing[f], Terms: &bsearch.TermFacets{}}
		for term, k := range byTerm {
			r.Terms.Add(&bsearch.TermFacet{Term: term, Count: k})
		}
		sort.Sort(r.Terms)
		r.Terms.TrimToTopN(min(facetSize, r.Terms.Len()))
		kept := 0
		for _, t := range r.Terms.Terms() {
			kept += t.Count
		}
		r.Other = r.Total - kept
		out[name] = r
	}
	return out, true, nil
}
