package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"camreg/fold"

	"gorm.io/gorm"
)

// The verdict is the heart of the registry: given what an inspector or a
// buyer reads off a camera (model number, brand, firmware) and a date, it
// says whether the camera may be sold on that date, and why. The rules are
// pure functions over rows loaded in a handful of queries (evaluate); the
// loading is batched, so that checking a whole shelf costs about as much as
// checking one camera.

// How the typed model number matched the registry.
const (
	// MatchExact: one model has this model_key (within the brand, if given).
	MatchExact = "exact"
	// MatchPossible: no exact match, but one near candidate (confusable
	// characters, a small typo, or the same number under another brand).
	MatchPossible = "possible"
	// MatchAmbiguous: several candidates; the caller must choose.
	MatchAmbiguous = "ambiguous"
	// MatchNone: nothing in the registry matches.
	MatchNone = "none"
)

// The verdicts.
const (
	VerdictCompliant    = "compliant"
	VerdictNonCompliant = "non_compliant"
	VerdictWarning      = "warning"
	VerdictUnknown      = "unknown"
)

// Reason codes. The negative ones are also the violation codes of findings.
const (
	ReasonNoCertificate        = "no_conformity_certificate"
	ReasonCertificateExpired   = "certificate_expired"
	ReasonCertificateRevoked   = "certificate_revoked"
	ReasonCertificateSuspended = "certificate_suspended"
	// ReasonStandardNotInForce: the certificate is against a standard that
	// is not in force on the date (QCVN 135 after 2026-06-30, say).
	ReasonStandardNotInForce = "certificate_standard_not_in_force"
	ReasonWarnedModel        = "warned_model"
	ReasonBannedModel        = "banned_model"
	ReasonNoOriginProof      = "no_origin_proof"
	// ReasonUnregistered means "not found in the registry", never more.
	ReasonUnregistered = "unregistered_model"

	// Positive evidence and information.
	ReasonCertificateValid = "certificate_valid"
	// ReasonFirmwareOnly: the only valid certificate covers one firmware
	// version, and the query named none.
	ReasonFirmwareOnly = "certificate_firmware_only"
	// ReasonNotRequired: no standard made certification mandatory on the date.
	ReasonNotRequired         = "certificate_not_required"
	ReasonOriginProof         = "origin_proof"
	ReasonFirmwareNotAffected = "firmware_not_affected"
	ReasonPossibleMatch       = "possible_match"
	ReasonAmbiguousMatch      = "ambiguous_match"
	ReasonPending             = "registration_pending"
)

// EffectInfo marks a reason that does not change the verdict. Every other
// effect is the verdict the reason leads to.
const EffectInfo = "info"

// MaxVerifyItems is the most items one bulk verify may hold.
const MaxVerifyItems = 500

// VerifyQuery is one question: which model, and on which date. At is
// YYYY-MM-DD, or empty for today (in Vietnam).
type VerifyQuery struct {
	Model    string
	Brand    string
	Firmware string
	At       string
}

// Reason explains a verdict: a code, the verdict it leads to (or "info"),
// and the evidence, from which Message writes the sentence.
type Reason struct {
	Code     string   `json:"code"`
	Effect   string   `json:"effect"`
	Evidence Evidence `json:"evidence"`
}

// Evidence is what a reason rests on: document numbers, references and
// dates (YYYY-MM-DD). Only the fields that apply are set. It goes out in
// API answers as it is (the swaggertype tags describe its dates there).
type Evidence struct {
	Query             string   `json:"query,omitempty"`
	ModelNumber       string   `json:"model_number,omitempty"`
	Brand             string   `json:"brand,omitempty"`
	Candidates        int      `json:"candidates,omitempty"`
	CertificateID     string   `json:"certificate_id,omitempty"`
	CertificateNumber string   `json:"certificate_number,omitempty"`
	StandardCode      string   `json:"standard_code,omitempty"`
	StandardFrom      Date     `json:"standard_effective_from,omitzero" swaggertype:"string" format:"date"`
	StandardTo        Date     `json:"standard_effective_to,omitzero" swaggertype:"string" format:"date"`
	SupersededBy      string   `json:"superseded_by,omitempty"`
	MandatoryFrom     Date     `json:"mandatory_from,omitzero" swaggertype:"string" format:"date"`
	IssuedOn          Date     `json:"issued_on,omitzero" swaggertype:"string" format:"date"`
	ExpiresOn         Date     `json:"expires_on,omitzero" swaggertype:"string" format:"date"`
	LotRef            string   `json:"lot_ref,omitempty"`
	Status            string   `json:"status,omitempty"`
	StatusReason      string   `json:"status_reason,omitempty"`
	StatusChangedOn   Date     `json:"status_changed_on,omitzero" swaggertype:"string" format:"date"`
	Firmware          string   `json:"firmware,omitempty"`
	WarningID         string   `json:"warning_id,omitempty"`
	WarningReference  string   `json:"warning_reference,omitempty"`
	WarningTitle      string   `json:"warning_title,omitempty"`
	Measure           string   `json:"measure,omitempty"`
	Severity          string   `json:"severity,omitempty"`
	IntroducedIn      string   `json:"introduced_in,omitempty"`
	FixedIn           string   `json:"fixed_in,omitempty"`
	CVEIDs            []string `json:"cve_ids,omitempty"`
	OriginID          string   `json:"origin_certificate_id,omitempty"`
	OriginNumber      string   `json:"origin_certificate_number,omitempty"`
	OriginForm        string   `json:"origin_form,omitempty"`
	ExportingCountry  string   `json:"exporting_country,omitempty"`
	OriginCountry     string   `json:"origin_country,omitempty"`
	On                Date     `json:"on,omitzero" swaggertype:"string" format:"date"`
}

// The states of a certificate on a date.
const (
	CertStateValid       = "valid"
	CertStateNotYetValid = "not_yet_valid"
	CertStateExpired     = "expired"
	CertStateSuspended   = "suspended"
	CertStateRevoked     = "revoked"
	// CertStateStandardNotInForce: valid by its own dates and status, but
	// against a standard not in force on the date.
	CertStateStandardNotInForce = "standard_not_in_force"
)

// CertificateOnDate is a certificate covering the model, as it stands on the
// verification date.
type CertificateOnDate struct {
	ID              string
	Number          string
	StandardCode    string
	Method          int
	HolderOrgID     string
	IssuedOn        Date
	ExpiresOn       Date
	LotRef          string
	Status          string
	StatusReason    string
	StatusChangedOn Date
	// Firmware is set when the certificate covers only that firmware.
	Firmware string
	// State is the certificate's state on the date (CertState...).
	State string
	// StatusOnDate is the status in effect on the date, which differs from
	// Status when the change took effect later.
	StatusOnDate string
}

// FirmwareRange is a range of affected firmware, [IntroducedIn, FixedIn).
type FirmwareRange struct {
	IntroducedIn string
	FixedIn      string
}

