package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// Problem is an RFC 9457 problem detail, the body of every error response.
type Problem struct {
	// Type is a URI reference naming the kind of problem.
	Type string `json:"type" example:"/problems/validation-error"`
	// Title is a short summary of the kind of problem.
	Title string `json:"title" example:"Your request has invalid fields"`
	// Status repeats the HTTP status code.
	Status int `json:"status" example:"422"`
	// Detail explains this occurrence.
	Detail string `json:"detail,omitempty" example:"2 fields are invalid"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty" example:"/v1/organizations"`
	// RequestID correlates the response with the server's logs.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists each invalid field, for validation problems.
	Errors []models.FieldError `json:"errors,omitempty"`
	// retryAfter is the Retry-After of a 503, in seconds (unavailable.go).
	retryAfter int
} //	@name	Problem

// problemError is an error that carries its own problem detail.
type problemError struct{ p Problem }

func (e *problemError) Error() string { return e.p.Title + ": " + e.p.Detail }

func problem(status int, slug, title, detail string) *problemError {
	return &problemError{Problem{Type: problemTypeURI(slug), Title: title, Status: status, Detail: detail}}
}

func fieldProblem(errs []models.FieldError) *problemError {
	p := problem(http.StatusUnprocessableEntity, "validation-error", "Your request has invalid fields",
		plural(len(errs), "field is", "fields are")+" invalid; see errors")
	p.p.Errors = errs
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

var (
	errUnauthorized = problem(http.StatusUnauthorized, "unauthorized", "Authentication required",
		"send a valid API key as Authorization: Bearer <key>")
	errBadKey = problem(http.StatusUnauthorized, "unauthorized", "Invalid API key",
		"the API key is unknown, revoked or expired")
)

func forbidden(detail string) *problemError {
	return problem(http.StatusForbidden, "forbidden", "You may not do this", detail)
}

// toProblem maps any error to the problem detail it is answered with.
func toProblem(err error) (Problem, bool) {
	var pe *problemError
	if errors.As(err, &pe) {
		return pe.p, true
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return fieldProblem(ve.Errors).p, true
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return problem(he.Code, "not-found", "Not found", "no such resource").p, true
		case http.StatusMethodNotAllowed:
			return problem(he.Code, "method-not-allowed", "Method not allowed", "this resource does not support that method").p, true
		case http.StatusRequestEntityTooLarge:
			return problem(he.Code, "body-too-large", "Request body too large", "the body is larger than this endpoint accepts").p, true
		case http.StatusUnsupportedMediaType:
			return problem(he.Code, "unsupported-media-type", "Unsupported media type", "send application/json").p, true
		case http.StatusServiceUnavailable:
			return problem(he.Code, "unavailable", "Service unavailable", "try again shortly").p, true
		}
		if he.Code >= 400 && he.Code < 500 {
			return problem(he.Code, "bad-request", http.StatusText(he.Code), http.StatusText(he.Code)).p, true
		}
		return Problem{}, false
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		return problem(http.StatusNotFound, "not-found", "Not found", "no such resource, or it is not visible to you").p, true
	case errors.Is(err, models.ErrConflict):
		return problem(http.StatusConflict, "conflict", "Conflict", err.Error()).p, true
	case errors.Is(err, models.ErrPrecondition):
		return problem(http.StatusPreconditionFailed, "precondition-failed", "The resource has changed",
			"If-Match does not match the current ETag; fetch the resource again and retry").p, true
	case errors.Is(err, models.ErrForbidden):
		return forbidden(err.Error()).p, true
	}
	if why, ok := models.Unavailable(err); ok {
		return databaseUnavailable(why).p, true
	}
	return Problem{}, false
}

// StatusClientClosedRequest is the status logged for a request whose client
// disconnected before its answer was ready (nginx's 499).
const StatusClientClosedRequest = 499

// handleError is the echo error handler: every error becomes problem+json.
// Errors of no known kind are logged with the request id and answered with
// a generic 500 that reveals nothing of the cause.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away before the answer was ready: nobody reads
		// it, and nothing failed on our side. The request line logs 499,
		// as proxies do, rather than a 500 that would page someone.
		c.Response().WriteHeader(StatusClientClosedRequest)
		return
	}
	p, known := toProblem(err)
	if !known {
		s.log.ErrorContext(c.Request().Context(), "internal error",
			slog.String("request_id", requestID(c)), slog.String("error", err.Error()),
			slog.String("method", c.Request().Method), slog.String("path", c.Path()))
		p = problem(http.StatusInternalServerError, "internal", "Internal server error",
			"something went wrong on our side; quote the request_id when reporting it").p
	}
	p.Instance = c.Request().URL.Path
	p.RequestID = requestID(c)
	if why, ok := models.Unavailable(err); ok && p.Type == problemTypeURI("database-unavailable") {
		s.dbTrouble.note(why)
		s.metrics.unavailable.WithLabelValues(string(why)).Inc()
		s.log.WarnContext(c.Request().Context(), "database unavailable",
			slog.String("request_id", p.RequestID), slog.String("why", string(why)), slog.String("error", err.Error()))
	}
	setRetryAfter(c.Response().Header(), p)
	if p.Status == http.StatusMethodNotAllowed {
		withHead(c.Response().Header())
	}
	if p.Status == http.StatusUnauthorized {
		challenge := `Bearer realm="camreg"`
		if p.Title == errBadKey.p.Title {
			// RFC 6750 §3.1: the key sent is unknown, revoked or expired.
			challenge += `, error="invalid_token"`
		}
		c.Response().Header().Set("WWW-Authenticate", challenge)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = jsonEncode(c.Response(), p)
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
