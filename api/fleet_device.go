package api

import (
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/importer"
	"camreg/models"
)

// deviceFields are one device row of a fleet.
type deviceFields struct {
	Brand *string `json:"brand" example:"Hikvision"`
	// Model is the model text as read on the camera or in the inventory.
	Model    *string `json:"model" example:"DS-2CD1023G0E-I"`
	Firmware *string `json:"firmware" example:"V5.7.3 build 220112"`
	// Quantity is the number of cameras of the row, 1 when omitted.
	Quantity *int `json:"quantity" example:"12" minimum:"1" maximum:"1000000"`
	// Location is where the cameras are, or the information system.
	Location *string `json:"location" example:"Tòa nhà A, tầng 1"`
	// ExternalID is the owner's own id of the row (an asset tag).
	ExternalID *string `json:"external_id" example:"TS-A-001"`
}

func (r deviceFields) input() models.DeviceInput {
	return models.DeviceInput{Brand: r.Brand, Model: r.Model, Firmware: r.Firmware, Quantity: r.Quantity,
		Location: r.Location, ExternalID: r.ExternalID}
}

// deviceAddRequest is one device, or {"items": [...]} with up to 500.
type deviceAddRequest struct {
	// Items are several devices, added all or none; leave the device
	// fields out when sending items.
	Items []deviceFields `json:"items"`
	deviceFields
}

func (r *deviceAddRequest) check() []models.FieldError {
	if r.Items != nil && (r.Brand != nil || r.Model != nil || r.Firmware != nil || r.Quantity != nil || r.Location != nil || r.ExternalID != nil) {
		return []models.FieldError{{Field: "items", Message: "send one device, or items, not both"}}
	}
	return nil
}

// deviceResponse is a device row as the API shows it.
type deviceResponse struct {
	ID         string    `json:"id"`
	FleetID    string    `json:"fleet_id"`
	Brand      string    `json:"brand"`
	Model      string    `json:"model"`
	Firmware   string    `json:"firmware"`
	Quantity   int       `json:"quantity"`
	Location   string    `json:"location"`
	ExternalID string    `json:"external_id"`
	CreatedAt  time.Time `json:"created_at"`
}

func newDeviceResponse(d *models.FleetDevice) deviceResponse {
	return deviceResponse{ID: d.ID, FleetID: d.FleetID, Brand: d.Brand, Model: d.Model, Firmware: d.Firmware,
		Quantity: d.Quantity, Location: d.Location, ExternalID: d.ExternalID, CreatedAt: d.CreatedAt}
}

