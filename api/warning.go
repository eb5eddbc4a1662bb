package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// affectedModel names a model a warning covers, optionally only for the
// firmware versions from introduced_in (inclusive) to fixed_in (exclusive).
type affectedModel struct {
	CameraModelID string `json:"camera_model_id"`
	IntroducedIn  string `json:"introduced_in,omitempty" example:"V5.4.0"`
	FixedIn       string `json:"fixed_in,omitempty" example:"V5.5.800 build 210628"`
}

// warningRequest issues a warning (POST) or changes some of its fields
// (PATCH), including withdrawing it: status "withdrawn" with a reason.
type warningRequest struct {
	AuthorityOrgID *string `json:"authority_org_id"`
	WarningFields
}

func (r warningRequest) input() models.WarningInput {
	in := r.WarningFields.input()
	in.AuthorityOrgID = r.AuthorityOrgID
	return in
}

// authorityWarningRequest is an authority's: it warns in its own name.
type authorityWarningRequest struct {
	WarningFields
}

func (authorityWarningRequest) widest() any { return warningRequest{} }

func (authorityWarningRequest) implied() []string { return []string{"authority_org_id"} }

// WarningFields are a warning's own details.
type WarningFields struct {
	Reference *string `json:"reference" example:"383/CATTT-NCSC" create:"required"`
	Title     *string `json:"title" example:"Cảnh báo lỗ hổng bảo mật trên camera Hikvision" create:"required"`
	Summary   *string `json:"summary"`
	// Severity is low, medium, high or critical.
	Severity *string `json:"severity" example:"high" enums:"low,medium,high,critical" create:"required"`
	IssuedOn *string `json:"issued_on" example:"2025-04-10" create:"required"`
	// Measure is update_firmware, stop_sale, recall or ban.
	Measure         *string          `json:"measure" example:"update_firmware" enums:"update_firmware,stop_sale,recall,ban" create:"required"`
	CVEIDs          *[]string        `json:"cve_ids" example:"CVE-2021-36260"`
	URL             *string          `json:"url" example:"https://khonggianmang.vn/"`
	Status          *string          `json:"status" example:"active" enums:"active,withdrawn"`
	StatusReason    *string          `json:"status_reason"`
	StatusChangedOn *string          `json:"status_changed_on"`
	Affected        *[]affectedModel `json:"affected"`
	// Or the affected models in the shape of every link: models (without
	// firmware: versions are affected[].introduced_in and fixed_in) or
	// camera_model_ids, for models affected in every version.
	ModelLinks
}

const warningFirmware = "name a warning's versions with affected[].introduced_in and fixed_in, not models[].firmware"

func (r WarningFields) check() []models.FieldError {
	if r.Affected != nil && (r.Models != nil || r.CameraModelIDs != nil) {
		return []models.FieldError{{Field: "affected", Message: "send one of affected, models or camera_model_ids"}}
	}
	if errs := r.ModelLinks.check(); errs != nil {
		return errs
	}
	_, errs := r.ids(warningFirmware)
	return errs
}

func (r WarningFields) input() models.WarningInput {
	in := models.WarningInput{Reference: r.Reference, Title: r.Title, Summary: r.Summary,
		Severity: r.Severity, IssuedOn: r.IssuedOn, Measure: r.Measure, CVEIDs: r.CVEIDs, URL: r.URL, Status: r.Status,
		StatusReason: r.StatusReason, StatusChangedOn: r.StatusChangedOn}
	if r.Affected != nil {
		as := make([]models.AffectedModelInput, len(*r.Affected))
		for i, a := range *r.Affected {
			as[i] = models.AffectedModelInput{CameraModelID: a.CameraModelID, IntroducedIn: a.IntroducedIn, FixedIn: a.FixedIn}
		}
		in.Affected = &as
	} else if ids, _ := r.ids(warningFirmware); ids != nil {
		as := make([]models.AffectedModelInput, len(*ids))
		for i, id := range *ids {
			as[i] = models.AffectedModelInput{CameraModelID: id}
		}
		in.Affected = &as
	}
	return in
}

