package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OriginForms are the common forms of certificate of origin: preferential
// forms under Vietnam's trade agreements, and the non-preferential form B.
var OriginForms = []string{"D", "E", "AK", "AJ", "VJ", "AI", "AANZ", "AHK", "VC", "VK", "EUR.1", "CPTPP", "RCEP", "B", "other"}

// originStatus: a C/O is valid until the issuer or an authority revokes it.
var originStatus = statusRules{
	initial:    CertValid,
	statuses:   []string{CertValid, CertRevoked},
	needReason: []string{CertRevoked},
	transitions: map[string][]string{
		CertValid:   {CertRevoked},
		CertRevoked: {},
	},
	final: []string{CertRevoked},
}

// OriginCertificate is a certificate of origin (C/O) for cameras, usually
// tied to one import lot or invoice. Like conformity certificates, C/Os are
// never deleted, only revoked.
type OriginCertificate struct {
	Record
	Number           string  `json:"number"`
	NumberKey        string  `json:"-"`
	Form             string  `json:"form"`
	Issuer           string  `json:"issuer"`
	ExportingCountry string  `json:"exporting_country"`
	IssuedOn         Date    `json:"issued_on"`
	HolderOrgID      *string `json:"holder_org_id"`
	LotRef           string  `json:"lot_ref"`
	InvoiceRef       string  `json:"invoice_ref"`
	Status           `gorm:"embedded"`
	// DeclaredByVendor is true for a C/O a vendor recorded or last
	// changed, until an admin confirms it: verify does not take a vendor's
	// word alone as proof of origin.
	DeclaredByVendor bool          `gorm:"column:declared_by_vendor" json:"declared_by_vendor"`
	Models           []OriginModel `gorm:"foreignKey:OriginCertificateID" json:"models"`
}

// TableName is the table of certificates of origin.
func (OriginCertificate) TableName() string { return "origin_certificates" }

// OriginModel is a camera model that a C/O covers.
type OriginModel struct {
	OriginCertificateID string `json:"-"`
	CameraModelID       string `json:"camera_model_id"`
}

// TableName is the table of models covered by C/Os.
func (OriginModel) TableName() string { return "origin_certificate_models" }

// OriginCertificateInput creates or changes a C/O.
type OriginCertificateInput struct {
	Number           *string
	Form             *string
	Issuer           *string
	ExportingCountry *string
	IssuedOn         *string
	HolderOrgID      *string
	LotRef           *string
	InvoiceRef       *string
	Status           *string
	StatusReason     *string
	StatusChangedOn  *string
	CameraModelIDs   *[]string
	// Confirmed, set by an admin, confirms a vendor's declaration.
	Confirmed *bool
}

func (in OriginCertificateInput) apply(o *OriginCertificate, today Date, create bool) *ValidationError {
	var v ValidationError
	if in.Number != nil || create {
		o.Number = v.text("number", in.Number, true, 100)
		o.NumberKey = keyOf(o.Number)
	}
	if in.Form != nil || create {
		if in.Form != nil {
			f := strings.ToUpper(strings.TrimSpace(*in.Form))
			if f == "OTHER" {
				f = "other"
			}
			in.Form = &f
		}
		v.enum("form", in.Form, true, OriginForms...)
		if in.Form != nil {
			o.Form = *in.Form
		}
	}
	if in.Issuer != nil || create {
		o.Issuer = v.text("issuer", in.Issuer, true, 300)
	}
	if in.ExportingCountry != nil || create {
		o.ExportingCountry = v.country("exporting_country", in.ExportingCountry, true)
	}
	if in.IssuedOn != nil || create {
		o.IssuedOn = v.date("issued_on", in.IssuedOn, true)
	}
	if in.HolderOrgID != nil {
		o.HolderOrgID = optional(v.refID("holder_org_id", in.HolderOrgID, false))
	}
	if in.LotRef != nil {
		o.LotRef = v.text("lot_ref", in.LotRef, false, 200)
	}
	if in.InvoiceRef != nil {
		o.InvoiceRef = v.text("invoice_ref", in.InvoiceRef, false, 200)
	}
	originStatus.apply(&v, &o.Status, in.Status, in.StatusReason, in.StatusChangedOn, today, create)
	if in.CameraModelIDs != nil || create {
		ms := []CoveredModelInput{}
		if in.CameraModelIDs != nil {
			for _, id := range *in.CameraModelIDs {
				ms = append(ms, CoveredModelInput{CameraModelID: id})
			}
		}
		var mv ValidationError
		covered := coveredModels(&mv, &ms)
		for _, e := range mv.Errors {
			e.Field = strings.Replace(strings.TrimSuffix(e.Field, ".camera_model_id"), "models", "camera_model_ids", 1)
			v.Errors = append(v.Errors, e)
		}
		o.Models = make([]OriginModel, len(covered))
		for i, m := range covered {
			o.Models[i] = OriginModel{OriginCertificateID: o.ID, CameraModelID: m.CameraModelID}
		}
	}
	return &v
}

