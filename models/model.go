package models

import (
	"context"
	"fmt"
	"slices"

	"camreg/fold"

	"gorm.io/gorm"
)

// The registration status of a camera model.
const (
	ModelPending  = "pending"
	ModelVerified = "verified"
)

// ModelKinds lists the kinds of camera.
var ModelKinds = []string{"ip", "wifi", "analog", "ptz", "doorbell", "dashcam", "thermal", "other"}

// Model is a camera model, as its brand sells it. Its ModelKey is the model
// number folded to lower-case letters and digits, unique per brand, so that
// "DS-2CD1023G0E-I" and "ds2cd1023g0ei" are one model.
type Model struct {
	Record
	Brand            string     `json:"brand"`
	BrandKey         string     `json:"brand_key"`
	ModelNumber      string     `json:"model_number"`
	ModelKey         string     `json:"model_key"`
	LooseKey         string     `json:"-"`
	Name             string     `json:"name"`
	Kind             string     `json:"kind"`
	HSCode           string     `gorm:"column:hs_code" json:"hs_code"`
	OriginCountry    string     `json:"origin_country"`
	FirmwareVersions StringList `json:"firmware_versions"`
	// GTINs are the model's barcodes, as 14 digits, each unique across
	// models (model_gtin.go).
	GTINs           StringList `gorm:"column:gtins" json:"gtins"`
	RegistrantOrgID *string    `json:"registrant_org_id"`
	Status          string     `json:"status"`
}

// TableName is the table of camera models.
func (Model) TableName() string { return "camera_models" }

// ModelInput creates or changes a camera model. Nil fields are left as they
// are on update; create requires brand and model_number.
type ModelInput struct {
	Brand            *string
	ModelNumber      *string
	Name             *string
	Kind             *string
	HSCode           *string
	OriginCountry    *string
	FirmwareVersions *[]string
	GTINs            *[]string
	RegistrantOrgID  *string
	Status           *string
}

func (in ModelInput) apply(m *Model, create bool) *ValidationError {
	var v ValidationError
	if in.Brand != nil || create {
		m.Brand = v.text("brand", in.Brand, true, 100)
		m.BrandKey = fold.Key(m.Brand)
		v.Check(m.Brand == "" || m.BrandKey != "", "brand", "must contain letters or digits")
		v.oneScript("brand", m.Brand)
		v.letterSigns("brand", m.Brand)
	}
	if in.ModelNumber != nil || create {
		m.ModelNumber = v.text("model_number", in.ModelNumber, true, 100)
		m.ModelKey = fold.Key(m.ModelNumber)
		m.LooseKey = fold.LooseKey(m.ModelNumber)
		v.Check(m.ModelNumber == "" || m.ModelKey != "", "model_number", "must contain letters or digits")
		v.oneScript("model_number", m.ModelNumber)
		v.letterSigns("model_number", m.ModelNumber)
	}
	if in.Name != nil {
		m.Name = v.text("name", in.Name, false, 300)
	}
	if in.Kind != nil || create {
		if in.Kind == nil {
			m.Kind = "ip"
		} else {
			v.enum("kind", in.Kind, true, ModelKinds...)
			m.Kind = *in.Kind
		}
	}
	if in.HSCode != nil {
		m.HSCode = v.text("hs_code", in.HSCode, false, 20)
		v.Check(m.HSCode == "" || hsCodePattern.MatchString(m.HSCode), "hs_code", "must be an HS code such as 8525.89.10")
	}
	if in.OriginCountry != nil {
		m.OriginCountry = v.country("origin_country", in.OriginCountry, false)
	}
	if in.FirmwareVersions != nil {
		fw := StringList{}
		for i, f := range *in.FirmwareVersions {
			f = v.text(indexedField("firmware_versions", i), &f, true, 100)
			fw = append(fw, f)
		}
		v.Check(len(fw) <= 200, "firmware_versions", "must list at most 200 versions")
		m.FirmwareVersions = fw
	} else if create {
		m.FirmwareVersions = StringList{}
	}
	if in.GTINs != nil {
		m.GTINs = v.checkGTINs("gtins", *in.GTINs)
	} else if create {
		m.GTINs = StringList{}
	}
	if in.RegistrantOrgID != nil {
		m.RegistrantOrgID = optional(v.refID("registrant_org_id", in.RegistrantOrgID, false))
	}
	if in.Status != nil || create {
		if in.Status == nil {
			m.Status = ModelPending
		} else {
			v.enum("status", in.Status, true, ModelPending, ModelVerified)
			m.Status = *in.Status
		}
	}
	return &v
}

