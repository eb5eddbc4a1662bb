package search

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"camreg/fold"
	"camreg/models"
)

// Search indexes the public registry only: what models.Public may see.
// A pending model registration or a pending or rejected certificate
// submission is never a document, so neither hits nor facet counts reveal
// it; organizations are indexed without their contact details.

// ModelDocument builds the document of a camera model whose compliance
// status (StatusCertified, StatusWarned or StatusUncertified) is status.
func ModelDocument(m *models.Model, status string) Document {
	title := strings.TrimSpace(m.Brand + " " + m.ModelNumber)
	body := joinText(m.Name, m.Kind, aliasText(m.BrandKey))
	keys := []string{m.ModelKey}
	loose := []string{fold.LooseKey(m.ModelNumber)}
	return Document{
		ID: DocID(TypeModel, m.ID), Type: TypeModel, EntityID: m.ID,
		Title: title, Body: body, Folded: fold.Text(title + " " + body),
		Brand: m.Brand, BrandKey: m.BrandKey, Status: status,
		Keys: keys, LooseKeys: loose, KeySuffixes: suffixes(m.ModelKey, loose[0]),
	}
}

// OrganizationDocument builds the document of an organization: its name,
// address, province and tax code, and its street's initials ("hbt" for
// Hai Bà Trưng: streetKeys), which people type for it. Contact details
// are not indexed.
func OrganizationDocument(o *models.Organization) Document {
	var keys []string
	taxCode := ""
	if o.TaxCode != nil {
		taxCode = *o.TaxCode
		keys = append(keys, fold.Key(taxCode))
	}
	province, provinceName := deref(o.ProvinceCode), deref(o.ProvinceName)
	body := joinText(o.Address, provinceName, taxCode, strings.Join(streetKeys(o.Address), " "))
	return Document{
		ID: DocID(TypeOrganization, o.ID), Type: TypeOrganization, EntityID: o.ID,
		Title: o.Name, Body: body, Folded: fold.Text(o.Name + " " + body),
		Province: province, Keys: nonEmpty(keys), LooseKeys: []string{}, KeySuffixes: []string{},
	}
}

// CertificateDocument builds the document of a conformity certificate:
// its number and its holder's name. holder may be nil. Its status is the
// stored one, or "expired" when a valid certificate's expiry is before
// today.
func CertificateDocument(c *models.Certificate, holder *models.Organization, today models.Date) Document {
	status := c.Status.Status
	if status == models.CertValid && !c.ExpiresOn.IsZero() && c.ExpiresOn.Before(today) {
		status = "expired"
	}
	holderName, province := "", ""
	if holder != nil {
		holderName, province = holder.Name, deref(holder.ProvinceCode)
	}
	body := joinText(holderName, c.StandardCode, c.LotRef)
	return Document{
		ID: DocID(TypeCertificate, c.ID), Type: TypeCertificate, EntityID: c.ID,
		Title: c.Number, Body: body, Folded: fold.Text(c.Number + " " + body),
		Province: province, Status: status,
		Keys: nonEmpty([]string{fold.Key(c.Number)}), LooseKeys: []string{}, KeySuffixes: []string{},
	}
}

// WarningDocument builds the document of an authority's warning: its
// reference, title, summary and CVE ids.
func WarningDocument(w *models.Warning) Document {
	title := strings.TrimSpace(w.Reference + " " + w.Title)
	body := joinText(append([]string{w.Summary}, w.CVEIDs...)...)
	keys := []string{fold.Key(w.Reference)}
	for _, cve := range w.CVEIDs {
		keys = append(keys, fold.Key(cve))
	}
	return Document{
		ID: DocID(TypeWarning, w.ID), Type: TypeWarning, EntityID: w.ID,
		Title: title, Body: body, Folded: fold.Text(title + " " + body),
		Status: w.Status.Status, Keys: nonEmpty(keys), LooseKeys: []string{}, KeySuffixes: []string{},
	}
}

// Compliance derives camera models' compliance statuses from certificates
// and warnings, as of a date. Build it once over many certificates and
// warnings when indexing in bulk.
type Compliance struct {
	certified map[string]bool
	warned    map[string]bool
}

