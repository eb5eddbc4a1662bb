package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// ModelFields are the fields of a camera model that its registrant sets.
type ModelFields struct {
	Brand *string `json:"brand" example:"Hikvision" create:"required"`
	// ModelNumber is the model number as printed; its model_key (letters and digits, lower case) must be unique per brand.
	ModelNumber *string `json:"model_number" example:"DS-2CD1023G0E-I" create:"required"`
	Name        *string `json:"name" example:"Camera IP thân trụ 2MP"`
	// Kind is one of ip, wifi, analog, ptz, doorbell, dashcam, thermal, other; ip when omitted.
	Kind          *string `json:"kind" example:"ip" enums:"ip,wifi,analog,ptz,doorbell,dashcam,thermal,other"`
	HSCode        *string `json:"hs_code" example:"8525.89.10"`
	OriginCountry *string `json:"origin_country" example:"CN"`
	// FirmwareVersions lists known firmware versions.
	FirmwareVersions *[]string `json:"firmware_versions" example:"V5.7.3 build 220112"`
	// GTINs are the model's barcodes (GTIN-8, UPC-A, EAN-13 or GTIN-14,
	// GS1 check digit validated), stored as 14 digits; a GTIN belongs to one
	// model only (409 otherwise). PATCH replaces the list.
	GTINs *[]string `json:"gtins" example:"8936012345674"`
}

func (r ModelFields) input() models.ModelInput {
	return models.ModelInput{Brand: r.Brand, ModelNumber: r.ModelNumber, Name: r.Name, Kind: r.Kind, HSCode: r.HSCode,
		OriginCountry: r.OriginCountry, FirmwareVersions: r.FirmwareVersions, GTINs: r.GTINs}
}

// modelRequest registers a camera model (POST) or changes some of its
// fields (PATCH), as an admin.
type modelRequest struct {
	ModelFields
	RegistrantOrgID *string `json:"registrant_org_id" example:"0193a5b0-7e1c-7c1e-9a2b-3c4d5e6f7a8b"`
	// Status of the registration: pending or verified; pending when omitted.
	Status *string `json:"status" example:"verified" enums:"pending,verified"`
}

func (r modelRequest) input() models.ModelInput {
	in := r.ModelFields.input()
	in.RegistrantOrgID, in.Status = r.RegistrantOrgID, r.Status
	return in
}

// vendorModelRequest is a vendor's registration: the registrant is the
// vendor's organization and the status is pending until an admin verifies it.
type vendorModelRequest struct {
	ModelFields
}

func (vendorModelRequest) widest() any { return modelRequest{} }

func (vendorModelRequest) implied() []string { return []string{"registrant_org_id"} }

// modelResponse is a camera model as the API shows it.
type modelResponse struct {
	ID               string    `json:"id"`
	Brand            string    `json:"brand" example:"Hikvision"`
	ModelNumber      string    `json:"model_number" example:"DS-2CD1023G0E-I"`
	ModelKey         string    `json:"model_key" example:"ds2cd1023g0ei"`
	Name             string    `json:"name"`
	Kind             string    `json:"kind"`
	HSCode           string    `json:"hs_code"`
	OriginCountry    string    `json:"origin_country"`
	FirmwareVersions []string  `json:"firmware_versions"`
	GTINs            []string  `json:"gtins" example:"08936012345674"`
	RegistrantOrgID  *string   `json:"registrant_org_id"`
	Status           string    `json:"status"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func newModelResponse(m *models.Model) modelResponse {
	fw := []string(m.FirmwareVersions)
	if fw == nil {
		fw = []string{}
	}
	gtins := []string(m.GTINs)
	if gtins == nil {
		gtins = []string{}
	}
	return modelResponse{GTINs: gtins, ID: m.ID, Brand: m.Brand, ModelNumber: m.ModelNumber, ModelKey: m.ModelKey, Name: m.Name,
		Kind: m.Kind, HSCode: m.HSCode, OriginCountry: m.OriginCountry, FirmwareVersions: fw,
		RegistrantOrgID: m.RegistrantOrgID, Status: m.Status, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

// modelList is one page of camera models.
type modelList struct {
	Items      []modelResponse `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// listModels godoc
//
//	@Summary	List camera models
//	@Tags		models
//	@Produce	json
//	@Param		brand				query		string	false	"brand, ignoring case and diacritics"
//	@Param		kind				query		string	false	"kind of camera"
//	@Param		status				query		string	false	"pending or verified"
//	@Param		model				query		string	false	"model number prefix, ignoring case and punctuation"
//	@Param		registrant_org_id	query		string	false	"registrant organization id"
//	@Param		origin_country		query		string	false	"ISO country code"
//	@Param		limit				query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor				query		string	false	"next_cursor of the previous page"
//	@Success	200					{object}	modelList
//	@Failure	422					{object}	Problem
//	@Router		/v1/models [get]
func (s *Server) listModels(c echo.Context) error {
	q := newQuery(c, "brand", "kind", "status", "model", "registrant_org_id", "origin_country")
	f := models.ModelFilter{Brand: q.str("brand"), Kind: q.str("kind"), Status: q.str("status"), Model: q.str("model"),
		RegistrantOrgID: q.id("registrant_org_id"), OriginCountry: q.str("origin_country"), Viewer: viewerPtr(c)}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindModels(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, modelList{Items: views(page.Items, newModelResponse), NextCursor: page.NextCursor})
}

// getModel godoc
//
//	@Summary	Get a camera model
//	@Tags		models
//	@Produce	json
//	@Param		id	path		string	true	"camera model id"
//	@Success	200	{object}	modelResponse
//	@Header		200	{string}	ETag	"the version, for If-Match"
//	@Failure	404	{object}	Problem
//	@Router		/v1/models/{id} [get]
func (s *Server) getModel(c echo.Context) error {
	return getOne(c, viewAs(c, s.store.ViewModel), newModelResponse)
}

// createModel godoc
//
//	@Summary	Register a camera model
//	@Tags		models
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string			false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		modelRequest	true	"the model; brand and model_number are required. An admin's registration is verified unless it says \"status\":\"pending\". A vendor's is registered to its organization (registrant_org_id may be sent only as that) and pending until an admin verifies it; it may not send status"
//	@Success	201				{object}	modelResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem	"the brand already has this model_key"
//	@Failure	422				{object}	Problem
//	@Router		/v1/models [post]
func (s *Server) createModel(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return createOne[vendorModelRequest](c, "models", s.store.CreateModel, newModelResponse)
	}
	return createOne[modelRequest](c, "models", adminRegistration(s.store.CreateModel), newModelResponse)
}

