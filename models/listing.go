package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Listing channels and sources.
var (
	Channels       = []string{"shop", "online"}
	ListingSources = []string{"self_declared", "inspection", "marketplace"}
	// TraderKinds are the organization kinds that sell cameras.
	TraderKinds = []string{OrgManufacturer, OrgImporter, OrgDistributor, OrgRetailer, OrgOnlineSeller}
)

// Listing records that a trader offers a camera model, in a shop or online.
type Listing struct {
	Record
	TraderOrgID   string  `json:"trader_org_id"`
	CameraModelID string  `json:"camera_model_id"`
	Channel       string  `json:"channel"`
	URL           string  `gorm:"column:url" json:"url"`
	ShopAddress   string  `json:"shop_address"`
	ProvinceCode  *string `json:"province_code"`
	ProvinceName  *string `json:"province_name"`
	PriceVND      *int64  `gorm:"column:price_vnd" json:"price_vnd"`
	FirstSeenOn   Date    `json:"first_seen_on"`
	LastSeenOn    Date    `json:"last_seen_on"`
	Source        string  `json:"source"`
}

// ListingInput creates or changes a listing.
type ListingInput struct {
	TraderOrgID   *string
	CameraModelID *string
	Channel       *string
	URL           *string
	ShopAddress   *string
	Province      *string
	PriceVND      *int64
	FirstSeenOn   *string
	LastSeenOn    *string
	Source        *string
}

func (in ListingInput) apply(l *Listing, today Date, create bool) *ValidationError {
	var v ValidationError
	if in.TraderOrgID != nil || create {
		l.TraderOrgID = v.refID("trader_org_id", in.TraderOrgID, true)
	}
	if in.CameraModelID != nil || create {
		l.CameraModelID = v.refID("camera_model_id", in.CameraModelID, true)
	}
	if in.Channel != nil || create {
		v.enum("channel", in.Channel, true, Channels...)
		if in.Channel != nil {
			l.Channel = *in.Channel
		}
	}
	if in.URL != nil {
		l.URL = v.webURL("url", in.URL)
	}
	if in.ShopAddress != nil {
		l.ShopAddress = v.text("shop_address", in.ShopAddress, false, 500)
	}
	if in.Province != nil {
		if p := v.province("province", in.Province, false); p != nil {
			l.ProvinceCode, l.ProvinceName = &p.Code, &p.Name
		} else if *in.Province == "" {
			l.ProvinceCode, l.ProvinceName = nil, nil
		}
	}
	if in.PriceVND != nil {
		v.Check(*in.PriceVND >= 0 && *in.PriceVND <= 10_000_000_000, "price_vnd", "must be between 0 and 10,000,000,000 đồng")
		l.PriceVND = in.PriceVND
	}
	if in.FirstSeenOn != nil || create {
		l.FirstSeenOn = v.date("first_seen_on", in.FirstSeenOn, false)
		if l.FirstSeenOn.IsZero() {
			l.FirstSeenOn = today
		}
	}
	if in.LastSeenOn != nil || create {
		l.LastSeenOn = v.date("last_seen_on", in.LastSeenOn, false)
		if l.LastSeenOn.IsZero() {
			l.LastSeenOn = l.FirstSeenOn
		}
	}
	if l.LastSeenOn.Before(l.FirstSeenOn) {
		v.Add("last_seen_on", "must not be before first_seen_on")
	}
	if in.Source != nil || create {
		if in.Source == nil {
			l.Source = "self_declared"
		} else {
			v.enum("source", in.Source, true, ListingSources...)
			l.Source = *in.Source
		}
	}
	if l.Channel == "online" && l.URL == "" {
		v.Add("url", "is required for an online listing")
	}
	if l.Channel == "shop" && l.ShopAddress == "" && l.ProvinceCode == nil {
		v.Add("shop_address", "is required for a shop listing, or at least a province")
	}
	return &v
}

func (s *Store) checkListingRefs(tx *gorm.DB, actor Actor, v *ValidationError, l *Listing, in ListingInput, create bool) {
	if in.TraderOrgID != nil || create {
		s.checkOrgKindCached(tx, v, "trader_org_id", l.TraderOrgID, TraderKinds...)
	}
	if (in.CameraModelID != nil || create) && ValidID(l.CameraModelID) {
		s.checkModelRefCached(tx, actor, v, "camera_model_id", l.CameraModelID)
	}
}

