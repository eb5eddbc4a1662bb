package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"camreg/models/verdict"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The statuses of a warning.
const (
	WarningActive    = verdict.StatusActive
	WarningWithdrawn = verdict.StatusWithdrawn
)

// Severities and measures of a warning. The measures run from the mildest
// (update the firmware) to the strongest (a ban).
var (
	Severities = []string{"low", "medium", "high", "critical"}
	Measures   = []string{"update_firmware", "stop_sale", "recall", "ban"}
)

// warningStatus: a warning is active until withdrawn; withdrawal is final
// (a renewed warning is a new document).
var warningStatus = statusRules{
	initial:    WarningActive,
	statuses:   []string{WarningActive, WarningWithdrawn},
	needReason: []string{WarningWithdrawn},
	transitions: map[string][]string{
		WarningActive:    {WarningWithdrawn},
		WarningWithdrawn: {},
	},
}

// Warning is a warning from an authority against camera models, such as
// document 383/CATTT-NCSC. Warnings are never deleted, only withdrawn.
type Warning struct {
	Record
	AuthorityOrgID string     `json:"authority_org_id"`
	Reference      string     `json:"reference"`
	ReferenceKey   string     `json:"-"`
	Title          string     `json:"title"`
	Summary        string     `json:"summary"`
	Severity       string     `json:"severity"`
	IssuedOn       Date       `json:"issued_on"`
	Measure        string     `json:"measure"`
	CVEIDs         StringList `gorm:"column:cve_ids" json:"cve_ids"`
	URL            string     `gorm:"column:url" json:"url"`
	Status         `gorm:"embedded"`
	Affected       []AffectedModel `gorm:"foreignKey:WarningID" json:"affected"`
}

// AffectedModel is a model a warning names, optionally limited to the
// firmware versions from IntroducedIn (inclusive) up to FixedIn (exclusive).
type AffectedModel struct {
	WarningID     string `json:"-"`
	CameraModelID string `json:"camera_model_id"`
	IntroducedIn  string `json:"introduced_in"`
	FixedIn       string `json:"fixed_in"`
}

// TableName is the table of affected models.
func (AffectedModel) TableName() string { return "warning_models" }

// AffectedModelInput names an affected model.
type AffectedModelInput struct {
	CameraModelID string
	IntroducedIn  string
	FixedIn       string
}

// WarningInput creates or changes a warning.
type WarningInput struct {
	AuthorityOrgID  *string
	Reference       *string
	Title           *string
	Summary         *string
	Severity        *string
	IssuedOn        *string
	Measure         *string
	CVEIDs          *[]string
	URL             *string
	Status          *string
	StatusReason    *string
	StatusChangedOn *string
	Affected        *[]AffectedModelInput
}

func (in WarningInput) apply(w *Warning, today Date, create bool) *ValidationError {
	var v ValidationError
	if in.AuthorityOrgID != nil || create {
		w.AuthorityOrgID = v.refID("authority_org_id", in.AuthorityOrgID, true)
	}
	if in.Reference != nil || create {
		w.Reference = v.text("reference", in.Reference, true, 100)
		w.ReferenceKey = keyOf(w.Reference)
	}
	if in.Title != nil || create {
		w.Title = v.text("title", in.Title, true, 500)
	}
	if in.Summary != nil {
		w.Summary = v.text("summary", in.Summary, false, 10000)
	}
	if in.Severity != nil || create {
		v.enum("severity", in.Severity, true, Severities...)
		if in.Severity != nil {
			w.Severity = *in.Severity
		}
	}
	if in.Measure != nil || create {
		v.enum("measure", in.Measure, true, Measures...)
		if in.Measure != nil {
			w.Measure = *in.Measure
		}
	}
	if in.IssuedOn != nil || create {
		w.IssuedOn = v.date("issued_on", in.IssuedOn, true)
	}
	if in.URL != nil {
		w.URL = v.webURL("url", in.URL)
	}
	if in.CVEIDs != nil || create {
		w.CVEIDs = StringList{}
		if in.CVEIDs != nil {
			seen := map[string]bool{}
			for i, id := range *in.CVEIDs {
				id = strings.ToUpper(strings.TrimSpace(id))
				if !cvePattern.MatchString(id) {
					v.Add(fmt.Sprintf("cve_ids[%d]", i), "must be a CVE id such as CVE-2021-36260")
				} else if !seen[id] {
					seen[id] = true
					w.CVEIDs = append(w.CVEIDs, id)
				}
			}
			v.Check(len(*in.CVEIDs) <= 500, "cve_ids", "must list at most 500 ids")
		}
	}
	warningStatus.apply(&v, &w.Status, in.Status, in.StatusReason, in.StatusChangedOn, today, create)
	if w.Status.Status == WarningWithdrawn && !w.IssuedOn.IsZero() && !w.Status.StatusChangedOn.IsZero() && w.Status.StatusChangedOn.Before(w.IssuedOn) {
		// A withdrawal dated before the warning was issued would erase it
		// from every date, the days it stood included.
		v.Add("status_changed_on", "must not be before issued_on (%s): a warning is withdrawn after it is issued", w.IssuedOn)
	}
	if in.Affected != nil || create {
		w.Affected = affectedModels(&v, in.Affected, w.ID)
	}
	return &v
}

