package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// originCertificateRequest records a certificate of origin (POST) or
// changes some of its fields (PATCH), including revoking it with a reason.
type originCertificateRequest struct {
	OriginFields
	HolderOrgID     *string `json:"holder_org_id"`
	Status          *string `json:"status" example:"valid" enums:"valid,revoked"`
	StatusReason    *string `json:"status_reason"`
	StatusChangedOn *string `json:"status_changed_on"`
	// Confirmed (an admin's) confirms a C/O a vendor declared: until then
	// verify shows it as origin_proof_unconfirmed, not as proof.
	Confirmed *bool `json:"confirmed"`
}

func (r originCertificateRequest) input() models.OriginCertificateInput {
	in := r.OriginFields.input()
	in.HolderOrgID, in.Status, in.StatusReason, in.StatusChangedOn = r.HolderOrgID, r.Status, r.StatusReason, r.StatusChangedOn
	in.Confirmed = r.Confirmed
	return in
}

// vendorOriginCertificateRequest is a vendor's C/O: held by the vendor's
// own organization; only an admin revokes it.
type vendorOriginCertificateRequest struct {
	OriginFields
}

func (vendorOriginCertificateRequest) widest() any { return originCertificateRequest{} }

func (vendorOriginCertificateRequest) implied() []string { return []string{"holder_org_id"} }

// OriginFields are a C/O's own details.
type OriginFields struct {
	Number *string `json:"number" example:"E2512345678" create:"required"`
	// Form is one of D, E, AK, AJ, VJ, AI, AANZ, AHK, VC, VK, EUR.1, CPTPP, RCEP, B, other.
	Form             *string `json:"form" example:"E" enums:"D,E,AK,AJ,VJ,AI,AANZ,AHK,VC,VK,EUR.1,CPTPP,RCEP,B,other" create:"required"`
	Issuer           *string `json:"issuer" example:"China Council for the Promotion of International Trade" create:"required"`
	ExportingCountry *string `json:"exporting_country" example:"CN" create:"required"`
	IssuedOn         *string `json:"issued_on" example:"2025-09-12" create:"required"`
	LotRef           *string `json:"lot_ref" example:"TK 105987654321"`
	InvoiceRef       *string `json:"invoice_ref" example:"INV-2025-0912"`
	// The models the C/O covers: models (without firmware) or camera_model_ids.
	ModelLinks
}

const originFirmware = "a certificate of origin covers whole models: leave firmware out"

func (r OriginFields) check() []models.FieldError {
	if errs := r.ModelLinks.check(); errs != nil {
		return errs
	}
	_, errs := r.ids(originFirmware)
	return errs
}

func (r OriginFields) input() models.OriginCertificateInput {
	in := models.OriginCertificateInput{Number: r.Number, Form: r.Form, Issuer: r.Issuer, ExportingCountry: r.ExportingCountry,
		IssuedOn: r.IssuedOn, LotRef: r.LotRef, InvoiceRef: r.InvoiceRef}
	in.CameraModelIDs, _ = r.ids(originFirmware)
	return in
}

