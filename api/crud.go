package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// The shared plumbing of the entity handlers. Each entity keeps its own
// handler methods, with their own swag annotations and filters; the steps
// they share (path id, If-Match, strict decoding, ETag and Location) live
// here once.

// entity is a stored row as a service returns it.
type entity interface {
	GetID() string
	GetVersion() int
}

// request is a wire request type that converts to a service input.
type request[In any] interface{ input() In }

// getOne answers GET /<collection>/<id>, with ETag and If-None-Match.
func getOne[T entity, R any](c echo.Context, load func(context.Context, string) (T, error), view func(T) R) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	row, err := load(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if notModified(c, row.GetVersion()) {
		return c.NoContent(http.StatusNotModified)
	}
	return reply(c, http.StatusOK, row.GetVersion(), view(row))
}

// createOne answers POST /<collection>: 201 with Location and ETag.
func createOne[Req request[In], In any, T entity, R any](c echo.Context, collection string,
	create func(context.Context, models.Actor, In) (T, error), view func(T) R) error {
	var req Req
	if err := decodeJSON(c, &req); err != nil {
		return withDomainErrors(err, func(ctx context.Context) error {
			_, err := create(ctx, mustActor(c), req.input())
			return err
		}, c)
	}
	row, err := create(c.Request().Context(), mustActor(c), req.input())
	if err != nil {
		return err
	}
	return created(c, "/v1/"+collection+"/"+row.GetID(), row.GetVersion(), view(row))
}

// updateOne answers PATCH /<collection>/<id>, honouring If-Match.
func updateOne[Req request[In], In any, T entity, R any](c echo.Context,
	update func(context.Context, models.Actor, string, In, *int) (T, error), view func(T) R) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req Req
	if err := decodeJSON(c, &req); err != nil {
		return withDomainErrors(err, func(ctx context.Context) error {
			return matching(version, func(v *int) error {
				_, err := update(ctx, mustActor(c), id, req.input(), v)
				return err
			})
		}, c)
	}
	var row T
	err = matching(version, func(v *int) (err error) {
		row, err = update(c.Request().Context(), mustActor(c), id, req.input(), v)
		return err
	})
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, row.GetVersion(), view(row))
}

// deleteOne answers DELETE /<collection>/<id>, honouring If-Match.
func deleteOne(c echo.Context, del func(context.Context, models.Actor, string, *int) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := matching(version, func(v *int) error { return del(c.Request().Context(), mustActor(c), id, v) }); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// views converts a page of rows to wire items.
func views[T any, R any](rows []T, view func(*T) R) []R {
	out := make([]R, len(rows))
	for i := range rows {
		out[i] = view(&rows[i])
	}
	return out
}

// withDomainErrors completes a decoding failure's field errors with the
// domain's: when the body was JSON but some fields were unknown or of the
// wrong type, the fields that did decode are validated too, in a dry run
// that writes nothing, so the client learns every error in one answer.
func withDomainErrors(decodeErr error, validate func(context.Context) error, c echo.Context) error {
	var pe *problemError
	if !errors.As(decodeErr, &pe) || len(pe.p.Errors) == 0 {
		return decodeErr
	}
	var ve *models.ValidationError
	if err := validate(models.DryRun(c.Request().Context())); errors.As(err, &ve) {
		all := append([]models.FieldError{}, pe.p.Errors...)
		for _, e := range ve.Errors {
			if !hasField(all, e.Field) {
				all = append(all, e)
			}
		}
		return fieldProblem(all)
	}
	return decodeErr
}

// noModel is an id that names no camera model: a list filtered by a model
// the viewer may not see is filtered by it instead.
const noModel = "00000000-0000-0000-0000-000000000000"

// visibleModelFilter is a list's model filter as the viewer may ask it: the
// id of a model the viewer may not see (another organization's pending
// registration) filters as an id that names nothing. It filtered as the
// model, so the public certificates, C/Os and warnings that name a pending
// registration (a link their GET leaves out) told anyone that it exists.
func (s *Server) visibleModelFilter(c echo.Context, id string) (string, error) {
	if id == "" {
		return id, nil
	}
	visible, err := s.store.VisibleModelIDs(c.Request().Context(), viewer(c), []string{id})
	if err != nil {
		return "", err
	}
	if !visible[id] {
		return noModel, nil
	}
	return id, nil
}
