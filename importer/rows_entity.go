package importer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"camreg/fold"
	"camreg/models"
)

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
	case "devices":
		if v("external_id") == "" {
			return ""
		}
		return "external_id " + norm.NFC.String(v("external_id"))
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

// organizationInput is the row as an organization, for the batch service
// (models.UpsertOrganizations), which finds it by tax code or name.
func (c *rowCtx) organizationInput() models.OrganizationInput {
	return models.OrganizationInput{
		Name: c.str("name"), Kind: c.enum("kind", "org_kind"), TaxCode: c.taxCode("tax_code"),
		Address: c.str("address"), Province: c.str("province"), Country: c.str("country"),
		Website: c.str("website"), Email: c.str("email"), Phone: c.str("phone"),
	}
}

// organization upserts the row through the single-row services (the
// row-by-row path, kept to compare the batch services with).
func (c *rowCtx) organization() (outcome, error) {
	in := c.organizationInput()
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
		GTINs: c.list("gtins"),
	}
	in.RegistrantOrgID = c.vendorOrg("registrant", c.org("registrant"))
	return in
}

// certificateInput is the row as a conformity certificate, for the
// batch service (models.UpsertCertificates).
func (c *rowCtx) certificateInput() models.CertificateInput {
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
	return in
}

func (c *rowCtx) certificate() (outcome, error) {
	in := c.certificateInput()
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

// originInput is the row as a certificate of origin, for the batch
// service (models.UpsertOriginCertificates).
func (c *rowCtx) originInput() models.OriginCertificateInput {
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
	return in
}

func (c *rowCtx) origin() (outcome, error) {
	in := c.originInput()
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

// warningInput is the row as a warning, for the batch service
// (models.UpsertWarnings).
func (c *rowCtx) warningInput() models.WarningInput {
	in := models.WarningInput{
		Reference:      c.str("reference"),
		AuthorityOrgID: c.org("authority", authorityKinds...),
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
	return in
}

func (c *rowCtx) warning() (outcome, error) {
	in := c.warningInput()
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

// authorityKinds are the kinds of organization a warning's authority may
// be (the row and the batch's prefetch ask the same, so that they share
// the cache's key).
var authorityKinds = []string{models.OrgAuthority, models.OrgMarketSurveillance}