func (s *Store) checkOriginRefs(tx *gorm.DB, actor Actor, v *ValidationError, o *OriginCertificate, in OriginCertificateInput, create bool) {
	if o.HolderOrgID != nil && in.HolderOrgID != nil {
		s.checkOrgKindCached(tx, v, "holder_org_id", *o.HolderOrgID)
	}
	if in.CameraModelIDs != nil || create {
		// The input's order, not o.Models' sorted one, so that an error's
		// index names the caller's item.
		var ids []string
		if len(o.Models) > 0 {
			ids = *in.CameraModelIDs
		}
		var mv ValidationError
		s.checkModelRefs(tx, actor, &mv, "camera_model_ids", ids)
		v.lookupFailed(mv.lookup)
		for _, e := range mv.Errors {
			e.Field = strings.TrimSuffix(e.Field, ".camera_model_id")
			v.Errors = append(v.Errors, e)
		}
	}
}

// CreateOriginCertificate validates and stores a C/O. Errors: ErrInvalid,
// ErrConflict (the same number from the same country exists).
func (s *Store) CreateOriginCertificate(ctx context.Context, actor Actor, in OriginCertificateInput) (*OriginCertificate, error) {
	var o *OriginCertificate
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if o, err = s.newOrigin(tx, actor, in); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(o).Error; err != nil {
			return originConflict(err, o)
		}
		if err := tx.Create(&o.Models).Error; err != nil {
			return translate(err, "covered models")
		}
		return log.created("origin_certificate", o.ID, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// newOrigin builds the C/O actor records from in, and checks it: the role,
// what a vendor may set, every field and every reference. The single and
// the batch services (batch_docs.go) both create through it. Errors:
// ErrForbidden, ErrInvalid.
func (s *Store) newOrigin(tx *gorm.DB, actor Actor, in OriginCertificateInput) (*OriginCertificate, error) {
	if err := actor.may("record certificates of origin", RoleAdmin, RoleVendor); err != nil {
		return nil, err
	}
	if actor.Role == RoleVendor {
		if err := forbidFields(actor.Role, map[string]bool{"status": in.Status != nil, "status_reason": in.StatusReason != nil,
			"status_changed_on": in.StatusChangedOn != nil}); err != nil {
			return nil, err
		}
		if in.HolderOrgID != nil && *in.HolderOrgID != actor.OrgID {
			return nil, Forbidden("a vendor records certificates of origin held by its own organization only")
		}
		in.HolderOrgID = strPtr(actor.OrgID)
	}
	if err := forbidConfirm(actor, in); err != nil {
		return nil, err
	}
	o := &OriginCertificate{Record: s.newRecord()}
	v := in.apply(o, s.Today(), true)
	o.DeclaredByVendor = actor.Role == RoleVendor
	s.checkOriginRefs(tx, actor, v, o, in, true)
	return o, v.Err()
}

// forbidConfirm refuses "confirmed" from anyone but an admin.
func forbidConfirm(actor Actor, in OriginCertificateInput) error {
	if in.Confirmed != nil && actor.Role != RoleAdmin {
		return Forbidden("only an admin confirms a certificate of origin")
	}
	return nil
}

func originConflict(err error, o *OriginCertificate) error {
	err = translate(err, "certificate of origin")
	if isConflict(err) {
		return Conflict("a certificate of origin numbered %s from %s already exists", o.Number, o.ExportingCountry)
	}
	return err
}

// UpdateOriginCertificate changes the given fields of a C/O. Errors:
// ErrNotFound, ErrInvalid, ErrConflict, ErrPrecondition.
func (s *Store) UpdateOriginCertificate(ctx context.Context, actor Actor, id string, in OriginCertificateInput, ifVersion *int) (*OriginCertificate, error) {
	var o *OriginCertificate
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if o, err = getOrigin(tx, id); err != nil {
			return err
		}
		before, err := s.changeOrigin(tx, actor, o, in, ifVersion)
		if err != nil {
			return err
		}
		_, err = s.saveOrigin(tx, log, &before, o, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// changeOrigin applies in to the stored C/O o (with its models), as actor
// may change it, and returns o as it was. The single and the batch
// services both update through it. Errors: ErrForbidden, ErrPrecondition,
// ErrInvalid.
func (s *Store) changeOrigin(tx *gorm.DB, actor Actor, o *OriginCertificate, in OriginCertificateInput, ifVersion *int) (OriginCertificate, error) {
	if err := actor.may("change certificates of origin", RoleAdmin, RoleVendor); err != nil {
		return OriginCertificate{}, err
	}
	if actor.Role == RoleVendor {
		if !actor.Owns(o.HolderOrgID) {
			return OriginCertificate{}, Forbidden("certificate of origin %s belongs to another organization; a vendor may change only its own", o.Number)
		}
		if err := forbidFields(actor.Role, map[string]bool{"status": in.Status != nil, "status_reason": in.StatusReason != nil,
			"status_changed_on": in.StatusChangedOn != nil, "holder_org_id": in.HolderOrgID != nil}); err != nil {
			return OriginCertificate{}, err
		}
	}
	if err := checkVersion(o.Version, ifVersion); err != nil {
		return OriginCertificate{}, err
	}
	if err := forbidConfirm(actor, in); err != nil {
		return OriginCertificate{}, err
	}
	before := *o
	before.Models = append([]OriginModel(nil), o.Models...)
	v := in.apply(o, s.Today(), false)
	switch {
	case actor.Role == RoleVendor:
		// A vendor's change is its word again, whatever was confirmed.
		o.DeclaredByVendor = true
	case in.Confirmed != nil:
		o.DeclaredByVendor = !*in.Confirmed
	}
	s.checkOriginRefs(tx, actor, v, o, in, false)
	return before, v.Err()
}

// saveOrigin saves a changed C/O, with its event and, when in names them,
// its models; an unchanged one is left alone. It reports whether o changed.
func (s *Store) saveOrigin(tx *gorm.DB, log *changeLog, before, o *OriginCertificate, in OriginCertificateInput) (bool, error) {
	changed, err := log.updated(statusAction(before.Status, o.Status), "origin_certificate", o.ID, before, o)
	if err != nil || !changed {
		return false, err
	}
	s.touch(&o.Record)
	if err := saveVersioned(tx, o, o.ID, before.Version, "certificate of origin"); err != nil {
		return false, originConflict(err, o)
	}
	if in.CameraModelIDs != nil {
		return true, replaceChildren(tx, "origin_certificate_id", o.ID, o.Models, "covered models")
	}
	return true, nil
}

func getOrigin(tx *gorm.DB, id string) (*OriginCertificate, error) {
	o, err := get[OriginCertificate](tx, id, "certificate of origin")
	if err != nil {
		return nil, err
	}
	if err := tx.Where("origin_certificate_id = ?", id).Order("camera_model_id").Find(&o.Models).Error; err != nil {
		return nil, fmt.Errorf("load covered models: %w", err)
	}
	return o, nil
}

// GetOriginCertificate loads one C/O with its models. Errors: ErrNotFound.
func (s *Store) GetOriginCertificate(ctx context.Context, id string) (*OriginCertificate, error) {
	return getOrigin(s.db.WithContext(ctx), id)
}

// OriginCertificateFilter selects C/Os.
type OriginCertificateFilter struct {
	Form             string
	ExportingCountry string
	HolderOrgID      string
	CameraModelID    string
	Number           string
	Status           string
}

// FindOriginCertificates lists C/Os with their models. Errors: ErrInvalid.
func (s *Store) FindOriginCertificates(ctx context.Context, f OriginCertificateFilter, p PageRequest) (Page[OriginCertificate], error) {
	var v ValidationError
	db := s.db.WithContext(ctx)
	q := db.Model(&OriginCertificate{})
	if f.Form != "" {
		q = q.Where("form = ?", f.Form)
	}
	if f.ExportingCountry != "" {
		q = q.Where("exporting_country = ?", v.country("exporting_country", &f.ExportingCountry, false))
	}
	if f.HolderOrgID != "" {
		q = q.Where("holder_org_id = ?", f.HolderOrgID)
	}
	if f.Number != "" {
		q = q.Where("number_key = ?", keyOf(f.Number))
	}
	q = originStatus.filter(&v, q, f.Status)
	if f.CameraModelID != "" {
		q = q.Where("id IN (?)", db.Model(&OriginModel{}).Select("origin_certificate_id").Where("camera_model_id = ?", f.CameraModelID))
	}
	if err := v.Err(); err != nil {
		return Page[OriginCertificate]{}, err
	}
	page, err := findPage[OriginCertificate](q, "origin_certificates", p)
	if err != nil {
		return page, err
	}
	return page, loadChildren(db, page.Items, "origin_certificate_id",
		func(o *OriginCertificate) *[]OriginModel { return &o.Models },
		func(m OriginModel) string { return m.OriginCertificateID })
}
