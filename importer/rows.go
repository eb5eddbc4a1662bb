package importer

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"camreg/models"
	"camreg/fold"
)

// rowCtx converts one record into a service input, collecting the errors
// the file's own cells cause (a date that is no date, an organization that
// is not in the registry) in pre.
type rowCtx struct {
	ctx context.Context
	st  *models.Store
	run *run
	rec record
	pre models.ValidationError
}

// str is the trimmed cell, or nil when it is empty or absent: an empty
// cell never clears a stored value, it leaves it as it is.
func (c *rowCtx) str(col string) *string {
	v := strings.TrimSpace(c.rec.values[col])
	if v == "" {
		return nil
	}
	return &v
}

func (c *rowCtx) enum(col, set string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	v := enumValue(set, *p)
	return &v
}

func (c *rowCtx) date(col string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	d, err := ParseDate(*p)
	if err != nil {
		c.pre.Add(col, "%s", err.Error())
		return nil
	}
	return &d
}

func (c *rowCtx) list(col string) *[]string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	l := splitList(*p)
	return &l
}

func (c *rowCtx) integer(col string) *int {
	p := c.str(col)
	if p == nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(*p, ".0"))
	if err != nil {
		c.pre.Add(col, "%q is not a whole number", *p)
		return nil
	}
	return &n
}

var (
	thousands           = regexp.MustCompile(`^[0-9]{1,3}([.,][0-9]{3})+$`)
	thousandsSeparators = strings.NewReplacer(".", "", ",", "")
)

// price reads an amount of đồng as people write it: 650000, 650.000,
// 650,000, "650.000 đ" or "650 000 VNĐ".
func (c *rowCtx) price(col string) *int64 {
	p := c.str(col)
	if p == nil {
		return nil
	}
	s := fold.Text(*p)
	for _, unit := range []string{"vnd", "dong", "d", "₫"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	s = strings.ReplaceAll(s, " ", "")
	if thousands.MatchString(s) {
		s = thousandsSeparators.Replace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			c.pre.Add(col, "%q is not an amount of đồng such as 650000 or 650.000", *p)
			return nil
		}
		n = int64(f)
	}
	return &n
}

// taxCode reads a tax code cell, restoring a leading zero a spreadsheet dropped.
func (c *rowCtx) taxCode(col string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	tc := fixTaxCode(*p)
	return &tc
}

// org resolves a reference to an organization, written as its tax code or
// its name, to its id; kinds narrow a name to organizations of those kinds.
func (c *rowCtx) org(col string, kinds ...string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	id, err := c.run.refs.org(c.ctx, c.st, *p, kinds)
	if err != nil {
		c.pre.Add(col, "%s", err.Error())
		return nil
	}
	return &id
}

// modelItem is one entry of a models cell: "Brand ModelNumber", followed
// by options such as "| firmware=V5.5" or "| fixed_in=V5.7".
type modelItem struct {
	id   string
	opts map[string]string
}

// models resolves a list cell of models. brand, when the row has a brand
// column, is the brand of items that name only a model number.
func (c *rowCtx) models(col string, allowed ...string) *[]modelItem {
	p := c.str(col)
	if p == nil {
		return nil
	}
	brand := strings.TrimSpace(c.rec.values["brand"])
	out := []modelItem{}
	for _, item := range splitList(*p) {
		parts := strings.Split(item, "|")
		it := modelItem{opts: map[string]string{}}
		bad := false
		for _, o := range parts[1:] {
			k, v, ok := strings.Cut(o, "=")
			k = strings.TrimSpace(strings.ToLower(k))
			if !ok || !slices.Contains(allowed, k) {
				c.pre.Add(col, "%q: write options as '| name=value' with name one of %s", strings.TrimSpace(o), strings.Join(allowed, ", "))
				bad = true
				continue
			}
			it.opts[k] = strings.TrimSpace(v)
		}
		id, err := c.run.refs.model(c.ctx, c.st, brand, strings.TrimSpace(parts[0]))
		if err != nil {
			c.pre.Add(col, "%s", err.Error())
			continue
		}
		if !bad {
			it.id = id
			out = append(out, it)
		}
	}
	return &out
}

