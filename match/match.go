// Package match is camreg's one model-number matcher: it turns what a person
// typed (a model number, with or without its brand, spaced or compact, with
// a slip or two) into the registry's models, ranked.
//
// Search, verify and inspection items all ask it, so they never disagree.
// Candidates come from an edit-distance automaton (osaAutomaton: the
// optimal-string-alignment table, one band of a row per prefix) run over a
// finite-state transducer (vellum) of confusable-merged keys: every key within Allowed
// edits of the typed key is found, whatever the size of the registry or of a
// family of siblings, and nothing farther is looked at. Candidates are then
// ranked by the product's own rules: weighted edit distance, then agreement
// of brand, family and prefix, then listings, key and id.
//
// It is a leaf package: it imports nothing of camreg's but the folding of
// text, so the registry and every search backend can use it.
package match

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"camreg/fold"

	"github.com/blevesearch/vellum"
)

// Entry is one model the matcher knows.
type Entry struct {
	ID string
	// BrandKey and ModelKey are the brand and model number through
	// fold.Key.
	BrandKey string
	ModelKey string
	// LooseKey is the model's loose key as the registry stores it; when
	// its merge differs from the model key's, it is indexed too.
	LooseKey string
	// Listings is how many listings name the model: the last tie-break.
	Listings int
	// Brand and ModelNumber are the model's as printed, carried for the
	// caller (not matched on).
	Brand, ModelNumber string
}

// Query is what a person typed.
type Query struct {
	// Text is the model number as typed, possibly led by its brand.
	Text string
	// Brand is the brand as typed, if given apart; "" for none.
	Brand string
	// Limit bounds the candidates returned; 0 returns all.
	Limit int
}

// Candidate is a model that may be the one meant.
type Candidate struct {
	Entry
	// Distance is the weighted edit distance from the typed key (without
	// a brand it led with) to the model key: 0 is the same key.
	Distance float64
	// BrandAgrees: the model's brand is the one given, or the one the
	// text led with.
	BrandAgrees bool
	// FamilyAgrees: the model key and the typed key share their family
	// (the key without its last run of letters, or digits and letters:
	// DS-2CD2143G2-I and DS-2CD2143G2-IU are one family), or the typed
	// key, of five characters or more, starts the model key (its suffix
	// left off: IPC2322LB-SF28 for IPC2322LB-SF28-A).
	FamilyAgrees bool
	// Prefix is the length of the prefix the typed key and the model key
	// share.
	Prefix int

	half int
}

// Result is the ranked candidates of a query.
type Result struct {
	// Candidates are ranked best first.
	Candidates []Candidate
	// BrandKey is the query's brand through fold.Key, "" if none given.
	BrandKey string
	// Truncated says Limit cut the list.
	Truncated bool
}

// Index is an immutable matcher over a set of entries; With derives an
// updated one cheaply. It is safe for concurrent use.
type Index struct {
	fst *vellum.FST
	// The built entries, without pointers for the collector to follow
	// (entries.go): FST value g → recs[groupIdx[groupOff[g]:groupOff[g+1]]].
	built *builtEntries
	// extra holds entries added since the FST was built, scanned one by
	// one; removed holds the ids whose built entries no longer count
	// (removed, or replaced by an entry of extra).
	extra   []Entry
	removed map[string]bool
	brands  map[string]bool
}

// New builds an index over entries. Entries with an empty model key are
// left out.
func New(entries []Entry) (*Index, error) {
	ix := &Index{removed: map[string]bool{}, brands: map[string]bool{}, built: newBuiltEntries(len(entries))}
	type keyed struct {
		key string
		i   int32
	}
	var keys []keyed
	for _, e := range entries {
		if e.ModelKey == "" {
			continue
		}
		i := ix.built.add(e)
		ix.brands[e.BrandKey] = true
		m := Merge(e.ModelKey)
		keys = append(keys, keyed{m, i})
		if l := Merge(e.LooseKey); e.LooseKey != "" && l != m {
			keys = append(keys, keyed{l, i})
		}
	}
	slices.SortFunc(keys, func(a, b keyed) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.i, b.i)) })
	var buf bytes.Buffer
	b, err := vellum.New(&buf, nil)
	if err != nil {
		return nil, fmt.Errorf("build matcher: %w", err)
	}
	for i := 0; i < len(keys); {
		j := i
		var group []int32
		for ; j < len(keys) && keys[j].key == keys[i].key; j++ {
			if len(group) == 0 || group[len(group)-1] != keys[j].i {
				group = append(group, keys[j].i)
			}
		}
		if err := b.Insert([]byte(keys[i].key), uint64(ix.built.groups())); err != nil {
			return nil, fmt.Errorf("build matcher: %w", err)
		}
		ix.built.addGroup(group)
		i = j
	}
	ix.built.done()
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("build matcher: %w", err)
	}
	if ix.fst, err = vellum.Load(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("build matcher: %w", err)
	}
	return ix, nil
}

