package bleve

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"camreg/fold"
	"camreg/search"
)

// Boosts, from strongest to weakest: an exact key beats a near (loose)
// key, which beats a partial model number, which beats words. A document
// holding every word beats one holding some; a fuzzy match counts least.
const (
	boostExactKey    = 100
	boostLooseKey    = 40
	boostKeyPrefix   = 20
	boostLoosePrefix = 8
	boostWordKey     = 6
	boostAllTitle    = 6
	boostAllBody     = 2
	boostWordTitle   = 2
	boostWordBody    = 1
	boostFuzzy       = 0.4
	// A province named in the query (search.ProvinceWords): a record of
	// that province gains boostProvince, and one holding every other word
	// in its title boostNameTitle.
	boostProvince  = 4
	boostNameTitle = 6
	// A title holding the query's words (less a province's) as a phrase,
	// in order and side by side, gains boostPhraseTitle: a shop named
	// "Minh Phát" before "Nhà Thông Minh Tân Phát", and before a
	// certificate whose holder it is (the holder's name is in its body).
	boostPhraseTitle = 12
)

// run answers q with the first plan that finds anything: see plans.
func run(ctx context.Context, idx blevelib.Index, q search.Query) (*search.Result, error) {
	q.Text = search.Rewrite(q.Text)
	st, err := wordStats(ctx, idx, q.Text)
	if err != nil {
		return nil, err
	}
	ps := plans(q.Text, st)
	var chk *checker
	for i := 0; i < len(ps); i++ {
		if i == 1 {
			// The exact plan found nothing: the looser plans rank a
			// title holding the words as a phrase, typos included.
			if st.typos, err = titleTypos(ctx, idx, words(fold.Text(q.Text))); err != nil {
				return nil, err
			}
			ps = plans(q.Text, st)
		}
		pl := ps[i]
		if pl.pre != nil && i < len(ps)-1 {
			n, err := count(ctx, idx, buildQuery(pl.pre, q))
			if err != nil {
				return nil, err
			}
			if n == 0 {
				continue
			}
		}
		// The first plan usually finds something, and cheaply (a model
		// number): it is checked under a filter only (a trader's name
		// under type=model).
		none := false
		if i > 0 || q.Type != "" || q.Brand != "" || q.Province != "" || q.Status != "" {
			if chk == nil {
				if chk, err = newChecker(idx); err != nil {
					return nil, err
				}
				defer chk.close()
			}
			if none, err = chk.nothing(ctx, buildQuery(pl.query, q)); err != nil {
				return nil, err
			}
		}
		if none {
			if i == len(ps)-1 {
				return emptyResult(), nil
			}
			continue
		}
		res, err := runPlan(ctx, idx, q, pl.query, st.together(pl.plan, q.FacetLimit()), st.split(pl.plan))
		if err != nil || res.Total > 0 || i == len(ps)-1 {
			return res, err
		}
	}
	return runPlan(ctx, idx, q, nil, false, false)
}