// adminRegistration makes an admin's own registration verified unless it
// says pending: an admin vouches for what it registers by hand.
func adminRegistration(create func(context.Context, models.Actor, models.ModelInput) (*models.Model, error)) func(context.Context, models.Actor, models.ModelInput) (*models.Model, error) {
	return func(ctx context.Context, actor models.Actor, in models.ModelInput) (*models.Model, error) {
		if in.Status == nil && actor.Role == models.RoleAdmin {
			verified := models.ModelVerified
			in.Status = &verified
		}
		return create(ctx, actor, in)
	}
}

// updateModel godoc
//
//	@Summary	Change some fields of a camera model
//	@Tags		models
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		id			path		string			true	"camera model id"
//	@Param		If-Match	header		string			false	"the ETag last read; a stale one gets 412"
//	@Param		body		body		modelRequest	true	"the fields to change; a vendor changes its own models only, and may not send registrant_org_id or status"
//	@Success	200			{object}	modelResponse
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem
//	@Failure	412			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/models/{id} [patch]
func (s *Server) updateModel(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return updateOne[vendorModelRequest](c, s.store.UpdateModel, newModelResponse)
	}
	return updateOne[modelRequest](c, s.verifyReviewed, newModelResponse)
}

// verifyReviewed is UpdateModel for an admin, but that verifying a vendor's
// pending registration needs If-Match, the version reviewed: the vendor
// may change its pending registration at any time, and a change made
// after the review was verified unseen (the red team's pass of 2026-12-07).
// A record still as it was made (version 1) needs none: no reviewer can
// have read an earlier version of it.
func (s *Server) verifyReviewed(ctx context.Context, a models.Actor, id string, in models.ModelInput, version *int) (*models.Model, error) {
	if version == nil && in.Status != nil && *in.Status == models.ModelVerified && a.Role == models.RoleAdmin {
		if cur, err := s.store.GetModel(ctx, id); err == nil && cur.Status == models.ModelPending && cur.Version > 1 {
			return nil, reviewRequired("verifying a pending registration", cur.Version)
		}
	}
	return s.store.UpdateModel(ctx, a, id, in, version)
}

// deleteModel godoc
//
//	@Summary		Forget a camera model that nothing refers to
//	@Description	A model named by a certificate, C/O, warning or listing is kept (409).
//	@Tags			models
//	@Security		BearerKey
//	@Param			id			path	string	true	"camera model id"
//	@Param			If-Match	header	string	false	"the ETag last read"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Failure		412	{object}	Problem
//	@Router			/v1/models/{id} [delete]
func (s *Server) deleteModel(c echo.Context) error {
	return deleteOne(c, s.store.DeleteModel)
}