// Len is the number of entries the index matches.
func (ix *Index) Len() int { return len(ix.built.recs) + len(ix.extra) - len(ix.removed) }

// Pending is the number of changes With has layered over the built FST:
// callers rebuild with New once it grows past a few thousand.
func (ix *Index) Pending() int { return len(ix.extra) + len(ix.removed) }

// With returns an index that also matches add (replacing any entry of the
// same id) and no longer matches the ids in remove. The receiver is
// unchanged.
func (ix *Index) With(add []Entry, remove []string) *Index {
	n := &Index{fst: ix.fst, built: ix.built,
		removed: make(map[string]bool, len(ix.removed)+len(add)+len(remove)), brands: make(map[string]bool, len(ix.brands))}
	for k := range ix.removed {
		n.removed[k] = true
	}
	for k := range ix.brands {
		n.brands[k] = true
	}
	gone := map[string]bool{}
	for _, id := range remove {
		gone[id] = true
	}
	for _, e := range add {
		gone[e.ID] = true
	}
	for _, e := range ix.extra {
		if !gone[e.ID] {
			n.extra = append(n.extra, e)
		}
	}
	for id := range gone {
		if ix.built.has(id) {
			n.removed[id] = true
		}
	}
	for _, e := range add {
		if e.ModelKey != "" {
			n.extra = append(n.extra, e)
			n.brands[e.BrandKey] = true
		}
	}
	return n
}

// variant is one reading of the typed text: its key, and the brand it led
// with, if any.
type variant struct {
	key, brand string
	// cost is what the reading itself costs, in half edits: a glyph read
	// as two (ocrGlyphs) costs as a confusable does.
	cost int
}

// ocrGlyphs are the letters a label's OCR, or an eye, reads as two: "vv"
// for W, "rn" for M, "cl" for D.
var ocrGlyphs = [][2]string{{"vv", "w"}, {"rn", "m"}, {"cl", "d"}}

// maxOCRReadings bounds the readings ocrReadings adds to a query's.
const maxOCRReadings = 8

// ocrReadings adds to vs, for each reading, the readings with one pair of
// ocrGlyphs read back as the one glyph it stands for ("vvv-x251l" as
// "vw-x251l" and "wv-x251l"), each at a confusable's cost.
func ocrReadings(vs []variant) []variant {
	n := len(vs)
	for _, v := range vs[:n] {
		for _, g := range ocrGlyphs {
			for off := 0; len(vs)-n < maxOCRReadings; {
				j := strings.Index(v.key[off:], g[0])
				if j < 0 {
					break
				}
				j += off
				r := variant{v.key[:j] + g[1] + v.key[j+len(g[0]):], v.brand, costConfusable}
				if len(r.key) >= 2 && !slices.ContainsFunc(vs, func(o variant) bool { return o.key == r.key && o.brand == r.brand }) {
					vs = append(vs, r)
				}
				off = j + 1
			}
		}
	}
	return vs
}

// readings splits a leading brand off the typed text: the whole key is
// always one reading, and each known brand or alias of one (BrandAliases;
// or, in spaced text, a first word one slip from a brand of five letters or
// more, or several brand words) that the text starts with gives another,
// with the rest as the model key.
func (ix *Index) readings(text, brandKey string) []variant {
	key := fold.Key(text)
	if key == "" {
		return nil
	}
	vs := []variant{{key, brandKey, 0}}
	add := func(rest, brand string) {
		if len(rest) >= 2 && !slices.Contains(vs, variant{rest, brand, 0}) {
			vs = append(vs, variant{rest, brand, 0})
		}
	}
	if brandKey != "" {
		if rest, ok := strings.CutPrefix(key, brandKey); ok {
			add(rest, brandKey)
		}
		return ocrReadings(vs)
	}
	for i := 2; i < len(key)-1; i++ {
		if b := ix.brandOf(key[:i]); b != "" {
			add(key[i:], b)
		}
	}
	if words := strings.Fields(fold.Text(text)); len(words) >= 2 {
		first := fold.Key(words[0])
		if len(first) >= 5 && ix.brandOf(first) == "" {
			rest := fold.Key(strings.Join(words[1:], " "))
			for b := range ix.brands {
				if len(b) >= 5 && osa(first, b) <= 1 {
					add(rest, b)
				}
			}
		}
		// Several brand words ahead of the number ("Imou Dahua", "TP-Link
		// Tapo"): the brand is the first they name, if the registry has it.
		if b := ix.brandOf(first); b != "" || brandWords[words[0]] {
			for n := 2; n < len(words) && n <= 3 && brandWords[words[n-1]]; n++ {
				for j := n; b == "" && j > 0; j-- {
					b = ix.brandOf(fold.Key(strings.Join(words[:j], " ")))
				}
				add(fold.Key(strings.Join(words[n:], " ")), b)
			}
		}
	}
	return ocrReadings(vs)
}

