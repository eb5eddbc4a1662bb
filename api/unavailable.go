package api

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// requestDeadline bounds how long a request may wait on the database (for
// a connection, a lock or an answer). A database that stalls then costs
// the client a 503 it can retry, never a hang. Exports stream for as long
// as they need, and uploads are bounded by the server's read timeout.
const requestDeadline = 15 * time.Second

// troubleWindow is how long /readyz stays 503 after a request met an
// unavailable database: a disk that is full or read-only still answers
// pings, and only the writes that fail tell.
const troubleWindow = 10 * time.Second

// retryAfter is the Retry-After, in seconds, of each kind of unavailability:
// a restart or an overload passes in seconds, a full or read-only disk
// needs an operator.
var retryAfter = map[models.Unavailability]int{
	models.Unreachable: 5,
	models.Overloaded:  2,
	models.DiskFull:    30,
	models.ReadOnly:    30,
}

// defaultRetryAfter is the Retry-After of a 503 that names no other, such
// as search being unavailable.
const defaultRetryAfter = 5

// unavailableDetail says what went wrong, for each kind.
var unavailableDetail = map[models.Unavailability]string{
	models.Unreachable: "the database does not answer (it may be restarting)",
	models.Overloaded:  "the database did not answer in time",
	models.DiskFull:    "the database's disk is full",
	models.ReadOnly:    "the database is read-only",
}

// databaseUnavailable is the problem a request gets when the database
// cannot serve it for now.
func databaseUnavailable(why models.Unavailability) *problemError {
	p := problem(http.StatusServiceUnavailable, "database-unavailable", "The registry is temporarily unavailable",
		unavailableDetail[why]+"; this request changed nothing unless a later read shows it did; retry after Retry-After seconds")
	p.p.retryAfter = retryAfter[why]
	return p
}

// boundDatabaseWait gives each request a deadline (requestDeadline), which
// every query inherits through the request's context. Exports are exempt:
// they stream a whole dataset.
func boundDatabaseWait(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/v1/export/") || c.Request().URL.Path == "/v1/imports" {
			return next(c)
		}
		// Made as a timer only when something waits on it (lazyDeadline).
		ctx := newLazyDeadline(c.Request().Context(), requestDeadline)
		defer ctx.stop()
		// The error handler runs after this returns, and must see the
		// client's own context (was it the client that went away?), not
		// this one, which is cancelled by then.
		orig := c.Request()
		defer c.SetRequest(orig)
		c.SetRequest(orig.WithContext(ctx))
		return next(c)
	}
}

// databaseTrouble remembers when a request last met an unavailable
// database, and why, for /readyz.
type databaseTrouble struct {
	at  atomic.Int64 // unix nanoseconds; 0 when never
	why atomic.Value // models.Unavailability
}

func (t *databaseTrouble) note(why models.Unavailability) {
	t.why.Store(why)
	t.at.Store(time.Now().UnixNano())
}

// recent returns why the database was last unavailable, if that was less
// than troubleWindow ago.
func (t *databaseTrouble) recent() (models.Unavailability, bool) {
	at := t.at.Load()
	if at == 0 || time.Since(time.Unix(0, at)) > troubleWindow {
		return "", false
	}
	why, _ := t.why.Load().(models.Unavailability)
	return why, true
}

// setRetryAfter sets the Retry-After of a 503 answer, unless a handler
// already set one.
func setRetryAfter(h http.Header, p Problem) {
	if p.Status != http.StatusServiceUnavailable || h.Get("Retry-After") != "" {
		return
	}
	secs := p.retryAfter
	if secs <= 0 {
		secs = defaultRetryAfter
	}
	h.Set("Retry-After", strconv.Itoa(secs))
}