// WarningOnDate is a warning naming the model, as it stands on the date.
type WarningOnDate struct {
	ID              string
	Reference       string
	Title           string
	Severity        string
	IssuedOn        Date
	Measure         string
	CVEIDs          []string
	URL             string
	Status          string
	StatusReason    string
	StatusChangedOn Date
	Ranges          []FirmwareRange
	// Active: issued on or before the date and not withdrawn by then.
	Active bool
	// Applies: active, and its ranges cover the firmware (or no firmware
	// was given).
	Applies bool
}

// OriginOnDate is a certificate of origin covering the model.
type OriginOnDate struct {
	ID               string
	Number           string
	Form             string
	Issuer           string
	ExportingCountry string
	IssuedOn         Date
	Status           string
	StatusChangedOn  Date
	Valid            bool
}

// StandardOnDate is a standard and its standing on the date.
type StandardOnDate struct {
	Code          string
	Title         string
	EffectiveFrom Date
	MandatoryFrom Date
	EffectiveTo   Date
	SupersededBy  string
	InForce       bool
	Mandatory     bool
}

// Verification is the answer to one VerifyQuery.
type Verification struct {
	Query VerifyQuery
	// At is the date the rules were applied on.
	At    Date
	Match string
	// Model is the matched model, for exact and possible matches.
	Model *Model
	// Candidates are the models of a possible or ambiguous match.
	Candidates []Model
	Verdict    string
	Reasons    []Reason
	// Standards are the standards in force on At.
	Standards    []StandardOnDate
	Certificates []CertificateOnDate
	Warnings     []WarningOnDate
	Origins      []OriginOnDate
}

// Blocking returns the reason that made the verdict non-compliant, the
// strongest first, or nil. A finding takes its violation code from it.
func (v *Verification) Blocking() *Reason {
	for i := range v.Reasons {
		if v.Reasons[i].Effect == VerdictNonCompliant {
			return &v.Reasons[i]
		}
	}
	return nil
}

