package models

import (
	"context"
	"fmt"

	"camreg/models/verdict"
)

// The verdict engine lives in models/verdict: pure rules over rows. This
// file is its adapter: it checks a query, loads the rows the rules read
// (verify_load.go, from the in-memory snapshot of verify_cache.go; the
// candidate models of verify_candidates.go), and answers with the full models. The
// names below keep the engine's types and codes where the rest of camreg
// has always found them.

// How the typed model number matched the registry (see verdict.MatchExact).
const (
	MatchExact     = verdict.MatchExact
	MatchPossible  = verdict.MatchPossible
	MatchAmbiguous = verdict.MatchAmbiguous
	MatchNone      = verdict.MatchNone
)

// The verdicts.
const (
	VerdictCompliant    = verdict.VerdictCompliant
	VerdictNonCompliant = verdict.VerdictNonCompliant
	VerdictWarning      = verdict.VerdictWarning
	VerdictUnknown      = verdict.VerdictUnknown
)

// Reason codes (see verdict.ReasonNoCertificate and the rest).
const (
	ReasonNoCertificate        = verdict.ReasonNoCertificate
	ReasonCertificateExpired   = verdict.ReasonCertificateExpired
	ReasonCertificateRevoked   = verdict.ReasonCertificateRevoked
	ReasonCertificateSuspended = verdict.ReasonCertificateSuspended
	ReasonStandardNotInForce   = verdict.ReasonStandardNotInForce
	ReasonWarnedModel          = verdict.ReasonWarnedModel
	ReasonBannedModel          = verdict.ReasonBannedModel
	ReasonNoOriginProof        = verdict.ReasonNoOriginProof
	ReasonUnregistered         = verdict.ReasonUnregistered
	ReasonCertificateValid     = verdict.ReasonCertificateValid
	ReasonFirmwareOnly         = verdict.ReasonFirmwareOnly
	ReasonNotRequired          = verdict.ReasonNotRequired
	ReasonOriginProof          = verdict.ReasonOriginProof
	ReasonFirmwareNotAffected  = verdict.ReasonFirmwareNotAffected
	ReasonPossibleMatch        = verdict.ReasonPossibleMatch
	ReasonAmbiguousMatch       = verdict.ReasonAmbiguousMatch
	ReasonPending              = verdict.ReasonPending
	ReasonGTINMismatch         = verdict.ReasonGTINMismatch
)

// EffectInfo marks a reason that does not change the verdict.
const EffectInfo = verdict.EffectInfo

// MaxVerifyItems is the most items one bulk verify may hold.
const MaxVerifyItems = verdict.MaxItems

// The states of a certificate on a date.
const (
	CertStateValid              = verdict.CertStateValid
	CertStateNotYetValid        = verdict.CertStateNotYetValid
	CertStateExpired            = verdict.CertStateExpired
	CertStateSuspended          = verdict.CertStateSuspended
	CertStateRevoked            = verdict.CertStateRevoked
	CertStateStandardNotInForce = verdict.CertStateStandardNotInForce
)

// Languages of reason messages.
const (
	LangVI = verdict.LangVI
	LangEN = verdict.LangEN
)

// The engine's types, under their old names.
type (
	// VerifyQuery is one question: which model, and on which date.
	VerifyQuery = verdict.Query
	// Reason explains a verdict.
	Reason = verdict.Reason
	// Evidence is what a reason rests on.
	Evidence = verdict.Evidence
	// CertificateOnDate is a certificate covering the model, on the date.
	CertificateOnDate = verdict.CertificateOnDate
	// FirmwareRange is a range of affected firmware.
	FirmwareRange = verdict.FirmwareRange
	// WarningOnDate is a warning naming the model, on the date.
	WarningOnDate = verdict.WarningOnDate
	// OriginOnDate is a certificate of origin covering the model.
	OriginOnDate = verdict.OriginOnDate
	// StandardOnDate is a standard and its standing on the date.
	StandardOnDate = verdict.StandardOnDate
	// parsedQuery is a checked query with its date and keys.
	parsedQuery = verdict.Parsed
)

