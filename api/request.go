package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// query reads a list's query parameters strictly: a parameter the endpoint
// does not know, or one given twice, is a field error, so a typo in a filter
// never silently widens the result.
type query struct {
	values url.Values
	errs   []models.FieldError
}

func newQuery(c echo.Context, allowed ...string) *query {
	q := &query{values: c.QueryParams()}
	allowed = append(allowed, "limit", "cursor")
	var names []string
	for name := range q.values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !contains(allowed, name) {
			q.errs = append(q.errs, models.FieldError{Field: name,
				Message: "is not a parameter of this endpoint; use one of " + strings.Join(allowed, ", ")})
		} else if len(q.values[name]) > 1 {
			q.errs = append(q.errs, models.FieldError{Field: name, Message: "must be given once"})
		} else if strings.ContainsFunc(q.values.Get(name), isHiddenControl) {
			// A NUL or another control character is folded away and
			// would leave an empty filter, widening the list to everything.
			// Tabs and line breaks, pasted with a label's text, are spaces.
			q.errs = append(q.errs, models.FieldError{Field: name, Message: "must not contain control characters"})
		}
	}
	return q
}

// isHiddenControl reports a control character other than a tab or a line
// break.
func isHiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (q *query) str(name string) string { return strings.TrimSpace(q.values.Get(name)) }

// id reads an id parameter; a malformed id is a field error.
func (q *query) id(name string) string {
	v := q.str(name)
	if v != "" && !models.ValidID(v) {
		q.errs = append(q.errs, models.FieldError{Field: name, Message: "must be an id"})
	}
	return v
}

func (q *query) integer(name string) int {
	v := q.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		q.errs = append(q.errs, models.FieldError{Field: name, Message: "must be a whole number"})
	}
	return n
}

func (q *query) boolean(name string) *bool {
	switch q.str(name) {
	case "":
		return nil
	case "true", "1":
		b := true
		return &b
	case "false", "0":
		b := false
		return &b
	}
	q.errs = append(q.errs, models.FieldError{Field: name, Message: "must be true or false"})
	return nil
}

// page reads limit and cursor.
func (q *query) page() models.PageRequest {
	p := models.PageRequest{Cursor: q.str("cursor")}
	if q.str("limit") != "" {
		p.Limit = q.integer("limit")
		if p.Limit == 0 && len(q.errs) == 0 {
			q.errs = append(q.errs, models.FieldError{Field: "limit", Message: fmt.Sprintf("must be between 1 and %d", models.MaxLimit)})
		}
	}
	return p
}

// err returns the collected field errors, merged with those of the page
// request, as one 422.
func (q *query) err(p *models.PageRequest) error {
	if p != nil {
		if err := models.CheckPage(p); err != nil {
			for _, e := range validationErrors(err) {
				if !hasField(q.errs, e.Field) {
					q.errs = append(q.errs, e)
				}
			}
		}
	}
	if len(q.errs) > 0 {
		return fieldProblem(q.errs)
	}
	return nil
}

