package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// The statuses of a finding.
const (
	FindingOpen      = "open"
	FindingConfirmed = "confirmed"
	FindingResolved  = "resolved"
	FindingDismissed = "dismissed"
)

// FindingStatuses lists every finding status.
var FindingStatuses = []string{FindingOpen, FindingConfirmed, FindingResolved, FindingDismissed}

// ViolationOther is a violation the verdict's codes do not name.
const ViolationOther = "other"

// Violations are the violation codes of findings.
var Violations = []string{ReasonNoCertificate, ReasonCertificateExpired, ReasonCertificateRevoked, ReasonCertificateSuspended,
	ReasonWarnedModel, ReasonBannedModel, ReasonNoOriginProof, ReasonUnregistered, ViolationOther}

// findingStatus is a finding's lifecycle, the status machine certificates,
// C/Os and warnings share: an inspection opens it; an inspector confirms it
// (or dismisses it as a mistake); a confirmed finding is resolved when the
// trader has put things right, or dismissed. Resolved and dismissed are
// final. Every move needs a reason (the inspector's note).
var findingStatus = statusRules{
	initial:    FindingOpen,
	statuses:   FindingStatuses,
	needReason: []string{FindingConfirmed, FindingResolved, FindingDismissed},
	transitions: map[string][]string{
		FindingOpen:      {FindingConfirmed, FindingDismissed},
		FindingConfirmed: {FindingResolved, FindingDismissed},
		FindingResolved:  {},
		FindingDismissed: {},
	},
}

// Finding is a violation recorded against a trader during an inspection:
// an item that was non-compliant, or not found in the registry, on the
// inspection's date. Its status trio holds the latest step; every step,
// with who, when and why, is in the change log (History).
type Finding struct {
	Record
	InspectionID string `json:"inspection_id"`
	// ItemPosition is the item the finding is about, if any: every
	// automatic finding's, and a manual finding's when it names one.
	ItemPosition *int `json:"item_position"`
	// Manual: recorded by the inspector (a label defect, other), not
	// raised by an item's verdict.
	Manual        bool    `json:"manual"`
	TraderOrgID   string  `json:"trader_org_id"`
	OfficeOrgID   *string `json:"office_org_id"`
	CameraModelID *string `json:"camera_model_id"`
	ModelText     string  `json:"model"`
	Brand         string  `json:"brand"`
	ProvinceCode  *string `json:"province_code"`
	ProvinceName  *string `json:"province_name"`
	ObservedOn    Date    `json:"observed_on"`
	Violation     string  `json:"violation"`
	// Evidence is the verdict's reasons when the item was recorded.
	Evidence Reasons `json:"evidence"`
	Notes    string  `json:"notes"`
	Status   `gorm:"embedded"`
}

// TableName is the table of findings.
func (Finding) TableName() string { return "findings" }

// FindingTransition moves a finding to a new status, saying why.
type FindingTransition struct {
	Status string
	Note   string
}

// findingStep is the change-log record of a transition.
type findingStep struct {
	Status          change `json:"status"`
	Note            string `json:"note"`
	StatusChangedOn Date   `json:"status_changed_on"`
}

