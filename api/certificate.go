package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// coveredModel names a model a certificate covers, optionally for one
// firmware version only.
type coveredModel struct {
	CameraModelID string `json:"camera_model_id" example:"0193a5b0-7e1c-7c1e-9a2b-3c4d5e6f7a8b"`
	Firmware      string `json:"firmware,omitempty" example:"V5.7.3 build 220112"`
}

// certificateRequest issues a conformity certificate (POST) or changes some
// of its fields (PATCH), including suspending, reinstating or revoking it:
// send status with status_reason (and optionally status_changed_on, the
// date the change takes effect; today when omitted).
type certificateRequest struct {
	CertificateFields
	CertificationBodyOrgID *string `json:"certification_body_org_id"`
	HolderOrgID            *string `json:"holder_org_id"`
	StatusFields
}

func (r certificateRequest) input() models.CertificateInput {
	in := r.CertificateFields.input()
	in.CertificationBodyOrgID, in.HolderOrgID = r.CertificationBodyOrgID, r.HolderOrgID
	in.Status, in.StatusReason, in.StatusChangedOn = r.Status, r.StatusReason, r.StatusChangedOn
	return in
}

// StatusFields change a certificate's status: pending (a vendor's
// submission), valid, suspended, revoked or rejected, with the reason and
// the date the change takes effect (today when omitted).
type StatusFields struct {
	Status          *string `json:"status" example:"valid" enums:"pending,valid,suspended,revoked,rejected"`
	StatusReason    *string `json:"status_reason"`
	StatusChangedOn *string `json:"status_changed_on" example:"2026-05-01"`
}

// certifierCertificateRequest is a certifier's: the certification body is
// the certifier's own organization.
type certifierCertificateRequest struct {
	CertificateFields
	HolderOrgID *string `json:"holder_org_id"`
	StatusFields
}

func (certifierCertificateRequest) widest() any { return certificateRequest{} }

func (certifierCertificateRequest) implied() []string { return []string{"certification_body_org_id"} }

func (r certifierCertificateRequest) input() models.CertificateInput {
	in := r.CertificateFields.input()
	in.HolderOrgID = r.HolderOrgID
	in.Status, in.StatusReason, in.StatusChangedOn = r.Status, r.StatusReason, r.StatusChangedOn
	return in
}

// vendorCertificateRequest is a vendor's submission of its own certificate:
// the holder is the vendor's organization, and the certificate stays
// pending until its certification body confirms it.
type vendorCertificateRequest struct {
	CertificateFields
	CertificationBodyOrgID *string `json:"certification_body_org_id"`
}

func (vendorCertificateRequest) widest() any { return certificateRequest{} }

func (vendorCertificateRequest) implied() []string { return []string{"holder_org_id"} }

func (r vendorCertificateRequest) input() models.CertificateInput {
	in := r.CertificateFields.input()
	in.CertificationBodyOrgID = r.CertificationBodyOrgID
	return in
}

// CertificateFields are a certificate's own details.
type CertificateFields struct {
	Number       *string `json:"number" example:"QCVN135-Q1-2025-0012" create:"required"`
	StandardCode *string `json:"standard_code" example:"QCVN 135:2024/BTTTT" create:"required"`
	// Method is 1 (type testing), 5 (type testing and factory assessment) or 7 (one lot).
	Method    *int    `json:"method" example:"5" enums:"1,5,7" create:"required"`
	IssuedOn  *string `json:"issued_on" example:"2025-03-01" create:"required"`
	ExpiresOn *string `json:"expires_on" example:"2028-02-29"`
	LotRef    *string `json:"lot_ref" example:"TK 105123456789/A11"`
	ModelLinks
}

func (r CertificateFields) input() models.CertificateInput {
	in := models.CertificateInput{Number: r.Number, StandardCode: r.StandardCode, Method: r.Method,
		IssuedOn: r.IssuedOn, ExpiresOn: r.ExpiresOn, LotRef: r.LotRef, Models: r.covered()}
	return in
}

