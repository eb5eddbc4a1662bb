package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// listingRequest records that a trader offers a model (POST) or changes
// some of its fields (PATCH).
type listingRequest struct {
	TraderOrgID *string `json:"trader_org_id"`
	ListingFields
}

func (r listingRequest) input() models.ListingInput {
	in := r.ListingFields.input()
	in.TraderOrgID = r.TraderOrgID
	return in
}

// vendorListingRequest is a vendor's listing: the trader is the vendor's
// own organization.
type vendorListingRequest struct {
	ListingFields
}

func (vendorListingRequest) widest() any { return listingRequest{} }

func (vendorListingRequest) implied() []string { return []string{"trader_org_id"} }

// ListingFields are a listing's own details.
type ListingFields struct {
	CameraModelID *string `json:"camera_model_id" create:"required"`
	// Channel is shop or online; an online listing needs url.
	Channel     *string `json:"channel" example:"shop" enums:"shop,online" create:"required"`
	URL         *string `json:"url" example:"https://shopee.vn/camera-ip-hikvision-i.123.456"`
	ShopAddress *string `json:"shop_address" example:"45 Lê Duẩn, Hải Châu"`
	// Province accepts a name with or without diacritics, or a code.
	Province    *string `json:"province" example:"Đà Nẵng"`
	PriceVND    *int64  `json:"price_vnd" example:"650000"`
	FirstSeenOn *string `json:"first_seen_on" example:"2026-03-02"`
	LastSeenOn  *string `json:"last_seen_on" example:"2026-11-01"`
	// Source is self_declared, inspection or marketplace; self_declared when omitted.
	Source *string `json:"source" example:"inspection" enums:"self_declared,inspection,marketplace"`
}

func (r ListingFields) input() models.ListingInput {
	return models.ListingInput{CameraModelID: r.CameraModelID, Channel: r.Channel, URL: r.URL,
		ShopAddress: r.ShopAddress, Province: r.Province, PriceVND: r.PriceVND, FirstSeenOn: r.FirstSeenOn,
		LastSeenOn: r.LastSeenOn, Source: r.Source}
}

// listingResponse is a listing as the API shows it.
type listingResponse struct {
	ID            string    `json:"id"`
	TraderOrgID   string    `json:"trader_org_id"`
	CameraModelID string    `json:"camera_model_id"`
	Channel       string    `json:"channel"`
	URL           string    `json:"url"`
	ShopAddress   string    `json:"shop_address"`
	ProvinceCode  *string   `json:"province_code"`
	ProvinceName  *string   `json:"province_name"`
	PriceVND      *int64    `json:"price_vnd"`
	FirstSeenOn   *string   `json:"first_seen_on"`
	LastSeenOn    *string   `json:"last_seen_on"`
	Source        string    `json:"source"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func newListingResponse(l *models.Listing) listingResponse {
	return listingResponse{ID: l.ID, TraderOrgID: l.TraderOrgID, CameraModelID: l.CameraModelID, Channel: l.Channel,
		URL: l.URL, ShopAddress: l.ShopAddress, ProvinceCode: l.ProvinceCode, ProvinceName: l.ProvinceName,
		PriceVND: l.PriceVND, FirstSeenOn: date(l.FirstSeenOn), LastSeenOn: date(l.LastSeenOn), Source: l.Source,
		Version: l.Version, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// listingList is one page of listings.
type listingList struct {
	Items      []listingResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// listListings godoc
//
//	@Summary	List traders' listings
//	@Tags		listings
//	@Produce	json
//	@Param		trader		query		string	false	"trader's organization id"
//	@Param		model		query		string	false	"camera model id"
//	@Param		province	query		string	false	"province name or code"
//	@Param		channel		query		string	false	"shop or online"
//	@Param		source		query		string	false	"self_declared, inspection or marketplace"
//	@Param		limit		query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	listingList
//	@Failure	422			{object}	Problem
//	@Router		/v1/listings [get]
func (s *Server) listListings(c echo.Context) error {
	q := newQuery(c, "trader", "model", "province", "channel", "source")
	f := models.ListingFilter{Viewer: viewerPtr(c), TraderOrgID: q.id("trader"), CameraModelID: q.id("model"), Province: q.str("province"),
		Channel: q.str("channel"), Source: q.str("source")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindListings(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listingList{Items: views(page.Items, newListingResponse), NextCursor: page.NextCursor})
}

// getListing godoc
//
//	@Summary	Get a listing
//	@Tags		listings
//	@Produce	json
//	@Param		id	path		string	true	"listing id"
//	@Success	200	{object}	listingResponse
//	@Failure	404	{object}	Problem
//	@Router		/v1/listings/{id} [get]
func (s *Server) getListing(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.Listing, error) {
		return s.store.ViewListing(ctx, viewer(c), id)
	}, newListingResponse)
}

// createListing godoc
//
//	@Summary	Record a listing
//	@Tags		listings
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string			false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		listingRequest	true	"the listing; trader_org_id, camera_model_id and channel are required"
//	@Success	201				{object}	listingResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	422				{object}	Problem
//	@Router		/v1/listings [post]
func (s *Server) createListing(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return createOne[vendorListingRequest](c, "listings", s.store.CreateListing, newListingResponse)
	}
	return createOne[listingRequest](c, "listings", s.store.CreateListing, newListingResponse)
}

// updateListing godoc
//
//	@Summary	Change some fields of a listing
//	@Tags		listings
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		id			path		string			true	"listing id"
//	@Param		If-Match	header		string			false	"the ETag last read; a stale one gets 412"
//	@Param		body		body		listingRequest	true	"the fields to change"
//	@Success	200			{object}	listingResponse
//	@Failure	404			{object}	Problem
//	@Failure	412			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/listings/{id} [patch]
func (s *Server) updateListing(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return updateOne[vendorListingRequest](c, s.store.UpdateListing, newListingResponse)
	}
	return updateOne[listingRequest](c, s.store.UpdateListing, newListingResponse)
}

// deleteListing godoc
//
//	@Summary	Forget a listing (the trader no longer offers the model)
//	@Tags		listings
//	@Security	BearerKey
//	@Param		id			path	string	true	"listing id"
//	@Param		If-Match	header	string	false	"the ETag last read"
//	@Success	204
//	@Failure	404	{object}	Problem
//	@Failure	412	{object}	Problem
//	@Router		/v1/listings/{id} [delete]
func (s *Server) deleteListing(c echo.Context) error {
	return deleteOne(c, s.store.DeleteListing)
}
