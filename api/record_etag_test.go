package api

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"camreg/models"
)

// RFC 9110 §8.8.1 and §13.1.2, as an HTTP cache or client reads them: two
// answers with the same strong ETag have the same bytes, and an
// If-None-Match that names the ETag is a 304. The record's ETag was the
// strong "1-vi" while its footnote (the signed checkpoint's size and
// fingerprint) grew with the log, and If-None-Match was not read.
func TestInspectionRecordETag(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		e.withLogVKey(t)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		path := "/v1/inspections/" + insp["id"].(string) + "/record.pdf"
		first := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK)
		tag := first.Header().Get("ETag")
		if !strings.HasPrefix(tag, `W/"`) && !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) {
			t.Fatalf("ETag %q is not an entity-tag", tag)
		}
		// The log grows; the inspection does not change.
		name, kind := "Cục Khác", models.OrgAuthority
		if _, err := e.store.CreateOrganization(t.Context(), models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		second := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK)
		if tag2 := second.Header().Get("ETag"); tag2 == tag && !strings.HasPrefix(tag, "W/") && !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
			t.Errorf("two different records carry the same strong ETag %s", tag)
		}
		for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"x", ` + tag, "*"} {
			r := e.do(http.MethodGet, path, k.inspector, nil, "If-None-Match", inm).want(http.StatusNotModified)
			if r.Body.Len() != 0 || r.Header().Get("ETag") != tag {
				t.Errorf("If-None-Match %s: a 304 with ETag %q and %d bytes", inm, r.Header().Get("ETag"), r.Body.Len())
			}
		}
		e.do(http.MethodGet, path, k.inspector, nil, "If-None-Match", `"x"`).want(http.StatusOK)
		// The English record is another representation, with its own tag.
		en := e.do(http.MethodGet, path+"?lang=en", k.inspector, nil, "If-None-Match", tag).want(http.StatusOK)
		if en.Header().Get("ETag") == tag {
			t.Errorf("the English record has the Vietnamese one's ETag %s", tag)
		}
	})
}

// The same holds across languages: a finding's and an inspection's JSON
// carry messages in the language asked for (Vary: Accept-Language), so the
// English and the Vietnamese answers of one version are two
// representations, and a strong tag may name only one of them (RFC 9110
// §8.8.1; a cache that revalidates both with their tags picks the body by
// the tag of the 304, RFC 9111 §4.3.4). Either tag is good for If-Match.
func TestETagPerLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		findings := e.do(http.MethodGet, "/v1/findings?inspection="+insp["id"].(string), k.inspector, nil).want(http.StatusOK).json()
		items, _ := findings["items"].([]any)
		if len(items) == 0 {
			t.Fatalf("no finding: %v", findings)
		}
		for _, path := range []string{"/v1/inspections/" + insp["id"].(string), "/v1/findings/" + items[0].(map[string]any)["id"].(string)} {
			vi := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK)
			en := e.do(http.MethodGet, path, k.inspector, nil, "Accept-Language", "en").want(http.StatusOK)
			tvi, ten := vi.Header().Get("ETag"), en.Header().Get("ETag")
			if tvi == ten && !bytes.Equal(vi.Body.Bytes(), en.Body.Bytes()) {
				t.Errorf("%s: the Vietnamese and English answers share the strong ETag %s", path, tvi)
			}
			e.do(http.MethodGet, path, k.inspector, nil, "Accept-Language", "en", "If-None-Match", ten).want(http.StatusNotModified)
			e.do(http.MethodGet, path, k.inspector, nil, "If-None-Match", tvi).want(http.StatusNotModified)
			e.do(http.MethodGet, path, k.inspector, nil, "Accept-Language", "en", "If-None-Match", tvi).want(http.StatusOK)
			if r := e.do(http.MethodGet, path, k.inspector, nil, "If-None-Match", tvi+", "+ten).want(http.StatusNotModified); r.Header().Get("ETag") != tvi {
				t.Errorf("%s: the 304 names %q, want the Vietnamese answer's %s", path, r.Header().Get("ETag"), tvi)
			}
		}
		path := "/v1/findings/" + items[0].(map[string]any)["id"].(string)
		ten := e.do(http.MethodGet, path, k.inspector, nil, "Accept-Language", "en").want(http.StatusOK).Header().Get("ETag")
		r := e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "confirmed", "note": "x"}, "If-Match", ten).want(http.StatusOK)
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "resolved", "note": "y"}, "If-Match", ten).want(http.StatusPreconditionFailed)
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "resolved", "note": "y"}, "If-Match", r.Header().Get("ETag")).want(http.StatusOK)
	})
}
