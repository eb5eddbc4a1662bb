package models

import (
	"context"
	"strings"
)

// How a model's place on the published list changed between two dates.
const (
	CompliantEntered = "entered"
	CompliantLeft    = "left"
)

// CompliantChange is a model that entered or left the list between two
// dates, with the verdicts on both dates and the reasons behind them.
type CompliantChange struct {
	Model  Model
	Change string
	// FromVerdict and ToVerdict are verify's verdicts on the two dates.
	FromVerdict string
	ToVerdict   string
	// Reasons are the reasons on the later date: why the model left, or
	// the certificate it entered with.
	Reasons     []Reason
	Certificate *CompliantCertificate
}

// CompliantChanges lists one page of the models whose place on the list
// differs between From and To (From is the earlier date), in id order.
// Errors: ErrInvalid.
func (s *Store) CompliantChanges(ctx context.Context, from, to string, f CompliantFilter, p PageRequest) (Page[CompliantChange], error) {
	var v ValidationError
	f.At = from
	qFrom := s.checkCompliantFilter(&v, f, "from")
	f.At = to
	qTo := s.checkCompliantFilter(&v, f, "to")
	if from == "" {
		v.Add("from", "is required")
	}
	if v.Err() == nil && qTo.at.Before(qFrom.at) {
		v.Add("to", "must not be before from")
	}
	if err := v.Err(); err != nil {
		return Page[CompliantChange]{}, err
	}
	if err := CheckPage(&p); err != nil {
		return Page[CompliantChange]{}, err
	}
	var out Page[CompliantChange]
	cursor := p.Cursor
	for {
		batch, err := s.FindModels(ctx, ModelFilter{Brand: f.Brand, Kind: qTo.kind, Status: ModelVerified},
			PageRequest{Limit: compliantBatch, Cursor: cursor})
		if err != nil {
			return out, err
		}
		changes, err := s.changesOf(ctx, qFrom, qTo, batch.Items)
		if err != nil {
			return out, err
		}
		for _, ch := range changes {
			out.Items = append(out.Items, ch)
			if len(out.Items) == p.Limit {
				out.NextCursor = encodeCursor(ch.Model.ID)
				return out, nil
			}
		}
		if batch.NextCursor == "" {
			return out, nil
		}
		cursor = batch.NextCursor
	}
}

// changesOf evaluates the models on both dates and keeps those whose place
// on the list differs.
func (s *Store) changesOf(ctx context.Context, qFrom, qTo compliantQuery, ms []Model) ([]CompliantChange, error) {
	kept := ms[:0:0]
	for i := range ms {
		if qTo.matchesText(&ms[i]) {
			kept = append(kept, ms[i])
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	before, err := s.verifyKnown(ctx, kept, qFrom.at)
	if err != nil {
		return nil, err
	}
	after, err := s.verifyKnown(ctx, kept, qTo.at)
	if err != nil {
		return nil, err
	}
	var out []CompliantChange
	for i := range kept {
		was, is := listed(before[i], qFrom), listed(after[i], qTo)
		if was == is {
			continue
		}
		ch := CompliantChange{Model: kept[i], Change: CompliantLeft, FromVerdict: before[i].Verdict,
			ToVerdict: after[i].Verdict, Reasons: after[i].Reasons}
		if is {
			ch.Change = CompliantEntered
			ch.Certificate = certificateBehind(after[i].Reasons)
		}
		out = append(out, ch)
	}
	certs := make([]*CompliantCertificate, len(out))
	for i := range out {
		certs[i] = out[i].Certificate
	}
	return out, s.nameBodies(ctx, certs)
}

// listed reports whether a verification puts its model on the list under
// the filter's standard.
func listed(v Verification, q compliantQuery) bool {
	if v.Verdict != VerdictCompliant {
		return false
	}
	if q.standard == "" {
		return true
	}
	c := certificateBehind(v.Reasons)
	return c != nil && strings.EqualFold(c.StandardCode, q.standard)
}
