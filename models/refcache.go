package models

import (
	"strings"

	"gorm.io/gorm"
)

// refCache remembers, within one batch (InTx), the references a write has
// checked: organizations with their kind, and camera models. Rows are not
// deleted by the batches that use it (imports), so what was found stays
// found until the batch commits.
type refCache struct {
	orgKinds map[string]string
	models   map[string]bool
}

// checkOrgKindCached is checkOrgKind, remembering what it found for the
// rest of the batch.
func (s *Store) checkOrgKindCached(tx *gorm.DB, v *ValidationError, field, ref string, kinds ...string) {
	if s.refs == nil || !ValidID(ref) {
		checkOrgKind(tx, v, field, ref, kinds...)
		return
	}
	kind, ok := s.refs.orgKinds[ref]
	if !ok {
		var o Organization
		if err := tx.Select("id", "kind").Where("id = ?", ref).Take(&o).Error; err != nil {
			v.Add(field, "no organization has id %s", ref)
			return
		}
		kind = o.Kind
		s.refs.orgKinds[ref] = kind
	}
	if len(kinds) > 0 && !containsStr(kinds, kind) {
		v.Add(field, "must be an organization of kind %s, not %s", strings.Join(kinds, " or "), kind)
	}
}

// modelExistsCached reports whether a camera model with the id exists,
// remembering the answer for the rest of the batch when it does.
func (s *Store) modelExistsCached(tx *gorm.DB, id string) bool {
	if s.refs != nil && s.refs.models[id] {
		return true
	}
	if exists[Model](tx, id, "camera model") != nil {
		return false
	}
	if s.refs != nil {
		s.refs.models[id] = true
	}
	return true
}
