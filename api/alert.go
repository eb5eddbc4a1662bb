package api

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// Alerts (issue #17): what changed a fleet device's verdict, told to the
// fleet once per change (models/alert*.go). A fleet's alerts are read as it
// is: by its operator, admins and authorities; another organization's
// fleet is 404. They are served as a JSON list and as feeds (Atom and JSON
// Feed 1.1, the same documents as /v1/feed.*), and pushed to webhooks
// (api/webhook.go).

// alertList is one page of a fleet's alerts, oldest first.
type alertList struct {
	Items      []models.AlertPayload `json:"items"`
	NextCursor string                `json:"next_cursor"`
	// Watching says how many of the fleet's devices have been judged: a
	// device added a moment ago is watched from when it is.
	Watching models.AlertWatch `json:"watching"`
}

func (s *Server) alertRoutes(v1 *echo.Group) {
	v1.GET("/fleets/:id/alerts", s.listFleetAlerts, fleetReaders)
	v1.GET("/fleets/:id/feed.json", s.fleetFeedJSON, fleetReaders)
	v1.GET("/fleets/:id/feed.atom", s.fleetFeedAtom, fleetReaders)
}

// listFleetAlerts godoc
//
//	@Summary		List a fleet's alerts
//	@Description	Each alert is one change (a warning issued, changed or withdrawn; a certificate issued, suspended, revoked, reinstated, expiring within 30 days or expired; a standard becoming mandatory) that changed the verdict of some of the fleet's devices, naming them with their verdict before and after. Oldest first. The fleet's operator, admins and authorities; another organization's fleet is 404.
//	@Tags			fleets
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string	true	"fleet id"
//	@Param			limit	query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	alertList
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/fleets/{id}/alerts [get]
func (s *Server) listFleetAlerts(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, watch, err := s.store.FleetAlerts(c.Request().Context(), mustActor(c), id, p)
	if err != nil {
		return err
	}
	out := alertList{Items: make([]models.AlertPayload, len(page.Items)), NextCursor: page.NextCursor, Watching: watch}
	for i := range page.Items {
		out.Items[i] = page.Items[i].Payload()
	}
	return c.JSON(http.StatusOK, out)
}

// fleetFeedPage reads a page of the fleet's alerts, newest first.
func (s *Server) fleetFeedPage(c echo.Context) (*models.Fleet, []models.Alert, string, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, nil, "", err
	}
	q := newQuery(c)
	limit := 0
	if q.str("limit") != "" {
		if limit = q.integer("limit"); limit == 0 {
			limit = -1
		}
	}
	if err := q.err(nil); err != nil {
		return nil, nil, "", err
	}
	f, as, next, err := s.store.FleetAlertsNewest(c.Request().Context(), mustActor(c), id, limit, q.str("cursor"))
	if err != nil {
		return nil, nil, "", err
	}
	if next != "" {
		qs := c.QueryParams()
		qs.Set("cursor", next)
		next = s.publicBase(c) + c.Request().URL.Path + "?" + qs.Encode()
	}
	return f, as, next, nil
}

// alertTitle is an alert's headline.
func alertTitle(lang string, a *models.Alert) string {
	subject := a.SubjectRef
	if subject == "" {
		subject = a.SubjectID
	}
	vi := map[string]string{
		models.AlertWarningIssued: "Cảnh báo mới", models.AlertWarningChanged: "Cảnh báo thay đổi",
		models.AlertWarningWithdrawn: "Cảnh báo được rút lại", models.AlertCertificateIssued: "Giấy chứng nhận hợp quy mới",
		models.AlertCertificateChanged: "Giấy chứng nhận thay đổi", models.AlertCertificateSuspended: "Đình chỉ giấy chứng nhận",
		models.AlertCertificateRevoked: "Thu hồi giấy chứng nhận", models.AlertCertificateReinstated: "Khôi phục giấy chứng nhận",
		models.AlertCertificateExpiring: "Giấy chứng nhận sắp hết hạn", models.AlertCertificateExpired: "Giấy chứng nhận hết hạn",
		models.AlertStandardMandatory: "Quy chuẩn bắt buộc áp dụng", models.AlertStandardChanged: "Quy chuẩn thay đổi",
	}[a.Kind]
	en := strings.ReplaceAll(a.Kind, ".", " ")
	return pick(lang, fmt.Sprintf("%s %s: %d thiết bị (%d camera)", vi, subject, a.DevicesTotal, a.CamerasTotal),
		fmt.Sprintf("%s %s: %d devices (%d cameras)", en, subject, a.DevicesTotal, a.CamerasTotal))
}

// alertSummary names the devices, up to 20.
func alertSummary(lang string, a *models.Alert) string {
	var b strings.Builder
	ds := a.Devices()
	for i, d := range ds {
		if i == 20 {
			fmt.Fprintf(&b, pick(lang, "… và %d thiết bị khác\n", "… and %d more devices\n"), a.DevicesTotal-20)
			break
		}
		fmt.Fprintf(&b, "%s %s ×%d", d.Brand, d.Model, d.Quantity)
		if d.ExternalID != "" || d.Location != "" {
			fmt.Fprintf(&b, " (%s)", strings.Trim(d.ExternalID+", "+d.Location, ", "))
		}
		fmt.Fprintf(&b, ": %s → %s\n", d.VerdictBefore, d.VerdictAfter)
	}
	return b.String()
}