// certificateResponse is a conformity certificate as the API shows it.
// Expired is derived from expires_on and today's date; it is not a status.
type certificateResponse struct {
	ID                     string         `json:"id"`
	Number                 string         `json:"number"`
	StandardCode           string         `json:"standard_code"`
	CertificationBodyOrgID string         `json:"certification_body_org_id"`
	Method                 int            `json:"method"`
	HolderOrgID            string         `json:"holder_org_id"`
	IssuedOn               *string        `json:"issued_on"`
	ExpiresOn              *string        `json:"expires_on"`
	Expired                bool           `json:"expired"`
	LotRef                 string         `json:"lot_ref"`
	Status                 string         `json:"status"`
	StatusReason           string         `json:"status_reason"`
	StatusChangedOn        *string        `json:"status_changed_on"`
	Models                 []coveredModel `json:"models"`
	Version                int            `json:"version"`
	CreatedAt              time.Time      `json:"created_at"`
	UpdatedAt              time.Time      `json:"updated_at"`
}

func certificateView(today models.Date) func(*models.Certificate) certificateResponse {
	return func(c *models.Certificate) certificateResponse {
		ms := make([]coveredModel, len(c.Models))
		for i, m := range c.Models {
			ms[i] = coveredModel{CameraModelID: m.CameraModelID, Firmware: m.Firmware}
		}
		return certificateResponse{ID: c.ID, Number: c.Number, StandardCode: c.StandardCode,
			CertificationBodyOrgID: c.CertificationBodyOrgID, Method: c.Method, HolderOrgID: c.HolderOrgID,
			IssuedOn: date(c.IssuedOn), ExpiresOn: date(c.ExpiresOn),
			Expired: !c.ExpiresOn.IsZero() && c.ExpiresOn.Before(today), LotRef: c.LotRef,
			Status: c.Status.Status, StatusReason: c.StatusReason, StatusChangedOn: date(c.StatusChangedOn),
			Models: ms, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	}
}

// certificateList is one page of conformity certificates.
type certificateList struct {
	Items      []certificateResponse `json:"items"`
	NextCursor string                `json:"next_cursor"`
}

// listCertificates godoc
//
//	@Summary	List conformity certificates
//	@Tags		certificates
//	@Produce	json
//	@Param		status						query		string	false	"valid, suspended or revoked"
//	@Param		standard					query		string	false	"standard code"
//	@Param		certification_body_org_id	query		string	false	"issuing body"
//	@Param		holder_org_id				query		string	false	"holder"
//	@Param		model						query		string	false	"covered camera model id"
//	@Param		number						query		string	false	"certificate number, ignoring case and spaces"
//	@Param		method						query		int		false	"1, 5 or 7"
//	@Param		limit						query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor						query		string	false	"next_cursor of the previous page"
//	@Success	200							{object}	certificateList
//	@Failure	422							{object}	Problem
//	@Router		/v1/certificates [get]
func (s *Server) listCertificates(c echo.Context) error {
	q := newQuery(c, "status", "standard", "certification_body_org_id", "holder_org_id", "model", "number", "method")
	f := models.CertificateFilter{Status: q.str("status"), Standard: q.str("standard"),
		CertificationBodyOrgID: q.id("certification_body_org_id"), HolderOrgID: q.id("holder_org_id"),
		CameraModelID: q.id("model"), Number: q.str("number"), Method: q.integer("method"), Viewer: viewerPtr(c)}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	var err error
	if f.CameraModelID, err = s.visibleModelFilter(c, f.CameraModelID); err != nil {
		return err
	}
	page, err := s.store.FindCertificates(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	if err := s.store.HideCertificateModels(c.Request().Context(), viewer(c), page.Items); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, certificateList{Items: views(page.Items, certificateView(s.store.Today())), NextCursor: page.NextCursor})
}

// getCertificate godoc
//
//	@Summary	Get a conformity certificate
//	@Tags		certificates
//	@Produce	json
//	@Param		id	path		string	true	"certificate id"
//	@Success	200	{object}	certificateResponse
//	@Failure	404	{object}	Problem
//	@Router		/v1/certificates/{id} [get]
func (s *Server) getCertificate(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.Certificate, error) {
		cert, err := s.store.ViewCertificate(ctx, viewer(c), id)
		if err != nil {
			return nil, err
		}
		one := []models.Certificate{*cert}
		err = s.store.HideCertificateModels(ctx, viewer(c), one)
		return &one[0], err
	}, certificateView(s.store.Today()))
}