func hasField(errs []models.FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

func validationErrors(err error) []models.FieldError {
	var out []models.FieldError
	for _, e := range unwrapAll(err) {
		if ve, ok := e.(*models.ValidationError); ok {
			out = append(out, ve.Errors...)
		}
	}
	return out
}

func unwrapAll(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}

// ifMatch reads If-Match as the versions the client last saw. A missing
// header, or "*", means "whatever the current version is" (nil); a list
// of tags ("3", "4") is true when any of them names the current version
// (RFC 9110 §13.1.1), and updateOne and deleteOne try each (matching).
// If-Match compares strongly: a weak tag (W/"3") never matches, even the
// current version's, and neither does a tag this API never gave; a header
// with no tag that can match is a 412 at once.
func ifMatch(c echo.Context) ([]int, error) {
	h := strings.TrimSpace(strings.Join(c.Request().Header.Values("If-Match"), ","))
	if h == "" {
		return nil, nil
	}
	var versions []int
	weak := false
	for _, tag := range entityTags(h) {
		switch {
		case tag == "*":
			return nil, nil
		case strings.HasPrefix(tag, "W/"):
			weak = true
		default:
			if v, ok := versionOfTag(tag); ok && !slices.Contains(versions, v) {
				versions = append(versions, v)
			}
		}
	}
	switch {
	case len(versions) > maxIfMatchTags:
		return nil, problem(http.StatusBadRequest, "bad-request", "Bad request",
			"If-Match lists more than "+strconv.Itoa(maxIfMatchTags)+" entity tags; send the ETag you last read")
	case len(versions) > 0:
		return versions, nil
	case weak:
		return nil, problem(http.StatusPreconditionFailed, "precondition-failed", "The resource has changed",
			`If-Match compares strongly: a weak tag (W/"…") never matches; send the ETag as this API returned it, such as "3"`)
	}
	return nil, problem(http.StatusPreconditionFailed, "precondition-failed", "The resource has changed",
		`If-Match must be an ETag returned by this API, such as "3"`)
}

// maxIfMatchTags bounds the versions one If-Match may list: each is a
// write attempt (matching).
const maxIfMatchTags = 16

// versionOfTag reads a strong tag this API gave ("3", or "3-en", the tag of
// an English answer of the same version, see etagOf) as its version.
func versionOfTag(tag string) (int, bool) {
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	digits := strings.TrimSuffix(tag[1:len(tag)-1], "-"+models.LangEN)
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.Atoi(digits)
	return v, err == nil
}

// entityTags splits an If-Match or If-None-Match value into its members,
// at the commas outside quotes (an entity tag may hold a comma).
func entityTags(h string) []string {
	var out []string
	quoted, from := false, 0
	for i := 0; i <= len(h); i++ {
		if i < len(h) && h[i] == '"' {
			quoted = !quoted
		}
		if i == len(h) || h[i] == ',' && !quoted {
			if tag := strings.TrimSpace(h[from:i]); tag != "" {
				out = append(out, tag)
			}
			from = i + 1
		}
	}
	return out
}

// matching runs a conditional write with each version If-Match listed
// until one is current: the write checks the version atomically, so a
// stale one fails with ErrPrecondition having written nothing. No versions
// (no If-Match, or "*") is one unconditional write.
func matching(versions []int, write func(*int) error) error {
	if len(versions) == 0 {
		return write(nil)
	}
	var err error
	for i := range versions {
		if err = write(&versions[i]); !errors.Is(err, models.ErrPrecondition) {
			return err
		}
	}
	return err
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// etagOf is the ETag of the answer being written: the version, and "-en"
// when the answer is in English (responseLang set Content-Language), so
// that the two languages' answers of one version, which differ in their
// messages, never share a strong tag (RFC 9110 §8.8.1). If-Match takes
// either (ifMatch).
func etagOf(c echo.Context, version int) string {
	if c.Response().Header().Get("Content-Language") == models.LangEN {
		return `"` + strconv.Itoa(version) + "-" + models.LangEN + `"`
	}
	return etag(version)
}

// reply writes body with the resource's ETag.
func reply(c echo.Context, status, version int, body any) error {
	c.Response().Header().Set("ETag", etagOf(c, version))
	return c.JSON(status, body)
}

// created writes a 201 with Location and ETag.
func created(c echo.Context, location string, version int, body any) error {
	c.Response().Header().Set(echo.HeaderLocation, location)
	return reply(c, http.StatusCreated, version, body)
}

// pathID reads the :id path parameter; a malformed id is simply not found.
func pathID(c echo.Context) (string, error) {
	id := c.Param("id")
	if !models.ValidID(id) {
		return "", models.ErrNotFound
	}
	return id, nil
}

// notModified reports whether If-None-Match names the current version (or
// is "*"), comparing weakly as RFC 9110 §13.1.2 says, in a list of tags
// too; it then sets the ETag the 304 must carry.
func notModified(c echo.Context, version int) bool { return notModifiedTag(c, etagOf(c, version)) }

// notModifiedTag is notModified for any entity-tag, strong or weak
// (W/"…"); the 304 carries the tag as it is.
func notModifiedTag(c echo.Context, want string) bool {
	inm := strings.TrimSpace(strings.Join(c.Request().Header.Values("If-None-Match"), ","))
	if inm == "" {
		return false
	}
	opaque := strings.TrimPrefix(want, "W/")
	for _, tag := range entityTags(inm) {
		if tag == "*" || strings.TrimPrefix(tag, "W/") == opaque {
			c.Response().Header().Set("ETag", want)
			return true
		}
	}
	return false
}

// date formats a date for the wire; the zero date is null.
func date(d models.Date) *string { return d.Ptr() }

// timestamp reads an RFC 3339 time parameter.
func (q *query) timestamp(name string) time.Time {
	v := q.str(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		q.errs = append(q.errs, models.FieldError{Field: name, Message: "must be an RFC 3339 time such as 2026-11-21T08:00:00+07:00"})
	}
	return t
}
