package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// inspectionItemRequest is one camera observed on the shelf, as read off
// its label.
type inspectionItemRequest struct {
	Model    string `json:"model" example:"DS-2CD1023G0E-I"`
	Brand    string `json:"brand" example:"Hikvision"`
	Firmware string `json:"firmware" example:"V5.5.800 build 210628"`
	// Quantity on the shelf; 1 when omitted.
	Quantity *int `json:"quantity" example:"12"`
	// PhotoRef refers to a photo kept elsewhere (a file name or URL).
	PhotoRef string `json:"photo_ref" example:"IMG_20261121_0930.jpg"`
	// GTIN is the box's barcode (8, 12, 13 or 14 digits, GS1 check digit).
	GTIN string `json:"gtin" example:"8936012345674"`
	// CameraModelID is the model the inspector chose for this item (a
	// candidate, or one found by search): the item is verified as that
	// model.
	CameraModelID *string `json:"camera_model_id"`
	// NotInRegistry marks the label as not in the registry, with
	// LabelText as printed and the ids of photos of it.
	NotInRegistry bool     `json:"not_in_registry"`
	LabelText     string   `json:"label_text" example:"QTX-94l2AIP 2MP"`
	PhotoIDs      []string `json:"photo_ids"`
}

func (it inspectionItemRequest) settlement() models.ItemSettlement {
	return models.ItemSettlement{CameraModelID: it.CameraModelID, NotInRegistry: it.NotInRegistry, LabelText: it.LabelText,
		PhotoIDs: it.PhotoIDs}
}

// resolveItemRequest settles an item that needs confirmation: the model
// the inspector chose, or the mark that its label is not in the registry.
type resolveItemRequest struct {
	CameraModelID *string  `json:"camera_model_id"`
	NotInRegistry bool     `json:"not_in_registry"`
	LabelText     string   `json:"label_text" example:"QTX-94l2AIP 2MP"`
	PhotoIDs      []string `json:"photo_ids"`
}

// inspectionRequest records an inspection.
type inspectionRequest struct {
	// OfficeOrgID is the inspecting office: an inspector's key's
	// organization (it may be omitted, or must match); an admin names it.
	OfficeOrgID *string `json:"office_org_id"`
	TraderOrgID *string `json:"trader_org_id"`
	// InspectedOn is the date of the visit, YYYY-MM-DD (today when
	// omitted, never in the future); items are verified as of that date.
	InspectedOn *string `json:"inspected_on" example:"2026-11-21"`
	Place       *string `json:"place" example:"48 Lý Nam Đế, phường Hoàn Kiếm, Hà Nội"`
	// Province is the trader's when omitted.
	Province *string                 `json:"province" example:"Hà Nội"`
	Notes    *string                 `json:"notes"`
	Items    []inspectionItemRequest `json:"items"`
}

func (r inspectionRequest) input() models.InspectionInput {
	in := models.InspectionInput{OfficeOrgID: r.OfficeOrgID, TraderOrgID: r.TraderOrgID, InspectedOn: r.InspectedOn,
		Place: r.Place, Province: r.Province, Notes: r.Notes}
	for _, it := range r.Items {
		in.Items = append(in.Items, models.InspectionItemInput{Model: it.Model, Brand: it.Brand, Firmware: it.Firmware,
			Quantity: it.Quantity, PhotoRef: it.PhotoRef, GTIN: it.GTIN, Settlement: it.settlement()})
	}
	return in
}

// inspectionItemResponse is an observed item with the verdict it got when
// it was recorded.
type inspectionItemResponse struct {
	Position      int     `json:"position"`
	Model         string  `json:"model"`
	Brand         string  `json:"brand"`
	Firmware      string  `json:"firmware"`
	Quantity      int     `json:"quantity"`
	PhotoRef      string  `json:"photo_ref"`
	GTIN          string  `json:"gtin"`
	CameraModelID *string `json:"camera_model_id"`
	// Match is how the typed text matched, exactly as GET /v1/verify.
	Match string `json:"match" enums:"exact,possible,ambiguous,none"`
	// Resolution: exact (matched exactly, or chosen by the inspector),
	// needs_confirmation (no finding until the inspector chooses one of
	// the candidates or marks the label not in the registry), or
	// not_in_registry.
	Resolution string                 `json:"resolution" enums:"exact,needs_confirmation,not_in_registry"`
	Candidates []models.ItemCandidate `json:"candidates"`
	LabelText  string                 `json:"label_text"`
	PhotoIDs   []string               `json:"photo_ids"`
	Verdict    string                 `json:"verdict" enums:"compliant,non_compliant,warning,unknown"`
	Reasons    []reasonResponse       `json:"reasons"`
	// FindingID is the finding the item opened, if any.
	FindingID *string `json:"finding_id"`
}

