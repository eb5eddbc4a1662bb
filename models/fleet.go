package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Fleets (issue #17): the cameras an organization runs. An operator (an
// agency, an ISP) keeps the fleets of its own organization; admins and
// authorities read every fleet. Another organization's fleet is
// ErrNotFound to an operator, so that nobody learns it exists. A fleet's
// devices are in fleet_device.go, its report in fleet_report.go.

// Fleet is a named set of installed cameras of one organization, such as
// one information system's.
type Fleet struct {
	Record
	OrgID       string `json:"org_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// SecurityLevel is the information system's level (1-5, Decree
	// 85/2016/NĐ-CP), where the owner records one.
	SecurityLevel *int `json:"security_level"`
}

// FleetInput creates or changes a fleet. OrgID is set by admins only: an
// operator's fleets are its own organization's.
type FleetInput struct {
	OrgID         *string
	Name          *string
	Description   *string
	SecurityLevel *int
}

func (in FleetInput) apply(f *Fleet, create bool) *ValidationError {
	var v ValidationError
	if in.OrgID != nil || create {
		f.OrgID = v.refID("org_id", in.OrgID, true)
	}
	if in.Name != nil || create {
		f.Name = v.text("name", in.Name, true, 200)
	}
	if in.Description != nil {
		f.Description = v.text("description", in.Description, false, 2000)
	}
	if in.SecurityLevel != nil {
		v.Check(*in.SecurityLevel >= 1 && *in.SecurityLevel <= 5, "security_level", "must be between 1 and 5")
		l := *in.SecurityLevel
		f.SecurityLevel = &l
	}
	return &v
}

// canReadFleets: the roles that may read fleets at all.
func canReadFleets(a Actor) bool {
	return a.Role == RoleAdmin || a.Role == RoleAuthority || a.Role == RoleOperator
}

// seesFleet reports whether the viewer may read the fleet: admins and
// authorities read all, an operator its own organization's.
func seesFleet(viewer Actor, f *Fleet) bool {
	return viewer.Role == RoleAdmin || viewer.Role == RoleAuthority || (viewer.Role == RoleOperator && viewer.Owns(&f.OrgID))
}

// keepsFleet reports whether the actor may change the fleet: admins, and
// the operator of its organization.
func keepsFleet(actor Actor, f *Fleet) bool {
	return actor.Role == RoleAdmin || (actor.Role == RoleOperator && actor.Owns(&f.OrgID))
}

// CreateFleet validates and stores a fleet. Errors: ErrForbidden,
// ErrInvalid.
func (s *Store) CreateFleet(ctx context.Context, actor Actor, in FleetInput) (*Fleet, error) {
	if err := actor.may("keep fleets", RoleAdmin, RoleOperator); err != nil {
		return nil, err
	}
	if actor.Role == RoleOperator {
		if in.OrgID != nil && *in.OrgID != actor.OrgID {
			return nil, Forbidden("an operator keeps its own organization's fleets only")
		}
		in.OrgID = strPtr(actor.OrgID)
	}
	f := &Fleet{Record: s.newRecord()}
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		v := in.apply(f, true)
		checkOrgKind(tx, v, "org_id", f.OrgID)
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.Create(f).Error; err != nil {
			return translate(err, "fleet")
		}
		return log.created("fleet", f.ID, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// viewFleet loads the fleet as viewer may see it. Errors: ErrForbidden (a
// role that reads no fleet), ErrNotFound (also another organization's).
func viewFleet(tx *gorm.DB, viewer Actor, id string) (*Fleet, error) {
	if !canReadFleets(viewer) {
		return nil, viewer.may("read fleets")
	}
	f, err := get[Fleet](tx, id, "fleet")
	if err != nil {
		return nil, err
	}
	if !seesFleet(viewer, f) {
		return nil, fmt.Errorf("fleet %s: %w", id, ErrNotFound)
	}
	return f, nil
}

// keptFleet loads the fleet the actor changes. Errors: ErrForbidden (a
// role that changes no fleet, or an authority, which only reads),
// ErrNotFound (also another organization's).
func keptFleet(tx *gorm.DB, actor Actor, id string) (*Fleet, error) {
	if err := actor.may("change fleets", RoleAdmin, RoleOperator, RoleAuthority); err != nil {
		return nil, err
	}
	f, err := viewFleet(tx, actor, id)
	if err != nil {
		return nil, err
	}
	if !keepsFleet(actor, f) {
		return nil, Forbidden("the %s role reads fleets but may not change them", actor.Role)
	}
	return f, nil
}

// ViewFleet loads one fleet as viewer may see it. Errors: ErrForbidden,
// ErrNotFound.
func (s *Store) ViewFleet(ctx context.Context, viewer Actor, id string) (*Fleet, error) {
	return viewFleet(s.db.WithContext(ctx), viewer, id)
}

// UpdateFleet changes the given fields of a fleet. Errors: ErrForbidden,
// ErrNotFound, ErrInvalid, ErrPrecondition.
func (s *Store) UpdateFleet(ctx context.Context, actor Actor, id string, in FleetInput, ifVersion *int) (*Fleet, error) {
	if actor.Role == RoleOperator && in.OrgID != nil && *in.OrgID != actor.OrgID {
		return nil, Forbidden("an operator cannot move a fleet to another organization")
	}
	var f *Fleet
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if f, err = keptFleet(tx, actor, id); err != nil {
			return err
		}
		if err := checkVersion(f.Version, ifVersion); err != nil {
			return err
		}
		before := *f
		v := in.apply(f, false)
		if in.OrgID != nil {
			checkOrgKind(tx, v, "org_id", f.OrgID)
		}
		if err := v.Err(); err != nil {
			return err
		}
		_, err = s.saveIfChanged(tx, log, "fleet", "fleet", &f.Record, before, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// DeleteFleet forgets a fleet and its devices. Errors: ErrForbidden,
// ErrNotFound, ErrPrecondition.
func (s *Store) DeleteFleet(ctx context.Context, actor Actor, id string, ifVersion *int) error {
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		f, err := keptFleet(tx, actor, id)
		if err != nil {
			return err
		}
		if err := checkVersion(f.Version, ifVersion); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&FleetDevice{}).Where("fleet_id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("count devices of fleet %s: %w", id, err)
		}
		if err := tx.Where("fleet_id = ?", id).Delete(&FleetDevice{}).Error; err != nil {
			return translate(err, "fleet device")
		}
		if err := tx.Delete(&Fleet{}, "id = ?", id).Error; err != nil {
			return translate(err, "fleet")
		}
		return log.record(ActionDelete, "fleet", id, map[string]any{"fleet": f, "devices_deleted": n})
	})
}

// FleetFilter selects fleets.
type FleetFilter struct {
	Viewer Actor
	OrgID  string
}

// FindFleets lists the fleets the viewer may read: an operator's own
// organization's, every fleet for admins and authorities. Errors:
// ErrForbidden, ErrInvalid.
func (s *Store) FindFleets(ctx context.Context, f FleetFilter, p PageRequest) (Page[Fleet], error) {
	if !canReadFleets(f.Viewer) {
		return Page[Fleet]{}, f.Viewer.may("read fleets")
	}
	q := s.db.WithContext(ctx).Model(&Fleet{})
	if f.Viewer.Role == RoleOperator {
		q = q.Where("org_id = ?", f.Viewer.OrgID)
	}
	if f.OrgID != "" {
		q = q.Where("org_id = ?", f.OrgID)
	}
	return findPage[Fleet](q, "fleets", p)
}