// NewCompliance collects which models the given certificates and warnings
// make certified or warned on today. A certificate counts when it is valid
// (or its suspension or revocation takes effect after today), issued on or
// before today and not expired; a warning when it is active (or its
// withdrawal takes effect after today) and issued on or before today.
func NewCompliance(certs []models.Certificate, warnings []models.Warning, today models.Date) *Compliance {
	c := &Compliance{certified: map[string]bool{}, warned: map[string]bool{}}
	for i := range certs {
		cert := &certs[i]
		inForce := cert.Status.Status == models.CertValid ||
			((cert.Status.Status == models.CertSuspended || cert.Status.Status == models.CertRevoked) && cert.StatusChangedOn.After(today))
		if !inForce || cert.IssuedOn.After(today) || (!cert.ExpiresOn.IsZero() && cert.ExpiresOn.Before(today)) {
			continue
		}
		for _, m := range cert.Models {
			c.certified[m.CameraModelID] = true
		}
	}
	for i := range warnings {
		w := &warnings[i]
		inForce := w.Status.Status == models.WarningActive ||
			(w.Status.Status == models.WarningWithdrawn && w.StatusChangedOn.After(today))
		if !inForce || w.IssuedOn.After(today) {
			continue
		}
		for _, a := range w.Affected {
			c.warned[a.CameraModelID] = true
		}
	}
	return c
}

// Status is the compliance status of the model with id modelID.
func (c *Compliance) Status(modelID string) string {
	switch {
	case c.warned[modelID]:
		return StatusWarned
	case c.certified[modelID]:
		return StatusCertified
	}
	return StatusUncertified
}

// Builder builds documents from the database's rows. It is the one
// document builder: the indexer, Reindex and the tests all use it.
type Builder struct {
	Store *models.Store
}

// All builds the document of every indexable record and hands them to put
// in batches.
func (b *Builder) All(ctx context.Context, put func([]Document) error) error {
	today := b.Store.Today()
	certs, err := all(ctx, func(p models.PageRequest) (models.Page[models.Certificate], error) {
		return b.Store.FindCertificates(ctx, models.CertificateFilter{Viewer: &models.Public}, p)
	})
	if err != nil {
		return err
	}
	warnings, err := all(ctx, func(p models.PageRequest) (models.Page[models.Warning], error) {
		return b.Store.FindWarnings(ctx, models.WarningFilter{}, p)
	})
	if err != nil {
		return err
	}
	compliance := NewCompliance(certs, warnings, today)
	holders := map[string]*models.Organization{}
	for _, c := range certs {
		holders[c.HolderOrgID] = nil
	}
	if err := pages(ctx, func(p models.PageRequest) (models.Page[models.Organization], error) {
		return b.Store.FindOrganizations(ctx, models.OrganizationFilter{}, p)
	}, func(orgs []models.Organization) error {
		docs := make([]Document, len(orgs))
		for i := range orgs {
			docs[i] = OrganizationDocument(&orgs[i])
			if _, ok := holders[orgs[i].ID]; ok {
				holders[orgs[i].ID] = &orgs[i]
			}
		}
		return put(docs)
	}); err != nil {
		return err
	}
	if err := pages(ctx, func(p models.PageRequest) (models.Page[models.Model], error) {
		return b.Store.FindModels(ctx, models.ModelFilter{Viewer: &models.Public}, p)
	}, func(ms []models.Model) error {
		docs := make([]Document, len(ms))
		for i := range ms {
			docs[i] = ModelDocument(&ms[i], compliance.Status(ms[i].ID))
		}
		return put(docs)
	}); err != nil {
		return err
	}
	var docs []Document
	for i := range certs {
		docs = append(docs, CertificateDocument(&certs[i], holders[certs[i].HolderOrgID], today))
	}
	for i := range warnings {
		docs = append(docs, WarningDocument(&warnings[i]))
	}
	for len(docs) > 0 {
		n := min(len(docs), 500)
		if err := put(docs[:n]); err != nil {
			return err
		}
		docs = docs[n:]
	}
	return nil
}

// pages calls each with every page that find returns.
func pages[T any](ctx context.Context, find func(models.PageRequest) (models.Page[T], error), each func([]T) error) error {
	p := models.PageRequest{Limit: models.MaxLimit}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := find(p)
		if err != nil {
			return fmt.Errorf("read rows to index: %w", err)
		}
		if len(page.Items) > 0 {
			if err := each(page.Items); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		p.Cursor = page.NextCursor
	}
}

// all collects every page that find returns.
func all[T any](ctx context.Context, find func(models.PageRequest) (models.Page[T], error)) ([]T, error) {
	var out []T
	err := pages(ctx, find, func(items []T) error {
		out = append(out, items...)
		return nil
	})
	return out, err
}

func nilIfNotFound(err error) (*Document, error) {
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return nil, err
}

// suffixes lists the suffixes of three characters or more of each key,
// without duplicates.
func suffixes(keys ...string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, k := range keys {
		for i := 0; i+3 <= len(k); i++ {
			if s := k[i:]; !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

func nonEmpty(keys []string) []string {
	out := []string{}
	for _, k := range keys {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