func affectedModels(v *ValidationError, in *[]AffectedModelInput, warningID string) []AffectedModel {
	if in == nil || len(*in) == 0 {
		v.Add("affected", "must name at least one camera model")
		return nil
	}
	if len(*in) > 1000 {
		v.Add("affected", "must name at most 1000 camera models")
		return nil
	}
	seen := map[string]bool{}
	out := make([]AffectedModel, 0, len(*in))
	for i, a := range *in {
		field := indexedField("affected", i)
		id := v.refID(field+".camera_model_id", &a.CameraModelID, true)
		intro := v.text(field+".introduced_in", &a.IntroducedIn, false, 100)
		fixed := v.text(field+".fixed_in", &a.FixedIn, false, 100)
		if intro != "" && intro == fixed {
			v.Add(field+".fixed_in", "must differ from introduced_in: the range would be empty")
		}
		k := id + "\x00" + intro + "\x00" + fixed
		if seen[k] {
			v.Add(field, "names the same model and range twice")
		}
		seen[k] = true
		out = append(out, AffectedModel{WarningID: warningID, CameraModelID: id, IntroducedIn: intro, FixedIn: fixed})
	}
	sortAffected(out)
	return out
}

// sortAffected puts affected models in one order, the same for input and for
// stored rows, so that the same list given in another order is no change.
func sortAffected(as []AffectedModel) {
	slices.SortFunc(as, func(a, b AffectedModel) int {
		return cmp.Or(strings.Compare(a.CameraModelID, b.CameraModelID),
			strings.Compare(a.IntroducedIn, b.IntroducedIn), strings.Compare(a.FixedIn, b.FixedIn))
	})
}

func (s *Store) checkWarningRefs(tx *gorm.DB, actor Actor, v *ValidationError, w *Warning, in WarningInput, create bool) {
	if in.AuthorityOrgID != nil || create {
		s.checkOrgKindCached(tx, v, "authority_org_id", w.AuthorityOrgID, OrgAuthority, OrgMarketSurveillance)
	}
	if in.Affected != nil || create {
		// The input's order, not w.Affected's sorted one, so that an
		// error's index names the caller's item.
		var ids []string
		if len(w.Affected) > 0 {
			for _, a := range *in.Affected {
				ids = append(ids, a.CameraModelID)
			}
		}
		s.checkModelRefs(tx, actor, v, "affected", ids)
	}
}

