package api

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"camreg/models"
)

// Atom ids are permanent (RFC 4287 §4.2.6): with no CAMREG_PUBLIC_URL they
// followed the request's Host, so the same entry read through another name
// (an IP address, a proxy's name, a forged Host) was a new entry. The feed's
// and every entry's id, in the public feeds and a fleet's, are now the same
// whatever the Host; the links still follow it. With a public URL they are
// tag URIs under its host, as before.
func TestFeedIDsIgnoreTheRequestHost(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		isp := e.create("organizations", map[string]any{"name": "Nhà mạng A", "kind": "operator"})
		owner := e.key(models.RoleOperator, isp)
		fleet := e.do("POST", "/v1/fleets", owner, map[string]any{"name": "Thuê bao"}).want(201).str("id")
		e.do("POST", "/v1/fleets/"+fleet+"/devices", owner, map[string]any{"brand": "Hikvision", "model": "DS-2CD1023G0E-I"}).want(201)
		e.alertStep()
		e.do("POST", "/v1/warnings", e.admin, map[string]any{"authority_org_id": f.authority, "reference": "501/CATTT-ID",
			"title": "Cấm", "severity": "critical", "issued_on": "2026-01-10", "measure": "ban",
			"affected": []map[string]any{{"camera_model_id": f.model}}}).want(201)
		e.alertStep()

		type ids struct {
			feed    string
			entries []string
			links   []string
		}
		read := func(host, path, key string) ids {
			t.Helper()
			r := e.do(http.MethodGet, "http://"+host+path, key, nil).want(http.StatusOK)
			var out ids
			if strings.Contains(path, ".atom") {
				var doc atomDoc
				if err := xml.Unmarshal(r.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				out.feed = doc.ID
				for _, en := range doc.Entries {
					out.entries = append(out.entries, en.ID)
					out.links = append(out.links, en.Link[0].Href)
				}
			} else {
				var doc jsonFeedDoc
				if err := json.Unmarshal(r.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				for _, it := range doc.Items {
					out.entries = append(out.entries, it.ID)
					out.links = append(out.links, it.URL)
				}
			}
			if len(out.entries) == 0 {
				t.Fatalf("%s: no entries", path)
			}
			return out
		}
		paths := []struct{ path, key string }{{"/v1/feed.atom", ""}, {"/v1/feed.atom?type=warning", ""}, {"/v1/feed.json", ""},
			{"/v1/fleets/" + fleet + "/feed.atom", owner}, {"/v1/fleets/" + fleet + "/feed.json", owner}}
		for _, p := range paths {
			a, b := read("camreg.example.vn", p.path, p.key), read("10.0.0.7:8080", p.path, p.key)
			if a.feed != b.feed || strings.Join(a.entries, " ") != strings.Join(b.entries, " ") {
				t.Errorf("%s: ids follow the Host: %q %v / %q %v", p.path, a.feed, a.entries, b.feed, b.entries)
			}
			for _, id := range append(a.entries, a.feed) {
				if id != "" && (strings.Contains(id, "camreg.example.vn") || !strings.HasPrefix(id, "urn:uuid:")) {
					t.Errorf("%s: id %q", p.path, id)
				}
			}
			if !strings.HasPrefix(a.links[0], "http://camreg.example.vn/") || !strings.HasPrefix(b.links[0], "http://10.0.0.7:8080/") {
				t.Errorf("%s: links %v %v", p.path, a.links, b.links)
			}
		}
		if a, b := read("x", "/v1/feed.atom", ""), read("x", "/v1/feed.atom?type=warning", ""); a.feed == b.feed {
			t.Errorf("two feeds, one id %q", a.feed)
		}

		e.srv.publicURL = "https://registry.example.gov.vn"
		for _, p := range paths {
			a, b := read("camreg.example.vn", p.path, p.key), read("10.0.0.7:8080", p.path, p.key)
			if a.feed != b.feed || strings.Join(a.entries, " ") != strings.Join(b.entries, " ") ||
				!strings.HasPrefix(a.entries[0], "tag:registry.example.gov.vn,2025:camreg/") {
				t.Errorf("%s with a public URL: %q %v / %q %v", p.path, a.feed, a.entries, b.feed, b.entries)
			}
			if a.feed != "" && !strings.HasPrefix(a.feed, "https://registry.example.gov.vn/v1/") {
				t.Errorf("%s: feed id %q", p.path, a.feed)
			}
		}
	})
}
