package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Authorization inside the services. The API checks which roles may call
// an endpoint at all; the services check what a role may do to a given
// object, so that the importer and any future caller get the same rules:
//
//   - a vendor acts only for its own organization: the models it
//     registers, the C/Os and listings it holds, the certificates it
//     submits (which stay pending until its certification body confirms
//     them);
//   - a certifier acts only on certificates its own body issues;
//   - an authority acts only on warnings in its own name;
//   - an admin acts on everything.
//
// An object of another organization that the actor may not see is
// ErrNotFound, never ErrForbidden, so that nobody learns it exists.

// Public is the viewer of a request without a key.
var Public = Actor{}

// IsPublic reports whether the actor is the public (no key).
func (a Actor) IsPublic() bool { return a.Role == "" }

// Privileged reports whether the actor sees every organization's private
// data: pending registrations, contact details, findings.
func (a Actor) Privileged() bool {
	return a.Role == RoleAdmin || a.Role == RoleInspector || a.Role == RoleAuthority
}

// Owns reports whether the actor acts for the organization id.
func (a Actor) Owns(orgID *string) bool {
	return a.OrgID != "" && orgID != nil && *orgID == a.OrgID
}

func strPtr(s string) *string { return &s }

// CanSeeContacts reports whether the viewer may see an organization's
// e-mail and phone: the organization itself and privileged roles may.
func CanSeeContacts(viewer Actor, o *Organization) bool {
	return viewer.Privileged() || viewer.Owns(&o.ID)
}

// canSeeModel: verified models are public; a pending registration is seen
// by its registrant, certifiers (who are asked to certify it) and
// privileged roles.
func canSeeModel(viewer Actor, m *Model) bool {
	return m.Status == ModelVerified || viewer.Privileged() || viewer.Role == RoleCertifier || viewer.Owns(m.RegistrantOrgID)
}

// CanSeeModel is canSeeModel, for the importer's resolution of model
// references.
func CanSeeModel(viewer Actor, m *Model) bool { return canSeeModel(viewer, m) }

// VisibleModelIDs reports which of the ids name camera models the viewer
// may see, in one query a chunk.
func (s *Store) VisibleModelIDs(ctx context.Context, viewer Actor, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, chunk := range chunks(uniqueIDs(ids), s.lookupChunk()) {
		var found []string
		if err := whereIn(visibleModels(s.db.WithContext(ctx).Model(&Model{}), viewer), "id", chunk).Pluck("id", &found).Error; err != nil {
			return nil, fmt.Errorf("check camera models: %w", err)
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}

// ModelRefsAs is ModelRefs restricted to the models the viewer may see:
// an export or list names no pending registration to those who may not
// see it.
func (s *Store) ModelRefsAs(ctx context.Context, viewer Actor, ids []string) (map[string]ModelRef, error) {
	refs, err := s.ModelRefs(ctx, ids)
	if err != nil || viewer.Privileged() || viewer.Role == RoleCertifier {
		return refs, err
	}
	visible, err := s.VisibleModelIDs(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	for id := range refs {
		if !visible[id] {
			delete(refs, id)
		}
	}
	return refs, nil
}

// canSeeCertificate: confirmed certificates are public; a pending or
// rejected submission is seen by its holder, its certification body and
// privileged roles.
func canSeeCertificate(viewer Actor, c *Certificate) bool {
	if c.Status.Status != CertPending && c.Status.Status != CertRejected {
		return true
	}
	return viewer.Privileged() || viewer.Owns(&c.HolderOrgID) || viewer.Owns(&c.CertificationBodyOrgID)
}

// visibleModels restricts a model query to what the viewer may see.
func visibleModels(q *gorm.DB, viewer Actor) *gorm.DB {
	switch {
	case viewer.Privileged(), viewer.Role == RoleCertifier:
		return q
	case viewer.OrgID != "":
		return q.Where("(status = ? OR registrant_org_id = ?)", ModelVerified, viewer.OrgID)
	}
	return q.Where("status = ?", ModelVerified)
}

// visibleCertificates restricts a certificate query to what the viewer may see.
func visibleCertificates(q *gorm.DB, viewer Actor) *gorm.DB {
	switch {
	case viewer.Privileged():
		return q
	case viewer.OrgID != "":
		return q.Where("(status NOT IN ? OR holder_org_id = ? OR certification_body_org_id = ?)",
			[]string{CertPending, CertRejected}, viewer.OrgID, viewer.OrgID)
	}
	return q.Where("status NOT IN ?", []string{CertPending, CertRejected})
}

// may refuses actors whose role is not among roles. The API refuses them
// first; this is the services' own line of defence.
func (a Actor) may(what string, roles ...Role) error {
	for _, r := range roles {
		if a.Role == r {
			return nil
		}
	}
	role := string(a.Role)
	if role == "" {
		role = "public"
	}
	return Forbidden("the %s role may not %s", role, what)
}

// forbidFields refuses a request that sets fields the actor's role may
// not set. It names them all.
func forbidFields(role Role, set map[string]bool) error {
	var names []string
	for _, f := range []string{"status", "status_reason", "status_changed_on", "registrant_org_id", "holder_org_id",
		"certification_body_org_id", "authority_org_id", "trader_org_id", "name", "kind", "tax_code", "country"} {
		if set[f] {
			names = append(names, f)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return Forbidden("the %s role may not set %s", role, joinComma(names))
}
