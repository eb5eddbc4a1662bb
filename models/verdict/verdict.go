// Package verdict is camreg's verdict engine: given what an inspector or a
// buyer reads off a camera (model number, brand, firmware) and a date, and
// the registry's rows about the models that match, it says whether the
// camera may be sold on that date, and why.
//
// It is pure: it reads no database and keeps no state. The models package
// loads the rows (in a fixed number of queries whatever the number of
// questions) and hands them over; everything here is a function of them.
// Files by concern: this one holds the codes and types; query.go reads a
// question, match.go chooses among candidate models, history.go rebuilds a
// status on a date, rules.go applies the rules, messages.go writes reasons
// in Vietnamese and English, and firmware.go orders firmware versions.
package verdict

import (
	"slices"

	"camreg/civil"
)

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
	ReasonNotRequired = "certificate_not_required"
	ReasonOriginProof = "origin_proof"
	// ReasonOriginProofUnconfirmed: a C/O the model's vendor declared and
	// no admin confirmed; shown as evidence, never taken as proof.
	ReasonOriginProofUnconfirmed = "origin_proof_unconfirmed"
	ReasonFirmwareNotAffected    = "firmware_not_affected"
	ReasonPossibleMatch          = "possible_match"
	ReasonAmbiguousMatch         = "ambiguous_match"
	ReasonPending                = "registration_pending"
	// ReasonGTINMismatch: the box's GTIN belongs to another model than the
	// one typed off the label; the answer is for the typed model, and never
	// a pass (unknown at best).
	ReasonGTINMismatch = "gtin_model_mismatch"
)

// EffectInfo marks a reason that does not change the verdict. Every other
// effect is the verdict the reason leads to.
const EffectInfo = "info"

// MaxItems is the most items one bulk verify may hold.
const MaxItems = 500

// The statuses of the documents verify reads: certificates of conformity
// and of origin (valid, suspended, revoked; pending and rejected for a
// vendor's unconfirmed submission), warnings (active, withdrawn) and camera
// models (pending, verified).
const (
	StatusValid     = "valid"
	StatusSuspended = "suspended"
	StatusRevoked   = "revoked"
	StatusPending   = "pending"
	StatusRejected  = "rejected"
	StatusActive    = "active"
	StatusWithdrawn = "withdrawn"
	ModelPending    = "pending"
	ModelVerified   = "verified"
)

// Query is one question: which model, and on which date. At is
// YYYY-MM-DD, or empty for today (in Vietnam).
type Query struct {
	Model    string
	Brand    string
	Firmware string
	At       string
	// GTIN is a box's barcode (14 digits) given with a typed model number,
	// and GTINModel the verified model that lists it. The answer is for the
	// typed number; a GTIN model that is not the typed match (nor one of its
	// candidates, which it then chooses) is a conflict (ReasonGTINMismatch).
	GTIN      string
	GTINModel *Model
}

// Model is what the rules read of a camera model.
type Model struct {
	ID            string
	Brand         string
	BrandKey      string
	ModelNumber   string
	ModelKey      string
	LooseKey      string
	OriginCountry string
	Status        string
}

// Standard is what the rules read of a national technical regulation.
type Standard struct {
	Code          string
	Title         string
	EffectiveFrom civil.Date
	MandatoryFrom civil.Date
	EffectiveTo   civil.Date
	SupersededBy  string
}

// InForce reports whether the standard is in force on day d.
func (s Standard) InForce(d civil.Date) bool {
	if s.EffectiveFrom.IsZero() || d.Before(s.EffectiveFrom) {
		return false
	}
	return s.EffectiveTo.IsZero() || !d.After(s.EffectiveTo)
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
	Query             string     `json:"query,omitempty"`
	ModelNumber       string     `json:"model_number,omitempty"`
	Brand             string     `json:"brand,omitempty"`
	Candidates        int        `json:"candidates,omitempty"`
	CertificateID     string     `json:"certificate_id,omitempty"`
	CertificateNumber string     `json:"certificate_number,omitempty"`
	StandardCode      string     `json:"standard_code,omitempty"`
	StandardFrom      civil.Date `json:"standard_effective_from,omitzero" swaggertype:"string" format:"date"`
	StandardTo        civil.Date `json:"standard_effective_to,omitzero" swaggertype:"string" format:"date"`
	SupersededBy      string     `json:"superseded_by,omitempty"`
	MandatoryFrom     civil.Date `json:"mandatory_from,omitzero" swaggertype:"string" format:"date"`
	IssuedOn          civil.Date `json:"issued_on,omitzero" swaggertype:"string" format:"date"`
	ExpiresOn         civil.Date `json:"expires_on,omitzero" swaggertype:"string" format:"date"`
	LotRef            string     `json:"lot_ref,omitempty"`
	Status            string     `json:"status,omitempty"`
	StatusReason      string     `json:"status_reason,omitempty"`
	StatusChangedOn   civil.Date `json:"status_changed_on,omitzero" swaggertype:"string" format:"date"`
	Firmware          string     `json:"firmware,omitempty"`
	WarningID         string     `json:"warning_id,omitempty"`
	WarningReference  string     `json:"warning_reference,omitempty"`
	WarningTitle      string     `json:"warning_title,omitempty"`
	Measure           string     `json:"measure,omitempty"`
	Severity          string     `json:"severity,omitempty"`
	IntroducedIn      string     `json:"introduced_in,omitempty"`
	FixedIn           string     `json:"fixed_in,omitempty"`
	CVEIDs            []string   `json:"cve_ids,omitempty"`
	OriginID          string     `json:"origin_certificate_id,omitempty"`
	OriginNumber      string     `json:"origin_certificate_number,omitempty"`
	OriginForm        string     `json:"origin_form,omitempty"`
	ExportingCountry  string     `json:"exporting_country,omitempty"`
	OriginCountry     string     `json:"origin_country,omitempty"`
	// GTIN is the scanned barcode of a gtin_model_mismatch, whose model is
	// ModelNumber and Brand (the typed text is Query and TypedBrand).
	GTIN       string     `json:"gtin,omitempty"`
	TypedBrand string     `json:"typed_brand,omitempty"`
	On         civil.Date `json:"on,omitzero" swaggertype:"string" format:"date"`
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
	IssuedOn        civil.Date
	ExpiresOn       civil.Date
	LotRef          string
	Status          string
	StatusReason    string
	StatusChangedOn civil.Date
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
	IssuedOn        civil.Date
	Measure         string
	CVEIDs          []string
	URL             string
	Status          string
	StatusReason    string
	StatusChangedOn civil.Date
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
	IssuedOn         civil.Date
	Status           string
	StatusChangedOn  civil.Date
	// Unconfirmed is a vendor's declaration no admin confirmed.
	Unconfirmed bool
	Valid       bool
}

// StandardOnDate is a standard and its standing on the date.
type StandardOnDate struct {
	Code          string
	Title         string
	EffectiveFrom civil.Date
	MandatoryFrom civil.Date
	EffectiveTo   civil.Date
	SupersededBy  string
	InForce       bool
	Mandatory     bool
}

// Verification is the answer to one Query.
type Verification struct {
	Query Query
	// At is the date the rules were applied on.
	At    civil.Date
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