// CreateWarning validates and stores a warning with its affected models.
// Errors: ErrInvalid, ErrConflict (the reference is taken).
func (s *Store) CreateWarning(ctx context.Context, actor Actor, in WarningInput) (*Warning, error) {
	var w *Warning
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if w, err = s.newWarning(tx, actor, in); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(w).Error; err != nil {
			return warningConflict(err, w)
		}
		if err := tx.Create(&w.Affected).Error; err != nil {
			return translate(err, "affected models")
		}
		return log.created("warning", w.ID, w)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// newWarning builds the warning actor issues from in, and checks it: the
// role, the authority's own name, every field and every reference. The
// single and the batch services (batch_docs.go) both create through it.
// Errors: ErrForbidden, ErrInvalid.
func (s *Store) newWarning(tx *gorm.DB, actor Actor, in WarningInput) (*Warning, error) {
	if err := actor.may("issue warnings", RoleAdmin, RoleAuthority); err != nil {
		return nil, err
	}
	if actor.Role == RoleAuthority {
		// An authority warns in its own name only.
		if in.AuthorityOrgID != nil && *in.AuthorityOrgID != actor.OrgID {
			return nil, Forbidden("an authority issues warnings in its own organization's name only")
		}
		in.AuthorityOrgID = strPtr(actor.OrgID)
	}
	w := &Warning{Record: s.newRecord()}
	v := in.apply(w, s.Today(), true)
	s.checkWarningRefs(tx, actor, v, w, in, true)
	return w, v.Err()
}

func warningConflict(err error, w *Warning) error {
	err = translate(err, "warning")
	if isConflict(err) {
		return Conflict("a warning with reference %s already exists", w.Reference)
	}
	return err
}

// UpdateWarning changes the given fields of a warning, including
// withdrawing it with a reason. Errors: ErrNotFound, ErrInvalid,
// ErrConflict, ErrPrecondition.
func (s *Store) UpdateWarning(ctx context.Context, actor Actor, id string, in WarningInput, ifVersion *int) (*Warning, error) {
	var w *Warning
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if w, err = getWarning(tx, id); err != nil {
			return err
		}
		before, err := s.changeWarning(tx, actor, w, in, ifVersion)
		if err != nil {
			return err
		}
		_, err = s.saveWarning(tx, log, &before, w, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// changeWarning applies in to the stored warning w (with its affected
// models), as actor may change it, and returns w as it was. The single and
// the batch services both update through it. Errors: ErrForbidden,
// ErrPrecondition, ErrInvalid.
func (s *Store) changeWarning(tx *gorm.DB, actor Actor, w *Warning, in WarningInput, ifVersion *int) (Warning, error) {
	if err := actor.may("change warnings", RoleAdmin, RoleAuthority); err != nil {
		return Warning{}, err
	}
	if actor.Role == RoleAuthority {
		if !actor.Owns(&w.AuthorityOrgID) {
			return Warning{}, Forbidden("an authority changes only the warnings it issued")
		}
		if in.AuthorityOrgID != nil && *in.AuthorityOrgID != actor.OrgID {
			return Warning{}, Forbidden("an authority cannot issue a warning in another organization's name")
		}
	}
	if err := checkVersion(w.Version, ifVersion); err != nil {
		return Warning{}, err
	}
	before := *w
	before.Affected = append([]AffectedModel(nil), w.Affected...)
	before.CVEIDs = append(StringList(nil), w.CVEIDs...)
	v := in.apply(w, s.Today(), false)
	s.checkWarningRefs(tx, actor, v, w, in, false)
	return before, v.Err()
}

// saveWarning saves a changed warning, with its event (a status change or
// an update) and, when in names them, its affected models; an unchanged
// one is left alone. It reports whether w changed.
func (s *Store) saveWarning(tx *gorm.DB, log *changeLog, before, w *Warning, in WarningInput) (bool, error) {
	changed, err := log.updated(statusAction(before.Status, w.Status), "warning", w.ID, before, w)
	if err != nil || !changed {
		return false, err
	}
	s.touch(&w.Record)
	if err := saveVersioned(tx, w, w.ID, before.Version, "warning"); err != nil {
		return false, warningConflict(err, w)
	}
	if in.Affected != nil {
		return true, replaceChildren(tx, "warning_id", w.ID, w.Affected, "affected models")
	}
	return true, nil
}

func getWarning(tx *gorm.DB, id string) (*Warning, error) {
	w, err := get[Warning](tx, id, "warning")
	if err != nil {
		return nil, err
	}
	if err := tx.Where("warning_id = ?", id).Order("camera_model_id, introduced_in").Find(&w.Affected).Error; err != nil {
		return nil, fmt.Errorf("load affected models: %w", err)
	}
	sortAffected(w.Affected) // the database's collation may order versions otherwise
	return w, nil
}

// GetWarning loads one warning with its affected models. Errors: ErrNotFound.
func (s *Store) GetWarning(ctx context.Context, id string) (*Warning, error) {
	return getWarning(s.db.WithContext(ctx), id)
}

// WarningFilter selects warnings.
type WarningFilter struct {
	AuthorityOrgID string
	Status         string
	Severity       string
	Measure        string
	CameraModelID  string
	Reference      string
	CVE            string
}

// FindWarnings lists warnings with their affected models. Errors: ErrInvalid.
func (s *Store) FindWarnings(ctx context.Context, f WarningFilter, p PageRequest) (Page[Warning], error) {
	var v ValidationError
	db := s.db.WithContext(ctx)
	q := db.Model(&Warning{})
	if f.AuthorityOrgID != "" {
		q = q.Where("authority_org_id = ?", f.AuthorityOrgID)
	}
	q = warningStatus.filter(&v, q, f.Status)
	if f.Severity != "" {
		v.enum("severity", &f.Severity, false, Severities...)
		q = q.Where("severity = ?", f.Severity)
	}
	if f.Measure != "" {
		v.enum("measure", &f.Measure, false, Measures...)
		q = q.Where("measure = ?", f.Measure)
	}
	if f.Reference != "" {
		q = q.Where("reference_key = ?", keyOf(f.Reference))
	}
	if f.CVE != "" {
		q = q.Where(`cve_ids LIKE ? ESCAPE '\'`, `%"`+escapeLike(strings.ToUpper(strings.TrimSpace(f.CVE)))+`"%`)
	}
	if f.CameraModelID != "" {
		q = q.Where("id IN (?)", db.Model(&AffectedModel{}).Select("warning_id").Where("camera_model_id = ?", f.CameraModelID))
	}
	if err := v.Err(); err != nil {
		return Page[Warning]{}, err
	}
	page, err := findPage[Warning](q, "warnings", p)
	if err != nil {
		return page, err
	}
	return page, loadChildren(db, page.Items, "warning_id", func(w *Warning) *[]AffectedModel { return &w.Affected },
		func(a AffectedModel) string { return a.WarningID })
}
