package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// findingStepResponse is one step of a finding's history.
type findingStepResponse struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor" example:"key:3f9a1c2b7d4e"`
	ActorRole  string    `json:"actor_role" example:"inspector"`
	ActorOrgID *string   `json:"actor_org_id"`
	From       string    `json:"from" example:"open"`
	To         string    `json:"to" example:"confirmed"`
	Note       string    `json:"note"`
	// StatusChangedOn is the date the step took effect.
	StatusChangedOn *string `json:"status_changed_on"`
}

// findingResponse is a finding as the API shows it.
type findingResponse struct {
	ID           string `json:"id"`
	InspectionID string `json:"inspection_id"`
	// ItemPosition is the item the finding is about; null for a manual
	// finding about the visit as a whole.
	ItemPosition *int `json:"item_position"`
	// Manual: recorded by the inspector, not raised by an item's verdict.
	Manual        bool    `json:"manual"`
	TraderOrgID   string  `json:"trader_org_id"`
	OfficeOrgID   *string `json:"office_org_id"`
	CameraModelID *string `json:"camera_model_id"`
	// Model and Brand are as the inspector read them.
	Model        string  `json:"model"`
	Brand        string  `json:"brand"`
	ProvinceCode *string `json:"province_code"`
	ProvinceName *string `json:"province_name"`
	ObservedOn   *string `json:"observed_on"`
	// Violation is no_conformity_certificate, certificate_expired,
	// certificate_revoked, certificate_suspended, warned_model,
	// banned_model, no_origin_proof, unregistered_model or other.
	Violation string `json:"violation" example:"certificate_revoked"`
	// Evidence is the verdict's reasons when the item was recorded.
	Evidence        []reasonResponse `json:"evidence"`
	Notes           string           `json:"notes"`
	Status          string           `json:"status" enums:"open,confirmed,resolved,dismissed"`
	StatusReason    string           `json:"status_reason"`
	StatusChangedOn *string          `json:"status_changed_on"`
	// History is every step, with who, when and why (on GET of one finding).
	History []findingStepResponse `json:"history,omitempty"`
	// PhotoIDs are the finding's photos, served at /v1/photos/{id} (on GET
	// of one finding).
	PhotoIDs  []string  `json:"photo_ids,omitempty"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// findingList is one page of findings.
type findingList struct {
	Items      []findingResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// findingRequest moves a finding: open → confirmed → resolved, or open or
// confirmed → dismissed, saying why.
type findingRequest struct {
	Status string `json:"status" example:"confirmed" enums:"confirmed,resolved,dismissed"`
	Note   string `json:"note" example:"Lập biên bản vi phạm hành chính số 12/BB-QLTT"`
}

func (r findingRequest) input() models.FindingTransition {
	return models.FindingTransition{Status: r.Status, Note: r.Note}
}

func findingView(lang string) func(*models.Finding) findingResponse {
	return func(f *models.Finding) findingResponse {
		return findingResponse{ID: f.ID, InspectionID: f.InspectionID, ItemPosition: f.ItemPosition, Manual: f.Manual, TraderOrgID: f.TraderOrgID,
			OfficeOrgID: f.OfficeOrgID, CameraModelID: f.CameraModelID, Model: f.ModelText, Brand: f.Brand,
			ProvinceCode: f.ProvinceCode, ProvinceName: f.ProvinceName, ObservedOn: date(f.ObservedOn), Violation: f.Violation,
			Evidence: reasonViews(f.Evidence, lang), Notes: f.Notes, Status: f.Status.Status, StatusReason: f.StatusReason,
			StatusChangedOn: date(f.StatusChangedOn), Version: f.Version, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
	}
}

// listFindings godoc
//
//	@Summary		List findings
//	@Description	Inspectors, authorities and admins see every finding; a vendor only those against its own organization. Findings are private trader data: the public and other roles may not list them.
//	@Tags			findings
//	@Produce		json
//	@Security		BearerKey
//	@Param			trader			query		string	false	"trader organization id"
//	@Param			inspection		query		string	false	"inspection id"
//	@Param			province		query		string	false	"province name or code"
//	@Param			violation		query		string	false	"violation code"
//	@Param			status			query		string	false	"open, confirmed, resolved or dismissed"
//	@Param			from			query		string	false	"observed on or after, YYYY-MM-DD"
//	@Param			to				query		string	false	"observed on or before, YYYY-MM-DD"
//	@Param			limit			query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	findingList
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/findings [get]
func (s *Server) listFindings(c echo.Context) error {
	q := newQuery(c, "trader", "inspection", "province", "violation", "status", "from", "to")
	f := models.FindingFilter{TraderOrgID: q.id("trader"), InspectionID: q.id("inspection"), Province: q.str("province"),
		Violation: q.str("violation"), Status: q.str("status"), From: q.str("from"), To: q.str("to")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindFindings(c.Request().Context(), mustActor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, findingList{Items: views(page.Items, findingView(responseLang(c))), NextCursor: page.NextCursor})
}

// getFinding godoc
//
//	@Summary	Get a finding with its history
//	@Tags		findings
//	@Produce	json
//	@Security	BearerKey
//	@Param		id				path		string	true	"finding id"
//	@Param		Accept-Language	header		string	false	"vi (default) or en"
//	@Success	200				{object}	findingResponse
//	@Header		200				{string}	ETag	"the version, for If-Match"
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	404				{object}	Problem	"no such finding, or one against another organization (for a vendor)"
//	@Router		/v1/findings/{id} [get]
func (s *Server) getFinding(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, steps, err := s.store.GetFinding(c.Request().Context(), mustActor(c), id)
	if err != nil {
		return err
	}
	view := findingView(responseLang(c)) // before notModified: the tag depends on the language
	if notModified(c, f.Version) {
		return c.NoContent(http.StatusNotModified)
	}
	out := view(f)
	if out.PhotoIDs, err = s.store.PhotoIDsOf(c.Request().Context(), f.ID); err != nil {
		return err
	}
	out.History = make([]findingStepResponse, len(steps))
	for i, st := range steps {
		out.History[i] = findingStepResponse{Seq: st.Seq, At: st.At, Actor: st.Actor, ActorRole: st.ActorRole, ActorOrgID: st.ActorOrgID,
			From: st.From, To: st.To, Note: st.Note, StatusChangedOn: date(st.EffectOn)}
	}
	return reply(c, http.StatusOK, f.Version, out)
}

// updateFinding godoc
//
//	@Summary		Move a finding along its lifecycle
//	@Description	open → confirmed → resolved, or open/confirmed → dismissed, with a note saying why; the step takes effect today and is recorded in the change log with who made it. A move the lifecycle does not allow is 409.
//	@Tags			findings
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string			true	"finding id"
//	@Param			If-Match		header		string			false	"the ETag last read; a stale one gets 412"
//	@Param			Idempotency-Key	header		string			false	"one key per change: a repeat of the same request replays the first answer (a retry whose answer was lost is not a 409); another request with it is 422; while the first runs, 409"
//	@Param			body			body		findingRequest	true	"the new status and the note"
//	@Success		200				{object}	findingResponse
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		409				{object}	Problem
//	@Failure		412				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/findings/{id} [patch]
func (s *Server) updateFinding(c echo.Context) error {
	return updateOne[findingRequest](c, s.store.UpdateFinding, findingView(responseLang(c)))
}