// UpdateFinding moves a finding along its lifecycle (open → confirmed →
// resolved, or open/confirmed → dismissed), with a note saying why, taking
// effect today. Only inspectors and admins move findings. Errors:
// ErrForbidden, ErrNotFound, ErrInvalid, ErrConflict (a move the lifecycle
// does not allow), ErrPrecondition.
func (s *Store) UpdateFinding(ctx context.Context, actor Actor, id string, in FindingTransition, ifVersion *int) (*Finding, error) {
	if err := actor.may("change findings", RoleInspector, RoleAdmin); err != nil {
		return nil, err
	}
	var v ValidationError
	v.enum("status", &in.Status, true, findingStatus.statuses...)
	note := v.text("note", &in.Note, true, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var f *Finding
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if f, err = get[Finding](tx, id, "finding"); err != nil {
			return err
		}
		if err := checkVersion(f.Version, ifVersion); err != nil {
			return err
		}
		from := f.Status.Status
		if err := findingStatus.move("finding", id, from, in.Status); err != nil {
			return err
		}
		f.Status = Status{Status: in.Status, StatusReason: note, StatusChangedOn: s.Today()}
		before := f.Version
		s.touch(&f.Record)
		if err := saveVersioned(tx, f, f.ID, before, "finding"); err != nil {
			return err
		}
		return log.record(ActionStatus, "finding", f.ID, findingStep{
			Status: change{From: from, To: in.Status}, Note: note, StatusChangedOn: f.StatusChangedOn})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FindingStep is one step of a finding's history: who moved it, when, from
// which status to which, and why.
type FindingStep struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	ActorRole  string    `json:"actor_role"`
	ActorOrgID *string   `json:"actor_org_id"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Note       string    `json:"note"`
	EffectOn   Date      `json:"status_changed_on"`
}

// GetFinding loads a finding as the viewer may see it, with its history
// from the change log. A vendor sees only findings against its own
// organization; any other is not found. Errors: ErrForbidden, ErrNotFound.
func (s *Store) GetFinding(ctx context.Context, viewer Actor, id string) (*Finding, []FindingStep, error) {
	if err := mayReadTraderRecords(viewer, "findings"); err != nil {
		return nil, nil, err
	}
	db := s.db.WithContext(ctx)
	f, err := get[Finding](db, id, "finding")
	if err != nil {
		return nil, nil, err
	}
	if !canSeeTraderRecords(viewer, f.TraderOrgID) {
		return nil, nil, fmt.Errorf("finding %s: %w", id, ErrNotFound)
	}
	var events []Event
	if err := db.Where("entity = ? AND entity_id = ?", "finding", id).Order("seq").Find(&events).Error; err != nil {
		return nil, nil, fmt.Errorf("load finding history: %w", err)
	}
	steps := make([]FindingStep, 0, len(events))
	for _, e := range events {
		st := FindingStep{Seq: e.Seq, At: e.At, Actor: e.Actor, ActorRole: e.ActorRole, ActorOrgID: e.ActorOrgID}
		switch e.Action {
		case ActionCreate:
			var row Finding
			if json.Unmarshal([]byte(e.Changes), &row) == nil {
				st.To, st.EffectOn = row.Status.Status, row.StatusChangedOn
			}
			st.Note = "opened by inspection " + f.InspectionID
		case ActionStatus:
			var step findingStep
			if json.Unmarshal([]byte(e.Changes), &step) == nil {
				st.From, _ = step.Status.From.(string)
				st.To, _ = step.Status.To.(string)
				st.Note, st.EffectOn = step.Note, step.StatusChangedOn
			}
		default:
			continue
		}
		steps = append(steps, st)
	}
	return f, steps, nil
}

// FindingFilter selects findings.
type FindingFilter struct {
	TraderOrgID  string
	InspectionID string
	Province     string
	Violation    string
	Status       string
	// From and To bound the date observed (YYYY-MM-DD), inclusive.
	From, To string
}

// FindFindings lists the findings the viewer may see. Errors:
// ErrForbidden, ErrInvalid.
func (s *Store) FindFindings(ctx context.Context, viewer Actor, f FindingFilter, p PageRequest) (Page[Finding], error) {
	if err := mayReadTraderRecords(viewer, "findings"); err != nil {
		return Page[Finding]{}, err
	}
	var v ValidationError
	q := s.db.WithContext(ctx).Model(&Finding{})
	if !viewer.Privileged() {
		q = q.Where("trader_org_id = ?", viewer.OrgID)
	}
	if f.TraderOrgID != "" {
		q = q.Where("trader_org_id = ?", f.TraderOrgID)
	}
	if f.InspectionID != "" {
		q = q.Where("inspection_id = ?", f.InspectionID)
	}
	if f.Province != "" {
		if pr := v.province("province", &f.Province, false); pr != nil {
			q = q.Where("province_code = ?", pr.Code)
		}
	}
	if f.Violation != "" {
		v.enum("violation", &f.Violation, false, Violations...)
		q = q.Where("violation = ?", f.Violation)
	}
	q = findingStatus.filter(&v, q, f.Status)
	q = dateRange(&v, q, "observed_on", f.From, f.To)
	if err := v.Err(); err != nil {
		return Page[Finding]{}, err
	}
	return findPage[Finding](q, "findings", p)
}

// ListingVerdict is a trader's listing with its model and the model's
// verdict today.
type ListingVerdict struct {
	Listing      Listing
	Model        Model
	Verification Verification
}

// Compliance is a trader's compliance summary: its listings by today's
// verdict, and its unresolved (open or confirmed) findings.
type Compliance struct {
	Organization Organization
	On           Date
	Counts       map[string]int
	Listings     []ListingVerdict
	OpenFindings []Finding
}

// maxComplianceListings bounds the listings one summary evaluates.
const maxComplianceListings = 5000

// TraderCompliance summarises a trader's compliance today. Inspectors,
// authorities and admins see any trader's; a vendor only its own (any
// other is not found). Errors: ErrForbidden, ErrNotFound.
func (s *Store) TraderCompliance(ctx context.Context, viewer Actor, orgID string) (*Compliance, error) {
	if err := mayReadTraderRecords(viewer, "compliance summaries"); err != nil {
		return nil, err
	}
	if !canSeeTraderRecords(viewer, orgID) {
		return nil, fmt.Errorf("organization %s: %w", orgID, ErrNotFound)
	}
	db := s.db.WithContext(ctx)
	org, err := get[Organization](db, orgID, "organization")
	if err != nil {
		return nil, err
	}
	out := &Compliance{Organization: *org, On: s.Today(),
		Counts: map[string]int{VerdictCompliant: 0, VerdictWarning: 0, VerdictNonCompliant: 0, VerdictUnknown: 0}}
	var listings []Listing
	if err := db.Where("trader_org_id = ?", orgID).Order("id").Limit(maxComplianceListings).Find(&listings).Error; err != nil {
		return nil, fmt.Errorf("load listings: %w", err)
	}
	ids := make([]string, 0, len(listings))
	for _, l := range listings {
		ids = append(ids, l.CameraModelID)
	}
	byID := map[string]Model{}
	for chunk := range slices.Chunk(ids, 500) {
		var ms []Model
		if err := db.Where("id IN ?", chunk).Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("load listed models: %w", err)
		}
		for _, m := range ms {
			byID[m.ID] = m
		}
	}
	ms := make([]Model, len(listings))
	for i, l := range listings {
		ms[i] = byID[l.CameraModelID]
	}
	r, err := s.reader(ctx)
	if err != nil {
		return nil, err
	}
	vs, err := verifyModels(r, ms, out.On)
	if err != nil {
		return nil, err
	}
	out.Listings = make([]ListingVerdict, len(listings))
	for i := range listings {
		out.Listings[i] = ListingVerdict{Listing: listings[i], Model: ms[i], Verification: vs[i]}
		out.Counts[vs[i].Verdict]++
	}
	if err := db.Where("trader_org_id = ? AND status IN ?", orgID, []string{FindingOpen, FindingConfirmed}).
		Order("observed_on DESC, id").Limit(MaxLimit).Find(&out.OpenFindings).Error; err != nil {
		return nil, fmt.Errorf("load open findings: %w", err)
	}
	return out, nil
}
