package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// problemOnNotFound answers a wrapped file server's 404 (the page's
// assets, the Swagger UI's files) as every other error is answered:
// problem+json, not net/http's "404 page not found" in text/plain.
func problemOnNotFound(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		w := &notFoundCatcher{ResponseWriter: res.Writer}
		res.Writer = w
		err := h(c)
		res.Writer = w.ResponseWriter
		if err == nil && w.caught {
			// Nothing was sent: the error handler writes the answer.
			res.Committed, res.Status, res.Size = false, 0, 0
			for _, k := range []string{echo.HeaderContentType, echo.HeaderContentLength} {
				res.Header().Del(k)
			}
			return echo.ErrNotFound
		}
		return err
	}
}

// notFoundCatcher swallows a 404 and its body, and passes anything else on.
type notFoundCatcher struct {
	http.ResponseWriter
	caught bool
}

func (w *notFoundCatcher) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.caught = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notFoundCatcher) Write(b []byte) (int, error) {
	if w.caught {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *notFoundCatcher) Unwrap() http.ResponseWriter { return w.ResponseWriter }
