package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"camreg/fold"
	"camreg/models/verdict"
)

// The published list of compliant models ("danh mục"): every verified model
// whose verdict on a date is compliant. It is not a second rule set: each
// model is evaluated by verifyModels, the very code that answers
// GET /v1/verify for an exact match, so the list and verify cannot disagree.

// compliantBatch is how many models are evaluated at a time while a page is
// filled: the rules run over one batch's rows, loaded together.
const compliantBatch = 500

// CompliantFilter narrows the list. At is the date (today when empty);
// Brand and Kind are exact (brand folded); Standard is the code of the
// standard of the certificate that makes the model compliant; Q is free
// text matched against the brand, model number and name.
type CompliantFilter struct {
	At       string
	Brand    string
	Kind     string
	Standard string
	Q        string
}

// CompliantModel is a model on the list with the certificate that makes it
// compliant on the date. Certificate is nil when no standard made
// certification mandatory on that date.
type CompliantModel struct {
	Model       Model
	Certificate *CompliantCertificate
	// Reasons are the verdict's reasons, as verify gives them.
	Reasons []Reason
}

// CompliantCertificate is the certificate behind a listing on the list.
type CompliantCertificate struct {
	ID                     string
	Number                 string
	StandardCode           string
	CertificationBodyOrgID string
	CertificationBody      string
	IssuedOn               Date
	ExpiresOn              Date
}

// compliantQuery is a checked filter.
type compliantQuery struct {
	at       Date
	brandKey string
	kind     string
	standard string
	qKey     string
	qText    string
}

func (s *Store) checkCompliantFilter(v *ValidationError, f CompliantFilter, field string) compliantQuery {
	at := f.At
	q := compliantQuery{at: v.date(field, &at, false)}
	if q.at.IsZero() {
		q.at = s.Today()
	}
	if f.Brand != "" {
		q.brandKey = fold.Key(f.Brand)
	}
	if f.Kind != "" {
		v.enum("kind", &f.Kind, false, ModelKinds...)
		q.kind = f.Kind
	}
	q.standard = strings.TrimSpace(f.Standard)
	if t := strings.TrimSpace(f.Q); t != "" {
		q.qKey, q.qText = fold.Key(t), fold.Text(t)
	}
	return q
}

// CheckCompliantFilter validates a filter, as the list would, so that an
// export can refuse a bad one before it starts streaming. Errors: ErrInvalid.
func (s *Store) CheckCompliantFilter(f CompliantFilter) error {
	var v ValidationError
	s.checkCompliantFilter(&v, f, "at")
	return v.Err()
}

