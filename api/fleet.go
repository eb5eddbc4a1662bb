package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// Fleets (issue #17): an operator's installed cameras and their report.
// Operators keep their own organization's fleets, admins all; authorities
// read all. Another organization's fleet is 404 (models/fleet.go).

// fleetRequest is an admin's fleet: it names the organization.
type fleetRequest struct {
	OrgID *string `json:"org_id"`
	FleetFields
}

func (r fleetRequest) input() models.FleetInput {
	in := r.FleetFields.input()
	in.OrgID = r.OrgID
	return in
}

// operatorFleetRequest is an operator's fleet: its organization is the
// key's own.
type operatorFleetRequest struct {
	FleetFields
}

func (operatorFleetRequest) widest() any { return fleetRequest{} }

func (operatorFleetRequest) implied() []string { return []string{"org_id"} }

// FleetFields are a fleet's own details.
type FleetFields struct {
	Name        *string `json:"name" example:"Camera trụ sở UBND phường" create:"required"`
	Description *string `json:"description" example:"Hệ thống camera giám sát tòa nhà A"`
	// SecurityLevel is the information system's security level, 1 to 5.
	SecurityLevel *int `json:"security_level" example:"2" minimum:"1" maximum:"5"`
}

func (r FleetFields) input() models.FleetInput {
	return models.FleetInput{Name: r.Name, Description: r.Description, SecurityLevel: r.SecurityLevel}
}

// fleetResponse is a fleet as the API shows it.
type fleetResponse struct {
	ID            string    `json:"id"`
	OrgID         string    `json:"org_id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	SecurityLevel *int      `json:"security_level"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func newFleetResponse(f *models.Fleet) fleetResponse {
	return fleetResponse{ID: f.ID, OrgID: f.OrgID, Name: f.Name, Description: f.Description, SecurityLevel: f.SecurityLevel,
		Version: f.Version, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
}

// fleetList is one page of fleets.
type fleetList struct {
	Items      []fleetResponse `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// fleetsFor answers the fleet routes' roles; the services check whose.
var (
	fleetKeepers = requireRole(models.RoleAdmin, models.RoleOperator)
	fleetReaders = requireRole(models.RoleAdmin, models.RoleOperator, models.RoleAuthority)
)

func (s *Server) fleetRoutes(v1 *echo.Group) {
	v1.GET("/fleets", s.listFleets, fleetReaders)
	v1.POST("/fleets", s.createFleet, fleetKeepers, s.idempotent)
	v1.GET("/fleets/:id", s.getFleet, fleetReaders)
	v1.PATCH("/fleets/:id", s.updateFleet, fleetKeepers)
	v1.DELETE("/fleets/:id", s.deleteFleet, fleetKeepers)
	v1.GET("/fleets/:id/devices", s.listFleetDevices, fleetReaders)
	v1.POST("/fleets/:id/devices", s.addFleetDevices, fleetKeepers, s.idempotent)
	v1.DELETE("/fleets/:id/devices/:device_id", s.deleteFleetDevice, fleetKeepers)
	v1.GET("/fleets/:id/report", s.getFleetReport, fleetReaders)
	v1.GET("/fleets/:id/report.csv", s.exportFleetReportCSV, fleetReaders)
	v1.GET("/fleets/:id/report.xlsx", s.exportFleetReportXLSX, fleetReaders)
}

// listFleets godoc
//
//	@Summary		List fleets
//	@Description	An operator sees its own organization's fleets; admins and authorities see all.
//	@Tags			fleets
//	@Produce		json
//	@Security		BearerKey
//	@Param			org		query		string	false	"the owner organization's id"
//	@Param			limit	query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	fleetList
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/fleets [get]
func (s *Server) listFleets(c echo.Context) error {
	q := newQuery(c, "org")
	f := models.FleetFilter{Viewer: mustActor(c), OrgID: q.id("org")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindFleets(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, fleetList{Items: views(page.Items, newFleetResponse), NextCursor: page.NextCursor})
}

// getFleet godoc
//
//	@Summary	Get a fleet
//	@Tags		fleets
//	@Produce	json
//	@Security	BearerKey
//	@Param		id	path		string	true	"fleet id"
//	@Success	200	{object}	fleetResponse
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/fleets/{id} [get]
func (s *Server) getFleet(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.Fleet, error) {
		return s.store.ViewFleet(ctx, mustActor(c), id)
	}, newFleetResponse)
}

// createFleet godoc
//
//	@Summary		Create a fleet
//	@Description	An operator's fleet belongs to its own organization (org_id may be omitted); an admin names the organization.
//	@Tags			fleets
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			body	body		fleetRequest	true	"the fleet; name is required (org_id too, for an admin)"
//	@Success		201		{object}	fleetResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/fleets [post]
func (s *Server) createFleet(c echo.Context) error {
	if mustActor(c).Role == models.RoleOperator {
		return createOne[operatorFleetRequest](c, "fleets", s.store.CreateFleet, newFleetResponse)
	}
	return createOne[fleetRequest](c, "fleets", s.store.CreateFleet, newFleetResponse)
}

// updateFleet godoc
//
//	@Summary	Change some fields of a fleet
//	@Tags		fleets
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		id			path		string			true	"fleet id"
//	@Param		If-Match	header		string			false	"the ETag last read; a stale one gets 412"
//	@Param		body		body		fleetRequest	true	"the fields to change"
//	@Success	200			{object}	fleetResponse
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	412			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/fleets/{id} [patch]
func (s *Server) updateFleet(c echo.Context) error {
	if mustActor(c).Role == models.RoleOperator {
		return updateOne[operatorFleetRequest](c, s.store.UpdateFleet, newFleetResponse)
	}
	return updateOne[fleetRequest](c, s.store.UpdateFleet, newFleetResponse)
}

// deleteFleet godoc
//
//	@Summary	Delete a fleet and its devices
//	@Tags		fleets
//	@Security	BearerKey
//	@Param		id			path	string	true	"fleet id"
//	@Param		If-Match	header	string	false	"the ETag last read"
//	@Success	204
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	412	{object}	Problem
//	@Router		/v1/fleets/{id} [delete]
func (s *Server) deleteFleet(c echo.Context) error {
	return deleteOne(c, s.store.DeleteFleet)
}
