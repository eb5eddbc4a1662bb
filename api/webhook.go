package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// Webhooks (issue #17): an operator registers an endpoint for a fleet's
// alerts; each alert is POSTed to it signed as the Standard Webhooks
// specification says (package webhook sends them). Operators keep the
// webhooks of their own organization's fleets, admins all; other roles
// get 403, another organization's webhook is 404.

// webhookRequest registers a webhook.
type webhookRequest struct {
	// URL is where alerts are POSTed: https, on a public address.
	URL *string `json:"url" example:"https://hooks.example.vn/camreg" create:"required"`
	// Events are the alert events to receive, or ["*"] for all.
	Events []string `json:"events" example:"warning.issued,certificate.revoked" create:"required"`
	// FleetID is the fleet whose alerts the endpoint receives.
	FleetID *string `json:"fleet_id" create:"required"`
}

// webhookResponse is a webhook as the API shows it: never its secret.
type webhookResponse struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	FleetID   string    `json:"fleet_id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

func newWebhookResponse(w *models.Webhook) webhookResponse {
	return webhookResponse{ID: w.ID, OrgID: w.OrgID, FleetID: w.FleetID, URL: w.URL, Events: w.Events, Version: w.Version,
		CreatedAt: w.CreatedAt}
}

// createdWebhookResponse is the answer to a registration: the only time
// the secret is shown.
type createdWebhookResponse struct {
	webhookResponse
	// Secret signs every delivery (Standard Webhooks, whsec_ and base64);
	// keep it, it is not shown again (a replay with the same
	// Idempotency-Key answers it empty).
	Secret string `json:"secret" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`
}

// webhookList is one page of webhooks.
type webhookList struct {
	Items      []webhookResponse `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// attemptResponse is one try of a delivery.
type attemptResponse struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	// StatusCode is the endpoint's answer; 0 when none came.
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	DurationMS int    `json:"duration_ms"`
}

// deliveryResponse is one alert sent to one endpoint, and its attempts.
type deliveryResponse struct {
	ID      string `json:"id"`
	AlertID string `json:"alert_id"`
	Type    string `json:"type" example:"warning.issued"`
	// Status is pending (to be tried, NextAttemptAt), delivered or failed
	// (its attempts ran out; a re-send tries again).
	Status         string            `json:"status" enums:"pending,delivered,failed"`
	Attempts       int               `json:"attempts"`
	MaxAttempts    int               `json:"max_attempts"`
	LastStatusCode int               `json:"last_status_code"`
	LastError      string            `json:"last_error"`
	LastAttemptAt  *time.Time        `json:"last_attempt_at"`
	NextAttemptAt  *time.Time        `json:"next_attempt_at"`
	DeliveredAt    *time.Time        `json:"delivered_at"`
	CreatedAt      time.Time         `json:"created_at"`
	AttemptLog     []attemptResponse `json:"attempt_log"`
}

func newDeliveryResponse(d *models.WebhookDelivery) deliveryResponse {
	out := deliveryResponse{ID: d.ID, AlertID: d.AlertID, Type: d.Kind, Status: d.Status, Attempts: d.Attempts,
		MaxAttempts: d.MaxAttempts, LastStatusCode: d.LastStatusCode, LastError: d.LastError, LastAttemptAt: d.LastAttemptAt,
		NextAttemptAt: d.NextAttemptAt, DeliveredAt: d.DeliveredAt, CreatedAt: d.CreatedAt, AttemptLog: []attemptResponse{}}
	for _, a := range d.AttemptLog {
		out.AttemptLog = append(out.AttemptLog, attemptResponse{Attempt: a.Attempt, At: a.At, StatusCode: a.StatusCode,
			Error: a.Error, DurationMS: a.DurationMS})
	}
	return out
}

// deliveryList is one page of a webhook's deliveries, oldest first.
type deliveryList struct {
	Items      []deliveryResponse `json:"items"`
	NextCursor string             `json:"next_cursor"`
}

func (s *Server) webhookRoutes(v1 *echo.Group) {
	v1.GET("/webhooks", s.listWebhooks, fleetKeepers)
	v1.POST("/webhooks", s.createWebhook, fleetKeepers, s.idempotent)
	v1.GET("/webhooks/:id", s.getWebhook, fleetKeepers)
	v1.DELETE("/webhooks/:id", s.deleteWebhook, fleetKeepers)
	v1.GET("/webhooks/:id/deliveries", s.listWebhookDeliveries, fleetKeepers)
	v1.POST("/webhooks/:id/deliveries/:delivery/resend", s.resendWebhookDelivery, fleetKeepers)
}