// runPlan finds the page of hits and the total, and the facets.
//
// With together, the facets are counted in the same search, over every
// match: see stats.together. Otherwise they are counted over every match
// up to q.FacetLimit() matches, and beyond over the matches in a sample of
// buckets, scaled to the total. Either way by the same search, once it has
// read every match (see tally), or for a search without text by a second
// search. Counting facets from the doc values cost more than finding and
// ranking a broad query's matches; from the columns (see columns), little.
//
// With split, the hits are highlighted by a second search at their
// records only: see split.
func runPlan(ctx context.Context, idx blevelib.Index, q search.Query, text query.Query, together, split bool) (*search.Result, error) {
	base := buildQuery(text, q)
	var t *tally
	if text != nil {
		// The facets are counted in this search, of the matches it finds:
		// see tally; together, of every match (see columns: counting
		// every match's facets costs four array reads a match).
		limit := q.FacetLimit()
		if together {
			limit = math.MaxInt
		}
		t = newTally(base, limit)
		base = t
	}
	req := blevelib.NewSearchRequestOptions(base, q.Limit, q.Offset, false)
	req.Fields = []string{"type", "entity_id", "title"}
	if !split {
		highlightTitleBody(req)
	}
	if together && text == nil {
		addFacets(req)
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	out := emptyResult()
	out.Total, out.Hits = int(res.Total), make([]search.Hit, 0, len(res.Hits))
	if split && len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		frags, err := highlightPage(ctx, idx, text, ids)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			h.Fragments = frags[h.ID]
		}
	}
	for _, h := range res.Hits {
		hit := search.Hit{Type: search.Type(str(h.Fields["type"])), EntityID: str(h.Fields["entity_id"]),
			Title: str(h.Fields["title"]), Score: h.Score}
		for _, f := range []string{"title", "body"} {
			if frags := h.Fragments[f]; len(frags) > 0 && strings.Contains(frags[0], "<mark>") {
				hit.Highlight = frags[0]
				break
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if out.Total == 0 {
		return out, nil
	}
	if together && text == nil {
		out.Facets = facets(res.Facets)
		return out, nil
	}
	if t != nil && t.out.done && t.out.total == out.Total {
		out.Facets = facets(t.out.facets)
		if !t.out.exact {
			out.Facets = search.ScaleFacets(out.Facets, t.out.sampled, out.Total)
			out.FacetsExact = false
		}
		return out, nil
	}
	// The same matches, without the clauses that only score them (the
	// title phrase, the province's agreement): a search that does not
	// score need not look for them.
	base = buildQuery(matchOnly(text), q)
	counted := base
	if out.Total > q.FacetLimit() {
		n := search.SampleShare(out.Total, q.FacetLimit())
		in := query.NewTermRangeInclusiveQuery(sampleTerm(0), sampleTerm(n), &yes, &no)
		in.SetField("sample")
		counted = query.NewConjunctionQuery([]query.Query{base, in})
	}
	facets, sampled, err := countFacets(ctx, idx, counted)
	if err != nil {
		return nil, err
	}
	if counted != base && sampled == 0 {
		// An index built before the sample buckets: count every match.
		counted = base
		if facets, _, err = countFacets(ctx, idx, base); err != nil {
			return nil, err
		}
	}
	out.Facets = facets
	if counted != base {
		out.Facets = search.ScaleFacets(facets, sampled, out.Total)
		out.FacetsExact = false
	}
	return out, nil
}

var yes, no = true, false

// emptyResult is the answer of a search that found nothing.
func emptyResult() *search.Result {
	return &search.Result{Hits: []search.Hit{}, FacetsExact: true,
		Facets: search.Facets{Type: map[string]int{}, Brand: map[string]int{}, Province: map[string]int{}, Status: map[string]int{}}}
}

// matchOnly is q less its scoring-only clauses: a boolean query's should
// clauses beside a single must clause (see textQuery) add to the score of
// its matches without changing which records match.
func matchOnly(q query.Query) query.Query {
	b, ok := q.(*query.BooleanQuery)
	if !ok || b.MustNot != nil || b.Filter != nil || b.Should == nil {
		return q
	}
	must, ok := b.Must.(*query.ConjunctionQuery)
	if !ok || len(must.Conjuncts) != 1 {
		return q
	}
	return must.Conjuncts[0]
}

// buildQuery is the text query, if any, restricted by q's filters.
func buildQuery(text query.Query, q search.Query) query.Query {
	var must []query.Query
	if text != nil {
		must = append(must, text)
	}
	var filters []source
	term := func(field, value string) {
		if value != "" {
			t := query.NewTermQuery(value)
			t.SetField(field)
			must = append(must, t)
			filters = append(filters, source{field: field, terms: []string{value}})
		}
	}
	term("type", string(q.Type))
	term("brand_key", fold.Key(q.Brand))
	term("province", q.Province)
	term("status", q.Status)
	if text != nil {
		filterAtLeast(text, filters)
	}
	if len(must) == 0 {
		return query.NewMatchAllQuery()
	}
	if len(must) == 1 {
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}

// filterAtLeast tells the atLeast clauses of text the filters its
// matches must pass, from which they find their candidates.
func filterAtLeast(text query.Query, filters []source) {
	switch q := text.(type) {
	case *atLeast:
		q.filters = filters
	case *query.BooleanQuery:
		if q.Must != nil {
			filterAtLeast(q.Must, filters)
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			filterAtLeast(c, filters)
		}
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			filterAtLeast(c, filters)
		}
	}
}

// words splits folded text into words of letters and digits.
func words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// The plans a text query is tried with, strictest (and cheapest) first;
// the first to find anything answers, for every page of the query.
type plan int

const (
	// planExact wants every word, as typed, in the title or the body (or
	// a model number's key). A conjunction skips through the words'
	// postings, so a long shop name made of common words ("cua hang dien
	// tu ...") costs little, while a disjunction would visit every trader.
	planExact plan = iota
	// planTypos also wants every word, each exactly or with a typo.
	planTypos
	// planMost wants two words in three, exact or with a typo: a word
	// missing from the record, or typed very wrong, is forgiven. It
	// visits every record holding any word, so it runs last.
	planMost
)

// planned is a plan of a query and its text query.
type planned struct {
	plan  plan
	query query.Query
	// pre, when not nil, matches every record query matches and more,
	// at a fraction of its cost: query without the clauses of its wide
	// words (see stats.wide), each of which would build a term searcher
	// for every key's suffix the word begins. When pre finds nothing,
	// neither would query, and the plan is passed over without building
	// it.
	pre query.Query
}

// planOf is plan p of text, with its pre.
func planOf(text, folded string, ws []string, st stats, p plan) planned {
	pl := planned{plan: p, query: textQuery(text, folded, ws, st, p)}
	narrow := false
	for _, w := range ws {
		narrow = narrow || !st.wide[w]
	}
	if p != planMost && len(st.wide) > 0 && narrow {
		// (With every word wide, pre would want none of them.)
		st.skip = st.wide
		pl.pre = textQuery(text, folded, ws, st, p)
	}
	return pl
}

// plans are the text queries to try for text in turn; nil for blank text
// (filters only). Each also matches a record by its key. st tells the
// words to require without scoring them and those no record holds: see
// wordStats.
func plans(text string, st stats) []planned {
	folded := fold.Text(text)
	ws := words(folded)
	if len(ws) == 0 {
		return nil
	}
	out := []planned{planOf(text, folded, ws, st, planExact)}
	for _, w := range ws {
		if fuzziness(w) > 0 {
			out = append(out, planOf(text, folded, ws, st, planTypos))
			break
		}
	}
	if len(ws) > 2 {
		// With one or two words, two in three is all of them: planTypos
		// has asked already.
		out = append(out, planOf(text, folded, ws, st, planMost))
	}
	return out
}

// every is a query for all of scored and all of unscored: unscored
// clauses filter the hits without adding to their score (and skip through
// their postings instead of reading them; see wordStats).
func every(scored, unscored []query.Query) query.Query {
	if len(scored) == 0 {
		// A filter alone would be checked against every document.
		scored, unscored = unscored, nil
	}
	if len(unscored) == 0 {
		return query.NewConjunctionQuery(scored)
	}
	b := query.NewBooleanQuery(scored, nil, nil)
	b.AddFilter(query.NewConjunctionQuery(unscored))
	return b
}

// textQuery matches what a user typed under plan p.
func textQuery(text, folded string, ws []string, st stats, p plan) query.Query {
	common, absent, typos := st.common, st.absent, st.typos
	key, loose := fold.Key(text), fold.LooseKey(text)
	var should []query.Query
	add := func(q interface{ SetBoost(float64) }, boost float64) {
		q.SetBoost(boost)
		should = append(should, q.(query.Query))
	}
	termQ := func(field, value string) *query.TermQuery {
		t := query.NewTermQuery(value)
		t.SetField(field)
		return t
	}
	prefixQ := func(field, value string) *query.PrefixQuery {
		p := query.NewPrefixQuery(value)
		p.SetField(field)
		return p
	}
	add(termQ("keys", key), boostExactKey)
	add(termQ("loose_keys", loose), boostLooseKey)
	if len(key) >= 3 {
		add(prefixQ("key_suffixes", key), boostKeyPrefix)
		if loose != key {
			add(prefixQ("key_suffixes", loose), boostLoosePrefix)
		}
	}
	for _, field := range []struct {
		name  string
		boost float64
	}{{"title", boostAllTitle}, {"body", boostAllBody}} {
		if p == planMost {
			m := query.NewMatchQuery(folded)
			m.SetField(field.name)
			m.SetOperator(query.MatchQueryOperatorAnd)
			add(m, field.boost)
			continue
		}
		var scored, unscored []query.Query
		for _, w := range ws {
			if common[w] {
				unscored = append(unscored, termQ(field.name, w))
			} else {
				scored = append(scored, termQ(field.name, w))
			}
		}
		all := every(scored, unscored)
		all.(interface{ SetBoost(float64) }).SetBoost(field.boost)
		should = append(should, all)
	}
	// Each word matches exactly (or, from planTypos, with a typo), in the
	// title or the body.
	var wordClauses, commonClauses, provClauses, nameTitle []query.Query
	var provTitle, phrase []string
	var wordCommon []bool // under planMost, whether each of wordClauses is common
	code, from, to, inProvince := search.ProvinceWords(ws)
	inProvince = inProvince && p != planMost
	dead, keyless := 0, false
	var wordSrcs [][]source // under planMost, the sources of each of wordClauses
	for i, w := range ws {
		var alts []query.Query
		var srcs []source
		altAdd := func(q interface{ SetBoost(float64) }, boost float64) {
			q.SetBoost(boost)
			alts = append(alts, q.(query.Query))
		}
		// A word with digits may be a piece of a model number:
		// "hikvision 1043" for DS-2CD1043G2-LIU.
		if isPiece(ws, w) {
			altAdd(prefixQ("key_suffixes", fold.Key(w)), boostWordKey)
			srcs = append(srcs, source{field: "key_suffixes", prefix: fold.Key(w)})
		}
		for _, field := range []struct {
			name  string
			boost float64
		}{{"title", boostWordTitle}, {"body", boostWordBody}} {
			altAdd(termQ(field.name, w), field.boost)
			srcs = append(srcs, source{field: field.name, terms: []string{w}})
			if fz := fuzziness(w); fz > 0 && field.name == "title" && p != planExact {
				f := query.NewFuzzyQuery(w)
				f.SetField(field.name)
				f.SetFuzziness(fz)
				f.SetPrefix(1)
				altAdd(f, boostFuzzy)
				srcs = append(srcs, source{field: field.name, fuzzy: w, fuzziness: fz})
			}
		}
		if !inProvince || i < from || i >= to {
			phrase = append(phrase, w)
		}
		if inProvince && i >= from && i < to {
			// A province's words, or the record's province: see below.
			provClauses = append(provClauses, query.NewDisjunctionQuery(alts))
			provTitle = append(provTitle, w)
			continue
		}
		if inProvince {
			// The word in the title, as typed or (from planTypos) with a typo.
			var inTitle []query.Query
			for _, a := range alts {
				if f, ok := a.(query.FieldableQuery); ok && f.Field() == "title" {
					inTitle = append(inTitle, a)
				}
			}
			nameTitle = append(nameTitle, query.NewDisjunctionQuery(inTitle))
		}
		if st.skip[w] && p != planMost {
			// Left out of a plan's pre: see planned.
			continue
		}
		if absent[w] && len(alts) == 2 {
			// Neither the word nor a typo of it (see fuzziness) nor a
			// model number piece: the clause can never match.
			dead++
			continue
		}
		if absent[w] && st.keyless[w] {
			// A piece of a model number that no key holds: the clause can
			// never match either, but it stays to weigh as before (see
			// below).
			keyless = true
		}
		if common[w] && p != planMost {
			commonClauses = append(commonClauses, query.NewDisjunctionQuery(alts))
		} else {
			wordClauses = append(wordClauses, query.NewDisjunctionQuery(alts))
			wordCommon = append(wordCommon, common[w])
			wordSrcs = append(wordSrcs, srcs)
		}
	}
	var province query.Query
	if inProvince {
		// The province's words are required as the others are, unless the
		// record is of that province: a shop's name need not repeat it.
		province = termQ("province", code)
		wordClauses = append(wordClauses, query.NewDisjunctionQuery([]query.Query{query.NewConjunctionQuery(provClauses), province}))
	}
	switch need := max(1, (2*len(ws)+2)/3); {
	case p != planMost:
		switch {
		case dead > 0:
		case keyless:
			// Nothing can hold every word, but a disjunction's score is
			// scaled by the share of its clauses a record matches: a
			// clause that matches nothing keeps the scores as they were,
			// without expanding the other pieces' prefixes.
			should = append(should, query.NewMatchNoneQuery())
		default:
			should = append(should, every(wordClauses, commonClauses))
		}
	case len(wordClauses) < need:
		// Too many words no record holds: only a key can match.
	case len(wordClauses) == need:
		// Two in three is every word the records hold: a conjunction,
		// which skips through the postings, finds the same.
		var rare, com []query.Query
		for i, c := range wordClauses {
			if wordCommon[i] {
				com = append(com, c)
			} else {
				rare = append(rare, c)
			}
		}
		should = append(should, every(rare, com))
	default:
		// Requiring two words in three keeps a long shop name from
		// matching every shop, while a word typed wrong, or missing from
		// the record, still finds it.
		// bleve's disjunction with a minimum would find and score the
		// same, reading every word's postings through: see atLeast.
		most := newAtLeast(wordClauses, need)
		if !inProvince {
			most.srcs = wordSrcs
		}
		should = append(should, most)
	}
	d := query.NewDisjunctionQuery(should)
	d.SetMin(1)
	// Scoring-only clauses beside the required d: bleve advances them to
	// d's matches only, instead of reading their postings through.
	var extra []query.Query
	if len(phrase) >= 2 {
		extra = append(extra, titlePhrase(phrase, typos))
	}
	if inProvince {
		// Every word, the province's too, as a phrase in the title: the
		// shop named "... Lộc Phát Hà Nội" before a "... Lộc Phát" of Hà
		// Nội, when the query is the first's whole name.
		extra = append(extra, titlePhrase(ws, typos))
	}
	if !inProvince {
		if len(extra) == 0 {
			return d
		}
		return query.NewBooleanQuery([]query.Query{d}, extra, nil)
	}
	// Province agreement ranks a record of the province first, and then
	// one whose title holds the rest of the query (the shop's name).
	// The province's name in the title, as a phrase: "gia lai", not a
	// "Gia Huy" shop of "Lai Châu".
	agree := query.NewDisjunctionQuery([]query.Query{termQ("province", code), query.NewPhraseQuery(provTitle, "title")})
	agree.SetBoost(boostProvince)
	extra = append(extra, agree)
	if len(nameTitle) > 0 {
		name := query.NewConjunctionQuery(nameTitle)
		name.SetBoost(boostNameTitle)
		extra = append(extra, name)
	}
	b := query.NewBooleanQuery([]query.Query{d}, extra, nil)
	return b
}

// fuzziness is the edit distance a word may be off by: none for short
// words and numbers (a different digit is a different model), one from
// five letters. Two edits, shorter words, or typos in the body found
// nothing more in the relevance set and cost several times the latency on
// a big index (each fuzzy word expands to many terms).
func fuzziness(w string) int {
	if hasDigit(w) || len([]rune(w)) < 5 {
		return 0
	}
	return 1
}

// isPiece tells whether the word w of the query words ws may be a piece
// of a model number: "hikvision 1043" for DS-2CD1043G2-LIU.
func isPiece(ws []string, w string) bool { return len(ws) > 1 && len(w) >= 3 && hasDigit(w) }

func hasDigit(w string) bool {
	return strings.IndexFunc(w, unicode.IsDigit) >= 0
}