// vendorOrg applies a vendor's scope to a reference column: the reference
// must be the vendor's own organization, and is filled in when absent.
func (c *rowCtx) vendorOrg(col string, ref *string) *string {
	a := c.run.opts.Actor
	if a.Role != models.RoleVendor {
		return ref
	}
	if ref != nil && *ref != a.OrgID {
		c.pre.Add(col, "names another organization; a vendor imports only for its own organization")
	}
	org := a.OrgID
	return &org
}

// ownedBy refuses a row that would change another organization's object.
func (c *rowCtx) ownedBy(owner *string, what string) bool {
	a := c.run.opts.Actor
	if a.Role != models.RoleVendor {
		return true
	}
	if owner == nil || *owner != a.OrgID {
		c.pre.Add("", "%s belongs to another organization; a vendor may change only its own", what)
		return false
	}
	return true
}

// naturalKey is the key a row is upserted on, in a readable form, or ""
// when the row lacks it (the services then report what is missing).
func (r *run) naturalKey(rec record) string {
	v := func(col string) string { return strings.TrimSpace(rec.values[col]) }
	switch r.opts.Entity {
	case "organizations":
		if tc := v("tax_code"); tc != "" {
			return "tax_code " + fixTaxCode(tc)
		}
		if v("name") == "" {
			return ""
		}
		return "name " + fold.Text(v("name")) + " / kind " + enumValue("org_kind", v("kind"))
	case "models":
		if fold.Key(v("brand")) == "" || fold.Key(v("model_number")) == "" {
			return ""
		}
		return fold.Key(v("brand")) + " " + fold.Key(v("model_number"))
	case "certificates":
		return docKey(v("number"))
	case "origin-certificates":
		if docKey(v("number")) == "" {
			return ""
		}
		return docKey(v("number")) + " / " + strings.ToUpper(v("exporting_country"))
	case "warnings":
		return docKey(v("reference"))
	case "listings":
		if v("trader") == "" || v("model_number") == "" {
			return ""
		}
		where := v("shop_address")
		if enumValue("channel", v("channel")) == "online" {
			where = v("url")
		}
		return fmt.Sprintf("%s / %s %s / %s / %s", fold.Text(fixTaxCode(v("trader"))), fold.Key(v("brand")),
			fold.Key(v("model_number")), enumValue("channel", v("channel")), where)
	}
	return ""
}

// docKey folds a document number as the registry compares them: case and
// spaces ignored.
func docKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// upsert creates the row when existing is nil, or updates it; an update
// that changes nothing keeps the version and writes no event, and counts
// as unchanged.
func upsert[T interface{ GetVersion() int }](exists bool, version int, create func() (T, error), update func() (T, error)) (outcome, error) {
	if !exists {
		if _, err := create(); err != nil {
			return 0, err
		}
		return created, nil
	}
	row, err := update()
	if err != nil {
		return 0, err
	}
	if row.GetVersion() == version {
		return unchanged, nil
	}
	return updated, nil
}

// dry runs the service call in a dry run when the row already has errors
// of its own, so that the report lists the service's errors too, and
// nothing is written.
func (c *rowCtx) dry() context.Context {
	if len(c.pre.Errors) > 0 {
		return models.DryRun(c.ctx)
	}
	return c.ctx
}

// finish turns a dry-run success on a row with errors into those errors.
func (c *rowCtx) finish(out outcome, err error) (outcome, error) {
	if err == nil && len(c.pre.Errors) > 0 {
		return 0, &c.pre
	}
	return out, err
}