// Mandatory reports whether some standard made certification mandatory on
// the verification date.
func (v *Verification) Mandatory() bool {
	return slices.ContainsFunc(v.Standards, func(s StandardOnDate) bool { return s.Mandatory })
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

// parsedQuery is a validated query with its keys.
type parsedQuery struct {
	VerifyQuery
	at       Date
	key      string
	loose    string
	brandKey string
}

func (s *Store) checkQuery(v *ValidationError, prefix string, q VerifyQuery) parsedQuery {
	p := parsedQuery{VerifyQuery: q}
	p.Model = v.text(prefix+"model", &q.Model, true, 200)
	p.Brand = v.text(prefix+"brand", &q.Brand, false, 100)
	p.Firmware = v.text(prefix+"firmware", &q.Firmware, false, 100)
	p.key, p.loose, p.brandKey = fold.Key(p.Model), fold.LooseKey(p.Model), fold.Key(p.Brand)
	if p.Model != "" && p.key == "" {
		v.Add(prefix+"model", "must contain letters or digits")
	}
	if p.at = v.date(prefix+"at", &q.At, false); p.at.IsZero() {
		p.at = s.Today()
	}
	p.At = p.at.String()
	return p
}

// verifyAll matches and evaluates the queries: one query for the matches,
// then one each for standards, certificates, C/Os and warnings of every
// matched model, and one for status histories when a date calls for them.
func verifyAll(r reader, qs []parsedQuery) ([]Verification, error) {
	matches, err := matchModels(r, qs)
	if err != nil {
		return nil, err
	}
	return verifyMatched(r, qs, matches)
}

// verifyModels evaluates known models (a trader's listings, a permalink's
// model) on one date, as exact matches.
func verifyModels(r reader, ms []Model, at Date) ([]Verification, error) {
	qs := make([]parsedQuery, len(ms))
	matches := make([]modelMatch, len(ms))
	for i := range ms {
		m := &ms[i]
		qs[i] = parsedQuery{VerifyQuery: VerifyQuery{Model: m.ModelNumber, Brand: m.Brand, At: at.String()},
			at: at, key: m.ModelKey, loose: m.LooseKey, brandKey: m.BrandKey}
		matches[i] = modelMatch{kind: MatchExact, model: m}
	}
	return verifyMatched(r, qs, matches)
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

// verifyMatched loads the documents of the matched models and evaluates
// each query against them.
func verifyMatched(r reader, qs []parsedQuery, matches []modelMatch) ([]Verification, error) {
	ids := []string{}
	seen := map[string]bool{}
	for _, m := range matches {
		if m.model != nil && !seen[m.model.ID] {
			seen[m.model.ID] = true
			ids = append(ids, m.model.ID)
		}
	}
	data, err := loadVerifyData(r, ids)
	if err != nil {
		return nil, err
	}
	// Histories are needed only for a certificate whose current status
	// took effect after a date asked about.
	var need []string
	needSeen := map[string]bool{}
	for i, m := range matches {
		if m.model == nil {
			continue
		}
		for _, c := range data.certs[m.model.ID] {
			if !c.StatusChangedOn.IsZero() && qs[i].at.Before(c.StatusChangedOn) && !needSeen[c.ID] {
				needSeen[c.ID] = true
				need = append(need, c.ID)
			}
		}
	}
	if len(need) > 0 {
		if data.history, err = loadStatusHistory(r.db, need); err != nil {
			return nil, err
		}
	}
	out := make([]Verification, len(qs))
	for i, q := range qs {
		out[i] = evaluate(q, matches[i], data)
	}
	return out, nil
}

// modelMatch is how one query matched.
type modelMatch struct {
	kind       string
	model      *Model
	candidates []Model
}

// maxCandidates bounds the candidates an ambiguous answer lists.
const maxCandidates = 20

// matchModels finds each query's model. Every exact match is also a
// loose-key match (LooseKey only merges characters), so one indexed query
// on loose_key finds exact and near matches together; only queries with no
// candidate at all fall back to an edit-distance search within a key range.
func matchModels(r reader, qs []parsedQuery) ([]modelMatch, error) {
	looses := []string{}
	seen := map[string]bool{}
	for _, q := range qs {
		if !seen[q.loose] {
			seen[q.loose] = true
			looses = append(looses, q.loose)
		}
	}
	byLoose := map[string][]Model{}
	var missing []string
	for _, k := range looses {
		if ms, ok := r.cached(k); ok {
			byLoose[k] = ms
		} else {
			missing = append(missing, k)
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		rows, err := readModels(r, "loose_key IN ("+placeholders(len(chunk))+") ORDER BY brand_key, model_key", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("match models: %w", err)
		}
		for _, m := range rows {
			byLoose[m.LooseKey] = append(byLoose[m.LooseKey], m)
		}
		for _, k := range chunk {
			r.remember(k, byLoose[k])
		}
	}
	out := make([]modelMatch, len(qs))
	for i, q := range qs {
		out[i] = pickMatch(q, byLoose[q.loose])
		if out[i].kind == MatchNone {
			near, err := nearModels(r, q)
			if err != nil {
				return nil, err
			}
			out[i] = fromCandidates(near)
		}
	}
	return out, nil
}

// pickMatch chooses among models sharing the query's loose key.
func pickMatch(q parsedQuery, cands []Model) modelMatch {
	inBrand := func(m Model) bool { return q.brandKey == "" || m.BrandKey == q.brandKey }
	var exact, near, otherBrand, otherBrandExact []Model
	for _, m := range cands {
		switch {
		case inBrand(m) && m.ModelKey == q.key:
			exact = append(exact, m)
		case inBrand(m):
			near = append(near, m)
		case m.ModelKey == q.key:
			otherBrandExact = append(otherBrandExact, m)
			otherBrand = append(otherBrand, m)
		default:
			otherBrand = append(otherBrand, m)
		}
	}
	switch {
	case len(exact) == 1:
		return modelMatch{kind: MatchExact, model: &exact[0]}
	case len(exact) > 1:
		// Only without a brand: two brands use the same model number.
		return modelMatch{kind: MatchAmbiguous, candidates: capped(exact)}
	case len(near) > 0:
		return fromCandidates(near)
	case len(otherBrandExact) > 0:
		// The number exists, under another brand: a brand alias, a rebrand
		// or a mistake. Possible, never exact.
		return fromCandidates(otherBrandExact)
	}
	return fromCandidates(otherBrand)
}

func fromCandidates(ms []Model) modelMatch {
	switch len(ms) {
	case 0:
		return modelMatch{kind: MatchNone}
	case 1:
		return modelMatch{kind: MatchPossible, model: &ms[0], candidates: ms}
	}
	return modelMatch{kind: MatchAmbiguous, candidates: capped(ms)}
}

func capped(ms []Model) []Model {
	if len(ms) > maxCandidates {
		return ms[:maxCandidates]
	}
	return ms
}

// nearScan bounds the rows an edit-distance search reads.
const nearScan = 300

// nearModels looks for models whose key is within a small edit distance of
// the query's (one edit for short keys, two for keys of eight or more
// characters), among the keys that share its first half: an indexed range
// scan, within the brand when one is given. Typos in the first half are not
// found; that is the price of never scanning the whole table.
func nearModels(r reader, q parsedQuery) ([]Model, error) {
	if len(q.key) < 4 {
		return nil, nil
	}
	cacheKey := "near:" + q.key + ":" + q.brandKey
	if ms, ok := r.cached(cacheKey); ok {
		return ms, nil
	}
	prefix := q.key[:max(3, len(q.key)/2)]
	where, args := "model_key >= ?", []any{prefix}
	if upper, bounded := nextKey(prefix); bounded {
		where, args = where+" AND model_key < ?", append(args, upper)
	}
	if q.brandKey != "" {
		where, args = where+" AND brand_key = ?", append(args, q.brandKey)
	}
	rows, err := readModels(r, where+" ORDER BY model_key LIMIT "+strconv.Itoa(nearScan), args...)
	if err != nil {
		return nil, fmt.Errorf("match near models: %w", err)
	}
	limit := 1
	if len(q.key) >= 8 {
		limit = 2
	}
	var out []Model
	for _, m := range rows {
		if editDistance(m.LooseKey, q.loose, limit) <= limit {
			out = append(out, m)
		}
	}
	r.remember(cacheKey, out)
	return out, nil
}

// cached returns the models cached under key, if the cache is in use and
// holds them.
func (r reader) cached(key string) ([]Model, bool) {
	if r.cache == nil {
		return nil, false
	}
	ms, ok := r.cache.getMatch(r.head, key)
	return slices.Clone(ms), ok
}

// remember caches the models found under key.
func (r reader) remember(key string, ms []Model) {
	if r.cache != nil {
		r.cache.putMatch(r.head, key, ms)
	}
}

// nextKey returns the smallest key of letters and digits after every key
// that starts with prefix, so that "prefix <= k < next" selects exactly
// those keys. Keys are [0-9a-z]; the bound stays in that alphabet because
// PostgreSQL's locale collations order punctuation unlike byte order.
func nextKey(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		switch {
		case b[i] == '9':
			b[i] = 'a'
			return string(b[:i+1]), true
		case b[i] < 'z':
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions). It
// stops early and returns limit+1 once the distance must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// verifyData is everything the rules read, for every matched model.
type verifyData struct {
	standards []Standard
	certs     map[string][]CertificateOnDate
	warnings  map[string][]warningRow
	origins   map[string][]OriginOnDate
	// history holds the status timeline of the certificates that need one.
	history map[string][]statusPoint
}

type warningRow struct {
	WarningOnDate
	rng FirmwareRange
}

// loadVerifyData reads the rows the rules need for the models: four
// queries, whatever the number of models.
func loadVerifyData(r reader, ids []string) (*verifyData, error) {
	d := &verifyData{certs: map[string][]CertificateOnDate{}, warnings: map[string][]warningRow{}, origins: map[string][]OriginOnDate{}}
	var err error
	var cached bool
	if r.cache != nil {
		d.standards, cached = r.cache.getStandards(r.head)
	}
	if !cached {
		if d.standards, err = readStandards(r); err != nil {
			return nil, fmt.Errorf("load standards: %w", err)
		}
		if r.cache != nil {
			r.cache.putStandards(r.head, d.standards)
		}
	}
	var missing []string
	for _, id := range ids {
		if r.cache == nil {
			missing = append(missing, id)
			continue
		}
		if rows, ok := r.cache.getRows(r.head, id); ok {
			d.certs[id], d.warnings[id], d.origins[id] = rows.certs, rows.warnings, rows.origins
		} else {
			missing = append(missing, id)
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		if err := loadCerts(r, chunk, d); err != nil {
			return nil, err
		}
		if err := loadWarnings(r, chunk, d); err != nil {
			return nil, err
		}
		if err := loadOrigins(r, chunk, d); err != nil {
			return nil, err
		}
		if r.cache != nil {
			for _, id := range chunk {
				r.cache.putRows(r.head, id, &modelRows{certs: d.certs[id], warnings: d.warnings[id], origins: d.origins[id]})
			}
		}
	}
	return d, nil
}

func loadCerts(r reader, ids []string, d *verifyData) error {
	rows, err := r.query(`SELECT cm.camera_model_id, cm.firmware, c.id, c.number, c.standard_code, c.method,
		c.holder_org_id, c.issued_on, c.expires_on, c.lot_ref, c.status, c.status_reason, c.status_changed_on
		FROM certificate_models cm JOIN conformity_certificates c ON c.id = cm.certificate_id
		WHERE cm.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY c.issued_on DESC, c.number`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load certificates for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var c CertificateOnDate
		if err := rows.Scan(&model, &c.Firmware, &c.ID, &c.Number, &c.StandardCode, &c.Method, &c.HolderOrgID,
			&c.IssuedOn, &c.ExpiresOn, &c.LotRef, &c.Status, &c.StatusReason, &c.StatusChangedOn); err != nil {
			return fmt.Errorf("read certificate for verify: %w", err)
		}
		d.certs[model] = append(d.certs[model], c)
	}
	return rows.Err()
}

func loadWarnings(r reader, ids []string, d *verifyData) error {
	rows, err := r.query(`SELECT wm.camera_model_id, wm.introduced_in, wm.fixed_in, w.id, w.reference, w.title,
		w.severity, w.issued_on, w.measure, w.cve_ids, w.url, w.status, w.status_reason, w.status_changed_on
		FROM warning_models wm JOIN warnings w ON w.id = wm.warning_id
		WHERE wm.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY w.issued_on DESC, w.reference, wm.introduced_in, wm.fixed_in`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load warnings for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var w warningRow
		var cves StringList
		if err := rows.Scan(&model, &w.rng.IntroducedIn, &w.rng.FixedIn, &w.ID, &w.Reference, &w.Title, &w.Severity,
			&w.IssuedOn, &w.Measure, &cves, &w.URL, &w.Status, &w.StatusReason, &w.StatusChangedOn); err != nil {
			return fmt.Errorf("read warning for verify: %w", err)
		}
		w.CVEIDs = cves
		d.warnings[model] = append(d.warnings[model], w)
	}
	return rows.Err()
}

func loadOrigins(r reader, ids []string, d *verifyData) error {
	rows, err := r.query(`SELECT om.camera_model_id, o.id, o.number, o.form, o.issuer, o.exporting_country,
		o.issued_on, o.status, o.status_changed_on
		FROM origin_certificate_models om JOIN origin_certificates o ON o.id = om.origin_certificate_id
		WHERE om.camera_model_id IN (`+placeholders(len(ids))+`) ORDER BY o.issued_on DESC, o.number`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load certificates of origin for verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var model string
		var o OriginOnDate
		if err := rows.Scan(&model, &o.ID, &o.Number, &o.Form, &o.Issuer, &o.ExportingCountry, &o.IssuedOn,
			&o.Status, &o.StatusChangedOn); err != nil {
			return fmt.Errorf("read certificate of origin for verify: %w", err)
		}
		d.origins[model] = append(d.origins[model], o)
	}
	return rows.Err()
}

// The verify path reads through database/sql on gorm's connection (the
// pool, or the transaction an inspection runs in) rather than through
// gorm's statement builder: it runs on every shelf check, and gorm's
// reflection and callbacks cost more than the queries themselves.

// reader runs the verify path's queries on a connection: the pool, through
// the store's cache, or an inspection's transaction, without it.
type reader struct {
	db *gorm.DB
	// cache, when set, holds rows read at change-log head `head`.
	cache *verifyCache
	head  int64
}

// reader returns a reader on the store's connection. It reads the change
// log's head for verifyEntities first, so that what the cache holds is used
// only while no write verify depends on has happened since it was read. A
// Store bound to a transaction (InTx) reads within it, without the cache.
func (s *Store) reader(ctx context.Context) (reader, error) {
	r := reader{db: s.db.WithContext(ctx)}
	if _, pooled := r.db.Statement.ConnPool.(*sql.DB); !pooled || s.cache == nil {
		return r, nil
	}
	rows, err := r.query(verifyHeadQuery)
	if err != nil {
		return r, fmt.Errorf("read the change-log head: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&r.head); err != nil {
			return r, fmt.Errorf("read the change-log head: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("read the change-log head: %w", err)
	}
	r.cache = s.cache
	r.cache.sync(r.head)
	return r, nil
}

// verifyEntities are the change log's entities whose rows verify reads. A
// write of anything else (a listing, an inspection, a key) cannot change a
// verdict, so it leaves the cache warm: under a mixed load of searches,
// verifies and listing writes, verify keeps its cache.
var verifyEntities = []string{"camera_model", "certificate", "origin_certificate", "warning", "standard"}

// verifyHeadQuery reads the latest seq among verifyEntities' events: one
// MAX per entity, each a single probe of the events_entity_seq index (a
// MAX over an IN list would scan every event of those entities).
var verifyHeadQuery = func() string {
	parts := make([]string, len(verifyEntities))
	for i, e := range verifyEntities {
		parts[i] = "SELECT MAX(seq) AS seq FROM events WHERE entity = '" + e + "'"
	}
	return "SELECT COALESCE(MAX(seq), 0) FROM (" + strings.Join(parts, " UNION ALL ") + ") heads"
}()

// txReader reads within a write's transaction, which may hold changes the
// change log's committed head does not show yet: no cache.
func txReader(tx *gorm.DB) reader { return reader{db: tx} }

// query runs a query written with ? placeholders.
func (r reader) query(query string, args ...any) (*sql.Rows, error) {
	if r.db.Dialector.Name() == "postgres" {
		query = dollarPlaceholders(query)
	}
	return r.db.Statement.ConnPool.QueryContext(r.db.Statement.Context, query, args...)
}

// maxCached bounds the entries the cache keeps (a model's match and its
// documents are two), about 1.3 kB each; past it, it starts afresh, so
// memory stays under about 80 MB whatever the traffic.
const maxCached = 60_000

// verifyCache keeps what verify reads (the standards, the models by loose
// key, and each model's certificates, warnings and C/Os) for as long as the
// change log's head (of verifyEntities) stays where it was when they were
// read. Every write appends to the change log in its own transaction, so an
// unmoved head means unchanged rows; the first verify after a write of a
// model, certificate, C/O, warning or standard starts afresh.
// On SQLite this takes a verify from five or six queries to one: the
// driver parses every statement anew, and parsing was a third of the CPU
// time of a verify.
type verifyCache struct {
	mu        sync.Mutex
	head      int64
	standards []Standard
	matches   map[string][]Model
	rows      map[string]*modelRows
}

// modelRows are one model's documents, as loadVerifyData reads them.
type modelRows struct {
	certs    []CertificateOnDate
	warnings []warningRow
	origins  []OriginOnDate
}

func newVerifyCache() *verifyCache {
	return &verifyCache{head: -1, matches: map[string][]Model{}, rows: map[string]*modelRows{}}
}

// sync starts afresh when the head moved (either way: a test that tampers
// with the log may shorten it).
func (c *verifyCache) sync(head int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head != head || len(c.matches)+len(c.rows) > maxCached {
		c.head, c.standards, c.matches, c.rows = head, nil, map[string][]Model{}, map[string]*modelRows{}
	}
}

func (c *verifyCache) getStandards(head int64) ([]Standard, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.standards, c.head == head && c.standards != nil
}

func (c *verifyCache) putStandards(head int64, sts []Standard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.standards = append([]Standard{}, sts...)
	}
}

func (c *verifyCache) getMatch(head int64, key string) ([]Model, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms, ok := c.matches[key]
	return ms, ok && c.head == head
}

func (c *verifyCache) putMatch(head int64, key string, ms []Model) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.matches[key] = ms
	}
}

func (c *verifyCache) getRows(head int64, id string) (*modelRows, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, ok := c.rows[id]
	return rows, ok && c.head == head
}

func (c *verifyCache) putRows(head int64, id string, rows *modelRows) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.rows[id] = rows
	}
}

// dollarPlaceholders numbers ? placeholders as $1, $2, ... for PostgreSQL.
// The verify queries hold no ? inside string literals.
func dollarPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// modelColumns are the columns of camera_models that verify reads.
const modelColumns = `id, brand, brand_key, model_number, model_key, loose_key, name, kind, hs_code, origin_country,
	registrant_org_id, status`

// readModels reads camera models matching a WHERE clause.
func readModels(r reader, where string, args ...any) ([]Model, error) {
	rows, err := r.query("SELECT "+modelColumns+" FROM camera_models WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		if err := rows.Scan(&m.ID, &m.Brand, &m.BrandKey, &m.ModelNumber, &m.ModelKey, &m.LooseKey, &m.Name, &m.Kind,
			&m.HSCode, &m.OriginCountry, &m.RegistrantOrgID, &m.Status); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// readStandards reads every standard (a handful of rows).
func readStandards(r reader) ([]Standard, error) {
	rows, err := r.query(`SELECT id, code, title, effective_from, mandatory_from, superseded_by, effective_to
		FROM standards ORDER BY effective_from, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Standard
	for rows.Next() {
		var st Standard
		if err := rows.Scan(&st.ID, &st.Code, &st.Title, &st.EffectiveFrom, &st.MandatoryFrom, &st.SupersededBy, &st.EffectiveTo); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// statusPoint is a status and the date from which it took effect (zero:
// from the start).
type statusPoint struct {
	status string
	on     Date
}

// loadStatusHistory rebuilds the status timeline of certificates from the
// change log, which records every status change with its effective date.
// A certificate's row holds only its latest status; the timeline answers a
// question about an earlier date, such as one during a suspension that has
// since been lifted.
func loadStatusHistory(db *gorm.DB, certIDs []string) (map[string][]statusPoint, error) {
	out := map[string][]statusPoint{}
	for chunk := range slices.Chunk(certIDs, 500) {
		var events []Event
		if err := db.Select("seq", "action", "entity_id", "changes").
			Where("entity = ? AND entity_id IN ?", "certificate", chunk).Order("seq").Find(&events).Error; err != nil {
			return nil, fmt.Errorf("load certificate status history: %w", err)
		}
		for _, e := range events {
			points := out[e.EntityID]
			var last statusPoint
			if len(points) > 0 {
				last = points[len(points)-1]
			}
			p, statusChanged, dateChanged := applyStatusEvent(last, e)
			switch {
			case statusChanged || len(points) == 0:
				out[e.EntityID] = append(points, p)
			case dateChanged:
				// The same status with a corrected date: the correction
				// replaces the date, it does not add a change.
				points[len(points)-1] = p
			}
		}
	}
	return out, nil
}

// applyStatusEvent applies one change-log event to a status point: a
// create event carries the full row, an update the changed fields as
// {"field": {"from", "to"}}. It reports whether the status, and whether
// the date, changed.
func applyStatusEvent(p statusPoint, e Event) (statusPoint, bool, bool) {
	if e.Action == ActionCreate {
		var row struct {
			Status          string `json:"status"`
			StatusChangedOn Date   `json:"status_changed_on"`
		}
		if json.Unmarshal([]byte(e.Changes), &row) != nil {
			return p, false, false
		}
		return statusPoint{status: row.Status, on: row.StatusChangedOn}, true, true
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(e.Changes), &fields) != nil {
		return p, false, false
	}
	statusChanged, dateChanged := false, false
	if raw, ok := fields["status"]; ok {
		var c struct{ To string }
		if json.Unmarshal(raw, &c) == nil && c.To != "" {
			p.status, statusChanged = c.To, true
		}
	}
	if raw, ok := fields["status_changed_on"]; ok {
		var c struct{ To Date }
		if json.Unmarshal(raw, &c) == nil {
			p.on, dateChanged = c.To, true
		}
	}
	return p, statusChanged, dateChanged
}

// statusOn is the status in effect on day d: the latest status (in the
// order of the change log) that took effect on or before d. A certificate
// is valid before its first recorded change.
func statusOn(current string, changedOn Date, history []statusPoint, d Date) string {
	if changedOn.IsZero() || !d.Before(changedOn) {
		return current
	}
	status := CertValid
	for _, p := range history {
		if p.on.IsZero() || !d.Before(p.on) {
			status = p.status
		}
	}
	return status
}

// evaluate applies the rules to one query and its match.
func evaluate(q parsedQuery, m modelMatch, d *verifyData) Verification {
	v := Verification{Query: q.VerifyQuery, At: q.at, Match: m.kind, Model: m.model, Candidates: m.candidates}
	for _, st := range d.standards {
		if st.InForce(q.at) {
			sd := StandardOnDate{Code: st.Code, Title: st.Title, EffectiveFrom: st.EffectiveFrom, MandatoryFrom: st.MandatoryFrom,
				EffectiveTo: st.EffectiveTo, SupersededBy: deref(st.SupersededBy), InForce: true}
			sd.Mandatory = !st.MandatoryFrom.IsZero() && !q.at.Before(st.MandatoryFrom)
			v.Standards = append(v.Standards, sd)
		}
	}
	switch m.kind {
	case MatchNone:
		v.add(ReasonUnregistered, VerdictUnknown, Evidence{Query: q.Model, Brand: q.Brand})
		v.finish(VerdictUnknown)
		return v
	case MatchAmbiguous:
		v.add(ReasonAmbiguousMatch, VerdictUnknown, Evidence{Query: q.Model, Brand: q.Brand, Candidates: len(m.candidates)})
		v.finish(VerdictUnknown)
		return v
	case MatchPossible:
		v.add(ReasonPossibleMatch, EffectInfo, Evidence{Query: q.Model, ModelNumber: m.model.ModelNumber, Brand: m.model.Brand})
	}
	model := m.model
	if model.Status == ModelPending {
		v.add(ReasonPending, EffectInfo, Evidence{Status: model.Status})
	}
	v.certificateRules(q, d)
	v.warningRules(q, d.warnings[model.ID])
	v.originRules(q, model, d.origins[model.ID])
	v.finish(VerdictCompliant)
	return v
}

func (v *Verification) add(code, effect string, ev Evidence) {
	v.Reasons = append(v.Reasons, Reason{Code: code, Effect: effect, Evidence: ev})
}

// effectRank orders effects from the strongest.
var effectRank = map[string]int{VerdictNonCompliant: 0, VerdictWarning: 1, VerdictUnknown: 2, EffectInfo: 3}

// finish sorts the reasons, strongest first (stable, so the order within
// an effect is the rules' order), and sets the verdict: the strongest
// effect, or base when every reason is informational.
func (v *Verification) finish(base string) {
	slices.SortStableFunc(v.Reasons, func(a, b Reason) int { return effectRank[a.Effect] - effectRank[b.Effect] })
	v.Verdict = base
	if len(v.Reasons) > 0 && v.Reasons[0].Effect != EffectInfo {
		v.Verdict = v.Reasons[0].Effect
	}
	if v.Reasons == nil {
		v.Reasons = []Reason{}
	}
}

// mandatoryStandard returns the standard that makes certification
// mandatory on the date, if any; the latest to become mandatory wins.
func (v *Verification) mandatoryStandard() *StandardOnDate {
	var out *StandardOnDate
	for i := range v.Standards {
		if s := &v.Standards[i]; s.Mandatory && (out == nil || !s.MandatoryFrom.Before(out.MandatoryFrom)) {
			out = s
		}
	}
	return out
}

// certificateRules: on and after a standard's mandatory_from, a valid
// certificate covering the model is required. Valid means: against a
// standard in force on the date, issued on or before it, not expired (the
// expiry day itself is still valid), and not suspended or revoked with
// effect on or before it. A certificate limited to one firmware covers that
// firmware; with no firmware given it proves nothing certain, which is a
// warning. Before any standard is mandatory a missing certificate breaks
// no rule: the verdict stays compliant, with certificate_not_required.
func (v *Verification) certificateRules(q parsedQuery, d *verifyData) {
	mandatory := v.mandatoryStandard()
	failing := EffectInfo
	if mandatory != nil {
		failing = VerdictNonCompliant
	}
	inForce := map[string]*StandardOnDate{}
	for i := range v.Standards {
		inForce[v.Standards[i].Code] = &v.Standards[i]
	}
	stdByCode := map[string]*Standard{}
	for i := range d.standards {
		stdByCode[d.standards[i].Code] = &d.standards[i]
	}
	var valid, firmwareOnly, failed []Reason
	for _, c := range d.certs[v.Model.ID] {
		conditional := false
		if c.Firmware != "" {
			if q.Firmware == "" {
				conditional = true
			} else if CompareFirmware(q.Firmware, c.Firmware) != 0 {
				continue // it covers another firmware
			}
		}
		if c.Status == CertPending || c.Status == CertRejected {
			continue // a vendor's unconfirmed submission proves nothing
		}
		c.StatusOnDate = statusOn(c.Status, c.StatusChangedOn, d.history[c.ID], q.at)
		if c.StatusOnDate == CertPending {
			// Confirmed since: the body's certificate held from its issue
			// date, whenever the registry recorded the confirmation.
			c.StatusOnDate = CertValid
		}
		ev := Evidence{CertificateID: c.ID, CertificateNumber: c.Number, StandardCode: c.StandardCode, IssuedOn: c.IssuedOn,
			ExpiresOn: c.ExpiresOn, LotRef: c.LotRef, Firmware: c.Firmware}
		switch {
		case q.at.Before(c.IssuedOn):
			c.State = CertStateNotYetValid
		case c.StatusOnDate == CertRevoked:
			c.State = CertStateRevoked
			ev.Status, ev.StatusReason, ev.StatusChangedOn = c.StatusOnDate, c.StatusReason, c.StatusChangedOn
			failed = append(failed, Reason{Code: ReasonCertificateRevoked, Effect: failing, Evidence: ev})
		case c.StatusOnDate == CertSuspended:
			c.State = CertStateSuspended
			ev.Status, ev.StatusReason, ev.StatusChangedOn = c.StatusOnDate, c.StatusReason, c.StatusChangedOn
			if c.Status != CertSuspended {
				// Suspended then, not now: the reason on the row is another's.
				ev.StatusReason, ev.StatusChangedOn = "", Date{}
			}
			failed = append(failed, Reason{Code: ReasonCertificateSuspended, Effect: failing, Evidence: ev})
		case !c.ExpiresOn.IsZero() && q.at.After(c.ExpiresOn):
			c.State = CertStateExpired
			failed = append(failed, Reason{Code: ReasonCertificateExpired, Effect: failing, Evidence: ev})
		case inForce[c.StandardCode] == nil:
			c.State = CertStateStandardNotInForce
			if st := stdByCode[c.StandardCode]; st != nil {
				ev.StandardFrom, ev.StandardTo, ev.SupersededBy = st.EffectiveFrom, st.EffectiveTo, deref(st.SupersededBy)
			}
			ev.On = q.at
			failed = append(failed, Reason{Code: ReasonStandardNotInForce, Effect: failing, Evidence: ev})
		default:
			c.State = CertStateValid
			if conditional {
				firmwareOnly = append(firmwareOnly, Reason{Code: ReasonFirmwareOnly, Effect: VerdictWarning, Evidence: ev})
			} else {
				valid = append(valid, Reason{Code: ReasonCertificateValid, Effect: EffectInfo, Evidence: ev})
			}
		}
		v.Certificates = append(v.Certificates, c)
	}
	switch {
	case len(valid) > 0:
		v.Reasons = append(v.Reasons, valid...)
		return
	case len(firmwareOnly) > 0:
		if mandatory == nil {
			for i := range firmwareOnly {
				firmwareOnly[i].Effect = EffectInfo
			}
		}
		v.Reasons = append(v.Reasons, firmwareOnly...)
		return
	}
	v.Reasons = append(v.Reasons, failed...)
	if mandatory == nil {
		ev := Evidence{On: q.at}
		// Name the next standard to become mandatory, if one is known.
		for _, st := range d.standards {
			if !st.MandatoryFrom.IsZero() && q.at.Before(st.MandatoryFrom) && (ev.MandatoryFrom.IsZero() || st.MandatoryFrom.Before(ev.MandatoryFrom)) {
				ev.StandardCode, ev.MandatoryFrom = st.Code, st.MandatoryFrom
			}
		}
		v.add(ReasonNotRequired, EffectInfo, ev)
		return
	}
	if len(failed) == 0 {
		v.add(ReasonNoCertificate, VerdictNonCompliant, Evidence{StandardCode: mandatory.Code, MandatoryFrom: mandatory.MandatoryFrom, On: q.at})
	}
}

// warningRules: an active warning (issued on or before the date, not
// withdrawn with effect on or before it) whose firmware ranges cover the
// firmware, or any warning when no firmware is given, applies. A ban gives
// banned_model, a stop of sale or a recall warned_model, both
// non-compliant; a firmware update gives warned_model as a warning.
func (v *Verification) warningRules(q parsedQuery, rows []warningRow) {
	// A warning may name the model with several ranges; group them.
	var ws []WarningOnDate
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.ID]
		if !ok {
			i = len(ws)
			index[r.ID] = i
			w := r.WarningOnDate
			w.Ranges = nil
			ws = append(ws, w)
		}
		ws[i].Ranges = append(ws[i].Ranges, r.rng)
	}
	for _, w := range ws {
		withdrawn := w.Status == WarningWithdrawn && (w.StatusChangedOn.IsZero() || !q.at.Before(w.StatusChangedOn))
		w.Active = !q.at.Before(w.IssuedOn) && !withdrawn
		var hit *FirmwareRange
		for i, r := range w.Ranges {
			if q.Firmware == "" || FirmwareInRange(q.Firmware, r.IntroducedIn, r.FixedIn) {
				hit = &w.Ranges[i]
				break
			}
		}
		w.Applies = w.Active && hit != nil
		v.Warnings = append(v.Warnings, w)
		if !w.Active {
			continue
		}
		ev := Evidence{WarningID: w.ID, WarningReference: w.Reference, WarningTitle: w.Title, Measure: w.Measure,
			Severity: w.Severity, IssuedOn: w.IssuedOn, CVEIDs: w.CVEIDs, Firmware: q.Firmware}
		if hit == nil {
			// The firmware given is outside every range: say so, with the
			// range that was closest to applying.
			last := w.Ranges[len(w.Ranges)-1]
			ev.IntroducedIn, ev.FixedIn = last.IntroducedIn, last.FixedIn
			v.add(ReasonFirmwareNotAffected, EffectInfo, ev)
			continue
		}
		ev.IntroducedIn, ev.FixedIn = hit.IntroducedIn, hit.FixedIn
		switch w.Measure {
		case "ban":
			v.add(ReasonBannedModel, VerdictNonCompliant, ev)
		case "stop_sale", "recall":
			v.add(ReasonWarnedModel, VerdictNonCompliant, ev)
		default:
			v.add(ReasonWarnedModel, VerdictWarning, ev)
		}
	}
}

// originRules: an imported model (origin_country other than VN) needs a
// certificate of origin issued on or before the date and not revoked by
// then. Its absence is a warning, not a breach: a C/O belongs to an import
// lot, and the registry may not hold every lot's C/O, so its absence here
// does not prove the goods have none; an inspector asks for the papers. A
// model with no origin_country is not judged on origin.
func (v *Verification) originRules(q parsedQuery, m *Model, rows []OriginOnDate) {
	for _, o := range rows {
		revoked := o.Status == CertRevoked && (o.StatusChangedOn.IsZero() || !q.at.Before(o.StatusChangedOn))
		o.Valid = !q.at.Before(o.IssuedOn) && !revoked
		v.Origins = append(v.Origins, o)
	}
	if m.OriginCountry == "" || m.OriginCountry == "VN" {
		return
	}
	for _, o := range v.Origins {
		if o.Valid {
			v.add(ReasonOriginProof, EffectInfo, Evidence{OriginID: o.ID, OriginNumber: o.Number, OriginForm: o.Form,
				ExportingCountry: o.ExportingCountry, IssuedOn: o.IssuedOn, OriginCountry: m.OriginCountry})
			return
		}
	}
	v.add(ReasonNoOriginProof, VerdictWarning, Evidence{OriginCountry: m.OriginCountry, On: q.at})
}

// Languages of reason messages.
const (
	LangVI = "vi"
	LangEN = "en"
)

// Message writes the reason as a sentence in Vietnamese (lang "vi", the
// default) or English ("en").
func (r Reason) Message(lang string) string {
	en := lang == LangEN
	e := r.Evidence
	pick := func(vi, eng string) string {
		if en {
			return eng
		}
		return vi
	}
	day := func(d Date) string { return formatDay(d, en) }
	switch r.Code {
	case ReasonCertificateValid:
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s theo %s còn hiệu lực (cấp ngày %s%s).", e.CertificateNumber, e.StandardCode, day(e.IssuedOn), expiresVI(e)),
			fmt.Sprintf("Certificate of conformity %s against %s is valid (issued %s%s).", e.CertificateNumber, e.StandardCode, day(e.IssuedOn), expiresEN(e)))
	case ReasonFirmwareOnly:
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s chỉ áp dụng cho firmware %s; hãy đối chiếu firmware của thiết bị.", e.CertificateNumber, e.Firmware),
			fmt.Sprintf("Certificate of conformity %s covers firmware %s only; check the device's firmware.", e.CertificateNumber, e.Firmware))
	case ReasonCertificateExpired:
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s đã hết hạn ngày %s.", e.CertificateNumber, day(e.ExpiresOn)),
			fmt.Sprintf("Certificate of conformity %s expired on %s.", e.CertificateNumber, day(e.ExpiresOn)))
	case ReasonCertificateRevoked:
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s bị thu hồi từ ngày %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, false)),
			fmt.Sprintf("Certificate of conformity %s was revoked effective %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, true)))
	case ReasonCertificateSuspended:
		if e.StatusChangedOn.IsZero() {
			return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s bị đình chỉ vào ngày này.", e.CertificateNumber),
				fmt.Sprintf("Certificate of conformity %s was suspended on that date.", e.CertificateNumber))
		}
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s bị đình chỉ từ ngày %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, false)),
			fmt.Sprintf("Certificate of conformity %s is suspended since %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, true)))
	case ReasonStandardNotInForce:
		return pick(fmt.Sprintf("Giấy chứng nhận hợp quy %s được cấp theo %s, quy chuẩn không có hiệu lực vào ngày %s%s.", e.CertificateNumber, e.StandardCode, day(e.On), replacedVI(e)),
			fmt.Sprintf("Certificate of conformity %s is against %s, which is not in force on %s%s.", e.CertificateNumber, e.StandardCode, day(e.On), replacedEN(e)))
	case ReasonNoCertificate:
		return pick(fmt.Sprintf("Không có giấy chứng nhận hợp quy còn hiệu lực; chứng nhận hợp quy theo %s là bắt buộc từ ngày %s.", e.StandardCode, day(e.MandatoryFrom)),
			fmt.Sprintf("No valid certificate of conformity; certification against %s is mandatory since %s.", e.StandardCode, day(e.MandatoryFrom)))
	case ReasonNotRequired:
		if e.StandardCode != "" {
			return pick(fmt.Sprintf("Ngày %s chưa có quy chuẩn nào bắt buộc chứng nhận hợp quy (%s bắt buộc từ ngày %s).", day(e.On), e.StandardCode, day(e.MandatoryFrom)),
				fmt.Sprintf("On %s no standard made certification mandatory yet (%s is mandatory from %s).", day(e.On), e.StandardCode, day(e.MandatoryFrom)))
		}
		return pick(fmt.Sprintf("Ngày %s không có quy chuẩn nào bắt buộc chứng nhận hợp quy.", day(e.On)),
			fmt.Sprintf("On %s no standard made certification mandatory.", day(e.On)))
	case ReasonWarnedModel, ReasonBannedModel:
		head := pick(fmt.Sprintf("Cảnh báo %s ngày %s: %s. Biện pháp: %s", e.WarningReference, day(e.IssuedOn), e.WarningTitle, measureVI[e.Measure]),
			fmt.Sprintf("Warning %s of %s: %s. Measure: %s", e.WarningReference, day(e.IssuedOn), e.WarningTitle, strings.ReplaceAll(e.Measure, "_", " ")))
		return head + firmwareScope(e, en) + "."
	case ReasonFirmwareNotAffected:
		return pick(fmt.Sprintf("Firmware %s nằm ngoài phạm vi ảnh hưởng của cảnh báo %s%s.", e.Firmware, e.WarningReference, rangeText(e, false)),
			fmt.Sprintf("Firmware %s is outside the range of warning %s%s.", e.Firmware, e.WarningReference, rangeText(e, true)))
	case ReasonNoOriginProof:
		return pick(fmt.Sprintf("Mẫu nhập khẩu (xuất xứ %s) nhưng cơ sở dữ liệu không có giấy chứng nhận xuất xứ (C/O) còn hiệu lực; hãy yêu cầu chứng từ xuất xứ của lô hàng.", e.OriginCountry),
			fmt.Sprintf("Imported model (origin %s), but the registry holds no valid certificate of origin (C/O); ask for the lot's origin papers.", e.OriginCountry))
	case ReasonOriginProof:
		return pick(fmt.Sprintf("Có giấy chứng nhận xuất xứ %s (mẫu %s, nước xuất khẩu %s, cấp ngày %s).", e.OriginNumber, e.OriginForm, e.ExportingCountry, day(e.IssuedOn)),
			fmt.Sprintf("Certificate of origin %s (form %s, exported from %s, issued %s).", e.OriginNumber, e.OriginForm, e.ExportingCountry, day(e.IssuedOn)))
	case ReasonUnregistered:
		return pick(fmt.Sprintf("Không tìm thấy trong cơ sở dữ liệu đăng ký: không có mẫu camera nào khớp với “%s”%s. Điều này chưa chứng minh mẫu chưa đăng ký; hãy kiểm tra lại số hiệu trên nhãn.", e.Query, brandVI(e.Brand)),
			fmt.Sprintf("Not found in the registry: no registered model matches “%s”%s. This alone does not prove the model is unregistered; check the number on the label.", e.Query, brandEN(e.Brand)))
	case ReasonAmbiguousMatch:
		return pick(fmt.Sprintf("Có %d mẫu camera gần khớp với “%s”; hãy ghi rõ hãng và số hiệu đầy đủ.", e.Candidates, e.Query),
			fmt.Sprintf("%d models nearly match “%s”; give the brand and the full model number.", e.Candidates, e.Query))
	case ReasonPossibleMatch:
		return pick(fmt.Sprintf("Khớp gần đúng: “%s” có thể là %s %s; hãy đối chiếu số hiệu trên nhãn.", e.Query, e.Brand, e.ModelNumber),
			fmt.Sprintf("Near match: “%s” may be %s %s; check the model number on the label.", e.Query, e.Brand, e.ModelNumber))
	case ReasonPending:
		return pick("Hồ sơ đăng ký mẫu camera đang chờ xác minh.", "The model's registration is pending verification.")
	}
	return r.Code
}

var measureVI = map[string]string{
	"update_firmware": "cập nhật firmware",
	"stop_sale":       "dừng kinh doanh",
	"recall":          "thu hồi sản phẩm",
	"ban":             "cấm sử dụng",
}

func formatDay(d Date, en bool) string {
	if d.IsZero() {
		return "?"
	}
	if en {
		return d.String()
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.d, int(d.m), d.y)
}

func expiresVI(e Evidence) string {
	if e.ExpiresOn.IsZero() {
		if e.LotRef != "" {
			return ", chứng nhận theo lô: " + e.LotRef
		}
		return ""
	}
	return ", hết hạn ngày " + formatDay(e.ExpiresOn, false)
}

func expiresEN(e Evidence) string {
	if e.ExpiresOn.IsZero() {
		if e.LotRef != "" {
			return ", lot certificate: " + e.LotRef
		}
		return ""
	}
	return ", expires " + formatDay(e.ExpiresOn, true)
}

func because(reason string, en bool) string {
	if reason == "" {
		return ""
	}
	if en {
		return " (" + reason + ")"
	}
	return " (lý do: " + reason + ")"
}

func replacedVI(e Evidence) string {
	s := ""
	if !e.StandardTo.IsZero() {
		s += "; hết hiệu lực sau ngày " + formatDay(e.StandardTo, false)
	}
	if e.SupersededBy != "" {
		s += ", được thay thế bởi " + e.SupersededBy
	}
	return s
}

func replacedEN(e Evidence) string {
	s := ""
	if !e.StandardTo.IsZero() {
		s += "; it ceased to apply after " + formatDay(e.StandardTo, true)
	}
	if e.SupersededBy != "" {
		s += ", superseded by " + e.SupersededBy
	}
	return s
}

// firmwareScope says which firmware a warning covers, and whether the
// firmware given falls in it.
func firmwareScope(e Evidence, en bool) string {
	if e.IntroducedIn == "" && e.FixedIn == "" {
		return ""
	}
	r := rangeText(e, en)
	if e.Firmware == "" {
		if en {
			return r + "; no firmware was given, so the device may be affected"
		}
		return r + "; chưa cho biết firmware nên thiết bị có thể bị ảnh hưởng"
	}
	if en {
		return r + "; firmware " + e.Firmware + " is affected"
	}
	return r + "; firmware " + e.Firmware + " bị ảnh hưởng"
}

func rangeText(e Evidence, en bool) string {
	switch {
	case e.IntroducedIn != "" && e.FixedIn != "":
		if en {
			return fmt.Sprintf(" (affects firmware from %s, fixed in %s)", e.IntroducedIn, e.FixedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware từ %s, đã sửa ở %s)", e.IntroducedIn, e.FixedIn)
	case e.FixedIn != "":
		if en {
			return fmt.Sprintf(" (affects firmware before %s)", e.FixedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware trước %s)", e.FixedIn)
	case e.IntroducedIn != "":
		if en {
			return fmt.Sprintf(" (affects firmware from %s on)", e.IntroducedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware từ %s trở đi)", e.IntroducedIn)
	}
	return ""
}

func brandVI(b string) string {
	if b == "" {
		return ""
	}
	return " của hãng “" + b + "”"
}

func brandEN(b string) string {
	if b == "" {
		return ""
	}
	return " of brand “" + b + "”"
}