// originCertificateResponse is a C/O as the API shows it.
type originCertificateResponse struct {
	ID               string   `json:"id"`
	Number           string   `json:"number"`
	Form             string   `json:"form"`
	Issuer           string   `json:"issuer"`
	ExportingCountry string   `json:"exporting_country"`
	IssuedOn         *string  `json:"issued_on"`
	HolderOrgID      *string  `json:"holder_org_id"`
	LotRef           string   `json:"lot_ref"`
	InvoiceRef       string   `json:"invoice_ref"`
	Status           string   `json:"status"`
	StatusReason     string   `json:"status_reason"`
	StatusChangedOn  *string  `json:"status_changed_on"`
	CameraModelIDs   []string `json:"camera_model_ids"`
	// Confirmed is false for a C/O a vendor declared that no admin has
	// confirmed yet: verify does not count it as proof of origin.
	Confirmed bool `json:"confirmed"`
	// Models are the same models in the shape every link has.
	Models    []coveredModel `json:"models"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

func newOriginCertificateResponse(o *models.OriginCertificate) originCertificateResponse {
	ids := make([]string, len(o.Models))
	covered := make([]coveredModel, len(o.Models))
	for i, m := range o.Models {
		ids[i] = m.CameraModelID
		covered[i] = coveredModel{CameraModelID: m.CameraModelID}
	}
	return originCertificateResponse{ID: o.ID, Number: o.Number, Form: o.Form, Issuer: o.Issuer,
		ExportingCountry: o.ExportingCountry, IssuedOn: date(o.IssuedOn), HolderOrgID: o.HolderOrgID, LotRef: o.LotRef,
		InvoiceRef: o.InvoiceRef, Status: o.Status.Status, StatusReason: o.StatusReason, Confirmed: !o.DeclaredByVendor,
		StatusChangedOn: date(o.StatusChangedOn), CameraModelIDs: ids, Models: covered, Version: o.Version,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// originCertificateList is one page of C/Os.
type originCertificateList struct {
	Items      []originCertificateResponse `json:"items"`
	NextCursor string                      `json:"next_cursor"`
}

// listOriginCertificates godoc
//
//	@Summary	List certificates of origin (C/O)
//	@Tags		origin-certificates
//	@Produce	json
//	@Param		form				query		string	false	"C/O form, such as E"
//	@Param		exporting_country	query		string	false	"ISO country code"
//	@Param		holder_org_id		query		string	false	"holder"
//	@Param		model				query		string	false	"covered camera model id"
//	@Param		number				query		string	false	"C/O number"
//	@Param		status				query		string	false	"valid or revoked"
//	@Param		limit				query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor				query		string	false	"next_cursor of the previous page"
//	@Success	200					{object}	originCertificateList
//	@Failure	422					{object}	Problem
//	@Router		/v1/origin-certificates [get]
func (s *Server) listOriginCertificates(c echo.Context) error {
	q := newQuery(c, "form", "exporting_country", "holder_org_id", "model", "number", "status")
	f := models.OriginCertificateFilter{Form: q.str("form"), ExportingCountry: q.str("exporting_country"),
		HolderOrgID: q.id("holder_org_id"), CameraModelID: q.id("model"), Number: q.str("number"), Status: q.str("status")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	var err error
	if f.CameraModelID, err = s.visibleModelFilter(c, f.CameraModelID); err != nil {
		return err
	}
	page, err := s.store.FindOriginCertificates(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	if err := s.store.HideOriginModels(c.Request().Context(), viewer(c), page.Items); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, originCertificateList{Items: views(page.Items, newOriginCertificateResponse), NextCursor: page.NextCursor})
}

// getOriginCertificate godoc
//
//	@Summary	Get a certificate of origin
//	@Tags		origin-certificates
//	@Produce	json
//	@Param		id	path		string	true	"C/O id"
//	@Success	200	{object}	originCertificateResponse
//	@Failure	404	{object}	Problem
//	@Router		/v1/origin-certificates/{id} [get]
func (s *Server) getOriginCertificate(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.OriginCertificate, error) {
		o, err := s.store.GetOriginCertificate(ctx, id)
		if err != nil {
			return nil, err
		}
		one := []models.OriginCertificate{*o}
		err = s.store.HideOriginModels(ctx, viewer(c), one)
		return &one[0], err
	}, newOriginCertificateResponse)
}

// createOriginCertificate godoc
//
//	@Summary	Record a certificate of origin
//	@Tags		origin-certificates
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string						false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		originCertificateRequest	true	"the C/O; number, form, issuer, exporting_country, issued_on and camera_model_ids are required"
//	@Success	201				{object}	originCertificateResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem
//	@Failure	422				{object}	Problem
//	@Router		/v1/origin-certificates [post]
func (s *Server) createOriginCertificate(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return createOne[vendorOriginCertificateRequest](c, "origin-certificates", s.store.CreateOriginCertificate, newOriginCertificateResponse)
	}
	return createOne[originCertificateRequest](c, "origin-certificates", s.store.CreateOriginCertificate, newOriginCertificateResponse)
}

// updateOriginCertificate godoc
//
//	@Summary		Change a certificate of origin, or revoke it
//	@Description	C/Os are never deleted, only revoked.
//	@Tags			origin-certificates
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string						true	"C/O id"
//	@Param			If-Match	header		string						false	"the ETag last read; a stale one gets 412"
//	@Param			body		body		originCertificateRequest	true	"the fields to change"
//	@Success		200			{object}	originCertificateResponse
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/origin-certificates/{id} [patch]
func (s *Server) updateOriginCertificate(c echo.Context) error {
	if mustActor(c).Role == models.RoleVendor {
		return updateOne[vendorOriginCertificateRequest](c, s.store.UpdateOriginCertificate, newOriginCertificateResponse)
	}
	return updateOne[originCertificateRequest](c, s.confirmOriginReviewed, newOriginCertificateResponse)
}

// confirmOriginReviewed is UpdateOriginCertificate for an admin, but that
// confirming a vendor's declaration needs If-Match, the version reviewed (a
// vendor's change made after the review was confirmed unseen).
// A record still as it was made (version 1) needs none: no reviewer can
// have read an earlier version of it.
func (s *Server) confirmOriginReviewed(ctx context.Context, a models.Actor, id string, in models.OriginCertificateInput, version *int) (*models.OriginCertificate, error) {
	if version == nil && in.Confirmed != nil && *in.Confirmed && a.Role == models.RoleAdmin {
		if cur, err := s.store.GetOriginCertificate(ctx, id); err == nil && cur.DeclaredByVendor && cur.Version > 1 {
			return nil, reviewRequired("confirming a vendor's declaration", cur.Version)
		}
	}
	return s.store.UpdateOriginCertificate(ctx, a, id, in, version)
}
