package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// Standard is a national technical regulation (QCVN) that cameras are
// certified against. Its dates are data, seeded by a migration and kept up
// to date by an admin, never constants in code.
type Standard struct {
	Record
	Code            string  `json:"code"`
	Title           string  `json:"title"`
	IssuedBy        string  `json:"issued_by"`
	IssuingDocument string  `json:"issuing_document"`
	EffectiveFrom   Date    `json:"effective_from"`
	MandatoryFrom   Date    `json:"mandatory_from"`
	SupersededBy    *string `json:"superseded_by"`
	EffectiveTo     Date    `json:"effective_to"`
}

// InForce reports whether the standard is in force on day d.
func (s *Standard) InForce(d Date) bool {
	if s.EffectiveFrom.IsZero() || d.Before(s.EffectiveFrom) {
		return false
	}
	return s.EffectiveTo.IsZero() || !d.After(s.EffectiveTo)
}

// StandardInput creates or changes a standard.
type StandardInput struct {
	Code            *string
	Title           *string
	IssuedBy        *string
	IssuingDocument *string
	EffectiveFrom   *string
	MandatoryFrom   *string
	SupersededBy    *string
	EffectiveTo     *string
}

func (in StandardInput) apply(st *Standard, create bool) *ValidationError {
	var v ValidationError
	if in.Code != nil || create {
		st.Code = v.text("code", in.Code, true, 100)
	}
	if in.Title != nil || create {
		st.Title = v.text("title", in.Title, true, 500)
	}
	if in.IssuedBy != nil {
		st.IssuedBy = v.text("issued_by", in.IssuedBy, false, 300)
	}
	if in.IssuingDocument != nil {
		st.IssuingDocument = v.text("issuing_document", in.IssuingDocument, false, 300)
	}
	if in.EffectiveFrom != nil || create {
		st.EffectiveFrom = v.date("effective_from", in.EffectiveFrom, true)
	}
	if in.MandatoryFrom != nil {
		st.MandatoryFrom = v.date("mandatory_from", in.MandatoryFrom, false)
	}
	if in.EffectiveTo != nil {
		st.EffectiveTo = v.date("effective_to", in.EffectiveTo, false)
	}
	if in.SupersededBy != nil {
		st.SupersededBy = optional(v.text("superseded_by", in.SupersededBy, false, 100))
	}
	if !st.MandatoryFrom.IsZero() && st.MandatoryFrom.Before(st.EffectiveFrom) {
		v.Add("mandatory_from", "must not be before effective_from")
	}
	if !st.EffectiveTo.IsZero() && st.EffectiveTo.Before(st.EffectiveFrom) {
		v.Add("effective_to", "must not be before effective_from")
	}
	if st.SupersededBy != nil && *st.SupersededBy == st.Code {
		v.Add("superseded_by", "must name another standard")
	}
	return &v
}

func (s *Store) checkSupersededBy(tx *gorm.DB, v *ValidationError, st *Standard) {
	if st.SupersededBy == nil {
		return
	}
	var n int64
	if err := tx.Model(&Standard{}).Where("code = ?", *st.SupersededBy).Count(&n).Error; err == nil && n == 0 {
		v.Add("superseded_by", "no standard has code %q", *st.SupersededBy)
	}
}

// CreateStandard stores a new standard. Errors: ErrInvalid, ErrConflict.
func (s *Store) CreateStandard(ctx context.Context, actor Actor, in StandardInput) (*Standard, error) {
	if err := actor.may("add standards", RoleAdmin); err != nil {
		return nil, err
	}
	st := &Standard{Record: s.newRecord()}
	v := in.apply(st, true)
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		s.checkSupersededBy(tx, v, st)
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.Create(st).Error; err != nil {
			return standardConflict(err, st)
		}
		return log.created("standard", st.ID, st)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

func standardConflict(err error, st *Standard) error {
	err = translate(err, "standard")
	if isConflict(err) {
		return Conflict("standard %s already exists", st.Code)
	}
	return err
}

// UpdateStandard changes the given fields of a standard. Its code cannot
// change once certificates cite it. Errors: ErrNotFound, ErrInvalid,
// ErrConflict, ErrPrecondition.
func (s *Store) UpdateStandard(ctx context.Context, actor Actor, id string, in StandardInput, ifVersion *int) (*Standard, error) {
	if err := actor.may("change standards", RoleAdmin); err != nil {
		return nil, err
	}
	var st *Standard
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if st, err = get[Standard](tx, id, "standard"); err != nil {
			return err
		}
		if err := checkVersion(st.Version, ifVersion); err != nil {
			return err
		}
		before := *st
		v := in.apply(st, false)
		if st.Code != before.Code {
			var n int64
			tx.Model(&Certificate{}).Where("standard_code = ?", before.Code).Count(&n)
			if n > 0 {
				v.Add("code", "cannot change: %d certificates cite %s", n, before.Code)
			}
			// superseded_by is a code, not a foreign key: a rename would
			// leave the older standards pointing at nothing.
			var older []string
			tx.Model(&Standard{}).Where("superseded_by = ?", before.Code).Pluck("code", &older)
			if len(older) > 0 {
				v.Add("code", "cannot change: %s names %s as its successor", strings.Join(older, ", "), before.Code)
			}
		}
		s.checkSupersededBy(tx, v, st)
		if err := v.Err(); err != nil {
			return err
		}
		changed, err := log.updated(ActionUpdate, "standard", st.ID, before, st)
		if err != nil || !changed {
			return err
		}
		s.touch(&st.Record)
		if err := saveVersioned(tx, st, st.ID, before.Version, "standard"); err != nil {
			return standardConflict(err, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// GetStandard loads one standard by id. Errors: ErrNotFound.
func (s *Store) GetStandard(ctx context.Context, id string) (*Standard, error) {
	return get[Standard](s.db.WithContext(ctx), id, "standard")
}

// StandardFilter selects standards.
type StandardFilter struct {
	Code string
}

// FindStandards lists standards. Errors: ErrInvalid.
func (s *Store) FindStandards(ctx context.Context, f StandardFilter, p PageRequest) (Page[Standard], error) {
	q := s.db.WithContext(ctx).Model(&Standard{})
	if f.Code != "" {
		q = q.Where("code = ?", strings.TrimSpace(f.Code))
	}
	return findPage[Standard](q, "standards", p)
}
