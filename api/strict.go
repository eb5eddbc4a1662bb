package api

import (
	"crypto/subtle"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// strictQuery refuses a query string that does not parse: Go drops a
// malformed pair (status=revoked%ZZ, status=revoked;) silently, which
// would widen a filtered list to everything instead of saying so.
func strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if raw := c.Request().URL.RawQuery; raw != "" && !plainQuery(raw) {
			if _, err := url.ParseQuery(raw); err != nil {
				return fieldProblem([]models.FieldError{{Field: "query",
					Message: "is malformed (" + strings.TrimPrefix(err.Error(), "invalid ") + "); escape values and separate pairs with &"}})
			}
		}
		return next(c)
	}
}

// plainQuery reports, without parsing it into a map, a query string that
// url.ParseQuery takes without an error: no ';', every '%' followed by two
// hex digits, and a few pairs (ParseQuery refuses more than GODEBUG's
// urlmaxqueryparams, 10,000 by default). Anything else is parsed. A verify
// parsed its query twice, here and in the handler: a map and its strings,
// some 400 bytes a request.
func plainQuery(raw string) bool {
	pairs := 1
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case ';':
			return false
		case '&':
			if pairs++; pairs > 16 {
				return false
			}
		case '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return false
			}
		}
	}
	return true
}

func isHex(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' }

// maxRequestID bounds a client's X-Request-Id, which is echoed and logged.
const maxRequestID = 64

// boundRequestID drops a client's X-Request-Id that is too long or holds
// anything but letters, digits, '-', '_', '.' and ':'; a fresh id replaces it.
func boundRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if id := h.Get(echo.HeaderXRequestID); id != "" && !validRequestID(id) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

// requestIDLetters are the letters of echo's request ids.
const requestIDLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// newRequestID makes a request id like echo's own (32 letters, a-z and
// A-Z, about 182 bits) from math/rand/v2's generator, ChaCha8 seeded by the
// system, without a lock. Echo's read crypto/rand through a pooled
// bufio.Reader into two slices each time (three allocations, ~1 % of a
// cold verify's CPU, BENCHMARKS.md "Verify cold: the request log
// batched ..."). An id only ties an answer to its log line; it is never a
// secret or a capability.
func newRequestID() string {
	var b [32]byte
	for i := 0; i < len(b); {
		r := rand.Uint64()
		for k := 0; k < 10 && i < len(b); k++ { // ten draws of 6 bits
			if x := r & 63; x < uint64(len(requestIDLetters)) {
				b[i] = requestIDLetters[x]
				i++
			}
			r >>= 6
		}
	}
	return string(b[:])
}

func validRequestID(id string) bool {
	if len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-_.:", b) >= 0) {
			return false
		}
	}
	return true
}

// metricsToken marks a request that presented the metrics token.
const metricsTokenKey = "camreg.metrics-token"

// metricsToken reports whether the request to /metrics carries the
// configured scrape token as its bearer key; authenticate then lets it
// through without looking it up as an API key.
func (s *Server) metricsToken(c echo.Context, key string) bool {
	return s.metricsTok != "" && c.Request().URL.Path == "/metrics" &&
		subtle.ConstantTimeCompare([]byte(key), []byte(s.metricsTok)) == 1
}

// guardMetrics serves /metrics to a scraper on the same host (loopback),
// one with the metrics token (CAMREG_METRICS_TOKEN), or an admin key; the
// rest get 404, as the figures tell an outsider how loaded the node is.
func (s *Server) guardMetrics(h http.Handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		ok := false
		if a, keyed := actorOf(c); keyed && a.Role == models.RoleAdmin {
			ok = true
		}
		if tok, _ := c.Get(metricsTokenKey).(bool); tok {
			ok = true
		}
		if ip := net.ParseIP(c.RealIP()); ip != nil && ip.IsLoopback() {
			ok = true
		}
		if !ok {
			return problem(http.StatusNotFound, "not-found", "Not found", "no such resource")
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
