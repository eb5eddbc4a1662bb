package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// headAsGet answers HEAD wherever GET answers (RFC 9110 §9.3.2): the
// request is routed as a GET, and its answer's headers are sent without
// its body. It runs before routing (echo's Pre).
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead {
			return next(c)
		}
		// echo routes the very request it was handed, so the method is
		// changed in place, and put back before net/http finishes the
		// answer (it sends no body for a HEAD).
		r.Method = http.MethodGet
		defer func() { r.Method = http.MethodHead }()
		c.Set(headKey, true)
		c.Response().Writer = headWriter{c.Response().Writer}
		return next(c)
	}
}

const headKey = "camreg.head"

// isHead reports whether the request is a HEAD routed as a GET, so that a
// handler may skip making a body no one will receive.
func isHead(c echo.Context) bool {
	h, _ := c.Get(headKey).(bool)
	return h || c.Request().Method == http.MethodHead
}

// headWriter drops the body of a HEAD request's answer.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(b []byte) (int, error) { return len(b), nil }

func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// allowHead adds HEAD to the Allow header of an OPTIONS answer where GET is
// allowed (echo's router lists only the methods it has routes for, and HEAD
// is routed as GET above). handleError does the same for a 405.
func allowHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodOptions {
			h := c.Response().Header()
			c.Response().Before(func() { withHead(h) })
		}
		return next(c)
	}
}

// withHead adds HEAD to an Allow header that lists GET without it.
func withHead(h http.Header) {
	allow := h.Get(echo.HeaderAllow)
	methods := strings.Split(allow, ", ")
	if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
		h.Set(echo.HeaderAllow, allow+", "+http.MethodHead)
	}
}