// alertFeedItem is a JSON Feed 1.1 item of a fleet's feed; _camreg is the
// alert as GET /v1/fleets/{id}/alerts shows it.
type alertFeedItem struct {
	ID            string              `json:"id"`
	URL           string              `json:"url"`
	Title         string              `json:"title"`
	ContentText   string              `json:"content_text"`
	DatePublished string              `json:"date_published"`
	Tags          []string            `json:"tags"`
	Camreg        models.AlertPayload `json:"_camreg"`
}

// alertFeed is a fleet's JSON Feed 1.1 document.
type alertFeed struct {
	Version     string          `json:"version" example:"https://jsonfeed.org/version/1.1"`
	Title       string          `json:"title"`
	HomePageURL string          `json:"home_page_url"`
	FeedURL     string          `json:"feed_url"`
	Description string          `json:"description"`
	Language    string          `json:"language" example:"vi"`
	NextURL     string          `json:"next_url,omitempty"`
	Items       []alertFeedItem `json:"items"`
}

// fleetFeedJSON godoc
//
//	@Summary		A fleet's alerts, as JSON Feed 1.1
//	@Description	The fleet's alerts, newest first; each item's _camreg is the alert as GET /v1/fleets/{id}/alerts shows it. Visible as the fleet is.
//	@Tags			fleets
//	@Produce		application/feed+json
//	@Security		BearerKey
//	@Param			id				path		string	true	"fleet id"
//	@Param			limit			query		int		false	"entries per page, 1..200"	default(50)
//	@Param			cursor			query		string	false	"the next page, from next_url"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	alertFeed
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/fleets/{id}/feed.json [get]
func (s *Server) fleetFeedJSON(c echo.Context) error {
	f, as, next, err := s.fleetFeedPage(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	base := s.publicBase(c)
	alerts := base + "/v1/fleets/" + f.ID + "/alerts"
	out := alertFeed{Version: "https://jsonfeed.org/version/1.1", Title: pick(lang, "Cảnh báo cho ", "Alerts for ") + f.Name,
		HomePageURL: alerts, FeedURL: base + c.Request().URL.RequestURI(), Language: lang, NextURL: next,
		Description: pick(lang, "Các thay đổi làm đổi kết luận về camera của hệ thống này.", "Changes that changed the verdict of this fleet's cameras."),
		Items:       make([]alertFeedItem, len(as))}
	for i := range as {
		a := &as[i]
		out.Items[i] = alertFeedItem{ID: s.atomID("alert/" + a.ID), URL: alerts + "#" + a.ID, Title: alertTitle(lang, a),
			ContentText: alertSummary(lang, a), DatePublished: a.CreatedAt.UTC().Format(time.RFC3339),
			Tags: []string{a.Kind, a.SubjectType}, Camreg: a.Payload()}
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/feed+json; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return jsonEncode(c.Response(), out)
}

// fleetFeedAtom godoc
//
//	@Summary		A fleet's alerts, as an Atom feed
//	@Description	The same entries as /v1/fleets/{id}/feed.json, as Atom (RFC 4287), with a rel="next" link for the next page. Visible as the fleet is.
//	@Tags			fleets
//	@Produce		application/atom+xml
//	@Security		BearerKey
//	@Param			id				path		string	true	"fleet id"
//	@Param			limit			query		int		false	"entries per page, 1..200"	default(50)
//	@Param			cursor			query		string	false	"the next page, from the rel=next link"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{string}	string	"the Atom document"
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/fleets/{id}/feed.atom [get]
func (s *Server) fleetFeedAtom(c echo.Context) error {
	f, as, next, err := s.fleetFeedPage(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	base := s.publicBase(c)
	alerts := base + "/v1/fleets/" + f.ID + "/alerts"
	updated := f.UpdatedAt.UTC()
	if len(as) > 0 {
		updated = as[0].CreatedAt.UTC()
	}
	self := base + c.Request().URL.RequestURI()
	out := atomFeed{Lang: lang, ID: s.atomID("/v1/fleets/" + f.ID + "/feed.atom"), Title: pick(lang, "Cảnh báo cho ", "Alerts for ") + f.Name,
		Subtitle: pick(lang, "Các thay đổi làm đổi kết luận về camera của hệ thống này.", "Changes that changed the verdict of this fleet's cameras."),
		Updated:  updated.Format(time.RFC3339), Author: atomPerson{Name: "camreg"},
		Links: []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"},
			{Rel: "alternate", Href: strings.Replace(self, "/feed.atom", "/feed.json", 1), Type: "application/feed+json"}}}
	if next != "" {
		out.Links = append(out.Links, atomLink{Rel: "next", Href: next, Type: "application/atom+xml"})
	}
	for i := range as {
		a := &as[i]
		at := a.CreatedAt.UTC().Format(time.RFC3339)
		out.Entries = append(out.Entries, atomEntry{ID: s.atomID("alert/" + a.ID), Title: alertTitle(lang, a), Updated: at, Published: at,
			Links:      []atomLink{{Rel: "alternate", Href: alerts + "#" + a.ID}},
			Categories: []atomCategory{{Term: a.Kind}, {Term: a.SubjectType}},
			Summary:    atomText{Type: "text", Body: alertSummary(lang, a)}})
	}
	body, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), body...))
}
