package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

const actorKey = "camreg.actor"

// authenticate reads an optional bearer key. A request without one is the
// public; a request with a key that is malformed, unknown, revoked or
// expired is refused at once with 401, even on public routes, so that a
// client never silently runs with less than it thinks it has.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		scheme, key, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			return errUnauthorized
		}
		if s.metricsToken(c, strings.TrimSpace(key)) {
			c.Set(metricsTokenKey, true)
			return next(c)
		}
		actor, err := s.store.Authenticate(c.Request().Context(), strings.TrimSpace(key))
		if errors.Is(err, models.ErrBadKey) {
			// Failed attempts spend the client IP's public tokens, so
			// guessing keys is as slow as any other anonymous traffic.
			if ok, _ := s.limiter.allow("public", clientOf(c.RealIP())); !ok {
				c.Response().Header().Set("Retry-After", "1")
				return problem(http.StatusTooManyRequests, "rate-limited", "Too many requests", "too many failed authentication attempts; slow down")
			}
			return errBadKey
		}
		if err != nil {
			return err
		}
		c.Set(actorKey, actor)
		// Answers to a keyed request may hold what the public cannot see.
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// actorOf returns the request's actor, if it sent a valid key.
func actorOf(c echo.Context) (models.Actor, bool) {
	a, ok := c.Get(actorKey).(models.Actor)
	return a, ok
}

// requireRole lets a request through only with a key of one of the roles:
// 401 without a key, 403 with a key of another role.
func requireRole(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a, ok := actorOf(c)
			if !ok {
				return errUnauthorized
			}
			if !slices.Contains(roles, a.Role) {
				return forbidden("the " + string(a.Role) + " role may not do this")
			}
			return next(c)
		}
	}
}

// mustActor returns the actor of a route guarded by requireRole.
func mustActor(c echo.Context) models.Actor {
	a, _ := actorOf(c)
	return a
}

// viewer is who reads: the request's actor, or the public.
func viewer(c echo.Context) models.Actor {
	a, _ := actorOf(c)
	return a
}

// viewerPtr is viewer for the filters of list services, where nil would
// mean "see everything".
func viewerPtr(c echo.Context) *models.Actor {
	v := viewer(c)
	return &v
}

// viewAs binds a service's view function to the request's viewer.
func viewAs[T any](c echo.Context, view func(context.Context, models.Actor, string) (T, error)) func(context.Context, string) (T, error) {
	return func(ctx context.Context, id string) (T, error) { return view(ctx, viewer(c), id) }
}