// CreateListing validates and stores a listing. Errors: ErrForbidden,
// ErrInvalid.
func (s *Store) CreateListing(ctx context.Context, actor Actor, in ListingInput) (*Listing, error) {
	var l *Listing
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if l, err = s.newListing(tx, actor, in); err != nil {
			return err
		}
		if err := tx.Create(l).Error; err != nil {
			return translate(err, "listing")
		}
		return log.created("listing", l.ID, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// newListing builds the listing actor creates from in, and checks it: the
// role, a vendor's own trader, every field and the references. The single
// and the batch services (batch.go) both create through it. Errors:
// ErrForbidden, ErrInvalid.
func (s *Store) newListing(tx *gorm.DB, actor Actor, in ListingInput) (*Listing, error) {
	if err := actor.may("record listings", RoleAdmin, RoleVendor, RoleInspector); err != nil {
		return nil, err
	}
	if actor.Role == RoleVendor {
		if in.TraderOrgID != nil && *in.TraderOrgID != actor.OrgID {
			return nil, Forbidden("a vendor records its own organization's listings only")
		}
		in.TraderOrgID = strPtr(actor.OrgID)
	}
	l := &Listing{Record: s.newRecord()}
	v := in.apply(l, s.Today(), true)
	s.checkListingRefs(tx, actor, v, l, in, true)
	return l, v.Err()
}

// UpdateListing changes the given fields of a listing. Errors: ErrNotFound,
// ErrInvalid, ErrPrecondition.
func (s *Store) UpdateListing(ctx context.Context, actor Actor, id string, in ListingInput, ifVersion *int) (*Listing, error) {
	var l *Listing
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if l, err = get[Listing](tx, id, "listing"); err != nil {
			return err
		}
		before, err := s.changeListing(tx, actor, l, in, ifVersion)
		if err != nil {
			return err
		}
		_, err = s.saveIfChanged(tx, log, "listing", "listing", &l.Record, before, l)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// changeListing applies in to the stored listing l, as actor may change
// it, and returns l as it was. The single and the batch services both
// update through it. Errors: ErrForbidden, ErrPrecondition, ErrInvalid.
func (s *Store) changeListing(tx *gorm.DB, actor Actor, l *Listing, in ListingInput, ifVersion *int) (Listing, error) {
	if err := authorizeListing(actor, l, in.TraderOrgID); err != nil {
		return Listing{}, err
	}
	if err := checkVersion(l.Version, ifVersion); err != nil {
		return Listing{}, err
	}
	before := *l
	v := in.apply(l, s.Today(), false)
	s.checkListingRefs(tx, actor, v, l, in, false)
	return before, v.Err()
}

// DeleteListing forgets a listing: the trader no longer offers the model.
// Errors: ErrNotFound, ErrPrecondition.
func (s *Store) DeleteListing(ctx context.Context, actor Actor, id string, ifVersion *int) error {
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		l, err := get[Listing](tx, id, "listing")
		if err != nil {
			return err
		}
		if err := authorizeListing(actor, l, nil); err != nil {
			return err
		}
		if err := checkVersion(l.Version, ifVersion); err != nil {
			return err
		}
		if err := tx.Delete(&Listing{}, "id = ?", id).Error; err != nil {
			return translate(err, "listing")
		}
		return log.record(ActionDelete, "listing", id, l)
	})
}

// authorizeListing: a vendor changes its own organization's listings only,
// and cannot move one to another trader; inspectors and admins change any.
func authorizeListing(actor Actor, l *Listing, newTrader *string) error {
	if err := actor.may("change listings", RoleAdmin, RoleVendor, RoleInspector); err != nil {
		return err
	}
	if actor.Role == RoleVendor {
		if !actor.Owns(&l.TraderOrgID) {
			return Forbidden("a vendor changes its own organization's listings only")
		}
		if newTrader != nil && *newTrader != actor.OrgID {
			return Forbidden("a vendor cannot move a listing to another trader")
		}
	}
	return nil
}

// GetListing loads one listing. Errors: ErrNotFound.
func (s *Store) GetListing(ctx context.Context, id string) (*Listing, error) {
	return get[Listing](s.db.WithContext(ctx), id, "listing")
}

// ViewListing loads one listing as viewer sees it: a listing of a model
// the viewer may not see (another organization's pending registration) is
// not found. Errors: ErrNotFound.
func (s *Store) ViewListing(ctx context.Context, viewer Actor, id string) (*Listing, error) {
	l, err := s.GetListing(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.ViewModel(ctx, viewer, l.CameraModelID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("listing %s: %w", id, ErrNotFound)
		}
		return nil, err
	}
	return l, nil
}

// ListingFilter selects listings.
type ListingFilter struct {
	// Viewer, when set, leaves out the listings of models it may not see.
	Viewer        *Actor
	TraderOrgID   string
	CameraModelID string
	Province      string
	Channel       string
	Source        string
}

// FindListings lists listings. Errors: ErrInvalid.
func (s *Store) FindListings(ctx context.Context, f ListingFilter, p PageRequest) (Page[Listing], error) {
	var v ValidationError
	q := s.db.WithContext(ctx).Model(&Listing{})
	if f.Viewer != nil && !f.Viewer.Privileged() && f.Viewer.Role != RoleCertifier {
		// Correlated, so that a page looks up the models of its own rows
		// only: "IN (the public models)" listed every public model for
		// each page, and led SQLite to read every listing of each. The
		// LIMIT 1 keeps it correlated: without it, the driver's SQLite
		// turns the EXISTS into a join and builds a Bloom filter over
		// every public model for each page, 100-300 ms a page on the
		// national set (6-8% of the soak's server CPU); with it, 0.2-0.9 ms.
		q = q.Where("EXISTS (?)", visibleModels(s.db.WithContext(ctx).Model(&Model{}).Select("1").
			Where("camera_models.id = listings.camera_model_id"), *f.Viewer).Limit(1))
	}
	if f.TraderOrgID != "" {
		q = q.Where("trader_org_id = ?", f.TraderOrgID)
	}
	if f.CameraModelID != "" {
		q = q.Where("camera_model_id = ?", f.CameraModelID)
	}
	if f.Province != "" {
		if pr := v.province("province", &f.Province, false); pr != nil {
			q = q.Where("province_code = ?", pr.Code)
		}
	}
	if f.Channel != "" {
		v.enum("channel", &f.Channel, false, Channels...)
		q = q.Where("channel = ?", f.Channel)
	}
	if f.Source != "" {
		v.enum("source", &f.Source, false, ListingSources...)
		q = q.Where("source = ?", f.Source)
	}
	if err := v.Err(); err != nil {
		return Page[Listing]{}, fmt.Errorf("find listings: %w", err)
	}
	return findPage[Listing](q, "listings", p)
}