// matchesText reports whether the model matches the free text: its folded
// words appear in the brand, model number or name, or its key in the
// model key.
func (q compliantQuery) matchesText(m *Model) bool {
	if q.qText == "" {
		return true
	}
	if q.qKey != "" && strings.Contains(m.ModelKey, q.qKey) {
		return true
	}
	hay := fold.Text(m.Brand + " " + m.ModelNumber + " " + m.Name)
	for _, w := range strings.Fields(q.qText) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// CompliantModels lists one page of the models that are compliant on the
// filter's date, in id order. Errors: ErrInvalid.
func (s *Store) CompliantModels(ctx context.Context, f CompliantFilter, p PageRequest) (Page[CompliantModel], error) {
	var v ValidationError
	q := s.checkCompliantFilter(&v, f, "at")
	if err := v.Err(); err != nil {
		return Page[CompliantModel]{}, err
	}
	if err := CheckPage(&p); err != nil {
		return Page[CompliantModel]{}, err
	}
	var out Page[CompliantModel]
	cursor := p.Cursor
	for {
		batch, err := s.FindModels(ctx, ModelFilter{Brand: f.Brand, Kind: q.kind, Status: ModelVerified},
			PageRequest{Limit: compliantBatch, Cursor: cursor})
		if err != nil {
			return out, err
		}
		listed, err := s.compliantOf(ctx, q, batch.Items)
		if err != nil {
			return out, err
		}
		for _, cm := range listed {
			out.Items = append(out.Items, cm)
			if len(out.Items) == p.Limit {
				out.NextCursor = encodeCursor(cm.Model.ID)
				return out, nil
			}
		}
		if batch.NextCursor == "" {
			return out, nil
		}
		cursor = batch.NextCursor
	}
}

// EachCompliantModel calls fn with every compliant model on the filter's
// date, a batch at a time, for exports that stream the whole list.
// Errors: ErrInvalid, and fn's.
func (s *Store) EachCompliantModel(ctx context.Context, f CompliantFilter, fn func([]CompliantModel) error) error {
	var v ValidationError
	q := s.checkCompliantFilter(&v, f, "at")
	if err := v.Err(); err != nil {
		return err
	}
	cursor := ""
	for {
		batch, err := s.FindModels(ctx, ModelFilter{Brand: f.Brand, Kind: q.kind, Status: ModelVerified},
			PageRequest{Limit: compliantBatch, Cursor: cursor})
		if err != nil {
			return err
		}
		listed, err := s.compliantOf(ctx, q, batch.Items)
		if err != nil {
			return err
		}
		if len(listed) > 0 {
			if err := fn(listed); err != nil {
				return err
			}
		}
		if batch.NextCursor == "" {
			return nil
		}
		cursor = batch.NextCursor
	}
}

// compliantOf evaluates the models on the query's date and keeps those the
// filter admits and verify calls compliant.
func (s *Store) compliantOf(ctx context.Context, q compliantQuery, ms []Model) ([]CompliantModel, error) {
	ms = slices.DeleteFunc(ms, func(m Model) bool { return !q.matchesText(&m) })
	if len(ms) == 0 {
		return nil, nil
	}
	vs, err := s.verifyKnown(ctx, ms, q.at)
	if err != nil {
		return nil, err
	}
	var out []CompliantModel
	for i := range vs {
		if !listed(vs[i], q) {
			continue
		}
		cm := CompliantModel{Model: ms[i], Reasons: vs[i].Reasons, Certificate: certificateBehind(vs[i].Reasons)}
		out = append(out, cm)
	}
	certs := make([]*CompliantCertificate, len(out))
	for i := range out {
		certs[i] = out[i].Certificate
	}
	return out, s.nameBodies(ctx, certs)
}

// verifyKnown evaluates known models on a date, as verify does for an
// exact match.
func (s *Store) verifyKnown(ctx context.Context, ms []Model, at Date) ([]Verification, error) {
	r, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	return verifyModels(r, ms, at)
}

// certificateBehind picks, among the valid certificates a verdict rests on,
// the one that runs longest.
func certificateBehind(reasons []Reason) *CompliantCertificate {
	var best *CompliantCertificate
	for _, r := range reasons {
		if r.Code != verdict.ReasonCertificateValid {
			continue
		}
		e := r.Evidence
		if best == nil || e.ExpiresOn.After(best.ExpiresOn) {
			best = &CompliantCertificate{ID: e.CertificateID, Number: e.CertificateNumber, StandardCode: e.StandardCode,
				IssuedOn: e.IssuedOn, ExpiresOn: e.ExpiresOn}
		}
	}
	return best
}

// nameBodies fills in the certification body of each certificate (nil
// ones are skipped), in two queries for the batch.
func (s *Store) nameBodies(ctx context.Context, certs []*CompliantCertificate) error {
	ids := []string{}
	for _, c := range certs {
		if c != nil {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID                     string
		CertificationBodyOrgID string
	}
	if err := s.db.WithContext(ctx).Table("conformity_certificates").Select("id, certification_body_org_id").
		Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return fmt.Errorf("read certification bodies: %w", err)
	}
	bodyOf := map[string]string{}
	orgIDs := []string{}
	for _, r := range rows {
		bodyOf[r.ID] = r.CertificationBodyOrgID
		orgIDs = append(orgIDs, r.CertificationBodyOrgID)
	}
	orgs, err := s.OrgRefs(ctx, orgIDs)
	if err != nil {
		return err
	}
	for _, c := range certs {
		if c != nil {
			c.CertificationBodyOrgID = bodyOf[c.ID]
			c.CertificationBody = orgs[c.CertificationBodyOrgID].Name
		}
	}
	return nil
}
