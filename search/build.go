package search

import (
	"context"
	"fmt"

	"camreg/models"
)

// Building many documents at once, for the indexer's replay of the change
// log: one query per table for a whole step of events (up to 500 records
// a query) rather than a few queries per record. The replay of a bulk
// import's events built one document at a time and ran some 10 times
// slower per record than Reindex (BENCHMARKS.md, "Catching up").

// Build returns the document of the record t/id, or nil when there is none
// to index: the row is gone, or the public may not see it.
func (b *Builder) Build(ctx context.Context, t Type, id string) (*Document, error) {
	docs, err := b.BuildMany(ctx, []Ref{{Type: t, ID: id}})
	if err != nil {
		return nil, err
	}
	return docs[Ref{Type: t, ID: id}], nil
}

// Ref names one record by its document type and id.
type Ref struct {
	Type Type
	ID   string
}

// buildChunk is how many records of one type one query loads.
const buildChunk = 500

// BuildMany returns the documents of refs, by ref; a ref whose record is
// gone, or that the public may not see, is absent.
func (b *Builder) BuildMany(ctx context.Context, refs []Ref) (map[Ref]*Document, error) {
	today := b.Store.Today()
	byType := map[Type][]string{}
	for _, r := range refs {
		switch r.Type {
		case TypeModel, TypeOrganization, TypeCertificate, TypeWarning:
			byType[r.Type] = append(byType[r.Type], r.ID)
		default:
			return nil, fmt.Errorf("build search document: unknown type %q", r.Type)
		}
	}
	out := make(map[Ref]*Document, len(refs))
	put := func(doc Document) { out[Ref{doc.Type, doc.EntityID}] = &doc }
	err := chunks(byType[TypeOrganization], func(ids []string) error {
		orgs, err := b.Store.GetOrganizations(ctx, ids)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			put(OrganizationDocument(o))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = chunks(byType[TypeCertificate], func(ids []string) error {
		certs, err := b.Store.ViewCertificates(ctx, models.Public, ids)
		if err != nil {
			return err
		}
		var holderIDs []string
		for _, c := range certs {
			holderIDs = append(holderIDs, c.HolderOrgID)
		}
		holders, err := b.Store.GetOrganizations(ctx, dedupe(holderIDs))
		if err != nil {
			return fmt.Errorf("load holders of certificates: %w", err)
		}
		for _, c := range certs {
			put(CertificateDocument(c, holders[c.HolderOrgID], today))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = chunks(byType[TypeWarning], func(ids []string) error {
		warnings, err := b.Store.GetWarnings(ctx, ids)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			put(WarningDocument(w))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = chunks(byType[TypeModel], func(ids []string) error {
		ms, err := b.Store.ViewModels(ctx, models.Public, ids)
		if err != nil || len(ms) == 0 {
			return err
		}
		seen := make([]string, 0, len(ms))
		for id := range ms {
			seen = append(seen, id)
		}
		certs, err := b.Store.CertificatesCovering(ctx, models.Public, seen)
		if err != nil {
			return err
		}
		warnings, err := b.Store.WarningsAffecting(ctx, seen)
		if err != nil {
			return err
		}
		compliance := NewCompliance(certs, warnings, today)
		for _, m := range ms {
			put(ModelDocument(m, compliance.Status(m.ID)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// chunks calls each with ids, deduplicated, buildChunk at a time.
func chunks(ids []string, each func([]string) error) error {
	ids = dedupe(ids)
	for len(ids) > 0 {
		n := min(len(ids), buildChunk)
		if err := each(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