func (c *rowCtx) organization() (outcome, error) {
	in := models.OrganizationInput{
		Name: c.str("name"), Kind: c.enum("kind", "org_kind"), TaxCode: c.taxCode("tax_code"),
		Address: c.str("address"), Province: c.str("province"), Country: c.str("country"),
		Website: c.str("website"), Email: c.str("email"), Phone: c.str("phone"),
	}
	var ex *models.Organization
	if in.TaxCode != nil {
		if tc, err := models.CheckTaxCode(*in.TaxCode); err == nil {
			o, err := c.st.OrganizationByTaxCode(c.ctx, tc)
			if err != nil && !models.IsNotFound(err) {
				return 0, err
			}
			ex = o
		}
	}
	if ex == nil && in.Name != nil {
		// Without a tax code (or with one the registry does not have yet),
		// an organization is known by its name and kind. One that has no
		// tax code yet is the same organization, and gains it.
		var kinds []string
		if in.Kind != nil {
			kinds = []string{*in.Kind}
		}
		same, err := c.st.OrganizationsByName(c.ctx, *in.Name, kinds...)
		if err != nil {
			return 0, err
		}
		same = slices.DeleteFunc(same, func(o models.Organization) bool { return in.TaxCode != nil && o.TaxCode != nil })
		switch {
		case len(same) == 1:
			ex = &same[0]
		case len(same) > 1:
			c.pre.Add("name", "%d organizations are named %q; give the tax code or the kind to tell them apart", len(same), *in.Name)
		}
	}
	ctx := c.dry()
	return c.finish(upsert(ex != nil, version(ex), func() (*models.Organization, error) {
		return c.st.CreateOrganization(ctx, c.run.opts.Actor, in)
	}, func() (*models.Organization, error) {
		return c.st.UpdateOrganization(ctx, c.run.opts.Actor, ex.ID, in, nil)
	}))
}

func version[T interface{ GetVersion() int }](p *T) int {
	if p == nil {
		return 0
	}
	return (*p).GetVersion()
}

// modelInput is the row as a camera model, for the batch service
// (models.UpsertModels), which looks the model up and checks that a vendor
// changes only its own.
func (c *rowCtx) modelInput() models.ModelInput {
	in := models.ModelInput{
		Brand: c.str("brand"), ModelNumber: c.str("model_number"), Name: c.str("name"),
		Kind: c.enum("kind", "model_kind"), HSCode: c.str("hs_code"), OriginCountry: c.str("origin_country"),
		FirmwareVersions: c.list("firmware_versions"), Status: c.enum("status", "model_status"),
	}
	in.RegistrantOrgID = c.vendorOrg("registrant", c.org("registrant"))
	return in
}

func (c *rowCtx) certificate() (outcome, error) {
	in := models.CertificateInput{
		Number: c.str("number"), StandardCode: c.str("standard_code"),
		CertificationBodyOrgID: c.org("certification_body", models.OrgCertificationBody),
		Method:                 c.integer("method"), HolderOrgID: c.org("holder"),
		IssuedOn: c.date("issued_on"), ExpiresOn: c.date("expires_on"), LotRef: c.str("lot_ref"),
		Status: c.enum("status", "cert_status"), StatusReason: c.str("status_reason"),
		StatusChangedOn: c.date("status_changed_on"),
	}
	if items := c.models("models", "firmware"); items != nil {
		ms := make([]models.CoveredModelInput, len(*items))
		for i, it := range *items {
			ms[i] = models.CoveredModelInput{CameraModelID: it.id, Firmware: it.opts["firmware"]}
		}
		// The registry keeps covered models in this order; giving them in
		// it makes a re-import of the same rows a no-op.
		slices.SortFunc(ms, func(a, b models.CoveredModelInput) int {
			return cmp.Or(cmp.Compare(a.CameraModelID, b.CameraModelID), cmp.Compare(a.Firmware, b.Firmware))
		})
		in.Models = &ms
	}
	var ex *models.Certificate
	if in.Number != nil {
		x, err := c.st.CertificateByNumber(c.ctx, *in.Number)
		if err != nil && !models.IsNotFound(err) {
			return 0, err
		}
		ex = x
	}
	ctx := c.dry()
	return c.finish(upsert(ex != nil, version(ex), func() (*models.Certificate, error) {
		return c.st.CreateCertificate(ctx, c.run.opts.Actor, in)
	}, func() (*models.Certificate, error) {
		return c.st.UpdateCertificate(ctx, c.run.opts.Actor, ex.ID, in, nil)
	}))
}

