package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"camreg/fold"
	"camreg/search"
)

// Weights of a hit's score, as bleve's boosts, from strongest to weakest:
// an exact key beats a near (loose) key, which beats a partial model
// number, which beats words. A document holding every word in its title
// beats one holding them in its body; a word matched by a typo counts
// least. Among documents that score the same, the shorter title ranks
// first, as bleve's field norms rank it (ts_rank, which also weighs how
// often a word occurs, changed no result of the relevance set and cost a
// third of a common word's search).
const (
	weightExactKey    = 100
	weightLooseKey    = 40
	weightKeyPart     = 20
	weightLoosePart   = 8
	weightWordKey     = 6
	weightAllTitle    = 6
	weightAllBody     = 2
	weightWordTitle   = 2
	weightWordBody    = 1
	weightTypo        = 0.4
	weightProvince    = 4
	weightNameTitle   = 6
	weightPhraseTitle = 12
	weightShortTitle  = 0.4
	headlineOptions   = "StartSel=\u27e6, StopSel=\u27e7, HighlightAll=true"
	markOpen, markEnd = "\u27e6", "\u27e7"
)

// The plans a text query is tried with, strictest first; the first that
// finds anything answers, for every page of the query. They are bleve's.
type plan int

const (
	// planExact wants every word, as typed, in the title or the body (or,
	// for a word with digits, in a model number's key).
	planExact plan = iota
	// planTypos also wants every word, each exactly or with a typo.
	planTypos
	// planMost wants two words in three, exact or with a typo.
	planMost
)

// Search answers q with the first plan that finds anything. The typos
// and word statistics the looser plans need are looked up only when the
// stricter ones found nothing.
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	q.Text = search.Rewrite(q.Text)
	ws := words(fold.Text(q.Text))
	res, err := ix.run(ctx, newStatement(q, ws, nil, nil, planExact), q)
	if err != nil || res.Total > 0 || len(ws) == 0 {
		return res, err
	}
	typos, err := ix.typos(ctx, ws)
	if err != nil {
		return nil, err
	}
	if len(typos) > 0 {
		if res, err = ix.run(ctx, newStatement(q, ws, typos, nil, planTypos), q); err != nil || res.Total > 0 {
			return res, err
		}
	}
	if len(ws) <= 2 {
		// With one or two words, two in three is all of them.
		return res, nil
	}
	share, err := ix.wordShares(ctx)
	if err != nil {
		return nil, err
	}
	return ix.run(ctx, newStatement(q, ws, typos, share, planMost), q)
}

// words splits folded text into words of letters and digits.
func words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fuzziness is the edit distance a word may be off by, as bleve's: none
// for short words and numbers (a different digit is a different model),
// one from five letters.
func fuzziness(w string) int {
	if hasDigit(w) || len([]rune(w)) < 5 {
		return 0
	}
	return 1
}

// isPiece tells whether the word w of the query words ws may be a piece
// of a model number: "hikvision 1043" for DS-2CD1043G2-LIU.
func isPiece(ws []string, w string) bool { return len(ws) > 1 && len(w) >= 3 && hasDigit(w) }

func hasDigit(w string) bool { return strings.IndexFunc(w, unicode.IsDigit) >= 0 }