// inspectionResponse is an inspection as the API shows it.
type inspectionResponse struct {
	ID string `json:"id"`
	// Number is the record's number, KT-<year>-<6 digits>.
	Number    *string `json:"number" example:"KT-2026-000123"`
	Inspector string  `json:"inspector"`
	// Status is needs_confirmation while an item awaits the inspector's
	// choice, complete after.
	Status       string                   `json:"status" enums:"needs_confirmation,complete"`
	OfficeOrgID  *string                  `json:"office_org_id"`
	TraderOrgID  string                   `json:"trader_org_id"`
	InspectedOn  *string                  `json:"inspected_on"`
	Place        string                   `json:"place"`
	ProvinceCode *string                  `json:"province_code"`
	ProvinceName *string                  `json:"province_name"`
	Notes        string                   `json:"notes"`
	Items        []inspectionItemResponse `json:"items"`
	Version      int                      `json:"version"`
	CreatedAt    time.Time                `json:"created_at"`
	UpdatedAt    time.Time                `json:"updated_at"`
}

// inspectionCreated is a new inspection and the findings it opened.
type inspectionCreated struct {
	inspectionResponse
	Findings []findingResponse `json:"findings"`
}

// inspectionList is one page of inspections.
type inspectionList struct {
	Items      []inspectionResponse `json:"items"`
	NextCursor string               `json:"next_cursor"`
}

func reasonViews(rs []models.Reason, lang string) []reasonResponse {
	out := make([]reasonResponse, len(rs))
	for i, r := range rs {
		out[i] = reasonResponse{Code: r.Code, Effect: r.Effect, Message: r.Message(lang), Evidence: r.Evidence}
	}
	return out
}

