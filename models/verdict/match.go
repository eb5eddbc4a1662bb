package verdict

// Match is how one query matched the registry.
type Match struct {
	// Kind is MatchExact, MatchPossible, MatchAmbiguous or MatchNone.
	Kind string
	// Model is the matched model, for exact and possible matches.
	Model *Model
	// Candidates are the models of a possible or ambiguous match.
	Candidates []Model
}

// MaxCandidates bounds the candidates an ambiguous answer lists.
const MaxCandidates = 20

// Exact is the match of a known model.
func Exact(m *Model) Match { return Match{Kind: MatchExact, Model: m} }

// Pick chooses among the models that share the query's loose key: one with
// the query's key within its brand (any brand, when none is given) is exact;
// several such (two brands with one number, no brand given) are ambiguous;
// otherwise near models in the brand, then the same number under another
// brand, then near numbers under another brand, are possible (one) or
// ambiguous (several). A number under another brand is never exact: it may
// be a brand alias, a rebrand or a mistake.
func Pick(q Parsed, cands []Model) Match {
	inBrand := func(m Model) bool { return q.BrandKey == "" || m.BrandKey == q.BrandKey }
	var exact, near, otherBrand, otherBrandExact []Model
	for _, m := range cands {
		switch {
		case inBrand(m) && m.ModelKey == q.Key:
			exact = append(exact, m)
		case inBrand(m):
			near = append(near, m)
		case m.ModelKey == q.Key:
			otherBrandExact = append(otherBrandExact, m)
			otherBrand = append(otherBrand, m)
		default:
			otherBrand = append(otherBrand, m)
		}
	}
	switch {
	case len(exact) == 1:
		return Match{Kind: MatchExact, Model: &exact[0]}
	case len(exact) > 1:
		return Match{Kind: MatchAmbiguous, Candidates: capped(exact)}
	case len(near) > 0:
		return FromCandidates(near)
	case len(otherBrandExact) > 0:
		return FromCandidates(otherBrandExact)
	}
	return FromCandidates(otherBrand)
}

// FromCandidates is the match of near candidates: none, possible (one) or
// ambiguous (several, at most MaxCandidates listed).
func FromCandidates(ms []Model) Match {
	switch len(ms) {
	case 0:
		return Match{Kind: MatchNone}
	case 1:
		return Match{Kind: MatchPossible, Model: &ms[0], Candidates: ms}
	}
	return Match{Kind: MatchAmbiguous, Candidates: capped(ms)}
}

func capped(ms []Model) []Model {
	if len(ms) > MaxCandidates {
		return ms[:MaxCandidates]
	}
	return ms
}

// ByGTIN lets a box's GTIN (q.GTINModel) choose among the typed number's
// candidates: when the match is ambiguous and the GTIN's model is one of
// them, it is that model (exact when the typed number is its number, else
// possible). Any other match is kept: a GTIN never replaces what was typed
// (Evaluate states a conflict, ReasonGTINMismatch).
func ByGTIN(q Parsed, m Match) Match {
	g := q.GTINModel
	if g == nil || m.Kind != MatchAmbiguous {
		return m
	}
	for i := range m.Candidates {
		if c := &m.Candidates[i]; c.ID == g.ID {
			if c.ModelKey == q.Key {
				return Exact(c)
			}
			return Match{Kind: MatchPossible, Model: c, Candidates: []Model{*c}}
		}
	}
	return m
}
