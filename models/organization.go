package models

import (
	"context"
	"fmt"
	"strings"

	"camreg/fold"

	"gorm.io/gorm"
)

// The kinds of organization.
const (
	OrgManufacturer       = "manufacturer"
	OrgImporter           = "importer"
	OrgDistributor        = "distributor"
	OrgRetailer           = "retailer"
	OrgOnlineSeller       = "online_seller"
	OrgCertificationBody  = "certification_body"
	OrgAuthority          = "authority"
	OrgMarketSurveillance = "market_surveillance"
	// OrgOperator runs cameras and sells none: an ISP, an agency.
	OrgOperator = "operator"
)

// OrgKinds lists every organization kind.
var OrgKinds = []string{OrgManufacturer, OrgImporter, OrgDistributor, OrgRetailer, OrgOnlineSeller,
	OrgCertificationBody, OrgAuthority, OrgMarketSurveillance, OrgOperator}

// Organization is any party the registry knows: a manufacturer, importer,
// distributor, retailer or online seller (a trader, when it has a tax code),
// a certification body, an authority, or a market-surveillance office.
type Organization struct {
	Record
	Name         string  `json:"name"`
	NameKey      string  `json:"-"`
	Kind         string  `json:"kind"`
	TaxCode      *string `json:"tax_code"`
	Address      string  `json:"address"`
	ProvinceCode *string `json:"province_code"`
	ProvinceName *string `json:"province_name"`
	Country      string  `json:"country"`
	Website      string  `json:"website"`
	Email        string  `json:"email"`
	Phone        string  `json:"phone"`
}

// IsTrader reports whether the organization trades in cameras: a trader is
// an organization with a tax code.
func (o *Organization) IsTrader() bool { return o.TaxCode != nil }

// OrganizationInput creates or changes an organization. Nil fields are left
// as they are on update; create requires name and kind.
type OrganizationInput struct {
	Name     *string
	Kind     *string
	TaxCode  *string
	Address  *string
	Province *string
	Country  *string
	Website  *string
	Email    *string
	Phone    *string
}

// apply validates in and writes it onto o.
func (in OrganizationInput) apply(o *Organization, create bool) error {
	var v ValidationError
	if in.Name != nil || create {
		o.Name = v.text("name", in.Name, true, 300)
		o.NameKey = fold.Text(o.Name)
	}
	if in.Kind != nil || create {
		v.enum("kind", in.Kind, true, OrgKinds...)
		if in.Kind != nil {
			o.Kind = *in.Kind
		}
	}
	if in.TaxCode != nil {
		if strings.TrimSpace(*in.TaxCode) == "" {
			o.TaxCode = nil
		} else if tc, err := CheckTaxCode(*in.TaxCode); err != nil {
			v.Add("tax_code", "%s", err.Error())
		} else {
			o.TaxCode = &tc
		}
	}
	if in.Address != nil {
		o.Address = v.text("address", in.Address, false, 500)
	}
	if in.Province != nil {
		if strings.TrimSpace(*in.Province) == "" {
			o.ProvinceCode, o.ProvinceName = nil, nil
		} else if p := v.province("province", in.Province, false); p != nil {
			o.ProvinceCode, o.ProvinceName = &p.Code, &p.Name
		}
	}
	if in.Country != nil || create {
		if in.Country == nil || *in.Country == "" {
			o.Country = "VN"
		} else {
			o.Country = v.country("country", in.Country, true)
		}
	}
	if in.Website != nil {
		o.Website = v.webURL("website", in.Website)
	}
	if in.Email != nil {
		o.Email = v.email("email", in.Email)
	}
	if in.Phone != nil {
		o.Phone = v.text("phone", in.Phone, false, 30)
		v.Check(o.Phone == "" || phonePattern.MatchString(o.Phone), "phone", "must be a phone number such as +84 24 3825 1234")
	}
	if o.TaxCode != nil && o.Country != "VN" {
		v.Add("tax_code", "a Vietnamese tax code belongs to an organization in VN")
	}
	return v.Err()
}

