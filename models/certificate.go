package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"camreg/fold"
	"camreg/models/verdict"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The statuses of a conformity certificate. "Expired" is not a status: it
// follows from expires_on and the date asked about.
const (
	CertValid     = verdict.StatusValid
	CertSuspended = verdict.StatusSuspended
	CertRevoked   = verdict.StatusRevoked
	// CertPending is a certificate a vendor submitted, waiting for its
	// certification body (or an admin) to confirm it as valid or reject it.
	CertPending  = verdict.StatusPending
	CertRejected = verdict.StatusRejected
)

// CertStatuses lists every certificate status.
var CertStatuses = []string{CertPending, CertValid, CertSuspended, CertRevoked, CertRejected}

// certStatus is the certificate's status machine. Revocation and rejection
// are final; a suspension may be lifted.
var certStatus = statusRules{
	initial:    CertValid,
	statuses:   CertStatuses,
	needReason: []string{CertSuspended, CertRevoked, CertRejected},
	transitions: map[string][]string{
		CertPending:   {CertValid, CertRejected},
		CertValid:     {CertSuspended, CertRevoked},
		CertSuspended: {CertValid, CertRevoked},
		CertRevoked:   {},
		CertRejected:  {},
	},
	final: []string{CertRevoked},
}

// CertMethods are the certification methods: 1 type testing, 5 type testing
// plus assessment of the factory, 7 testing of one lot.
var CertMethods = []int{1, 5, 7}

// Certificate is a certificate of conformity (chứng nhận hợp quy), issued
// by a certification body against a standard, covering camera models.
// Certificates are never deleted: they are suspended or revoked, keeping
// their history.
type Certificate struct {
	Record
	Number                 string `json:"number"`
	NumberKey              string `json:"-"`
	StandardCode           string `json:"standard_code"`
	CertificationBodyOrgID string `json:"certification_body_org_id"`
	Method                 int    `json:"method"`
	HolderOrgID            string `json:"holder_org_id"`
	IssuedOn               Date   `json:"issued_on"`
	ExpiresOn              Date   `json:"expires_on"`
	LotRef                 string `json:"lot_ref"`
	Status                 `gorm:"embedded"`
	Models                 []CoveredModel `gorm:"foreignKey:CertificateID" json:"models"`
}

// TableName is the table of conformity certificates.
func (Certificate) TableName() string { return "conformity_certificates" }

// CoveredModel is a camera model that a certificate covers, optionally
// only for one firmware version.
type CoveredModel struct {
	CertificateID string `json:"-"`
	CameraModelID string `json:"camera_model_id"`
	Firmware      string `json:"firmware"`
}

// TableName is the table of covered models.
func (CoveredModel) TableName() string { return "certificate_models" }

// CoveredModelInput names a covered model.
type CoveredModelInput struct {
	CameraModelID string
	Firmware      string
}

// CertificateInput creates or changes a certificate.
type CertificateInput struct {
	Number                 *string
	StandardCode           *string
	CertificationBodyOrgID *string
	Method                 *int
	HolderOrgID            *string
	IssuedOn               *string
	ExpiresOn              *string
	LotRef                 *string
	Status                 *string
	StatusReason           *string
	StatusChangedOn        *string
	Models                 *[]CoveredModelInput
}

