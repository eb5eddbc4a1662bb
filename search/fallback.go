package search

import (
	"context"
	"strings"

	"camreg/fold"
	"camreg/match"
	"camreg/models"
)

// What a search that found nothing tries next, on every backend (the
// matcher's wrapper, WithMatcher): the text read another way, each way
// only when the text has its shape, in turn until one finds something.
// A query that finds something never gets here, so the common query pays
// nothing.

// Search is the engine's search with the matcher's models first; a text
// typed with Telex or VNI keys left in is searched decoded first (unless
// it finds a model as it is: "HIK DS 2CD2143G2 LUI" holds "ds" and "lui",
// no Telex), and a search that finds nothing tries the readings of
// Alternatives, then a word of lookalikes as a model number.
func (x *matched) Search(ctx context.Context, q Query) (*Result, error) {
	if t, ok := Telex(q.Text); ok && !x.findsModel(ctx, q) {
		tq := q
		tq.Text = t
		if res, err := x.search(ctx, tq); err != nil || res.Total > 0 {
			return res, err
		}
	}
	res, err := x.search(ctx, q)
	if err != nil || res.Total > 0 || q.Offset > 0 {
		return res, err
	}
	for _, alt := range x.alternatives(ctx, q.Text) {
		aq := q
		aq.Text = alt
		r, err := x.search(ctx, aq)
		if err != nil {
			return nil, err
		}
		if r.Total > 0 {
			return r, nil
		}
	}
	return x.lookalikeModels(ctx, q, res)
}

// lookalikeModels is, for one word found nowhere whose digits were all
// typed as their lookalikes ("fptplays" for FPT-PLAY5), the models the
// matcher finds for it; res otherwise.
func (x *matched) lookalikeModels(ctx context.Context, q Query, res *Result) (*Result, error) {
	k := fold.Key(q.Text)
	if strings.ContainsAny(strings.TrimSpace(q.Text), " \t") || len(k) < 5 || len(k) > match.MaxKey ||
		!strings.ContainsAny(match.Merge(k), "0123456789") || (q.Type != "" && q.Type != TypeModel) || q.Province != "" || q.Status != "" {
		return res, nil
	}
	ms, err := x.m.MatchModels(ctx, q.Text, q.Brand, MatcherHits)
	if err != nil || len(ms) == 0 {
		return res, err
	}
	out := &Result{Total: len(ms), Facets: copyFacets(res.Facets), FacetsExact: res.FacetsExact}
	for _, m := range ms {
		out.Facets.Type[string(TypeModel)]++
		out.Facets.Brand[m.Brand]++
		out.Hits = append(out.Hits, Hit{Type: TypeModel, EntityID: m.ID, Title: strings.TrimSpace(m.Brand + " " + m.ModelNumber),
			Score: 1000 - m.Distance})
	}
	out.Hits = out.Hits[:min(len(out.Hits), max(q.Limit, 1))]
	return out, nil
}

// maxTaxTries bounds the tax codes one digit away that a tax code found
// nowhere is searched as (those with a valid check digit: about one in
// eleven of the 99).
const maxTaxTries = 16

// alternatives are the other readings of text a search that found nothing
// tries, in turn: a branch's tax code as its head office's; a tax code one
// digit away (a digit wrong, two swapped) that is valid; a glued shop's
// name split into its syllables.
func (x *matched) alternatives(ctx context.Context, text string) []string {
	if head, ok := HeadOffice(text); ok {
		return []string{head}
	}
	if near := NearTaxCodes(text); near != nil {
		return near[:min(len(near), maxTaxTries)]
	}
	return Unglue(text, 3)
}

// NearTaxCodes are the valid tax codes one digit away from text, a tax
// code alone (perhaps behind "MST"): two neighbours swapped first, then a
// digit changed, left to right.
func NearTaxCodes(text string) []string {
	k := fold.Key(Rewrite(text))
	if len(k) != 10 || !allDigits([]string{k}) {
		return nil
	}
	var out []string
	try := func(b []byte) {
		if s := string(b); s != k {
			if _, err := models.CheckTaxCode(s); err == nil {
				out = append(out, s)
			}
		}
	}
	for i := 0; i+1 < len(k); i++ {
		b := []byte(k)
		b[i], b[i+1] = b[i+1], b[i]
		try(b)
	}
	for i := 0; i < len(k); i++ {
		for d := byte('0'); d <= '9'; d++ {
			b := []byte(k)
			b[i] = d
			try(b)
		}
	}
	return out
}

// maxWindow is the most pieces of a link read together as one model
// number ("ipc-hfw2241s-s4").
const maxWindow = 4

// MaxKeyLen bounds a run's key modelIn asks the matcher about.
const MaxKeyLen = 32

// modelIn is the model number a longer text holds, a listing's address
// ("shopee.vn/camera-dahua-ipc-hfw2241s-s4-i.123.456") or a question
// ("kiểm tra XNV-6080R"), asked of the matcher a model's own key: in a
// question, each word with a letter and a digit, alone and after the word
// before it ("Tapo C310G"); in a link, the runs of its pieces that hold
// such a piece. An address ("257 Phạm Văn Đồng") holds none and costs
// nothing; a question costs a look-up or two.
func (x *matched) modelIn(ctx context.Context, text string) (string, bool) {
	toks := strings.Fields(fold.Text(text))
	if len(toks) > 40 {
		return "", false
	}
	whole := fold.Key(text)
	asked := map[string]bool{whole: true}
	try := func(run []string) (string, bool) {
		key := strings.Join(run, "")
		if len(key) < 4 || len(key) > MaxKeyLen || asked[key] {
			return "", false
		}
		asked[key] = true
		var ms []ModelMatch
		var err error
		if em, ok := x.m.(ExactMatcher); ok {
			ms, err = em.ExactModels(ctx, key)
		} else {
			ms, err = x.m.MatchModels(ctx, key, "", 1)
		}
		if err == nil && len(ms) > 0 && ms[0].Distance == 0 && fold.Key(ms[0].ModelNumber) == key {
			return strings.Join(run, "-"), true
		}
		return "", false
	}
	for i, t := range toks {
		if strings.Contains(t, "/") && strings.Contains(t, ".") {
			// A link: its pieces, the longest runs first.
			ps := textWords(t)
			for n := min(maxWindow, len(ps)); n >= 1; n-- {
				for j := 0; j+n <= len(ps); j++ {
					if mixedWords(ps[j : j+n]) {
						if mn, ok := try(ps[j : j+n]); ok {
							return mn, true
						}
					}
				}
			}
			continue
		}
		ws := textWords(t)
		if !mixedWords(ws) {
			continue
		}
		if i > 0 {
			if mn, ok := try(append(textWords(toks[i-1]), ws...)); ok {
				return mn, true
			}
		}
		if mn, ok := try(ws); ok {
			return mn, true
		}
	}
	return "", false
}

// mixedWords says whether one of ws has a letter and a digit.
func mixedWords(ws []string) bool {
	for _, w := range ws {
		if strings.ContainsAny(w, "0123456789") && strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 {
			return true
		}
	}
	return false
}

// findsModel says whether q's text, as typed, is a model number the
// matcher finds a model for.
func (x *matched) findsModel(ctx context.Context, q Query) bool {
	mq := q
	mq.Text = Rewrite(q.Text)
	if !modelLike(mq) {
		return false
	}
	ms, err := x.m.MatchModels(ctx, mq.Text, q.Brand, 1)
	return err == nil && len(ms) > 0
}
