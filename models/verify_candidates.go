package models

import (
	"fmt"
	"slices"

	"camreg/match"
	"camreg/models/verdict"
)

// Candidate generation: which verified models a typed model number might
// mean. The store's Matcher (package match) finds and ranks them, and
// decides exact, possible (the unique nearest), ambiguous or none; the rows
// of the models it names are then read within the reader (a write's
// transaction, for inspection items), verified ones only.

// matchModels finds each query's model. It returns the matches and the
// full rows of every model they name, by id.
func matchModels(r reader, qs []parsedQuery) ([]verdict.Match, map[string]*Model, error) {
	if r.matcher == nil {
		return nil, nil, fmt.Errorf("match models: no matcher")
	}
	ctx := r.ctx
	// With the snapshot, its modelHead is the latest camera_model event up
	// to the head this verify read: the matcher need not read it again.
	head := int64(-1)
	if r.snap != nil {
		head = r.snap.modelHead
	}
	ds := make([]matchDecision, len(qs))
	var need []string
	seen := map[string]bool{}
	for i, q := range qs {
		d, ok := r.snap.decided(q.Model, q.Brand)
		if !ok {
			kind, cs, err := r.matcher.decideAt(ctx, head, q.Model, q.Brand)
			if err != nil {
				return nil, nil, fmt.Errorf("match models: %w", err)
			}
			d.kind = matchKind(kind)
			for _, c := range cs[:min(len(cs), verdict.MaxCandidates)] {
				d.ids = append(d.ids, c.ID)
			}
			r.snap.decide(q.Model, q.Brand, d)
		}
		ds[i] = d
		for _, id := range d.ids {
			if !seen[id] {
				seen[id] = true
				need = append(need, id)
			}
		}
	}
	rows := map[string]*Model{}
	if r.snap != nil {
		for _, id := range need {
			// Materialized from the snapshot under its lock.
			if i, ok := r.snap.st.slot(id); ok && r.snap.st.get(r.snap.st.models[i].status) == ModelVerified {
				rows[id] = r.snap.st.model(i)
			}
		}
		need = nil
	}
	for chunk := range slices.Chunk(need, 500) {
		ms, err := readModels(r, "id IN ("+placeholders(len(chunk))+") AND status = ?", append(anys(chunk), ModelVerified)...)
		if err != nil {
			return nil, nil, fmt.Errorf("match models: %w", err)
		}
		for i := range ms {
			rows[ms[i].ID] = &ms[i]
		}
	}
	out := make([]verdict.Match, len(qs))
	for i, d := range ds {
		var cands []verdict.Model
		for _, id := range d.ids {
			// A model deleted or sent back to pending since the matcher
			// last looked is no candidate.
			if m, ok := rows[id]; ok {
				cands = append(cands, engineModel(m))
			}
		}
		switch {
		case len(cands) == 0:
			out[i] = verdict.Match{Kind: MatchNone}
		case d.kind == MatchExact && len(cands) == 1:
			out[i] = verdict.Exact(&cands[0])
		case d.kind == MatchAmbiguous && len(cands) > 1:
			out[i] = verdict.Match{Kind: MatchAmbiguous, Candidates: cands}
		default:
			out[i] = verdict.FromCandidates(cands)
		}
	}
	return out, rows, nil
}

func matchKind(k match.Kind) string {
	switch k {
	case match.Exact:
		return MatchExact
	case match.Possible:
		return MatchPossible
	case match.Ambiguous:
		return MatchAmbiguous
	}
	return MatchNone
}