// ErrTooLong marks a typed key too long to match: no model number is.
var ErrTooLong = errors.New("match: typed key too long")

// MaxKey bounds the typed key the matcher looks at.
const MaxKey = 64

// Find returns the models within reach of the typed text, ranked: lower
// weighted distance first, then a model of the brand given (or led with),
// then one of the same family, a longer common prefix, more listings, and
// finally key and id, so the order is stable.
func (ix *Index) Find(q Query) (Result, error) {
	res, _, err := ix.find(q, MaxAllowed)
	return res, err
}

// FindExact is Find with no edit allowed: the models whose key is the
// typed key's, but for confusables (O/0, I/1, …). A look-up, not a walk.
func (ix *Index) FindExact(q Query) (Result, error) {
	res, _, err := ix.find(q, 0)
	return res, err
}

// find is Find with the edits allowed capped at maxD; capped says whether
// the cap cut what some reading was allowed.
func (ix *Index) find(q Query, maxD int) (res Result, capped bool, err error) {
	brandKey := fold.Key(q.Brand)
	res = Result{BrandKey: brandKey}
	best := map[string]Candidate{}
	consider := func(v variant, e Entry) {
		c := Candidate{Entry: e, half: halfDistance(v.key, e.ModelKey) + v.cost,
			BrandAgrees:  v.brand != "" && v.brand == e.BrandKey,
			FamilyAgrees: family(v.key) == family(e.ModelKey) || len(v.key) >= 5 && strings.HasPrefix(e.ModelKey, v.key),
			Prefix:       commonPrefix(v.key, e.ModelKey)}
		if old, ok := best[e.ID]; !ok || rank(c, old) < 0 {
			best[e.ID] = c
		}
	}
	for _, v := range ix.readings(q.Text, brandKey) {
		if len(v.key) > MaxKey {
			return res, false, ErrTooLong
		}
		merged := Merge(v.key)
		d := Allowed(len(v.key))
		if d > maxD {
			d, capped = maxD, true
		}
		err := ix.scan(merged, d, func(e Entry) {
			if !ix.removed[e.ID] {
				consider(v, e)
			}
		})
		if err != nil {
			return res, false, err
		}
		for _, e := range ix.extra {
			within := func(k string) bool { m := Merge(k); return m == merged || (d > 0 && osa(merged, m) <= d) }
			if within(e.ModelKey) || (e.LooseKey != "" && within(e.LooseKey)) {
				consider(v, e)
			}
		}
	}
	for _, c := range best {
		c.Distance = float64(c.half) / 2
		res.Candidates = append(res.Candidates, c)
	}
	slices.SortFunc(res.Candidates, rank)
	if q.Limit > 0 && len(res.Candidates) > q.Limit {
		res.Candidates, res.Truncated = res.Candidates[:q.Limit], true
	}
	return res, capped, nil
}

// scan calls fn with every built entry whose merged key is within d edits
// of merged.
func (ix *Index) scan(merged string, d int, fn func(Entry)) error {
	if d == 0 {
		v, ok, err := ix.fst.Get([]byte(merged))
		if err != nil || !ok {
			return err
		}
		for _, i := range ix.built.group(v) {
			fn(ix.built.entry(i))
		}
		return nil
	}
	aut := newOSA(merged, d)
	defer aut.put()
	it, err := ix.fst.Search(aut, nil, nil)
	for err == nil {
		_, v := it.Current()
		for _, i := range ix.built.group(v) {
			fn(ix.built.entry(i))
		}
		err = it.Next()
	}
	if errors.Is(err, vellum.ErrIteratorDone) {
		return nil
	}
	return fmt.Errorf("match %q: %w", merged, err)
}

// rank orders candidates, best first.
func rank(a, b Candidate) int {
	return cmp.Or(
		cmp.Compare(a.half, b.half),
		-cmp.Compare(b2i(a.BrandAgrees), b2i(b.BrandAgrees)),
		-cmp.Compare(b2i(a.FamilyAgrees), b2i(b.FamilyAgrees)),
		-cmp.Compare(a.Prefix, b.Prefix),
		-cmp.Compare(a.Listings, b.Listings),
		strings.Compare(a.ModelKey, b.ModelKey),
		strings.Compare(a.BrandKey, b.BrandKey),
		strings.Compare(a.ID, b.ID),
	)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// family is a key without its last run of letters ("ds2cd2143g2iu" →
// "ds2cd2143g2"), or, for a key that ends in digits, without its last run
// of digits and the letters before them ("ipchfw1230ss5" → "ipchfw1230").
func family(key string) string {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	i := len(key)
	if i > 0 && isDigit(key[i-1]) {
		for i > 0 && isDigit(key[i-1]) {
			i--
		}
	}
	for i > 0 && !isDigit(key[i-1]) {
		i--
	}
	if i == 0 {
		return key
	}
	return key[:i]
}
