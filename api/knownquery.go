package api

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"camreg/docs"
	"camreg/models"
)

// knownQuery refuses, on every route the OpenAPI description declares, a
// query parameter it does not declare for that route, as a 422 naming the
// parameter (the API's answer to a bad query parameter, see newQuery).
// The lists checked their own parameters, but reads, permalinks'
// companions, summaries and the like ignored them: a typo'd filter
// (?stauts=withdrawn) was answered as if obeyed, and an inspector trusted a
// filter that was never applied. One table, read from the description the
// page, the tools and the clients are written against, so that a
// parameter works if and only if it is documented. Routes the description
// does not list (the page, /metrics, /swagger) are left alone, and so are
// the pages and probes outside /v1 (a model's permalink, its QR codes, a
// problem type's page, /healthz): they take no filter a parameter could
// widen, and a permalink shared on a social network comes back with the
// network's tracking parameter (?fbclid=…), which must still open it.
func knownQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw := c.Request().URL.RawQuery
		if raw == "" || !strings.HasPrefix(c.Path(), "/v1/") {
			return next(c)
		}
		allowed, ok := documentedQuery()[c.Request().Method][c.Path()]
		if !ok {
			return next(c)
		}
		unknown := unknownParams(raw, allowed)
		if len(unknown) == 0 {
			return next(c)
		}
		msg := "is not a parameter of this endpoint; it takes none"
		if len(allowed) > 0 {
			msg = "is not a parameter of this endpoint; use one of " + strings.Join(allowed, ", ")
		}
		errs := make([]models.FieldError, len(unknown))
		for i, name := range unknown {
			errs[i] = models.FieldError{Field: name, Message: msg}
		}
		return fieldProblem(errs)
	}
}

// unknownParams returns the names in the raw query string that are not
// in allowed, sorted, each once, reading the names without building
// url.Values (verify is asked this on every request). strictQuery has
// refused a malformed query.
func unknownParams(raw string, allowed []string) []string {
	var out []string
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		name, _, _ := strings.Cut(pair, "=")
		if strings.ContainsAny(name, "%+") {
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
		}
		if !contains(allowed, name) && !contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

var (
	documentedOnce sync.Once
	documented     map[string]map[string][]string
)

// documentedQuery is the query parameters of each operation of the OpenAPI
// description, by method and echo route path (/v1/models/:id).
func documentedQuery() map[string]map[string][]string {
	documentedOnce.Do(func() { documented = queryTable(docs.SwaggerInfo.ReadDoc()) })
	return documented
}

// queryTable reads the query parameters of each operation of an OpenAPI
// (Swagger 2) description, by upper-case method and echo route path.
func queryTable(doc string) map[string]map[string][]string {
	var d struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	out := map[string]map[string][]string{}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return out // no description: nothing is checked
	}
	for path, ops := range d.Paths {
		route := echoRoute(path)
		for method, op := range ops {
			method = strings.ToUpper(method)
			names := []string{}
			for _, p := range op.Parameters {
				if p.In == "query" {
					names = append(names, p.Name)
				}
			}
			if out[method] == nil {
				out[method] = map[string][]string{}
			}
			out[method][route] = names
		}
	}
	return out
}

// echoRoute is an OpenAPI path as echo names its route: {id} is :id.
func echoRoute(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = ":" + s[1:len(s)-1]
		}
	}
	return strings.Join(segs, "/")
}