// deviceList is one page of a fleet's devices, or the devices just added.
type deviceList struct {
	Items      []deviceResponse `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// listFleetDevices godoc
//
//	@Summary	List a fleet's devices
//	@Tags		fleets
//	@Produce	json
//	@Security	BearerKey
//	@Param		id		path		string	true	"fleet id"
//	@Param		limit	query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	deviceList
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/fleets/{id}/devices [get]
func (s *Server) listFleetDevices(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FleetDevices(c.Request().Context(), mustActor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deviceList{Items: views(page.Items, newDeviceResponse), NextCursor: page.NextCursor})
}

// addFleetDevices godoc
//
//	@Summary		Add devices to a fleet
//	@Description	One device, answered with it, or `{"items": [...]}` with up to 500, answered with all of them: all are added or none (a 422 names every bad field, such as items[3].model).
//	@Tags			fleets
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string					true	"fleet id"
//	@Param			body	body		deviceAddRequest		true	"one device, or items"
//	@Success		201		{object}	map[string]interface{}	"the device (one added), or {items} (several)"
//	@Failure		400		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/fleets/{id}/devices [post]
func (s *Server) addFleetDevices(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req deviceAddRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	bulk := req.Items != nil
	ins := []models.DeviceInput{req.deviceFields.input()}
	if bulk {
		ins = make([]models.DeviceInput, len(req.Items))
		for i, it := range req.Items {
			ins[i] = it.input()
		}
	}
	ds, err := s.store.AddFleetDevices(c.Request().Context(), mustActor(c), id, ins, bulk)
	if err != nil {
		return err
	}
	if !bulk {
		return created(c, "/v1/fleets/"+id+"/devices/"+ds[0].ID, ds[0].Version, newDeviceResponse(&ds[0]))
	}
	return c.JSON(http.StatusCreated, deviceList{Items: views(ds, newDeviceResponse)})
}

// deleteFleetDevice godoc
//
//	@Summary	Remove a device row from a fleet
//	@Tags		fleets
//	@Security	BearerKey
//	@Param		id			path	string	true	"fleet id"
//	@Param		device_id	path	string	true	"device id"
//	@Success	204
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/fleets/{id}/devices/{device_id} [delete]
func (s *Server) deleteFleetDevice(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	device := c.Param("device_id")
	if !models.ValidID(device) {
		return models.ErrNotFound
	}
	if err := s.store.DeleteFleetDevice(c.Request().Context(), mustActor(c), id, device); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// fleetCount counts device rows and their cameras.
type fleetCount struct {
	Rows    int `json:"rows"`
	Cameras int `json:"cameras"`
}

// fleetReportRow is a device row verify could not match exactly: the
// owner should correct its brand or model text.
type fleetReportRow struct {
	Device  deviceResponse   `json:"device"`
	Match   string           `json:"match" enums:"possible,ambiguous,none"`
	Verdict string           `json:"verdict" enums:"non_compliant,warning,unknown"`
	Model   *verifiedModel   `json:"model"`
	Reasons []reasonResponse `json:"reasons"`
}

// fleetReport sums up a fleet on a date.
type fleetReport struct {
	Fleet fleetResponse `json:"fleet"`
	At    string        `json:"at" format:"date"`
	Total fleetCount    `json:"total"`
	// ByVerdict counts rows by the verdict the report gives them: verify's,
	// except that a row not matched exactly is never compliant.
	ByVerdict map[string]fleetCount `json:"by_verdict"`
	// ByReason counts rows by each reason code verify gave them.
	ByReason map[string]fleetCount `json:"by_reason"`
	// ByMatch counts rows by how their model text matched the registry.
	ByMatch map[string]fleetCount `json:"by_match"`
	// ToFix are the rows matched not exactly (the first 1,000); the CSV
	// holds every row.
	ToFix      []fleetReportRow `json:"to_fix"`
	ToFixTotal int              `json:"to_fix_total"`
}

func counts(m map[string]models.FleetCount) map[string]fleetCount {
	out := make(map[string]fleetCount, len(m))
	for k, v := range m {
		out[k] = fleetCount(v)
	}
	return out
}

// getFleetReport godoc
//
//	@Summary		A fleet's compliance report
//	@Description	Every device row matched and judged by the same matcher and rules as GET /v1/verify, on the date: counts by verdict, by reason code and by match, and the rows whose model text matched no model exactly, for the owner to fix (they are never counted compliant).
//	@Tags			fleets
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"fleet id"
//	@Param			at				query		string	false	"the date, YYYY-MM-DD; today in Vietnam when omitted"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	fleetReport
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/fleets/{id}/report [get]
func (s *Server) getFleetReport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := newQuery(c, "at")
	if err := q.err(nil); err != nil {
		return err
	}
	rep, err := s.store.FleetReportOn(c.Request().Context(), mustActor(c), id, q.str("at"))
	if err != nil {
		return err
	}
	lang := responseLang(c)
	out := fleetReport{Fleet: newFleetResponse(&rep.Fleet), At: rep.At.String(), Total: fleetCount(rep.Total),
		ByVerdict: counts(rep.ByVerdict), ByReason: counts(rep.ByReason), ByMatch: counts(rep.ByMatch),
		ToFix: make([]fleetReportRow, len(rep.ToFix)), ToFixTotal: rep.ToFixTotal}
	for i := range rep.ToFix {
		r := &rep.ToFix[i]
		row := fleetReportRow{Device: newDeviceResponse(&r.Device), Match: r.Verification.Match, Verdict: r.Verdict,
			Reasons: reasonResponses(r.Verification.Reasons, lang)}
		if m := r.Verification.Model; m != nil {
			vm := s.newVerifiedModel(c, m)
			row.Model = &vm
		}
		out.ToFix[i] = row
	}
	return c.JSON(http.StatusOK, out)
}

// exportFleetReportCSV godoc
//
//	@Summary		A fleet's report, every row, as CSV
//	@Description	One row per device: the row as recorded, how it matched, the verdict the report counts, whether it is to fix, the matched model and verify's reason codes. Streamed; cells that a spreadsheet would run as formulas are neutralised.
//	@Tags			fleets
//	@Produce		text/csv
//	@Security		BearerKey
//	@Param			id	path	string	true	"fleet id"
//	@Param			at	query	string	false	"the date, YYYY-MM-DD; today in Vietnam when omitted"
//	@Success		200
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/v1/fleets/{id}/report.csv [get]
func (s *Server) exportFleetReportCSV(c echo.Context) error {
	return s.exportFleetReport(c, importer.FormatCSV)
}

// exportFleetReportXLSX godoc
//
//	@Summary		A fleet's report, every row, as XLSX
//	@Description	One row per device: the row as recorded, how it matched, the verdict the report counts, whether it is to fix, the matched model and verify's reason codes. Streamed; cells that a spreadsheet would run as formulas are neutralised.
//	@Tags			fleets
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerKey
//	@Param			id	path	string	true	"fleet id"
//	@Param			at	query	string	false	"the date, YYYY-MM-DD; today in Vietnam when omitted"
//	@Success		200
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/v1/fleets/{id}/report.xlsx [get]
func (s *Server) exportFleetReportXLSX(c echo.Context) error {
	return s.exportFleetReport(c, importer.FormatXLSX)
}

// exportFleetReport streams a fleet's report in the format, after checking
// the date and that the viewer may read the fleet.
func (s *Server) exportFleetReport(c echo.Context, format string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := newQuery(c, "at")
	at := q.str("at")
	if err := q.err(nil); err != nil {
		return err
	}
	if _, err := models.ParseDate(at); at != "" && err != nil {
		return fieldProblem([]models.FieldError{{Field: "at", Message: "must be a date, YYYY-MM-DD"}})
	}
	ctx := c.Request().Context()
	if _, err := s.store.ViewFleet(ctx, mustActor(c), id); err != nil {
		return err
	}
	day := s.dayOr(at)
	return s.streamFile(c, format, "fleet-"+id+"-"+day+"."+format, func(w io.Writer) error {
		return importer.ExportFleetReport(ctx, s.store, mustActor(c), id, day, format, w)
	})
}