func (c *rowCtx) origin() (outcome, error) {
	in := models.OriginCertificateInput{
		Number: c.str("number"), Form: c.str("form"), Issuer: c.str("issuer"),
		ExportingCountry: c.str("exporting_country"), IssuedOn: c.date("issued_on"),
		LotRef: c.str("lot_ref"), InvoiceRef: c.str("invoice_ref"),
		Status: c.enum("status", "cert_status"), StatusReason: c.str("status_reason"),
		StatusChangedOn: c.date("status_changed_on"),
	}
	in.HolderOrgID = c.vendorOrg("holder", c.org("holder"))
	if items := c.models("models"); items != nil {
		ids := make([]string, len(*items))
		for i, it := range *items {
			ids[i] = it.id
		}
		slices.Sort(ids)
		in.CameraModelIDs = &ids
	}
	var ex *models.OriginCertificate
	if in.Number != nil && in.ExportingCountry != nil {
		x, err := c.st.OriginCertificateByNumber(c.ctx, *in.Number, *in.ExportingCountry)
		if err != nil && !models.IsNotFound(err) {
			return 0, err
		}
		ex = x
	}
	if ex != nil && !c.ownedBy(ex.HolderOrgID, "certificate of origin "+ex.Number) {
		return 0, &c.pre
	}
	ctx := c.dry()
	return c.finish(upsert(ex != nil, version(ex), func() (*models.OriginCertificate, error) {
		return c.st.CreateOriginCertificate(ctx, c.run.opts.Actor, in)
	}, func() (*models.OriginCertificate, error) {
		return c.st.UpdateOriginCertificate(ctx, c.run.opts.Actor, ex.ID, in, nil)
	}))
}

func (c *rowCtx) warning() (outcome, error) {
	in := models.WarningInput{
		Reference:      c.str("reference"),
		AuthorityOrgID: c.org("authority", models.OrgAuthority, models.OrgMarketSurveillance),
		Title:          c.str("title"), Summary: c.str("summary"), Severity: c.enum("severity", "severity"),
		IssuedOn: c.date("issued_on"), Measure: c.enum("measure", "measure"), CVEIDs: c.list("cve_ids"),
		URL: c.str("url"), Status: c.enum("status", "warning_status"), StatusReason: c.str("status_reason"),
		StatusChangedOn: c.date("status_changed_on"),
	}
	if items := c.models("affected", "introduced_in", "fixed_in"); items != nil {
		as := make([]models.AffectedModelInput, len(*items))
		for i, it := range *items {
			as[i] = models.AffectedModelInput{CameraModelID: it.id, IntroducedIn: it.opts["introduced_in"], FixedIn: it.opts["fixed_in"]}
		}
		slices.SortFunc(as, func(a, b models.AffectedModelInput) int {
			return cmp.Or(cmp.Compare(a.CameraModelID, b.CameraModelID), cmp.Compare(a.IntroducedIn, b.IntroducedIn),
				cmp.Compare(a.FixedIn, b.FixedIn))
		})
		in.Affected = &as
	}
	var ex *models.Warning
	if in.Reference != nil {
		x, err := c.st.WarningByReference(c.ctx, *in.Reference)
		if err != nil && !models.IsNotFound(err) {
			return 0, err
		}
		ex = x
	}
	ctx := c.dry()
	return c.finish(upsert(ex != nil, version(ex), func() (*models.Warning, error) {
		return c.st.CreateWarning(ctx, c.run.opts.Actor, in)
	}, func() (*models.Warning, error) {
		return c.st.UpdateWarning(ctx, c.run.opts.Actor, ex.ID, in, nil)
	}))
}

