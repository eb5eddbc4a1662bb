package match

// Kind is how a query matched the registry.
type Kind string

// The kinds of match, as verify reports them.
const (
	// Exact: one model has the typed key (within the brand, if given).
	Exact Kind = "exact"
	// Possible: no exact match, and one candidate is nearer than every
	// other.
	Possible Kind = "possible"
	// Ambiguous: several models are equally near; the person must choose.
	Ambiguous Kind = "ambiguous"
	// None: nothing within reach.
	None Kind = "none"
)

// Decide says how the result matched, and which candidates back it: the one
// model of an exact or possible match, or the tied candidates of an
// ambiguous one, best first.
//
// Models of the given brand are decided on first; a model of another brand
// is at best possible, never exact (a rebrand, an alias or a slip). Among
// equally near candidates, one whose brand the text led with wins; else
// the match is ambiguous. A candidate is possible only when it is the
// unique nearest.
func (r Result) Decide() (Kind, []Candidate) {
	var inBrand, other []Candidate
	for _, c := range r.Candidates {
		if r.BrandKey == "" || c.BrandKey == r.BrandKey {
			inBrand = append(inBrand, c)
		} else {
			other = append(other, c)
		}
	}
	if k, cs := nearest(inBrand, true); k != None {
		return k, cs
	}
	k, cs := nearest(other, false)
	if k == Exact {
		k = Possible
	}
	return k, cs
}

// nearest decides among candidates ranked best first: those at the least
// distance, narrowed to the ones whose brand agrees when some do.
func nearest(cs []Candidate, exactAllowed bool) (Kind, []Candidate) {
	if len(cs) == 0 {
		return None, nil
	}
	n := 1
	for n < len(cs) && cs[n].half == cs[0].half {
		n++
	}
	tied := cs[:n]
	if n > 1 && cs[0].BrandAgrees {
		agree := 1
		for agree < n && tied[agree].BrandAgrees {
			agree++
		}
		tied = tied[:agree]
	}
	switch {
	case len(tied) > 1:
		return Ambiguous, tied
	case tied[0].half == 0 && exactAllowed:
		return Exact, tied
	}
	return Possible, tied
}
