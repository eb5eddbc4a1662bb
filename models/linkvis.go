package models

import (
	"context"
	"slices"
)

// Certificates, C/Os and warnings are public, but the models they name
// may not be: a warning an authority issued about a pending registration
// must not tell the public that registration's id. These leave out, for a
// viewer, the links to models it may not see (authz.go), so that a list or
// a GET never reveals more than GET /v1/models/{id} would.

// HideCertificateModels removes from each certificate the covered models
// the viewer may not see.
func (s *Store) HideCertificateModels(ctx context.Context, viewer Actor, cs []Certificate) error {
	return hideLinks(ctx, s, viewer, cs, func(c *Certificate) *[]CoveredModel { return &c.Models },
		func(m CoveredModel) string { return m.CameraModelID })
}

// HideWarningModels removes from each warning the affected models the
// viewer may not see.
func (s *Store) HideWarningModels(ctx context.Context, viewer Actor, ws []Warning) error {
	return hideLinks(ctx, s, viewer, ws, func(w *Warning) *[]AffectedModel { return &w.Affected },
		func(a AffectedModel) string { return a.CameraModelID })
}

// HideOriginModels removes from each C/O the covered models the viewer may
// not see.
func (s *Store) HideOriginModels(ctx context.Context, viewer Actor, os []OriginCertificate) error {
	return hideLinks(ctx, s, viewer, os, func(o *OriginCertificate) *[]OriginModel { return &o.Models },
		func(m OriginModel) string { return m.CameraModelID })
}

func hideLinks[T, L any](ctx context.Context, s *Store, viewer Actor, items []T, links func(*T) *[]L, id func(L) string) error {
	if viewer.Privileged() || viewer.Role == RoleCertifier {
		return nil
	}
	var ids []string
	for i := range items {
		for _, l := range *links(&items[i]) {
			ids = append(ids, id(l))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	visible, err := s.VisibleModelIDs(ctx, viewer, ids)
	if err != nil {
		return err
	}
	for i := range items {
		ls := links(&items[i])
		*ls = slices.DeleteFunc(*ls, func(l L) bool { return !visible[id(l)] })
	}
	return nil
}
