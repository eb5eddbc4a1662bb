package api

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProblemTypes: every problem type the code can name is in
// problemTypes, once: each "/problems/..." literal and each problem(…)
// call's slug in api's non-test files, whose slug must be a literal so
// that this check sees it.
func TestProblemTypes(t *testing.T) {
	known := map[string]bool{}
	for _, pt := range problemTypes {
		if known[pt.Slug] {
			t.Errorf("problem type %q is listed twice", pt.Slug)
		}
		known[pt.Slug] = true
		if pt.Status == "" || pt.Title == "" || pt.TitleVI == "" || pt.When == "" || pt.Do == "" {
			t.Errorf("problem type %q lacks a status, title or explanation", pt.Slug)
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`"/problems/([a-z0-9-]+)"`)
	call := regexp.MustCompile(`\bproblem\(`)
	callSlug := regexp.MustCompile(`\bproblem\([^,()]+(?:\([^()]*\))?, *"([a-z0-9-]+)"`)
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(raw)
		for _, m := range literal.FindAllStringSubmatch(src, -1) {
			if !known[m[1]] {
				t.Errorf("%s names the problem type /problems/%s, which problemTypes (problemtypes.go) lacks", f, m[1])
			}
		}
		n := len(call.FindAllString(src, -1))
		if f == "errors.go" {
			n-- // its definition
		}
		slugs := callSlug.FindAllStringSubmatch(src, -1)
		if len(slugs) != n {
			t.Errorf("%s has %d calls of problem() but %d with a literal slug: name the type with a literal", f, n, len(slugs))
		}
		for _, m := range slugs {
			calls++
			if !known[m[1]] {
				t.Errorf("%s answers the problem type %q, which problemTypes (problemtypes.go) lacks", f, m[1])
			}
		}
	}
	if calls < 30 {
		t.Errorf("found only %d calls of problem(): is the pattern stale?", calls)
	}
}

// TestProblemTypePages: each type's URI, resolved against the request's,
// is a public, cacheable page (GET and HEAD); an unknown type is a 404
// problem; the type of a real problem answer resolves.
func TestProblemTypePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		for _, pt := range problemTypes {
			uri := problemTypeURI(pt.Slug)
			r := e.do(http.MethodGet, uri, "", nil).want(http.StatusOK)
			h := r.Header()
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(h.Get("Cache-Control"), "public") ||
				h.Get("ETag") == "" || !strings.Contains(r.Body.String(), pt.TitleVI) || !strings.Contains(r.Body.String(), pt.Status) {
				t.Errorf("%s: %v\n%s", uri, h, r.Body.String())
			}
			e.do(http.MethodGet, uri, "", nil, "If-None-Match", h.Get("ETag")).want(http.StatusNotModified)
			if head := e.do(http.MethodHead, uri, "", nil).want(http.StatusOK); head.Body.Len() != 0 || head.Header().Get("ETag") != h.Get("ETag") {
				t.Errorf("HEAD %s: %v, %d bytes", uri, head.Header(), head.Body.Len())
			}
		}
		for _, path := range []string{"/problems/no-such-type", "/problems/NOT-FOUND"} {
			r := e.do(http.MethodGet, path, "", nil).want(http.StatusNotFound)
			if r.Header().Get("Content-Type") != "application/problem+json" || r.str("type") != "/problems/not-found" {
				t.Errorf("%s: %v %s", path, r.Header(), r.Body.String())
			}
			e.do(http.MethodHead, path, "", nil).want(http.StatusNotFound)
		}
		for _, path := range []string{"/v1/models/0190a000-0000-7000-8000-00000000dead", "/v1/organizations?limit=x"} {
			typ := e.do(http.MethodGet, path, "", nil).str("type")
			if !strings.HasPrefix(typ, "/problems/") {
				t.Fatalf("%s: type %q", path, typ)
			}
			e.do(http.MethodGet, typ, "", nil).want(http.StatusOK)
		}
		if got := problemTypeURI("no-such-type"); got != "about:blank" {
			t.Errorf("an unlisted slug is named %q", got)
		}
	})
}