// createWebhook godoc
//
//	@Summary		Register a webhook for a fleet's alerts
//	@Description	Each alert of the fleet whose event is listed (or all, with ["*"]) is POSTed to the URL as {type, timestamp, data}, with the headers webhook-id, webhook-timestamp and webhook-signature (v1,base64 HMAC-SHA256 of id.timestamp.body with the secret), as the Standard Webhooks specification says. The secret is in this answer only (a replay with the same Idempotency-Key answers the webhook with an empty secret). The URL must be https and resolve to public addresses (unless the server runs with CAMREG_WEBHOOK_ALLOW_PRIVATE=1); redirects are not followed. Operators, for their own organization's fleets; admins. Idempotency-Key replays the first answer.
//	@Tags			fleets
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			Idempotency-Key	header		string			false	"a retry with the same key and body replays the first answer"
//	@Param			body			body		webhookRequest	true	"the endpoint, its events and its fleet"
//	@Success		201				{object}	createdWebhookResponse
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/webhooks [post]
func (s *Server) createWebhook(c echo.Context) error {
	var req webhookRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	w, secret, err := s.store.CreateWebhook(c.Request().Context(), mustActor(c),
		models.WebhookInput{URL: req.URL, Events: req.Events, FleetID: req.FleetID}, s.webhooks.CheckURL)
	if err != nil {
		return err
	}
	// A replay (Idempotency-Key) answers the same webhook without its
	// secret, which is shown once and kept nowhere in the clear.
	if kept, err := json.Marshal(createdWebhookResponse{webhookResponse: newWebhookResponse(w)}); err == nil {
		c.Set(replayBodyKey, append(kept, '\n'))
	}
	return created(c, "/v1/webhooks/"+w.ID, w.Version, createdWebhookResponse{webhookResponse: newWebhookResponse(w), Secret: secret})
}

// listWebhooks godoc
//
//	@Summary	List webhooks
//	@Tags		fleets
//	@Produce	json
//	@Security	BearerKey
//	@Param		fleet	query		string	false	"only this fleet's"
//	@Param		limit	query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	webhookList
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/webhooks [get]
func (s *Server) listWebhooks(c echo.Context) error {
	q := newQuery(c, "fleet")
	f := models.WebhookFilter{Viewer: mustActor(c), FleetID: q.id("fleet")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindWebhooks(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookList{Items: views(page.Items, newWebhookResponse), NextCursor: page.NextCursor})
}

// getWebhook godoc
//
//	@Summary	Get a webhook (never its secret)
//	@Tags		fleets
//	@Produce	json
//	@Security	BearerKey
//	@Param		id	path		string	true	"webhook id"
//	@Success	200	{object}	webhookResponse
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/webhooks/{id} [get]
func (s *Server) getWebhook(c echo.Context) error {
	return getOne(c, func(ctx context.Context, id string) (*models.Webhook, error) {
		return s.store.ViewWebhook(ctx, mustActor(c), id)
	}, newWebhookResponse)
}

// deleteWebhook godoc
//
//	@Summary	Delete a webhook and its delivery log
//	@Tags		fleets
//	@Security	BearerKey
//	@Param		id			path	string	true	"webhook id"
//	@Param		If-Match	header	string	false	"the ETag last read"
//	@Success	204
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	412	{object}	Problem
//	@Router		/v1/webhooks/{id} [delete]
func (s *Server) deleteWebhook(c echo.Context) error {
	return deleteOne(c, s.store.DeleteWebhook)
}

// listWebhookDeliveries godoc
//
//	@Summary		A webhook's delivery log
//	@Description	Each alert sent to the endpoint: its status, attempts (each with its time, status code and error), and when the next attempt is due. Failed attempts are retried with exponential backoff and jitter, up to max_attempts.
//	@Tags			fleets
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string	true	"webhook id"
//	@Param			limit	query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	deliveryList
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/webhooks/{id}/deliveries [get]
func (s *Server) listWebhookDeliveries(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.WebhookDeliveries(c.Request().Context(), mustActor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deliveryList{Items: views(page.Items, newDeliveryResponse), NextCursor: page.NextCursor})
}

// resendWebhookDelivery godoc
//
//	@Summary		Send a delivery again
//	@Description	Makes the delivery due now, with as many attempts again as a new one, whatever its status (a failed one, or one the receiver lost). 409 while it is being sent.
//	@Tags			fleets
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string	true	"webhook id"
//	@Param			delivery	path		string	true	"delivery id"
//	@Success		202			{object}	deliveryResponse
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Router			/v1/webhooks/{id}/deliveries/{delivery}/resend [post]
func (s *Server) resendWebhookDelivery(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	delivery := c.Param("delivery")
	if !models.ValidID(delivery) {
		return models.ErrNotFound
	}
	d, err := s.store.ResendDelivery(c.Request().Context(), mustActor(c), id, delivery)
	if err != nil {
		return err
	}
	if s.nudgeSender != nil {
		s.nudgeSender()
	}
	return c.JSON(http.StatusAccepted, newDeliveryResponse(d))
}