// createCertificate godoc
//
//	@Summary	Record a conformity certificate
//	@Tags		certificates
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string				false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		certificateRequest	true	"the certificate; number, standard_code, certification_body_org_id, method, holder_org_id, issued_on and models are required, and expires_on for methods 1 and 5"
//	@Success	201				{object}	certificateResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem	"the number is taken"
//	@Failure	422				{object}	Problem
//	@Router		/v1/certificates [post]
func (s *Server) createCertificate(c echo.Context) error {
	view := certificateView(s.store.Today())
	switch mustActor(c).Role {
	case models.RoleCertifier:
		return createOne[certifierCertificateRequest](c, "certificates", s.store.CreateCertificate, view)
	case models.RoleVendor:
		return createOne[vendorCertificateRequest](c, "certificates", s.store.CreateCertificate, view)
	}
	return createOne[certificateRequest](c, "certificates", s.store.CreateCertificate, view)
}

// updateCertificate godoc
//
//	@Summary		Change a conformity certificate, or suspend, reinstate or revoke it
//	@Description	Certificates are never deleted. Revocation is final; a suspension can be lifted.
//	@Tags			certificates
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string				true	"certificate id"
//	@Param			If-Match	header		string				false	"the ETag last read; a stale one gets 412; required to confirm a pending submission (428 without)"
//	@Param			body		body		certificateRequest	true	"the fields to change"
//	@Success		200			{object}	certificateResponse
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Router			/v1/certificates/{id} [patch]
func (s *Server) updateCertificate(c echo.Context) error {
	view := certificateView(s.store.Today())
	switch mustActor(c).Role {
	case models.RoleCertifier:
		return updateOne[certifierCertificateRequest](c, s.confirmReviewed, view)
	case models.RoleVendor:
		return updateOne[vendorCertificateRequest](c, s.store.UpdateCertificate, view)
	}
	return updateOne[certificateRequest](c, s.confirmReviewed, view)
}

// confirmReviewed is UpdateCertificate for a certifier or an admin, but
// that confirming a vendor's pending submission needs If-Match: the version
// the confirmer reviewed. Without it, a model the vendor added after the
// review was confirmed unseen (the red team's pass of 2026-12-07). Whoever
// may not change the submission gets UpdateCertificate's 403 or 404.
// A record still as it was made (version 1) needs none: no reviewer can
// have read an earlier version of it.
func (s *Server) confirmReviewed(ctx context.Context, a models.Actor, id string, in models.CertificateInput, version *int) (*models.Certificate, error) {
	if version == nil && in.Status != nil && *in.Status == models.CertValid {
		cur, err := s.store.GetCertificate(ctx, id)
		if err == nil && cur.Status.Status == models.CertPending && cur.Version > 1 &&
			(a.Role == models.RoleAdmin || a.Role == models.RoleCertifier && a.Owns(&cur.CertificationBodyOrgID)) {
			return nil, reviewRequired("confirming a pending submission", cur.Version)
		}
	}
	return s.store.UpdateCertificate(ctx, a, id, in, version)
}

// reviewRequired is the 428 of a confirmation sent without If-Match.
func reviewRequired(what string, current int) error {
	return problem(http.StatusPreconditionRequired, "precondition-required", "If-Match is required",
		what+` needs If-Match: the ETag of the version you reviewed (such as "`+strconv.Itoa(current)+
			`"), so that a change made since is not confirmed unseen`)
}