// CreateOrganization validates and stores a new organization. Errors:
// ErrInvalid, ErrConflict (the tax code is taken).
func (s *Store) CreateOrganization(ctx context.Context, actor Actor, in OrganizationInput) (*Organization, error) {
	o, err := s.newOrganization(actor, in)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if err := tx.Create(o).Error; err != nil {
			return s.orgConflict(err, o)
		}
		return log.created("organization", o.ID, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// newOrganization builds the organization actor registers from in, and
// checks it: the role and every field. The single and the batch services
// (batch_org.go) both create through it. Errors: ErrForbidden, ErrInvalid.
func (s *Store) newOrganization(actor Actor, in OrganizationInput) (*Organization, error) {
	if err := actor.may("register organizations", RoleAdmin, RoleInspector); err != nil {
		return nil, err
	}
	if actor.Role == RoleInspector && (in.Kind == nil || !containsStr(TraderKinds, *in.Kind)) {
		// Inspectors meet new shops in the field; everyone else is
		// registered by an admin.
		return nil, Forbidden("an inspector registers traders only: %s", joinComma(TraderKinds))
	}
	o := &Organization{Record: s.newRecord()}
	if err := in.apply(o, true); err != nil {
		return nil, err
	}
	return o, nil
}

func (s *Store) orgConflict(err error, o *Organization) error {
	err = translate(err, "organization")
	if o.TaxCode != nil && isConflict(err) {
		return Conflict("an organization with tax code %s already exists", *o.TaxCode)
	}
	return err
}

// UpdateOrganization changes the given fields of an organization. A non-nil
// ifVersion must equal the stored version. Errors: ErrNotFound, ErrInvalid,
// ErrConflict, ErrPrecondition.
func (s *Store) UpdateOrganization(ctx context.Context, actor Actor, id string, in OrganizationInput, ifVersion *int) (*Organization, error) {
	var o *Organization
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if o, err = get[Organization](tx, id, "organization"); err != nil {
			return err
		}
		before, err := s.changeOrganization(actor, o, in, ifVersion)
		if err != nil {
			return err
		}
		if _, err := s.saveIfChanged(tx, log, "organization", "organization", &o.Record, before, o); err != nil {
			return s.orgConflict(err, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// changeOrganization applies in to the stored organization o, as actor may
// change it, and returns o as it was. The single and the batch services
// both update through it. Errors: ErrForbidden, ErrPrecondition,
// ErrInvalid.
func (s *Store) changeOrganization(actor Actor, o *Organization, in OrganizationInput, ifVersion *int) (Organization, error) {
	if err := actor.may("change organizations", RoleAdmin, RoleVendor); err != nil {
		return Organization{}, err
	}
	if actor.Role == RoleVendor {
		// A vendor keeps its own contact details up to date; its
		// identity (name, kind, tax code) is the registry's to change.
		if !actor.Owns(&o.ID) {
			return Organization{}, Forbidden("a vendor changes its own organization only")
		}
		if err := forbidFields(actor.Role, map[string]bool{"name": in.Name != nil, "kind": in.Kind != nil,
			"tax_code": in.TaxCode != nil, "country": in.Country != nil}); err != nil {
			return Organization{}, err
		}
	}
	if err := checkVersion(o.Version, ifVersion); err != nil {
		return Organization{}, err
	}
	before := *o
	return before, in.apply(o, false)
}

// DeleteOrganization forgets an organization that nothing refers to. An
// organization that holds certificates, models, listings or keys is kept, as
// the registry's history needs it. Errors: ErrNotFound, ErrConflict,
// ErrPrecondition.
func (s *Store) DeleteOrganization(ctx context.Context, actor Actor, id string, ifVersion *int) error {
	if err := actor.may("delete organizations", RoleAdmin); err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		o, err := get[Organization](tx, id, "organization")
		if err != nil {
			return err
		}
		if err := checkVersion(o.Version, ifVersion); err != nil {
			return err
		}
		refs := []struct{ table, column, what string }{
			{"camera_models", "registrant_org_id", "camera models"},
			{"conformity_certificates", "holder_org_id", "certificates it holds"},
			{"conformity_certificates", "certification_body_org_id", "certificates it issued"},
			{"origin_certificates", "holder_org_id", "certificates of origin"},
			{"warnings", "authority_org_id", "warnings"},
			{"listings", "trader_org_id", "listings"},
			{"api_keys", "org_id", "API keys"},
		}
		for _, r := range refs {
			var n int64
			if err := tx.Table(r.table).Where(r.column+" = ?", id).Count(&n).Error; err != nil {
				return fmt.Errorf("check references to organization: %w", err)
			}
			if n > 0 {
				return Conflict("organization %s still has %d %s; it cannot be deleted", id, n, r.what)
			}
		}
		if err := tx.Delete(&Organization{}, "id = ?", id).Error; err != nil {
			return translate(err, "organization")
		}
		return log.record(ActionDelete, "organization", id, o)
	})
}

// GetOrganization loads one organization. Errors: ErrNotFound.
func (s *Store) GetOrganization(ctx context.Context, id string) (*Organization, error) {
	return get[Organization](s.db.WithContext(ctx), id, "organization")
}

// OrganizationFilter selects organizations. Empty fields match everything.
type OrganizationFilter struct {
	Kind     string
	Province string
	TaxCode  string
	// Trader keeps only organizations with a tax code (true) or without (false).
	Trader *bool
	// Name matches names containing it, ignoring case and diacritics.
	Name string
}

// FindOrganizations lists organizations. Errors: ErrInvalid.
func (s *Store) FindOrganizations(ctx context.Context, f OrganizationFilter, p PageRequest) (Page[Organization], error) {
	var v ValidationError
	q := s.db.WithContext(ctx).Model(&Organization{})
	if f.Kind != "" {
		v.enum("kind", &f.Kind, false, OrgKinds...)
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Province != "" {
		if pr := v.province("province", &f.Province, false); pr != nil {
			q = q.Where("province_code = ?", pr.Code)
		}
	}
	if f.TaxCode != "" {
		q = q.Where("tax_code = ?", strings.TrimSpace(f.TaxCode))
	}
	if f.Trader != nil {
		if *f.Trader {
			q = q.Where("tax_code IS NOT NULL")
		} else {
			q = q.Where("tax_code IS NULL")
		}
	}
	if f.Name != "" {
		q = q.Where(`name_key LIKE ? ESCAPE '\'`, "%"+escapeLike(fold.Text(f.Name))+"%")
	}
	if err := v.Err(); err != nil {
		return Page[Organization]{}, err
	}
	return findPage[Organization](q, "organizations", p)
}

// escapeLike escapes LIKE's wildcards, for a LIKE with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