// CreateModel validates and stores a new camera model. Errors:
// ErrForbidden, ErrInvalid, ErrConflict (the brand already has this model
// key).
func (s *Store) CreateModel(ctx context.Context, actor Actor, in ModelInput) (*Model, error) {
	var m *Model
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if m, err = s.newModel(tx, actor, in); err != nil {
			return err
		}
		if err := tx.Create(m).Error; err != nil {
			return modelConflict(err, m)
		}
		return log.created("camera_model", m.ID, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// newModel builds the camera model actor registers from in, and checks it:
// the role, what a vendor may set, every field and the registrant. The
// single and the batch services (batch.go) both create through it. Errors:
// ErrForbidden, ErrInvalid.
func (s *Store) newModel(tx *gorm.DB, actor Actor, in ModelInput) (*Model, error) {
	if err := actor.may("register camera models", RoleAdmin, RoleVendor); err != nil {
		return nil, err
	}
	if actor.Role == RoleVendor {
		// A vendor registers for itself, and its registrations wait for
		// an admin to verify them.
		if err := forbidFields(actor.Role, map[string]bool{"status": in.Status != nil,
			"registrant_org_id": in.RegistrantOrgID != nil && *in.RegistrantOrgID != actor.OrgID}); err != nil {
			return nil, err
		}
		in.RegistrantOrgID = strPtr(actor.OrgID)
	}
	m := &Model{Record: s.newRecord()}
	v := in.apply(m, true)
	s.checkOrgRef(tx, v, "registrant_org_id", m.RegistrantOrgID)
	if err := s.lookalikeBrand(tx, v, m); err != nil {
		return nil, err
	}
	if v.Err() == nil {
		s.batchSawModel(nil, m)
	}
	return m, v.Err()
}

func modelConflict(err error, m *Model) error {
	err = translate(err, "camera model")
	if isGTINTaken(err) {
		return err
	}
	if isConflict(err) {
		return Conflict("brand %s already has model %s (model_key %s)", m.Brand, m.ModelNumber, m.ModelKey)
	}
	return err
}

// modelKeyTaken is modelConflict's message for an input whose brand and
// model number a model the actor may not see already holds (m), in the
// input's spelling where it gives one.
func modelKeyTaken(in ModelInput, m *Model) error {
	brand, number := m.Brand, m.ModelNumber
	if in.Brand != nil {
		brand = *in.Brand
	}
	if in.ModelNumber != nil {
		number = *in.ModelNumber
	}
	return Conflict("brand %s already has model %s (model_key %s)", brand, number, m.ModelKey)
}

// checkOrgRef records a field error when ref names no organization.
func (s *Store) checkOrgRef(tx *gorm.DB, v *ValidationError, field string, ref *string) {
	if ref == nil || !ValidID(*ref) {
		return
	}
	s.checkOrgKindCached(tx, v, field, *ref)
}

// UpdateModel changes the given fields of a camera model. Errors:
// ErrNotFound, ErrInvalid, ErrConflict, ErrPrecondition.
func (s *Store) UpdateModel(ctx context.Context, actor Actor, id string, in ModelInput, ifVersion *int) (*Model, error) {
	var m *Model
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if m, err = get[Model](tx, id, "camera model"); err != nil {
			return err
		}
		before, err := s.changeModel(tx, actor, m, in, ifVersion)
		if err != nil {
			return err
		}
		if _, err := s.saveIfChanged(tx, log, "camera_model", "camera model", &m.Record, before, m); err != nil {
			return modelConflict(err, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// changeModel applies in to the stored camera model m, as actor may change
// it, and returns m as it was. The single and the batch services both
// update through it. Errors: ErrNotFound (a vendor's view of another's
// pending model), ErrForbidden, ErrPrecondition, ErrInvalid.
func (s *Store) changeModel(tx *gorm.DB, actor Actor, m *Model, in ModelInput, ifVersion *int) (Model, error) {
	if err := actor.may("change camera models", RoleAdmin, RoleVendor); err != nil {
		return Model{}, err
	}
	if actor.Role == RoleVendor {
		if !actor.Owns(m.RegistrantOrgID) {
			if canSeeModel(actor, m) {
				return Model{}, Forbidden("a vendor changes its own organization's models only")
			}
			return Model{}, fmt.Errorf("camera model %s: %w", m.ID, ErrNotFound)
		}
		if err := forbidFields(actor.Role, map[string]bool{"status": in.Status != nil,
			"registrant_org_id": in.RegistrantOrgID != nil && *in.RegistrantOrgID != actor.OrgID}); err != nil {
			return Model{}, err
		}
	}
	if err := checkVersion(m.Version, ifVersion); err != nil {
		return Model{}, err
	}
	before := *m
	before.FirmwareVersions = slices.Clone(m.FirmwareVersions) // nil stays nil, empty stays empty: equal rows compare equal
	v := in.apply(m, false)
	if actor.Role == RoleVendor && before.Status == ModelVerified {
		if err := verifiedFactsKept(&before, m); err != nil {
			return Model{}, err
		}
	}
	if in.RegistrantOrgID != nil {
		s.checkOrgRef(tx, v, "registrant_org_id", m.RegistrantOrgID)
	}
	if m.BrandKey != before.BrandKey || m.LooseKey != before.LooseKey || m.Status == ModelVerified && before.Status != ModelVerified {
		if err := s.lookalikeBrand(tx, v, m); err != nil {
			return Model{}, err
		}
	}
	if v.Err() == nil {
		s.batchSawModel(&before, m)
	}
	return before, v.Err()
}

// verifiedFactsKept refuses a vendor's change to the facts of a verified
// model that the verdict reads: its identity (brand and model number, as
// their keys: a change of case or punctuation is allowed), origin (proof of
// origin), firmware versions (warning ranges), kind and HS code. An admin
// verified them; an admin changes them. Sending the model back to pending
// instead would take it out of verify's exact matches: a vendor could then
// turn a ban on its own model into "not found in the registry" by renaming
// it or editing a field. The error names every field.
func verifiedFactsKept(before, after *Model) error {
	var changed []string
	if after.BrandKey != before.BrandKey {
		changed = append(changed, "brand")
	}
	if after.ModelKey != before.ModelKey {
		changed = append(changed, "model_number")
	}
	if after.OriginCountry != before.OriginCountry {
		changed = append(changed, "origin_country")
	}
	if !slices.Equal(after.FirmwareVersions, before.FirmwareVersions) {
		changed = append(changed, "firmware_versions")
	}
	if after.Kind != before.Kind {
		changed = append(changed, "kind")
	}
	if after.HSCode != before.HSCode {
		changed = append(changed, "hs_code")
	}
	if len(changed) == 0 {
		return nil
	}
	return Forbidden("a vendor may not change %s of a verified model: the verdict relies on them, so only an admin changes them (ask for the change, with evidence)",
		joinComma(changed))
}

// DeleteModel forgets a camera model that no certificate, warning, C/O or
// listing refers to. Errors: ErrNotFound, ErrConflict, ErrPrecondition.
func (s *Store) DeleteModel(ctx context.Context, actor Actor, id string, ifVersion *int) error {
	if err := actor.may("delete camera models", RoleAdmin); err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		m, err := get[Model](tx, id, "camera model")
		if err != nil {
			return err
		}
		if err := checkVersion(m.Version, ifVersion); err != nil {
			return err
		}
		refs := []struct{ table, what string }{
			{"certificate_models", "conformity certificates"},
			{"origin_certificate_models", "certificates of origin"},
			{"warning_models", "warnings"},
			{"listings", "listings"},
		}
		for _, r := range refs {
			var n int64
			if err := tx.Table(r.table).Where("camera_model_id = ?", id).Count(&n).Error; err != nil {
				return fmt.Errorf("check references to camera model: %w", err)
			}
			if n > 0 {
				return Conflict("camera model %s is named by %d %s; it cannot be deleted", id, n, r.what)
			}
		}
		if err := tx.Delete(&Model{}, "id = ?", id).Error; err != nil {
			return translate(err, "camera model")
		}
		return log.record(ActionDelete, "camera_model", id, m)
	})
}

// GetModel loads one camera model, whoever may see it. Errors: ErrNotFound.
func (s *Store) GetModel(ctx context.Context, id string) (*Model, error) {
	return get[Model](s.db.WithContext(ctx), id, "camera model")
}

// ViewModel loads one camera model as viewer sees it: a pending
// registration of another organization is not found. Errors: ErrNotFound.
func (s *Store) ViewModel(ctx context.Context, viewer Actor, id string) (*Model, error) {
	m, err := s.GetModel(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeModel(viewer, m) {
		return nil, fmt.Errorf("camera model %s: %w", id, ErrNotFound)
	}
	return m, nil
}

// ModelFilter selects camera models. Empty fields match everything.
type ModelFilter struct {
	Brand  string
	Kind   string
	Status string
	// Model matches model keys that start with the folded text, so
	// "2cd1023" does not match but "ds-2cd" does.
	Model           string
	RegistrantOrgID string
	OriginCountry   string
	// Viewer, when set, hides what that actor may not see.
	Viewer *Actor
}

// FindModels lists camera models. Errors: ErrInvalid.
func (s *Store) FindModels(ctx context.Context, f ModelFilter, p PageRequest) (Page[Model], error) {
	var v ValidationError
	q := s.db.WithContext(ctx).Model(&Model{})
	if f.Brand != "" {
		q = q.Where("brand_key = ?", fold.Key(f.Brand))
	}
	if f.Kind != "" {
		v.enum("kind", &f.Kind, false, ModelKinds...)
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		v.enum("status", &f.Status, false, ModelPending, ModelVerified)
		q = q.Where("status = ?", f.Status)
	}
	if f.Model != "" {
		q = q.Where(`model_key LIKE ? ESCAPE '\'`, escapeLike(fold.Key(f.Model))+"%")
	}
	if f.RegistrantOrgID != "" {
		q = q.Where("registrant_org_id = ?", f.RegistrantOrgID)
	}
	if f.OriginCountry != "" {
		q = q.Where("origin_country = ?", v.country("origin_country", &f.OriginCountry, false))
	}
	if f.Viewer != nil {
		q = visibleModels(q, *f.Viewer)
	}
	if err := v.Err(); err != nil {
		return Page[Model]{}, err
	}
	return findPage[Model](q, "camera_models", p)
}