// typos finds, for each word that may have a typo, the title words one
// edit away from it (and starting with the same letter, as bleve's fuzzy
// queries do). The trigram index narrows the vocabulary to similar words;
// the edit distance, computed here, decides.
func (ix *Index) typos(ctx context.Context, ws []string) (map[string][]string, error) {
	var fuzzy []string
	for _, w := range ws {
		if fuzziness(w) > 0 {
			fuzzy = append(fuzzy, w)
		}
	}
	if len(fuzzy) == 0 {
		return nil, nil
	}
	js, err := json.Marshal(fuzzy)
	if err != nil {
		return nil, err
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT q.w, s.word FROM jsonb_array_elements_text($1::jsonb) AS q(w)
		JOIN search_words s ON s.word OPERATOR(public.%) q.w AND s.word <> q.w`, string(js))
	if err != nil {
		return nil, fmt.Errorf("postgres search typos: %w: %w", search.ErrUnavailable, err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var w, word string
		if err := rows.Scan(&w, &word); err != nil {
			return nil, err
		}
		// A transposition of two letters is one typo, as the relevance
		// set's shop names count it ("thihn" for "thinh").
		if word[0] == w[0] && (editDistance(w, word) <= fuzziness(w) || search.OneEdit(w, word)) {
			out[w] = append(out[w], word)
		}
	}
	return out, rows.Err()
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// statement is the SQL of one plan of a query: the condition a document
// must meet, its score, and the words to highlight, with their arguments.
type statement struct {
	where     string
	score     string
	highlight string // a tsquery argument, or "" for none
	args      []any
	typed     []string // each argument's placeholder, cast to its type
}

// arg adds a text argument and returns its placeholder, cast to typ: a
// statement's arguments are typed even where only the score uses them,
// for the facets query counts without scoring.
func (s *statement) arg(v string, typ string) string {
	s.args = append(s.args, v)
	s.typed = append(s.typed, "$"+strconv.Itoa(len(s.args))+"::"+typ)
	return s.typed[len(s.typed)-1]
}

// declare starts a WITH clause that names every argument, since a plan
// may leave some out and PostgreSQL must know the type of each.
func (s *statement) declare() string {
	return "WITH arguments AS (SELECT " + strings.Join(append(slices.Clone(s.typed), "1"), ", ") + ")"
}

// lexeme quotes a word as a tsquery lexeme, with weights ("A", "B", or ""
// for any).
func lexeme(w, weights string) string {
	l := "'" + strings.ReplaceAll(w, "'", "''") + "'"
	if weights != "" {
		l += ":" + weights
	}
	return l
}

// newStatement builds plan p of q; ws are q's folded words, typos the
// title words each may be a typo of, and share how common each word is
// (see wordShares).
func newStatement(q search.Query, ws []string, typos map[string][]string, share map[string]float64, p plan) *statement {
	s := &statement{}
	var filters []string
	filter := func(column, value string) {
		if value != "" {
			filters = append(filters, column+" = "+s.arg(value, "text"))
		}
	}
	filter("type", string(q.Type))
	filter("brand_key", fold.Key(q.Brand))
	filter("province", q.Province)
	filter("status", q.Status)
	if len(ws) == 0 {
		s.where = strings.Join(append(filters, "true"), " AND ")
		s.score = "0"
		return s
	}
	// A query filtered to models or organizations is answered from the
	// GIN index of that type's words (migrations 00034 and 00038); to
	// another type, the type's B-tree bounds the records read.
	typed := q.Type != "" && q.Type != search.TypeModel && q.Type != search.TypeOrganization
	match, score := s.text(q.Text, ws, typos, share, p, typed)
	s.where = strings.Join(append(filters, "("+match+")"), " AND ")
	s.score = score
	return s
}

// text is the condition and score of what the user typed under plan p.
//
// typed tells that the query names a type whose B-tree bounds the
// records read (see planMost).
func (s *statement) text(text string, ws []string, typos map[string][]string, share map[string]float64, p plan, typed bool) (match, score string) {
	key, loose := fold.Key(text), fold.LooseKey(text)
	var keyMatch, scores []string
	keyTerm := func(cond string, weight float64) {
		keyMatch = append(keyMatch, cond)
		scores = append(scores, fmt.Sprintf("%g * (%s)::int", weight, cond))
	}
	if key != "" {
		keyTerm("keys @> ARRAY["+s.arg(key, "text")+"]", weightExactKey)
		keyTerm("loose_keys @> ARRAY["+s.arg(loose, "text")+"]", weightLooseKey)
	}
	if len(key) >= 3 {
		keyTerm("model_keys LIKE "+s.arg("%"+key+"%", "text"), weightKeyPart)
		if loose != key {
			keyTerm("model_keys LIKE "+s.arg("%"+loose+"%", "text"), weightLoosePart)
		}
	}

	// Every word in the title, or every word in the body.
	var inTitle, inBody, any []string
	for _, w := range ws {
		inTitle, inBody = append(inTitle, lexeme(w, "A")), append(inBody, lexeme(w, "B"))
	}
	scores = append(scores,
		fmt.Sprintf("%g * (words @@ %s)::int", float64(weightAllTitle), s.arg(strings.Join(inTitle, " & "), "tsquery")),
		fmt.Sprintf("%g * (words @@ %s)::int", float64(weightAllBody), s.arg(strings.Join(inBody, " & "), "tsquery")))

	// Each word, exactly or (from planTypos) with a typo, in the title or
	// the body, or as a piece of a model number.
	var wordMatch, pieceMatch []string
	var plainAlts []string               // the alternatives of each word that is no model number piece
	groups := make([]string, len(ws))    // each word's alternatives, as a tsquery group
	pieceLike := make([]string, len(ws)) // a piece's condition on model_keys, or ""
	// A province named in the query (search.ProvinceWords): its words are
	// required unless the record is of that province, and province
	// agreement ranks first; see bleve's textQuery.
	code, from, to, inProvince := search.ProvinceWords(ws)
	inProvince = inProvince && p != planMost
	var provAlts, provTitle, nameTitle, phrase []string
	for i, w := range ws {
		if !inProvince || i < from || i >= to {
			// Each word as typed or, from planTypos, with a typo.
			at := []string{lexeme(w, "A")}
			if p != planExact {
				for _, t := range typos[w] {
					at = append(at, lexeme(t, "A"))
				}
			}
			phrase = append(phrase, "("+strings.Join(at, " | ")+")")
		}
		alts := []string{lexeme(w, "")}
		any = append(any, lexeme(w, ""))
		// A word counts once, where it weighs most: a body that repeats a
		// title's word (a shop named after its province) gains nothing.
		scores = append(scores, fmt.Sprintf("CASE WHEN words @@ %s THEN %g WHEN words @@ %s THEN %g ELSE 0 END",
			s.arg(lexeme(w, "A"), "tsquery"), float64(weightWordTitle), s.arg(lexeme(w, "B"), "tsquery"), float64(weightWordBody)))
		if p != planExact && len(typos[w]) > 0 {
			var near []string
			for _, t := range typos[w] {
				near = append(near, lexeme(t, "A"))
				any = append(any, lexeme(t, ""))
			}
			alts = append(alts, near...)
			scores = append(scores, fmt.Sprintf("%g * (words @@ %s)::int", weightTypo, s.arg(strings.Join(near, " | "), "tsquery")))
		}
		groups[i] = "(" + strings.Join(alts, " | ") + ")"
		cond := "words @@ " + s.arg(strings.Join(alts, " | "), "tsquery")
		// A word with digits may be a piece of a model number:
		// "hikvision 1043" for DS-2CD1043G2-LIU.
		if isPiece(ws, w) {
			piece := "model_keys LIKE " + s.arg("%"+fold.Key(w)+"%", "text")
			pieceLike[i] = piece
			cond = "(" + cond + " OR " + piece + ")"
			scores = append(scores, fmt.Sprintf("%g * (%s)::int", float64(weightWordKey), piece))
			pieceMatch = append(pieceMatch, cond)
		} else if inProvince && i >= from && i < to {
			provAlts = append(provAlts, "("+strings.Join(alts, " | ")+")")
			provTitle = append(provTitle, lexeme(w, "A"))
		} else {
			plainAlts = append(plainAlts, "("+strings.Join(alts, " | ")+")")
			if inProvince {
				inTitle := []string{lexeme(w, "A")}
				if p != planExact {
					for _, t := range typos[w] {
						inTitle = append(inTitle, lexeme(t, "A"))
					}
				}
				nameTitle = append(nameTitle, "("+strings.Join(inTitle, " | ")+")")
			}
		}
		wordMatch = append(wordMatch, cond)
	}
	var provinceWords, provinceCode string // the province's words and its code, each a condition
	if inProvince {
		c := s.arg(code, "text")
		provinceWords, provinceCode = "words @@ "+s.arg(strings.Join(provAlts, " & "), "tsquery"), "province = "+c
		scores = append(scores, fmt.Sprintf("%g * (province = %s OR words @@ %s)::int", float64(weightProvince), c,
			s.arg(strings.Join(provTitle, " <-> "), "tsquery")))
		if len(nameTitle) > 0 {
			scores = append(scores, fmt.Sprintf("%g * (words @@ %s)::int", float64(weightNameTitle),
				s.arg(strings.Join(nameTitle, " & "), "tsquery")))
		}
	}
	if len(phrase) >= 2 {
		// The words (less a province's) as a phrase in the title: see
		// bleve's boostPhraseTitle.
		scores = append(scores, fmt.Sprintf("%g * (words @@ %s)::int", float64(weightPhraseTitle),
			s.arg(strings.Join(phrase, " <-> "), "tsquery")))
	}
	if inProvince {
		// Every word, the province's too, as a phrase in the title.
		var all []string
		for _, w := range ws {
			all = append(all, lexeme(w, "A"))
		}
		scores = append(scores, fmt.Sprintf("%g * (words @@ %s)::int", float64(weightPhraseTitle),
			s.arg(strings.Join(all, " <-> "), "tsquery")))
	}
	anyQ := s.arg(strings.Join(any, " | "), "tsquery")
	s.highlight = anyQ
	scores = append(scores,
		fmt.Sprintf("%g * 20.0::float8 / (20 + length(title_words))", weightShortTitle))

	var textMatch string
	switch p {
	case planMost:
		need := max(1, (2*len(ws)+2)/3)
		if len(pieceMatch) <= 2 && combinations(len(ws), need) <= maxCombinations {
			// Two words in three as tsqueries of the choices of words, one
			// a group from the rarest (atLeast): the GIN index answers
			// them from its posting lists, without reading a row that
			// does not match. A piece
			// of a model number counts as a word (it may be one: "275 quang
			// trung" is an address) or, found in model_keys by the trigram
			// index: for each set of the pieces found there, with need
			// less their number of the other words (of two pieces, as in
			// CVE-2022-29192, each alone and both).
			shares := groupShares(ws, typos, share)
			textMatch = s.atLeast(groups, shares, need)
			var pieces []int
			for i, like := range pieceLike {
				if like != "" {
					pieces = append(pieces, i)
				}
			}
			for set := 1; set < 1<<len(pieces); set++ {
				var likes []string
				var others []string
				var otherShares []float64
				in := map[int]bool{}
				for j, i := range pieces {
					if set&(1<<j) != 0 {
						likes, in[i] = append(likes, pieceLike[i]), true
					}
				}
				for i, g := range groups {
					if !in[i] {
						others, otherShares = append(others, g), append(otherShares, shares[i])
					}
				}
				left := need - len(likes)
				if left < 0 || left > len(others) {
					continue // a set of more than need pieces holds one of need
				}
				if left == 0 {
					textMatch += " OR (" + strings.Join(likes, " AND ") + ")"
					continue
				}
				// (Checking the other words in the trigram index's records
				// with ts_match_vq, which no index answers, rather than
				// anding the GIN index's choices, made no difference in CPU
				// to twelve addresses, 4 runs; with atLeast's arms, it
				// helped one whose piece 210 records hold, "275 quang
				// trung ...", and cost one of many, "133 vo van kiet ...".)
				textMatch += " OR (" + strings.Join(likes, " AND ") + " AND " + s.atLeast(others, otherShares, left) + ")"
			}
			break
		}
		// Otherwise the candidates hold one of the rarest words (the GIN
		// index finds them), and then are counted.
		counts := make([]string, len(wordMatch))
		for i, c := range wordMatch {
			counts[i] = "(" + c + ")::int"
		}
		// A record holding need words of n holds one at least of any
		// n-need+1 of them: the rarest make the fewest candidates. A
		// word's typos count with it; a model number piece is a trigram
		// scan that may be long, so it comes last, and the pieces in the
		// order of their words' shares: of a certificate's number
		// ("QT3-135-2025-0137", every word a piece), 135 is in every
		// certificate, and taken first it read 12,000 records.
		rarity := groupShares(ws, typos, share)
		for i, w := range ws {
			if isPiece(ws, w) {
				rarity[i] = 1 + share[w]
			}
		}
		order := make([]int, len(ws))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return rarity[order[a]] < rarity[order[b]] })
		// And it holds two at least of any n-need+2: when the rarest
		// n-need+2 are no pieces, the candidates are the records holding
		// two of them, tsqueries of pairs (atLeast) that the GIN index
		// answers without reading the records that hold only one; for models and
		// organizations, the GIN index of their own words answers it
		// (a shop's name typed model read the 19,000 models holding one
		// of its rarest words, 196 ms). With another type named, the
		// planner ands the type's B-tree with the rarest words' records,
		// which reads fewer than the pairs cost to find.
		var candidates string
		k := len(ws) - need + 2
		if need >= 2 && !typed && !slices.ContainsFunc(order[:k], func(i int) bool { return isPiece(ws, ws[i]) }) {
			rarest, shares := make([]string, k), make([]float64, k)
			for j, i := range order[:k] {
				rarest[j], shares[j] = groups[i], rarity[i]
			}
			candidates = s.atLeast(rarest, shares, 2)
		} else {
			var any []string
			for _, i := range order[:len(ws)-need+1] {
				any = append(any, wordMatch[i])
			}
			candidates = strings.Join(any, " OR ")
		}
		textMatch = fmt.Sprintf("(%s) AND %s >= %d", candidates, strings.Join(counts, " + "), need)
	default:
		// The plain words are one tsquery, which one scan of the GIN index
		// answers; a word per condition made the planner read every row.
		all := pieceMatch
		if len(pieceMatch) == 1 && len(plainAlts) > 0 {
			// One piece of a model number ("kb vision KX-Y1526WN",
			// "hikvision 2cd1043"): the plain words with the piece as a
			// word, from the GIN index; or the piece in model_keys, from
			// the trigram index, with the plain words checked in its
			// records. As one condition, the planner took the plain words'
			// records (a brand's thousands) from the GIN index and read
			// every one of them for the piece.
			pi := slices.IndexFunc(pieceLike, func(l string) bool { return l != "" })
			plain := strings.Join(plainAlts, " & ")
			all = []string{"(words @@ " + s.arg(plain+" & "+groups[pi], "tsquery") + " OR (" + pieceLike[pi] +
				" AND ts_match_vq(words, " + s.arg(plain, "tsquery") + ")))"}
		} else if len(plainAlts) > 0 {
			all = append([]string{"words @@ " + s.arg(strings.Join(plainAlts, " & "), "tsquery")}, all...)
		}
		textMatch = strings.Join(all, " AND ")
		if textMatch == "" {
			textMatch = "true"
		}
		if provinceWords != "" {
			// The other words and the province's, or the other words in a
			// record of the province: two arms, each of which the indexes
			// answer (the GIN index the words, the province's B-tree the
			// code), where "words AND (province words OR code)" had the
			// records of the other words read and filtered: "tan phu gia
			// lai" read the 10,723 records holding "tan phu" for its 273.
			textMatch = "(" + textMatch + " AND " + provinceWords + ") OR (" + textMatch + " AND " + provinceCode + ")"
		}
	}
	match = strings.Join(append(keyMatch, "("+textMatch+")"), " OR ")
	return match, strings.Join(scores, " + ")
}

// run answers q with one statement: the matches are found once, then
// counted, counted by facet and paged, and all come back as rows of one
// result, told apart by their first column. Up to q.FacetLimit() matches
// every match is counted by facet; beyond, only those in a sample of
// buckets (a hash of the id), and the counts are scaled to the total.
func (ix *Index) run(ctx context.Context, st *statement, q search.Query) (*search.Result, error) {
	args := append([]any(nil), st.args...)
	limit := "$" + strconv.Itoa(len(args)+1)
	offset := "$" + strconv.Itoa(len(args)+2)
	exactUpTo := "$" + strconv.Itoa(len(args)+3)
	args = append(args, q.Limit, q.Offset, q.FacetLimit())
	title, body := "''", "''"
	if st.highlight != "" {
		hl := func(col string) string {
			return fmt.Sprintf("ts_headline('public.camreg_search'::regconfig, %s, %s, '%s')", col, st.highlight, headlineOptions)
		}
		title, body = hl("title"), hl("body")
	}
	rows, err := ix.db.QueryContext(ctx, st.sql(title, body, limit, offset, exactUpTo), args...)
	if err != nil {
		return nil, fmt.Errorf("postgres search: %w: %w", search.ErrUnavailable, err)
	}
	defer rows.Close()
	res := &search.Result{Hits: []search.Hit{}, Facets: search.Facets{Type: map[string]int{}, Brand: map[string]int{},
		Province: map[string]int{}, Status: map[string]int{}}, FacetsExact: true}
	sampled := 0
	for rows.Next() {
		var kind, typ, a, b, c, titleHL, bodyHL string
		var n float64
		if err := rows.Scan(&kind, &typ, &a, &b, &c, &n, &titleHL, &bodyHL); err != nil {
			return nil, err
		}
		switch kind {
		case "hit":
			res.Hits = append(res.Hits, search.Hit{Type: search.Type(typ), EntityID: a, Title: b, Score: n,
				Highlight: highlight(titleHL, bodyHL)})
			continue
		case "total":
			res.Total = int(n)
			sampled, _ = strconv.Atoi(titleHL)
			continue
		}
		count := int(n)
		for f, v := range map[*map[string]int]string{&res.Facets.Type: typ, &res.Facets.Brand: a,
			&res.Facets.Province: b, &res.Facets.Status: c} {
			if v != "" {
				(*f)[v] += count
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if sampled < res.Total {
		res.Facets, res.FacetsExact = search.ScaleFacets(res.Facets, sampled, res.Total), false
	}
	return res, nil
}

// sql is the one statement of run; title and body are the highlights'
// expressions, limit, offset and exactUpTo the placeholders of the page
// and of the facets' bound.
func (st *statement) sql(title, body, limit, offset, exactUpTo string) string {
	// A facet row is (type, brand, province, status, count); the total
	// row is the count of matches and the count of the matches sampled
	// (the same when they were all counted); a hit row is (type,
	// entity_id, title, id, score) and its highlights: the body's only
	// when the title's marks no word, since highlight takes the first
	// that marks one (ts_headline is ~15 µs a call, national documents;
	// a page of 20 hits called it 40 times a search).
	return st.declare() + `, matches AS MATERIALIZED (
			SELECT id, type, brand, province, status, ` + st.score + ` AS score
			FROM search_documents WHERE ` + st.where + `),
		total AS (SELECT count(*) AS n FROM matches),
		counted AS MATERIALIZED (SELECT m.type, m.brand, m.province, m.status FROM matches m, total t
			WHERE t.n <= ` + exactUpTo + `::int
				OR (hashtext(m.id) & ` + strconv.Itoa(search.SampleBuckets-1) + `) < ceil(` + strconv.Itoa(search.SampleBuckets) + `.0 * ` + exactUpTo + `::int / t.n)),
		page AS (SELECT d.id, d.type, d.entity_id, d.title, d.body, m.score
			FROM (SELECT id, score FROM matches ORDER BY score DESC, id LIMIT ` + limit + ` OFFSET ` + offset + `) m
			JOIN search_documents d ON d.id = m.id)
		SELECT 'facet' AS kind, type, brand, province, status, count(*)::float8 AS score, '' AS title_hl, '' AS body_hl
			FROM counted GROUP BY type, brand, province, status
		UNION ALL
		SELECT 'hit', type, entity_id, title, id, score, h.title_hl,
				CASE WHEN strpos(h.title_hl, '` + markOpen + `') > 0 THEN '' ELSE ` + body + ` END
			FROM page, LATERAL (SELECT ` + title + ` AS title_hl) h
		UNION ALL
		SELECT 'total', '', '', '', '', t.n::float8, (SELECT count(*) FROM counted)::text, '' FROM total t
		ORDER BY kind, score DESC, status`
}

// highlight is the first of the fragments that marks a word, escaped as
// HTML and marked with <mark>, as bleve's are.
func highlight(fragments ...string) string {
	for _, f := range fragments {
		if strings.Contains(f, markOpen) {
			return strings.NewReplacer(markOpen, "<mark>", markEnd, "</mark>").Replace(html.EscapeString(f))
		}
	}
	return ""
}