// warningResponse is a warning as the API shows it.
type warningResponse struct {
	ID              string          `json:"id"`
	AuthorityOrgID  string          `json:"authority_org_id"`
	Reference       string          `json:"reference"`
	Title           string          `json:"title"`
	Summary         string          `json:"summary"`
	Severity        string          `json:"severity"`
	IssuedOn        *string         `json:"issued_on"`
	Measure         string          `json:"measure"`
	CVEIDs          []string        `json:"cve_ids"`
	URL             string          `json:"url"`
	Status          string          `json:"status"`
	StatusReason    string          `json:"status_reason"`
	StatusChangedOn *string         `json:"status_changed_on"`
	Affected        []affectedModel `json:"affected"`
	Version         int             `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

func newWarningResponse(w *models.Warning) warningResponse {
	as := make([]affectedModel, len(w.Affected))
	for i, a := range w.Affected {
		as[i] = affectedModel{CameraModelID: a.CameraModelID, IntroducedIn: a.IntroducedIn, FixedIn: a.FixedIn}
	}
	cves := []string(w.CVEIDs)
	if cves == nil {
		cves = []string{}
	}
	return warningResponse{ID: w.ID, AuthorityOrgID: w.AuthorityOrgID, Reference: w.Reference, Title: w.Title,
		Summary: w.Summary, Severity: w.Severity, IssuedOn: date(w.IssuedOn), Measure: w.Measure, CVEIDs: cves,
		URL: w.URL, Status: w.Status.Status, StatusReason: w.StatusReason, StatusChangedOn: date(w.StatusChangedOn),
		Affected: as, Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

// warningList is one page of warnings.
type warningList struct {
	Items      []warningResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// listWarnings godoc
//
//	@Summary	List warnings from authorities
//	@Tags		warnings
//	@Produce	json
//	@Param		authority	query		string	false	"issuing authority's organization id"
//	@Param		status		query		string	false	"active or withdrawn"
//	@Param		severity	query		string	false	"low, medium, high or critical"
//	@Param		measure		query		string	false	"update_firmware, stop_sale, recall or ban"
//	@Param		model		query		string	false	"affected camera model id"
//	@Param		reference	query		string	false	"document reference, such as 383/CATTT-NCSC"
//	@Param		cve			query		string	false	"a CVE id"
//	@Param		limit		query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	warningList
//	@Failure	422			{object}	Problem
//	@Router		/v1/warnings [get]
func (s *Server) listWarnings(c echo.Context) error {
	q := newQuery(c, "authority", "status", "severity", "measure", "model", "reference", "cve")
	f := models.WarningFilter{AuthorityOrgID: q.id("authority"), Status: q.str("status"), Severity: q.str("severity"),
		Measure: q.str("measure"), CameraModelID: q.id("model"), Reference: q.str("reference"), CVE: q.str("cve")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	var err error
	if f.CameraModelID, err = s.visibleModelFilter(c, f.CameraModelID); err != nil {
		return err
	}
	page, err := s.store.FindWarnings(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	if err := s.store.HideWarningModels(c.Request().Context(), viewer(c), page.Items); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, warningList{Items: views(page.Items, newWarningResponse), NextCursor: page.NextCursor})
}

// getWarning godoc
//
//	@Summary	Get a warning
//	@Tags		warnings
//	@Produce	json
//	@Param		id	path		string	true	"warning id"
//	@Success	200	{object}	warningResponse
//	@Failure	404	{object}	Problem
//	@Router		/v1/warnings/{id} [get]
func (s *Server) getWarning(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.Warning, error) {
		w, err := s.store.GetWarning(ctx, id)
		if err != nil {
			return nil, err
		}
		one := []models.Warning{*w}
		err = s.store.HideWarningModels(ctx, viewer(c), one)
		return &one[0], err
	}, newWarningResponse)
}

// createWarning godoc
//
//	@Summary	Issue a warning
//	@Tags		warnings
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string			false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		warningRequest	true	"the warning; authority_org_id, reference, title, severity, issued_on, measure and affected are required"
//	@Success	201				{object}	warningResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem	"the reference is taken"
//	@Failure	422				{object}	Problem
//	@Router		/v1/warnings [post]
func (s *Server) createWarning(c echo.Context) error {
	if mustActor(c).Role == models.RoleAuthority {
		return createOne[authorityWarningRequest](c, "warnings", s.store.CreateWarning, newWarningResponse)
	}
	return createOne[warningRequest](c, "warnings", s.store.CreateWarning, newWarningResponse)
}

// updateWarning godoc
//
//	@Summary		Change a warning, or withdraw it
//	@Description	Warnings are never deleted, only withdrawn (with a reason).
//	@Tags			warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string			true	"warning id"
//	@Param			If-Match	header		string			false	"the ETag last read; a stale one gets 412"
//	@Param			body		body		warningRequest	true	"the fields to change"
//	@Success		200			{object}	warningResponse
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/warnings/{id} [patch]
func (s *Server) updateWarning(c echo.Context) error {
	if mustActor(c).Role == models.RoleAuthority {
		return updateOne[authorityWarningRequest](c, s.store.UpdateWarning, newWarningResponse)
	}
	return updateOne[warningRequest](c, s.store.UpdateWarning, newWarningResponse)
}