// listingInput is the row as a listing, for the batch service
// (models.UpsertListings), which looks the listing up on its natural key.
func (c *rowCtx) listingInput() models.ListingInput {
	in := models.ListingInput{
		Channel: c.enum("channel", "channel"), URL: c.str("url"), ShopAddress: c.str("shop_address"),
		Province: c.str("province"), PriceVND: c.price("price_vnd"), FirstSeenOn: c.date("first_seen_on"),
		LastSeenOn: c.date("last_seen_on"), Source: c.enum("source", "source"),
	}
	in.TraderOrgID = c.vendorOrg("trader", c.org("trader", models.TraderKinds...))
	if mn := c.str("model_number"); mn != nil {
		id, err := c.run.refs.model(c.ctx, c.st, strings.TrimSpace(c.rec.values["brand"]), *mn)
		if err != nil {
			c.pre.Add("model_number", "%s", err.Error())
		} else {
			in.CameraModelID = &id
		}
	}
	return in
}

// refCache remembers resolved references for the length of an import, so
// that a million listings of a thousand traders look each trader up once.
// Rows of the file's own entity are never cached: the import creates them.
type refCache struct {
	mu     sync.Mutex
	orgs   map[string]refResult
	models map[string]refResult
}

type refResult struct {
	id  string
	err error
}

// maxCached bounds each cache; past it the cache starts afresh, so that
// memory stays flat however many distinct references a file makes.
const maxCached = 100_000

func newRefCache() *refCache {
	return &refCache{orgs: map[string]refResult{}, models: map[string]refResult{}}
}

func (rc *refCache) get(m map[string]refResult, key string) (refResult, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	r, ok := m[key]
	return r, ok
}

func (rc *refCache) put(m *map[string]refResult, key string, r refResult) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(*m) >= maxCached {
		*m = map[string]refResult{}
	}
	(*m)[key] = r
}

// org resolves an organization by tax code or, failing that, by name.
func (rc *refCache) org(ctx context.Context, st *models.Store, ref string, kinds []string) (string, error) {
	key := orgCacheKey(ref, kinds)
	if r, ok := rc.get(rc.orgs, key); ok {
		return r.id, r.err
	}
	r := refResult{}
	if tc, err := models.CheckTaxCode(fixTaxCode(ref)); err == nil {
		o, err := st.OrganizationByTaxCode(ctx, tc)
		if err != nil && !models.IsNotFound(err) {
			return "", err
		}
		id := ""
		if o != nil {
			id = o.ID
		}
		r = taxCodeResult(tc, id)
	} else {
		found, err := st.OrganizationsByName(ctx, ref, kinds...)
		if err != nil {
			return "", err
		}
		what := "organization"
		if len(kinds) > 0 {
			what = "organization of kind " + strings.Join(kinds, " or ")
		}
		switch len(found) {
		case 0:
			r.err = fmt.Errorf("no %s is named %q (give its tax code or its name as registered)", what, ref)
		case 1:
			r.id = found[0].ID
		default:
			r.err = fmt.Errorf("%d organizations are named %q; give the tax code instead", len(found), ref)
		}
	}
	rc.put(&rc.orgs, key, r)
	return r.id, r.err
}