func (in CertificateInput) apply(c *Certificate, today Date, create bool) *ValidationError {
	var v ValidationError
	if in.Number != nil || create {
		c.Number = v.text("number", in.Number, true, 100)
		c.NumberKey = keyOf(c.Number)
	}
	if in.StandardCode != nil || create {
		c.StandardCode = v.text("standard_code", in.StandardCode, true, 100)
	}
	if in.CertificationBodyOrgID != nil || create {
		c.CertificationBodyOrgID = v.refID("certification_body_org_id", in.CertificationBodyOrgID, true)
	}
	if in.HolderOrgID != nil || create {
		c.HolderOrgID = v.refID("holder_org_id", in.HolderOrgID, true)
	}
	if in.Method != nil || create {
		switch {
		case in.Method == nil:
			v.Add("method", "is required: 1, 5 or 7")
		case *in.Method != 1 && *in.Method != 5 && *in.Method != 7:
			v.Add("method", "must be 1 (type testing), 5 (type testing and factory assessment) or 7 (lot testing)")
		default:
			c.Method = *in.Method
		}
	}
	if in.IssuedOn != nil || create {
		c.IssuedOn = v.date("issued_on", in.IssuedOn, true)
	}
	if in.ExpiresOn != nil || create {
		c.ExpiresOn = v.date("expires_on", in.ExpiresOn, false)
	}
	if in.LotRef != nil {
		c.LotRef = v.text("lot_ref", in.LotRef, false, 200)
	}
	if c.Method == 7 && c.LotRef == "" {
		v.Add("lot_ref", "is required for a method 7 (lot) certificate")
	}
	if (c.Method == 1 || c.Method == 5) && c.ExpiresOn.IsZero() {
		v.Add("expires_on", "is required for a method %d certificate", c.Method)
	}
	if !c.ExpiresOn.IsZero() && !c.IssuedOn.IsZero() && c.ExpiresOn.Before(c.IssuedOn) {
		v.Add("expires_on", "must not be before issued_on")
	}
	certStatus.apply(&v, &c.Status, in.Status, in.StatusReason, in.StatusChangedOn, today, create)
	if in.Models != nil || create {
		c.Models = coveredModels(&v, in.Models)
		for i := range c.Models {
			c.Models[i].CertificateID = c.ID
		}
	}
	return &v
}

// coveredModels validates a list of covered models: at least one, no
// duplicates.
func coveredModels(v *ValidationError, in *[]CoveredModelInput) []CoveredModel {
	if in == nil || len(*in) == 0 {
		v.Add("models", "must name at least one camera model")
		return nil
	}
	if len(*in) > 1000 {
		v.Add("models", "must name at most 1000 camera models")
		return nil
	}
	seen := map[string]bool{}
	out := make([]CoveredModel, 0, len(*in))
	for i, m := range *in {
		field := indexedField("models", i)
		id := v.refID(field+".camera_model_id", &m.CameraModelID, true)
		fw := v.text(field+".firmware", &m.Firmware, false, 100)
		k := id + "\x00" + fw
		if seen[k] {
			v.Add(field, "names the same model twice")
		}
		seen[k] = true
		out = append(out, CoveredModel{CameraModelID: id, Firmware: fw})
	}
	sortCovered(out)
	return out
}

// sortCovered puts covered models in one order, the same for input and for
// stored rows, so that a set of models given in another order is no change
// (and writes no event).
func sortCovered(ms []CoveredModel) {
	slices.SortFunc(ms, func(a, b CoveredModel) int {
		return cmp.Or(strings.Compare(a.CameraModelID, b.CameraModelID), strings.Compare(a.Firmware, b.Firmware))
	})
}

// checkOrgKind records a field error unless ref names an organization of
// one of the kinds.
func checkOrgKind(tx *gorm.DB, v *ValidationError, field, ref string, kinds ...string) {
	if !ValidID(ref) {
		return
	}
	var o Organization
	if err := tx.Select("id", "kind").Where("id = ?", ref).Take(&o).Error; err != nil {
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			v.lookupFailed(fmt.Errorf("check organization %s: %w", ref, err))
			return
		}
		v.Add(field, "no organization has id %s", ref)
		return
	}
	if len(kinds) > 0 && !containsStr(kinds, o.Kind) {
		v.Add(field, "must be an organization of kind %s, not %s", strings.Join(kinds, " or "), o.Kind)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Store) checkCertificateRefs(tx *gorm.DB, actor Actor, v *ValidationError, c *Certificate, in CertificateInput, create bool) {
	if (in.StandardCode != nil || create) && c.StandardCode != "" && !s.standardExists(tx, v, c.StandardCode) {
		v.Add("standard_code", "no standard has code %q", c.StandardCode)
	}
	if in.CertificationBodyOrgID != nil || create {
		s.checkOrgKindCached(tx, v, "certification_body_org_id", c.CertificationBodyOrgID, OrgCertificationBody)
	}
	if in.HolderOrgID != nil || create {
		s.checkOrgKindCached(tx, v, "holder_org_id", c.HolderOrgID)
	}
	if in.Models != nil || create {
		// The input's order, not c.Models' sorted one, so that an error's
		// index names the caller's item.
		var ids []string
		if len(c.Models) > 0 {
			for _, m := range *in.Models {
				ids = append(ids, m.CameraModelID)
			}
		}
		s.checkModelRefs(tx, actor, v, "models", ids)
	}
}