// Verification is the answer to one VerifyQuery: the engine's answer, with
// the matched model and the candidates as the registry's full rows.
type Verification struct {
	verdict.Verification
	// Model is the matched model, for exact and possible matches.
	Model *Model
	// Candidates are the models of a possible or ambiguous match.
	Candidates []Model
}

// Verify answers one query. Errors: ErrInvalid.
func (s *Store) Verify(ctx context.Context, q VerifyQuery) (*Verification, error) {
	var v ValidationError
	p := s.checkQuery(&v, "", q)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	out, err := verifyAll(r, []parsedQuery{p})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// VerifyView is one verify's view of the registry: the change log's head
// read once, then answers at least as new as it.
type VerifyView struct {
	s *Store
	r reader
}

// ViewVerify reads the change log's head, as Verify does before it answers.
func (s *Store) ViewVerify(ctx context.Context) (VerifyView, error) {
	r, err := s.reader(ctx)
	return VerifyView{s: s, r: r}, err
}

// Head is the change log's head the view read (-1 when it read none). The
// same query asked on the same date at the same head has the same answer:
// nothing verify reads was written in between. A cache of answers may key
// on it (the API keeps the encoded answers of the latest head).
func (v VerifyView) Head() int64 { return v.r.head }

// Verify answers one query, as Store.Verify does. Errors: ErrInvalid.
func (v VerifyView) Verify(q VerifyQuery) (*Verification, error) {
	var e ValidationError
	p := v.s.checkQuery(&e, "", q)
	if err := e.Err(); err != nil {
		return nil, err
	}
	out, err := verifyAll(v.r, []parsedQuery{p})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// VerifyMany answers up to MaxVerifyItems queries, in order, with a fixed
// number of queries to the database whatever their count. Field errors
// name the item: "items[3].at". Errors: ErrInvalid.
func (s *Store) VerifyMany(ctx context.Context, qs []VerifyQuery) ([]Verification, error) {
	var v ValidationError
	switch {
	case len(qs) == 0:
		v.Add("items", "must hold at least one item")
	case len(qs) > MaxVerifyItems:
		v.Add("items", "must hold at most %d items, not %d; split the shelf into several requests", MaxVerifyItems, len(qs))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ps := make([]parsedQuery, len(qs))
	for i, q := range qs {
		ps[i] = s.checkQuery(&v, fmt.Sprintf("items[%d].", i), q)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	return verifyAll(r, ps)
}

// WarmVerify builds verify's snapshot of the rows it reads now, rather
// than on the first verify (it reads every model and document once).
func (s *Store) WarmVerify(ctx context.Context) error {
	_, err := s.readerWaiting(ctx, true)
	return err
}

// checkQuery checks a query's fields, naming them with prefix, and parses it.
func (s *Store) checkQuery(v *ValidationError, prefix string, q VerifyQuery) parsedQuery {
	q.Model = v.text(prefix+"model", &q.Model, false, verdict.MaxModelLen)
	if q.Model == "" {
		// The only field a verify needs; a GTIN, when one was given, has
		// already been turned into its model (or into its digits).
		v.Add(prefix+"model", "must not be empty: give the model number on the camera's label, or gtin (the barcode's digits)")
	}
	q.Brand = v.text(prefix+"brand", &q.Brand, false, verdict.MaxBrandLen)
	q.Firmware = v.text(prefix+"firmware", &q.Firmware, false, verdict.MaxFirmwareLen)
	at := q.At
	day := v.date(prefix+"at", &at, false)
	if day.IsZero() {
		day = s.Today()
	}
	p := verdict.Parse(q, day)
	if p.Keyless() {
		v.Add(prefix+"model", "must contain letters or digits")
	}
	return p
}

// VerifyPermalink evaluates the model a public permalink names, by brand
// key and model key, today. Only verified models have permalinks; any other
// is ErrNotFound.
func (s *Store) VerifyPermalink(ctx context.Context, brandKey, modelKey string) (*Verification, error) {
	r, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := readModels(r, "brand_key = ? AND model_key = ? AND status = ?", brandKey, modelKey, ModelVerified)
	if err != nil {
		return nil, fmt.Errorf("find camera model %s/%s: %w", brandKey, modelKey, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("camera model %s/%s: %w", brandKey, modelKey, ErrNotFound)
	}
	out, err := verifyModels(r, ms[:1], s.Today())
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// verifyAll matches and evaluates the queries: one query for the matches,
// then one each for standards, certificates, C/Os and warnings of every
// matched model, and one for status histories when a date calls for them.
func verifyAll(r reader, qs []parsedQuery) ([]Verification, error) {
	if r.snap != nil {
		r.snap.mu.RLock()
		defer r.snap.mu.RUnlock()
	}
	return verifyLocked(r, qs)
}

// verifyLocked is verifyAll with the snapshot's read lock held, if the
// reader has a snapshot.
func verifyLocked(r reader, qs []parsedQuery) ([]Verification, error) {
	ms, rows, err := matchModels(r, qs)
	if err != nil {
		return nil, err
	}
	for i := range qs {
		ms[i] = verdict.ByGTIN(qs[i], ms[i])
	}
	return verifyMatched(r, qs, ms, rows, true)
}

// verifyModels evaluates known models (a trader's listings, a permalink's
// model) on one date, as exact matches.
func verifyModels(r reader, ms []Model, at Date) ([]Verification, error) {
	if r.snap != nil {
		r.snap.mu.RLock()
		defer r.snap.mu.RUnlock()
	}
	qs := make([]parsedQuery, len(ms))
	matches := make([]verdict.Match, len(ms))
	rows := map[string]*Model{}
	for i := range ms {
		vm := engineModel(&ms[i])
		qs[i] = verdict.ForModel(vm, at)
		matches[i] = verdict.Exact(&vm)
		rows[ms[i].ID] = &ms[i]
	}
	return verifyMatched(r, qs, matches, rows, false)
}

// verifyMatched loads the documents of the matched models and evaluates
// each query against them; rows are the full models by id, each the
// answers' own when owned (matchModels made them for this verify), else
// copied for each answer. The caller holds the snapshot's read lock, if the
// reader has a snapshot.
func verifyMatched(r reader, qs []parsedQuery, matches []verdict.Match, rows map[string]*Model, owned bool) ([]Verification, error) {
	ids := []string{}
	seen := map[string]bool{}
	for _, m := range matches {
		if m.Model != nil && !seen[m.Model.ID] {
			seen[m.Model.ID] = true
			ids = append(ids, m.Model.ID)
		}
		if m.Kind == MatchAmbiguous {
			// Their warnings are told (verdict.Evaluate).
			for _, c := range m.Candidates {
				if !seen[c.ID] {
					seen[c.ID] = true
					ids = append(ids, c.ID)
				}
			}
		}
	}
	data, err := loadVerifyData(r, ids)
	if err != nil {
		return nil, err
	}
	if need := verdict.HistoryNeeded(qs, matches, data); len(need) > 0 {
		if data.History, err = loadStatusHistory(r, need); err != nil {
			return nil, err
		}
	}
	vs := verdict.EvaluateAll(qs, matches, data)
	// One answer takes an owned model itself, the others a copy, so that no
	// two answers share one.
	used := map[*Model]bool{}
	out := make([]Verification, len(vs))
	for i, v := range vs {
		out[i] = Verification{Verification: v}
		if v.Model != nil {
			if m := rows[v.Model.ID]; owned && !used[m] {
				used[m], out[i].Model = true, m
			} else {
				c := *m
				out[i].Model = &c
			}
		}
		if v.Candidates != nil {
			out[i].Candidates = make([]Model, len(v.Candidates))
			for j, c := range v.Candidates {
				out[i].Candidates[j] = *rows[c.ID]
			}
		}
	}
	return out, nil
}

// engineModel is what the engine reads of a model.
func engineModel(m *Model) verdict.Model {
	return verdict.Model{ID: m.ID, Brand: m.Brand, BrandKey: m.BrandKey, ModelNumber: m.ModelNumber, ModelKey: m.ModelKey,
		LooseKey: m.LooseKey, OriginCountry: m.OriginCountry, Status: m.Status}
}

// engineModels converts models, remembering each full row by id in rows.
func engineModels(ms []Model, rows map[string]*Model) []verdict.Model {
	out := make([]verdict.Model, len(ms))
	for i := range ms {
		out[i] = engineModel(&ms[i])
		rows[ms[i].ID] = &ms[i]
	}
	return out
}