// model resolves a model written as "Brand ModelNumber" (or as a model
// number of the given brand). As brands have spaces ("VNPT Technology"),
// every split of the words into brand and model number is tried; exactly
// one must name a model.
func (rc *refCache) model(ctx context.Context, st *models.Store, brand, item string) (string, error) {
	var found []string
	for _, t := range modelTries(brand, item) {
		key := t[0] + "\x00" + t[1]
		r, ok := rc.get(rc.models, key)
		if !ok {
			m, err := st.ModelByKeys(ctx, t[0], t[1])
			switch {
			case err == nil:
				r.id = m.ID
			case models.IsNotFound(err):
				r.err = err
			default:
				return "", err
			}
			rc.put(&rc.models, key, r)
		}
		if r.err == nil && !slices.Contains(found, r.id) {
			found = append(found, r.id)
		}
		if len(found) > 0 && t[0] == fold.Key(brand) {
			break // the brand column settles it
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if fold.Key(brand) != "" {
			return "", fmt.Errorf("no camera model %q of brand %q is in the registry", item, brand)
		}
		return "", fmt.Errorf("no camera model %q is in the registry (write the brand and model number, such as \"Hikvision DS-2CD1023G0E-I\")", item)
	}
	return "", fmt.Errorf("%q names %d camera models; add the brand column or write it as brand and model number", item, len(found))
}

// modelTries are the brand and model keys a model reference may mean, in
// the order they are tried: the brand column with the whole item, then
// every split of the item's words into brand and model number.
func modelTries(brand, item string) [][2]string {
	var tries [][2]string
	add := func(b, m string) {
		if b != "" && m != "" {
			tries = append(tries, [2]string{b, m})
		}
	}
	if fold.Key(brand) != "" {
		add(fold.Key(brand), fold.Key(item))
	}
	words := strings.Fields(item)
	for i := 1; i < len(words) && i <= 11; i++ {
		add(fold.Key(strings.Join(words[:i], " ")), fold.Key(strings.Join(words[i:], " ")))
	}
	return tries
}

// taxCodeResult is the resolution of a tax code: the organization's id,
// or "" when none has it.
func taxCodeResult(tc, id string) refResult {
	if id == "" {
		return refResult{err: fmt.Errorf("no organization has tax code %s", tc)}
	}
	return refResult{id: id}
}

// orgCacheKey is the cache key of an organization reference.
func orgCacheKey(ref string, kinds []string) string {
	return strings.Join(kinds, ",") + "\x00" + fold.Text(ref)
}

// prefetch resolves, in a few queries, the references of a batch's rows
// the cache does not hold yet: organizations named by tax code in orgCol
// (kinds as the row will ask), and camera models in modelCol. A reference
// by name is left for the row, which resolves it as before.
func (rc *refCache) prefetch(ctx context.Context, st *models.Store, batch []record, orgCol string, kinds []string, modelCol string) error {
	orgs := map[string][]string{} // tax code -> cache keys
	var pairs [][2]string
	for _, rec := range batch {
		if ref := strings.TrimSpace(rec.values[orgCol]); orgCol != "" && ref != "" {
			key := orgCacheKey(ref, kinds)
			if _, ok := rc.get(rc.orgs, key); !ok {
				if tc, err := models.CheckTaxCode(fixTaxCode(ref)); err == nil {
					orgs[tc] = append(orgs[tc], key)
				}
			}
		}
		if item := strings.TrimSpace(rec.values[modelCol]); modelCol != "" && item != "" {
			for _, t := range modelTries(strings.TrimSpace(rec.values["brand"]), item) {
				if _, ok := rc.get(rc.models, t[0]+"\x00"+t[1]); !ok {
					pairs = append(pairs, t)
				}
			}
		}
	}
	if len(orgs) > 0 {
		codes := make([]string, 0, len(orgs))
		for tc := range orgs {
			codes = append(codes, tc)
		}
		ids, err := st.OrganizationIDsByTaxCodes(ctx, codes)
		if err != nil {
			return err
		}
		for tc, keys := range orgs {
			for _, k := range keys {
				rc.put(&rc.orgs, k, taxCodeResult(tc, ids[tc]))
			}
		}
	}
	if len(pairs) > 0 {
		ids, err := st.ModelIDsByKeys(ctx, pairs)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			r := refResult{id: ids[p]}
			if r.id == "" {
				r.err = fmt.Errorf("camera model: %w", models.ErrNotFound)
			}
			rc.put(&rc.models, p[0]+"\x00"+p[1], r)
		}
	}
	return nil
}