// CreateCertificate validates and stores a certificate with its covered
// models. Errors: ErrInvalid, ErrConflict (the number is taken).
func (s *Store) CreateCertificate(ctx context.Context, actor Actor, in CertificateInput) (*Certificate, error) {
	var c *Certificate
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if c, err = s.newCertificate(tx, actor, in); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(c).Error; err != nil {
			return certConflict(err, c)
		}
		if err := tx.Create(&c.Models).Error; err != nil {
			return translate(err, "covered models")
		}
		return log.created("certificate", c.ID, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newCertificate builds the certificate actor records from in, and checks
// it: the role, what a certifier or vendor may set, every field and every
// reference. The single and the batch services (batch_docs.go) both create
// through it. Errors: ErrForbidden, ErrInvalid.
func (s *Store) newCertificate(tx *gorm.DB, actor Actor, in CertificateInput) (*Certificate, error) {
	if err := actor.may("record certificates", RoleAdmin, RoleCertifier, RoleVendor); err != nil {
		return nil, err
	}
	switch actor.Role {
	case RoleCertifier:
		// A certifier issues in its own body's name only.
		if in.CertificationBodyOrgID != nil && *in.CertificationBodyOrgID != actor.OrgID {
			return nil, Forbidden("a certifier records certificates of its own certification body only")
		}
		in.CertificationBodyOrgID = strPtr(actor.OrgID)
		if in.Status != nil && *in.Status == CertPending {
			return nil, Forbidden("a certifier's certificates are confirmed when recorded; pending is for vendors' submissions")
		}
	case RoleVendor:
		// A vendor may submit its own certificate; it stays pending until
		// the certification body confirms it.
		if err := forbidFields(actor.Role, map[string]bool{"status": in.Status != nil, "status_reason": in.StatusReason != nil,
			"status_changed_on": in.StatusChangedOn != nil}); err != nil {
			return nil, err
		}
		if in.HolderOrgID != nil && *in.HolderOrgID != actor.OrgID {
			return nil, Forbidden("a vendor submits certificates held by its own organization only")
		}
		in.HolderOrgID, in.Status = strPtr(actor.OrgID), strPtr(CertPending)
	}
	c := &Certificate{Record: s.newRecord()}
	v := in.apply(c, s.Today(), true)
	s.checkCertificateRefs(tx, actor, v, c, in, true)
	return c, v.Err()
}

func certConflict(err error, c *Certificate) error {
	err = translate(err, "certificate")
	if isConflict(err) {
		return Conflict("certificate number %s already exists", c.Number)
	}
	return err
}

// UpdateCertificate changes the given fields of a certificate, including its
// status (with a reason and the date it takes effect). Errors: ErrNotFound,
// ErrInvalid, ErrConflict, ErrPrecondition.
func (s *Store) UpdateCertificate(ctx context.Context, actor Actor, id string, in CertificateInput, ifVersion *int) (*Certificate, error) {
	var c *Certificate
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if c, err = getCertificate(tx, id); err != nil {
			return err
		}
		before, err := s.changeCertificate(tx, actor, c, in, ifVersion)
		if err != nil {
			return err
		}
		_, err = s.saveCertificate(tx, log, &before, c, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// changeCertificate applies in to the stored certificate c (with its
// covered models), as actor may change it, and returns c as it was. The
// single and the batch services both update through it. Errors:
// ErrNotFound, ErrForbidden, ErrPrecondition, ErrInvalid.
func (s *Store) changeCertificate(tx *gorm.DB, actor Actor, c *Certificate, in CertificateInput, ifVersion *int) (Certificate, error) {
	if err := authorizeCertificateChange(actor, c, in); err != nil {
		return Certificate{}, err
	}
	if err := checkVersion(c.Version, ifVersion); err != nil {
		return Certificate{}, err
	}
	before := *c
	before.Models = append([]CoveredModel(nil), c.Models...)
	v := in.apply(c, s.Today(), false)
	s.checkCertificateRefs(tx, actor, v, c, in, false)
	return before, v.Err()
}

// saveCertificate saves a changed certificate, with its event (a status
// change or an update) and, when in names them, its covered models; an
// unchanged one is left alone. It reports whether c changed.
func (s *Store) saveCertificate(tx *gorm.DB, log *changeLog, before, c *Certificate, in CertificateInput) (bool, error) {
	changed, err := log.updated(statusAction(before.Status, c.Status), "certificate", c.ID, before, c)
	if err != nil || !changed {
		return false, err
	}
	s.touch(&c.Record)
	if err := saveVersioned(tx, c, c.ID, before.Version, "certificate"); err != nil {
		return false, certConflict(err, c)
	}
	if in.Models != nil {
		return true, replaceChildren(tx, "certificate_id", c.ID, c.Models, "covered models")
	}
	return true, nil
}

// authorizeCertificateChange: a certifier changes, confirms, suspends and
// revokes its own body's certificates; a vendor edits its own submissions
// while they are pending; an admin does anything.
func authorizeCertificateChange(actor Actor, c *Certificate, in CertificateInput) error {
	if err := actor.may("change certificates", RoleAdmin, RoleCertifier, RoleVendor); err != nil {
		return err
	}
	notFound := fmt.Errorf("certificate %s: %w", c.ID, ErrNotFound)
	switch actor.Role {
	case RoleCertifier:
		if !actor.Owns(&c.CertificationBodyOrgID) {
			// Another body's certificate: 403 when the certifier may
			// read it anyway (it is public), 404 when it may not know of it.
			if canSeeCertificate(actor, c) {
				return Forbidden("a certifier changes only its own body's certificates")
			}
			return notFound
		}
		if in.CertificationBodyOrgID != nil && *in.CertificationBodyOrgID != actor.OrgID {
			return Forbidden("a certifier cannot hand a certificate to another certification body")
		}
	case RoleVendor:
		if !actor.Owns(&c.HolderOrgID) {
			if canSeeCertificate(actor, c) {
				return Forbidden("only the certification body changes a confirmed certificate")
			}
			return notFound
		}
		if c.Status.Status != CertPending {
			return Forbidden("only the certification body changes a confirmed certificate; this one is %s", c.Status.Status)
		}
		return forbidFields(actor.Role, map[string]bool{"status": in.Status != nil, "status_reason": in.StatusReason != nil,
			"status_changed_on": in.StatusChangedOn != nil, "holder_org_id": in.HolderOrgID != nil})
	}
	return nil
}

func getCertificate(tx *gorm.DB, id string) (*Certificate, error) {
	c, err := get[Certificate](tx, id, "certificate")
	if err != nil {
		return nil, err
	}
	if err := tx.Where("certificate_id = ?", id).Order("camera_model_id, firmware").Find(&c.Models).Error; err != nil {
		return nil, fmt.Errorf("load covered models: %w", err)
	}
	sortCovered(c.Models) // the database's collation may order firmware otherwise
	return c, nil
}

// GetCertificate loads one certificate with its covered models, whoever
// may see it. Errors: ErrNotFound.
func (s *Store) GetCertificate(ctx context.Context, id string) (*Certificate, error) {
	return getCertificate(s.db.WithContext(ctx), id)
}

// ViewCertificate loads one certificate as viewer sees it: another
// organization's pending or rejected submission is not found. Errors:
// ErrNotFound.
func (s *Store) ViewCertificate(ctx context.Context, viewer Actor, id string) (*Certificate, error) {
	c, err := s.GetCertificate(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeCertificate(viewer, c) {
		return nil, fmt.Errorf("certificate %s: %w", id, ErrNotFound)
	}
	return c, nil
}

// CertificateFilter selects certificates. Empty fields match everything.
type CertificateFilter struct {
	Status                 string
	Standard               string
	CertificationBodyOrgID string
	HolderOrgID            string
	CameraModelID          string
	Number                 string
	Method                 int
	// Viewer, when set, hides what that actor may not see.
	Viewer *Actor
}

// FindCertificates lists certificates with their covered models. Errors:
// ErrInvalid.
func (s *Store) FindCertificates(ctx context.Context, f CertificateFilter, p PageRequest) (Page[Certificate], error) {
	var v ValidationError
	db := s.db.WithContext(ctx)
	q := db.Model(&Certificate{})
	q = certStatus.filter(&v, q, f.Status)
	if f.Standard != "" {
		q = q.Where("standard_code = ?", f.Standard)
	}
	if f.CertificationBodyOrgID != "" {
		q = q.Where("certification_body_org_id = ?", f.CertificationBodyOrgID)
	}
	if f.HolderOrgID != "" {
		q = q.Where("holder_org_id = ?", f.HolderOrgID)
	}
	if f.Number != "" {
		q = q.Where("number_key = ?", keyOf(f.Number))
	}
	if f.Method != 0 {
		v.Check(f.Method == 1 || f.Method == 5 || f.Method == 7, "method", "must be 1, 5 or 7")
		q = q.Where("method = ?", f.Method)
	}
	if f.CameraModelID != "" {
		q = q.Where("id IN (?)", db.Model(&CoveredModel{}).Select("certificate_id").Where("camera_model_id = ?", f.CameraModelID))
	}
	if f.Viewer != nil {
		q = visibleCertificates(q, *f.Viewer)
	}
	if err := v.Err(); err != nil {
		return Page[Certificate]{}, err
	}
	page, err := findPage[Certificate](q, "conformity_certificates", p)
	if err != nil {
		return page, err
	}
	return page, loadChildren(db, page.Items, "certificate_id", func(c *Certificate) *[]CoveredModel { return &c.Models },
		func(m CoveredModel) string { return m.CertificateID })
}

// replaceChildren replaces a parent's child rows (covered or affected
// models) with rows, which must not be empty.
func replaceChildren[C any](tx *gorm.DB, column, parentID string, rows []C, what string) error {
	if err := tx.Where(column+" = ?", parentID).Delete(new(C)).Error; err != nil {
		return translate(err, what)
	}
	if err := tx.Create(&rows).Error; err != nil {
		return translate(err, what)
	}
	return nil
}

// loadChildren fills each parent's child list with one query.
func loadChildren[P identified, C any](db *gorm.DB, parents []P, column string, slot func(*P) *[]C, parentOf func(C) string) error {
	if len(parents) == 0 {
		return nil
	}
	ids := make([]string, len(parents))
	byID := make(map[string]*P, len(parents))
	for i := range parents {
		ids[i] = parents[i].GetID()
		byID[ids[i]] = &parents[i]
		*slot(&parents[i]) = []C{}
	}
	var children []C
	if err := db.Where(column+" IN ?", ids).Find(&children).Error; err != nil {
		return fmt.Errorf("load %s children: %w", column, err)
	}
	for _, ch := range children {
		if p := byID[parentOf(ch)]; p != nil {
			*slot(p) = append(*slot(p), ch)
		}
	}
	return nil
}

// keyOf folds a document number for lookups that ignore case, spaces and
// lookalike letters: "VN 123/2025-QCVN" and "vn123/2025-qcvn" are one key
// (fold.NumberKey).
func keyOf(s string) string { return fold.NumberKey(s) }
