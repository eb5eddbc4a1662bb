package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// ContactFields are the fields of an organization that it keeps up to date itself.
type ContactFields struct {
	Address *string `json:"address" example:"12 Nguyễn Văn Linh, Hải Châu"`
	// Province accepts a name with or without diacritics, or a code: "Đà Nẵng", "da nang", "48".
	Province *string `json:"province" example:"Đà Nẵng"`
	Website  *string `json:"website" example:"https://example.vn"`
	Email    *string `json:"email" example:"info@example.vn"`
	Phone    *string `json:"phone" example:"+84 236 3888 999"`
}

func (r ContactFields) input() models.OrganizationInput {
	return models.OrganizationInput{Address: r.Address, Province: r.Province, Website: r.Website, Email: r.Email, Phone: r.Phone}
}

// vendorOrganizationRequest is what a vendor may change of its own organization.
type vendorOrganizationRequest struct {
	ContactFields
}

func (vendorOrganizationRequest) widest() any { return organizationRequest{} }

// organizationRequest creates an organization (POST) or changes some of
// its fields (PATCH: only the fields sent change).
type organizationRequest struct {
	ContactFields
	// Name is the registered name.
	Name *string `json:"name" example:"Công ty TNHH Thiết bị An ninh Đà Nẵng" create:"required"`
	// Kind is one of manufacturer, importer, distributor, retailer, online_seller, certification_body, authority, market_surveillance, operator.
	Kind *string `json:"kind" example:"retailer" enums:"manufacturer,importer,distributor,retailer,online_seller,certification_body,authority,market_surveillance,operator" create:"required"`
	// TaxCode is the enterprise tax code (MST), check digit validated: 10 digits, or NNNNNNNNNN-NNN for a branch. Send "" to remove.
	TaxCode *string `json:"tax_code" example:"0100233488"`
	// Country is an ISO 3166-1 alpha-2 code; VN when omitted.
	Country *string `json:"country" example:"VN"`
}

func (r organizationRequest) input() models.OrganizationInput {
	in := r.ContactFields.input()
	in.Name, in.Kind, in.TaxCode, in.Country = r.Name, r.Kind, r.TaxCode, r.Country
	return in
}

// organizationResponse is an organization as the API shows it.
type organizationResponse struct {
	ID      string  `json:"id" example:"0193a5b0-7e1c-7c1e-9a2b-3c4d5e6f7a8b"`
	Name    string  `json:"name"`
	Kind    string  `json:"kind"`
	TaxCode *string `json:"tax_code"`
	// Trader is true when the organization has a tax code.
	Trader       bool    `json:"trader"`
	Address      string  `json:"address"`
	ProvinceCode *string `json:"province_code" example:"48"`
	ProvinceName *string `json:"province_name" example:"Đà Nẵng"`
	Country      string  `json:"country"`
	Website      string  `json:"website"`
	// Email and Phone are shown to the organization itself and to inspectors, authorities and admins only.
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// organizationView shows an organization to viewer, without the contact
// details viewer may not see.
func organizationView(viewer models.Actor) func(*models.Organization) organizationResponse {
	return func(o *models.Organization) organizationResponse {
		r := organizationResponse{ID: o.ID, Name: o.Name, Kind: o.Kind, TaxCode: o.TaxCode, Trader: o.IsTrader(),
			Address: o.Address, ProvinceCode: o.ProvinceCode, ProvinceName: o.ProvinceName, Country: o.Country,
			Website: o.Website, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
		if models.CanSeeContacts(viewer, o) {
			r.Email, r.Phone = o.Email, o.Phone
		}
		return r
	}
}

// organizationList is one page of organizations.
type organizationList struct {
	Items []organizationResponse `json:"items"`
	// NextCursor fetches the next page; empty on the last page.
	NextCursor string `json:"next_cursor"`
}

// listOrganizations godoc
//
//	@Summary	List organizations and traders
//	@Tags		organizations
//	@Produce	json
//	@Param		kind		query		string	false	"organization kind"
//	@Param		province	query		string	false	"province name or code"
//	@Param		tax_code	query		string	false	"exact tax code"
//	@Param		trader		query		bool	false	"only organizations with (true) or without (false) a tax code"
//	@Param		name		query		string	false	"name contains, ignoring case and diacritics"
//	@Param		limit		query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	organizationList
//	@Failure	422			{object}	Problem
//	@Router		/v1/organizations [get]
func (s *Server) listOrganizations(c echo.Context) error {
	q := newQuery(c, "kind", "province", "tax_code", "trader", "name")
	f := models.OrganizationFilter{Kind: q.str("kind"), Province: q.str("province"), TaxCode: q.str("tax_code"),
		Trader: q.boolean("trader"), Name: q.str("name")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindOrganizations(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, organizationList{Items: views(page.Items, organizationView(viewer(c))), NextCursor: page.NextCursor})
}

// getOrganization godoc
//
//	@Summary	Get an organization
//	@Tags		organizations
//	@Produce	json
//	@Param		id	path		string	true	"organization id"
//	@Success	200	{object}	organizationResponse
//	@Header		200	{string}	ETag	"the version, for If-Match"
//	@Failure	404	{object}	Problem
//	@Router		/v1/organizations/{id} [get]
func (s *Server) getOrganization(c echo.Context) error {
	return getOne(c, s.store.GetOrganization, organizationView(viewer(c)))
}

// createOrganization godoc
//
//	@Summary	Register an organization or trader
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string				false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		organizationRequest	true	"the organization; name and kind are required"
//	@Success	201				{object}	organizationResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem	"the tax code is taken"
//	@Failure	422				{object}	Problem
//	@Router		/v1/organizations [post]
func (s *Server) createOrganization(c echo.Context) error {
	return createOne[organizationRequest](c, "organizations", s.store.CreateOrganization, organizationView(viewer(c)))
}

// updateOrganization godoc
//
//	@Summary	Change some fields of an organization
//	@Tags		organizations
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		id			path		string				true	"organization id"
//	@Param		If-Match	header		string				false	"the ETag last read; a stale one gets 412"
//	@Param		body		body		organizationRequest	true	"the fields to change"
//	@Success	200			{object}	organizationResponse
//	@Failure	404			{object}	Problem
//	@Failure	412			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/organizations/{id} [patch]
func (s *Server) updateOrganization(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return updateOne[vendorOrganizationRequest](c, s.store.UpdateOrganization, organizationView(viewer(c)))
	}
	return updateOne[organizationRequest](c, s.store.UpdateOrganization, organizationView(viewer(c)))
}

// deleteOrganization godoc
//
//	@Summary		Forget an organization that nothing refers to
//	@Description	An organization that holds certificates, models, listings or keys is kept (409).
//	@Tags			organizations
//	@Security		BearerKey
//	@Param			id			path	string	true	"organization id"
//	@Param			If-Match	header	string	false	"the ETag last read"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Failure		412	{object}	Problem
//	@Router			/v1/organizations/{id} [delete]
func (s *Server) deleteOrganization(c echo.Context) error {
	return deleteOne(c, s.store.DeleteOrganization)
}