func inspectionView(lang string) func(*models.Inspection) inspectionResponse {
	return func(in *models.Inspection) inspectionResponse {
		out := inspectionResponse{ID: in.ID, Number: in.Number, Inspector: in.Inspector, Status: in.StatusOf(), OfficeOrgID: in.OfficeOrgID, TraderOrgID: in.TraderOrgID, InspectedOn: date(in.InspectedOn),
			Place: in.Place, ProvinceCode: in.ProvinceCode, ProvinceName: in.ProvinceName, Notes: in.Notes,
			Items: make([]inspectionItemResponse, len(in.Items)), Version: in.Version, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
		for i, it := range in.Items {
			item := inspectionItemResponse{Position: it.Position, Model: it.ModelText, Brand: it.Brand, Firmware: it.Firmware,
				Quantity: it.Quantity, PhotoRef: it.PhotoRef, GTIN: it.GTIN, CameraModelID: it.CameraModelID, Match: it.Match,
				Resolution: it.Resolution, Candidates: it.Candidates, LabelText: it.LabelText, PhotoIDs: it.PhotoIDs,
				Verdict: it.Verdict, Reasons: reasonViews(it.Reasons, lang)}
			if item.Candidates == nil {
				item.Candidates = []models.ItemCandidate{}
			}
			if item.PhotoIDs == nil {
				item.PhotoIDs = []string{}
			}
			if it.FindingID != "" {
				id := it.FindingID
				item.FindingID = &id
			}
			out.Items[i] = item
		}
		return out
	}
}

// traderReaders may read inspections, findings and compliance summaries:
// inspectors, authorities and admins all of them, a vendor its own
// organization's. The public and other roles may not.
var traderReaders = requireRole(models.RoleAdmin, models.RoleInspector, models.RoleAuthority, models.RoleVendor)

// inspectors may record inspections and move findings.
var inspectors = requireRole(models.RoleAdmin, models.RoleInspector)

// createInspection godoc
//
//	@Summary		Record an inspection of a trader
//	@Description	Each item is matched and verified on the spot, as of the inspection's date, exactly as GET /v1/verify does, and its verdict is stored with it. Only a certain item raises a finding: an exact match, or the model the inspector chose (camera_model_id) when non-compliant; a label marked not_in_registry (with label_text) as unregistered_model while certification is mandatory. A possible, ambiguous or missing match needs confirmation (resolution needs_confirmation, with candidates) and raises nothing until settled by POST /v1/inspections/{id}/items/{n}/resolve. The inspection gets a number KT-<year>-<6 digits>. With an Idempotency-Key header, a repeat of the same request replays the first answer. All in one transaction, with change-log events.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			Accept-Language	header		string				false	"vi (default) or en, for the reasons' messages"
//	@Param			Idempotency-Key	header		string				false	"a unique key per inspection (e.g. a UUID): a repeat with the same body replays the first answer; another body is 422; while the first runs, 409"
//	@Param			body			body		inspectionRequest	true	"the visit and its items (1 to 500)"
//	@Success		201				{object}	inspectionCreated
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		409				{object}	Problem	"a request with this Idempotency-Key is still running"
//	@Failure		422				{object}	Problem
//	@Router			/v1/inspections [post]
func (s *Server) createInspection(c echo.Context) error {
	var req inspectionRequest
	actor := mustActor(c)
	if err := decodeJSON(c, &req); err != nil {
		return withDomainErrors(err, func(ctx context.Context) error {
			_, _, err := s.store.CreateInspection(ctx, actor, req.input())
			return err
		}, c)
	}
	insp, fs, err := s.store.CreateInspection(c.Request().Context(), actor, req.input())
	if err != nil {
		return err
	}
	lang := responseLang(c)
	out := inspectionCreated{inspectionResponse: inspectionView(lang)(insp), Findings: make([]findingResponse, len(fs))}
	for i := range fs {
		out.Findings[i] = findingView(lang)(&fs[i])
	}
	return created(c, "/v1/inspections/"+insp.ID, insp.Version, out)
}

// listInspections godoc
//
//	@Summary		List inspections
//	@Description	Inspectors, authorities and admins see every inspection; a vendor only those of its own organization.
//	@Tags			inspections
//	@Produce		json
//	@Security		BearerKey
//	@Param			trader			query		string	false	"trader organization id"
//	@Param			office			query		string	false	"inspecting office organization id"
//	@Param			province		query		string	false	"province name or code"
//	@Param			inspector		query		string	false	"the recording key's name, exactly"
//	@Param			status			query		string	false	"needs_confirmation or complete"	Enums(needs_confirmation, complete)
//	@Param			number			query		string	false	"a record number, e.g. KT-2026-000123"
//	@Param			from			query		string	false	"inspected on or after, YYYY-MM-DD"
//	@Param			to				query		string	false	"inspected on or before, YYYY-MM-DD"
//	@Param			limit			query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	inspectionList
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/inspections [get]
func (s *Server) listInspections(c echo.Context) error {
	q := newQuery(c, "trader", "office", "province", "from", "to", "inspector", "status", "number")
	f := models.InspectionFilter{TraderOrgID: q.id("trader"), OfficeOrgID: q.id("office"), Province: q.str("province"),
		From: q.str("from"), To: q.str("to"), Inspector: q.str("inspector"), Status: q.str("status"), Number: q.str("number")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindInspections(c.Request().Context(), mustActor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inspectionList{Items: views(page.Items, inspectionView(responseLang(c))), NextCursor: page.NextCursor})
}

// getInspection godoc
//
//	@Summary	Get an inspection with its items and their verdicts
//	@Tags		inspections
//	@Produce	json
//	@Security	BearerKey
//	@Param		id				path		string	true	"inspection id"
//	@Param		Accept-Language	header		string	false	"vi (default) or en"
//	@Success	200				{object}	inspectionResponse
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	404				{object}	Problem	"no such inspection, or another organization's (for a vendor)"
//	@Router		/v1/inspections/{id} [get]
func (s *Server) getInspection(c echo.Context) error {
	return getOne(c, viewAs(c, s.store.GetInspection), inspectionView(responseLang(c)))
}

// resolveInspectionItem godoc
//
//	@Summary		Settle an inspection item that needs confirmation
//	@Description	The inspector chooses the model (camera_model_id; verified with the item's firmware on the inspection's date) or marks the label as not in the registry (not_in_registry with label_text as printed, and photo_ids). The item's finding, if any, is raised in the same transaction. Only the inspecting office's inspectors and admins; an item already settled is 409.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string				true	"inspection id"
//	@Param			n				path		int					true	"item position, from 0"
//	@Param			Idempotency-Key	header		string				false	"replays the first answer of the same request"
//	@Param			Accept-Language	header		string				false	"vi (default) or en"
//	@Param			body			body		resolveItemRequest	true	"the choice"
//	@Success		200				{object}	inspectionCreated	"the inspection, and the finding raised (if any) in findings"
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		409				{object}	Problem	"the item is already settled"
//	@Failure		422				{object}	Problem
//	@Router			/v1/inspections/{id}/items/{n}/resolve [post]
func (s *Server) resolveInspectionItem(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 0 || n >= models.MaxInspectionItems {
		return models.ErrNotFound
	}
	var req resolveItemRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	insp, f, err := s.store.ResolveInspectionItem(c.Request().Context(), mustActor(c), id, n,
		models.ResolveItemInput{CameraModelID: req.CameraModelID, NotInRegistry: req.NotInRegistry, LabelText: req.LabelText, PhotoIDs: req.PhotoIDs})
	if err != nil {
		return err
	}
	lang := responseLang(c)
	out := inspectionCreated{inspectionResponse: inspectionView(lang)(insp), Findings: []findingResponse{}}
	if f != nil {
		out.Findings = append(out.Findings, findingView(lang)(f))
	}
	return reply(c, http.StatusOK, insp.Version, out)
}

// complianceOrg is the trader a compliance summary is about.
type complianceOrg struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	TaxCode      *string `json:"tax_code"`
	ProvinceCode *string `json:"province_code"`
	ProvinceName *string `json:"province_name"`
}

// complianceListing is a listing with its model's verdict today.
type complianceListing struct {
	ListingID     string           `json:"listing_id"`
	CameraModelID string           `json:"camera_model_id"`
	Brand         string           `json:"brand"`
	ModelNumber   string           `json:"model_number"`
	Channel       string           `json:"channel"`
	URL           string           `json:"url"`
	ShopAddress   string           `json:"shop_address"`
	ProvinceCode  *string          `json:"province_code"`
	LastSeenOn    *string          `json:"last_seen_on"`
	Verdict       string           `json:"verdict" enums:"compliant,non_compliant,warning,unknown"`
	Reasons       []reasonResponse `json:"reasons"`
}

// complianceResponse is a trader's compliance summary.
type complianceResponse struct {
	Organization complianceOrg `json:"organization"`
	// On is the date the verdicts are for: today in Vietnam.
	On string `json:"on" example:"2026-11-21"`
	// Counts are the trader's listings by verdict.
	Counts       map[string]int      `json:"counts"`
	Listings     []complianceListing `json:"listings"`
	OpenFindings []findingResponse   `json:"open_findings"`
}

// getCompliance godoc
//
//	@Summary		A trader's compliance summary
//	@Description	The trader's listings by today's verdict, and its unresolved (open or confirmed) findings. Inspectors, authorities and admins see any trader's; a vendor only its own organization's (any other is 404).
//	@Tags			inspections
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"organization id"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	complianceResponse
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Router			/v1/organizations/{id}/compliance [get]
func (s *Server) getCompliance(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cs, err := s.store.TraderCompliance(c.Request().Context(), mustActor(c), id)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	o := cs.Organization
	out := complianceResponse{
		Organization: complianceOrg{ID: o.ID, Name: o.Name, Kind: o.Kind, TaxCode: o.TaxCode, ProvinceCode: o.ProvinceCode, ProvinceName: o.ProvinceName},
		On:           cs.On.String(), Counts: cs.Counts,
		Listings:     make([]complianceListing, len(cs.Listings)),
		OpenFindings: make([]findingResponse, len(cs.OpenFindings)),
	}
	for i, l := range cs.Listings {
		out.Listings[i] = complianceListing{ListingID: l.Listing.ID, CameraModelID: l.Listing.CameraModelID, Brand: l.Model.Brand,
			ModelNumber: l.Model.ModelNumber, Channel: l.Listing.Channel, URL: l.Listing.URL, ShopAddress: l.Listing.ShopAddress,
			ProvinceCode: l.Listing.ProvinceCode, LastSeenOn: date(l.Listing.LastSeenOn), Verdict: l.Verification.Verdict,
			Reasons: reasonViews(l.Verification.Reasons, lang)}
	}
	for i := range cs.OpenFindings {
		out.OpenFindings[i] = findingView(lang)(&cs.OpenFindings[i])
	}
	return c.JSON(http.StatusOK, out)
}
