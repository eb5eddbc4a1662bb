package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"camreg/fold"
)

// Natural-key lookups. Files that people exchange name things by their
// natural keys (a tax code, a brand and model number, a certificate
// number), never by camreg's ids; the importer resolves those keys to rows
// with these queries, and the exporter turns ids back into keys. They only
// read, so a Store bound to a batch's transaction (InTx) sees the rows the
// batch has written so far.

// OrganizationByTaxCode finds the organization with the tax code. Errors:
// ErrNotFound.
func (s *Store) OrganizationByTaxCode(ctx context.Context, taxCode string) (*Organization, error) {
	var o Organization
	err := s.db.WithContext(ctx).Where("tax_code = ?", strings.TrimSpace(taxCode)).Take(&o).Error
	if err != nil {
		return nil, translate(err, "organization with tax code "+taxCode)
	}
	return &o, nil
}

// OrganizationsByName lists the organizations whose name folds (case and
// diacritics ignored) to the same text as name, optionally only those of
// the given kinds. It returns at most 10: more than one is already an
// ambiguity the caller must report.
func (s *Store) OrganizationsByName(ctx context.Context, name string, kinds ...string) ([]Organization, error) {
	q := s.db.WithContext(ctx).Where("name_key = ?", fold.Text(name))
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	var out []Organization
	if err := q.Order("id").Limit(organizationsByNameMax).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find organizations named %q: %w", name, err)
	}
	return out, nil
}

// OrganizationIDsByNames is, for each name key (fold.Text of a name) of
// names, the ids of the organizations of that name (of one of kinds, when
// given), in the order and at most as many as OrganizationsByName finds:
// an importer's references by name, a batch's in a few queries instead of
// one each (3,000 national warnings name 41 authorities).
func (s *Store) OrganizationIDsByNames(ctx context.Context, names []string, kinds ...string) (map[string][]string, error) {
	keys := make([]string, 0, len(names))
	for _, n := range names {
		keys = append(keys, fold.Text(n))
	}
	out := map[string][]string{}
	for _, chunk := range chunks(uniqueIDs(keys), s.lookupChunk()) {
		var rows []Organization
		q := whereIn(s.db.WithContext(ctx).Select("id", "name_key"), "name_key", chunk)
		if len(kinds) > 0 {
			q = q.Where("kind IN ?", kinds)
		}
		if err := q.Order("id").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("find organizations by name: %w", err)
		}
		for _, o := range rows {
			if len(out[o.NameKey]) < organizationsByNameMax {
				out[o.NameKey] = append(out[o.NameKey], o.ID)
			}
		}
	}
	return out, nil
}

// organizationsByNameMax bounds the organizations a name lookup returns.
const organizationsByNameMax = 10

// ModelByKeys finds the camera model of a brand key and model key (see
// fold.Key). Errors: ErrNotFound.
func (s *Store) ModelByKeys(ctx context.Context, brandKey, modelKey string) (*Model, error) {
	var m Model
	err := s.db.WithContext(ctx).Where("brand_key = ? AND model_key = ?", brandKey, modelKey).Take(&m).Error
	if err != nil {
		return nil, translate(err, "camera model")
	}
	return &m, nil
}

// CertificateByNumber finds a conformity certificate by its number,
// ignoring case and spaces, without its covered models. Errors: ErrNotFound.
func (s *Store) CertificateByNumber(ctx context.Context, number string) (*Certificate, error) {
	var c Certificate
	err := s.db.WithContext(ctx).Where("number_key = ?", keyOf(number)).Take(&c).Error
	if err != nil {
		return nil, translate(err, "certificate "+number)
	}
	return &c, nil
}

// OriginCertificateByNumber finds a C/O by its number (ignoring case and
// spaces) and exporting country, without its models. Errors: ErrNotFound.
func (s *Store) OriginCertificateByNumber(ctx context.Context, number, exportingCountry string) (*OriginCertificate, error) {
	var o OriginCertificate
	err := s.db.WithContext(ctx).Where("number_key = ? AND exporting_country = ?", keyOf(number),
		strings.ToUpper(strings.TrimSpace(exportingCountry))).Take(&o).Error
	if err != nil {
		return nil, translate(err, "certificate of origin "+number)
	}
	return &o, nil
}

// WarningByReference finds a warning by its reference, ignoring case and
// spaces, without its affected models. Errors: ErrNotFound.
func (s *Store) WarningByReference(ctx context.Context, reference string) (*Warning, error) {
	var w Warning
	err := s.db.WithContext(ctx).Where("reference_key = ?", keyOf(reference)).Take(&w).Error
	if err != nil {
		return nil, translate(err, "warning "+reference)
	}
	return &w, nil
}

// ListingKey is a listing's natural key: the trader, the model, the channel,
// and where it is offered (the URL online, the shop's address in a shop).
type ListingKey struct {
	TraderOrgID   string
	CameraModelID string
	Channel       string
	URL           string
	ShopAddress   string
}

// ListingByKey finds the listing with the natural key: online, the URL
// counts and the address does not; in a shop, the reverse. Both compare
// after trimming, as the service stores them. When several rows share the
// key (the API does not forbid it), the oldest is returned. Errors:
// ErrNotFound.
func (s *Store) ListingByKey(ctx context.Context, k ListingKey) (*Listing, error) {
	var l Listing
	q := s.db.WithContext(ctx).Where("trader_org_id = ? AND camera_model_id = ? AND channel = ?",
		k.TraderOrgID, k.CameraModelID, k.Channel)
	if k.Channel == "online" {
		q = q.Where("url = ?", strings.TrimSpace(k.URL))
	} else {
		q = q.Where("shop_address = ?", strings.TrimSpace(k.ShopAddress))
	}
	err := q.Order("id").Take(&l).Error
	if err != nil {
		return nil, translate(err, "listing")
	}
	return &l, nil
}

// OrgRef is what a file names an organization by: its tax code when it has
// one, and its name.
type OrgRef struct {
	ID      string
	Name    string
	Kind    string
	TaxCode *string
}

// Key is the reference a file should carry: the tax code, or else the name.
func (r OrgRef) Key() string {
	if r.TaxCode != nil {
		return *r.TaxCode
	}
	return r.Name
}

// OrgRefs loads the natural keys of the organizations with the ids, in one
// query. Unknown ids are absent from the map.
func (s *Store) OrgRefs(ctx context.Context, ids []string) (map[string]OrgRef, error) {
	out := map[string]OrgRef{}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Organization
	if err := s.db.WithContext(ctx).Select("id", "name", "kind", "tax_code").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load organization keys: %w", err)
	}
	for _, o := range rows {
		out[o.ID] = OrgRef{ID: o.ID, Name: o.Name, Kind: o.Kind, TaxCode: o.TaxCode}
	}
	return out, nil
}

// ModelRef is what a file names a camera model by: its brand and model
// number as printed.
type ModelRef struct {
	ID          string
	Brand       string
	ModelNumber string
}

// ModelRefs loads the brands and model numbers of the models with the ids,
// in one query. Unknown ids are absent from the map.
func (s *Store) ModelRefs(ctx context.Context, ids []string) (map[string]ModelRef, error) {
	out := map[string]ModelRef{}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Model
	if err := s.db.WithContext(ctx).Select("id", "brand", "model_number").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load camera model keys: %w", err)
	}
	for _, m := range rows {
		out[m.ID] = ModelRef{ID: m.ID, Brand: m.Brand, ModelNumber: m.ModelNumber}
	}
	return out, nil
}

func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// IsNotFound reports whether err is ErrNotFound; a shorthand for lookups.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
