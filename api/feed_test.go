package api

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// atomDoc is what a feed reader reads of an Atom document.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Link    []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

// jsonFeedDoc is what a reader reads of a JSON Feed 1.1 document.
type jsonFeedDoc struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	FeedURL string `json:"feed_url"`
	NextURL string `json:"next_url"`
	Items   []struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		ContentText   string   `json:"content_text"`
		DatePublished string   `json:"date_published"`
		Tags          []string `json:"tags"`
		Camreg        struct {
			Type   string `json:"type"`
			Kind   string `json:"kind"`
			Models []struct {
				Brand string `json:"brand"`
			} `json:"models"`
		} `json:"_camreg"`
	} `json:"items"`
}

func TestFeeds(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		// News: the warning is withdrawn and the certificate revoked.
		e.do(http.MethodPatch, "/v1/warnings/"+f.warning, e.admin, map[string]any{"status": "withdrawn", "status_reason": "Đã có bản vá"}).want(http.StatusOK)
		e.do(http.MethodPatch, "/v1/certificates/"+f.cert, e.admin, map[string]any{"status": "revoked", "status_reason": "Không đạt giám sát", "status_changed_on": "2026-04-01"}).want(http.StatusOK)

		// Atom: well-formed XML in the Atom namespace, newest first.
		r := e.do(http.MethodGet, "/v1/feed.atom", "", nil).want(http.StatusOK)
		checkRFC4287(t, r.Body.Bytes())
		checkRFC4287(t, e.do(http.MethodGet, "/v1/feed.atom?type=model&limit=2", "", nil).want(http.StatusOK).Body.Bytes())
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("Content-Type %q", ct)
		}
		var atom atomDoc
		if err := xml.Unmarshal(r.Body.Bytes(), &atom); err != nil {
			t.Fatalf("the Atom feed does not parse: %v\n%s", err, r.Body.String())
		}
		kinds := []string{}
		for _, en := range atom.Entries {
			kinds = append(kinds, en.Category[1].Term)
			if _, err := time.Parse(time.RFC3339, en.Updated); err != nil || en.ID == "" || en.Title == "" || en.Summary == "" {
				t.Errorf("entry %+v", en)
			}
		}
		want := "certificate_revoked warning_withdrawn warning_issued model_verified model_verified"
		if strings.Join(kinds, " ") != want {
			t.Errorf("Atom kinds %v, want %s", kinds, want)
		}
		if !strings.Contains(atom.Entries[0].Title, "Thu hồi giấy chứng nhận hợp quy QCVN135-Q1-2025-0012") ||
			!strings.Contains(atom.Entries[0].Summary, "Không đạt giám sát") || !strings.Contains(atom.Entries[0].Summary, "01/04/2026") {
			t.Errorf("revocation entry %+v", atom.Entries[0])
		}
		if atom.Entries[0].Link[0].Href != "http://example.com/v1/certificates/"+f.cert {
			t.Errorf("entry link %+v", atom.Entries[0].Link)
		}

		// JSON Feed 1.1, in English, filtered by type, paged by one.
		r = e.do(http.MethodGet, "/v1/feed.json?type=warning&limit=1", "", nil, "Accept-Language", "en").want(http.StatusOK)
		checkJSONFeed11(t, r.Body.Bytes())
		checkJSONFeed11(t, e.do(http.MethodGet, "/v1/feed.json", "", nil).want(http.StatusOK).Body.Bytes())
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/feed+json") {
			t.Errorf("Content-Type %q", ct)
		}
		var jf jsonFeedDoc
		if err := json.Unmarshal(r.Body.Bytes(), &jf); err != nil {
			t.Fatal(err)
		}
		if jf.Version != "https://jsonfeed.org/version/1.1" || jf.Title == "" || len(jf.Items) != 1 || jf.NextURL == "" {
			t.Fatalf("JSON Feed %+v", jf)
		}
		it := jf.Items[0]
		if it.Camreg.Kind != "warning_withdrawn" || it.Title != "Warning 383/CATTT-NCSC withdrawn" || it.Camreg.Models[0].Brand != "Hikvision" {
			t.Errorf("item %+v", it)
		}
		if _, err := time.Parse(time.RFC3339, it.DatePublished); err != nil {
			t.Errorf("date_published %q", it.DatePublished)
		}
		next, err := url.Parse(jf.NextURL)
		if err != nil {
			t.Fatal(err)
		}
		var page2 jsonFeedDoc
		_ = json.Unmarshal(e.do(http.MethodGet, next.RequestURI(), "", nil).want(http.StatusOK).Body.Bytes(), &page2)
		if len(page2.Items) != 1 || page2.Items[0].Camreg.Kind != "warning_issued" || page2.Items[0].ID == it.ID {
			t.Errorf("page 2 %+v", page2)
		}

		// A brand filter keeps only its models' news.
		var dahua jsonFeedDoc
		_ = json.Unmarshal(e.do(http.MethodGet, "/v1/feed.json?brand=dahua", "", nil).want(http.StatusOK).Body.Bytes(), &dahua)
		if len(dahua.Items) != 1 || dahua.Items[0].Camreg.Kind != "model_verified" {
			t.Errorf("Dahua's feed %+v", dahua.Items)
		}

		for _, q := range []string{"?type=listing", "?limit=0", "?limit=201", "?cursor=nope", "?colour=red"} {
			e.do(http.MethodGet, "/v1/feed.json"+q, "", nil).want(http.StatusUnprocessableEntity).problemFields()
			e.do(http.MethodGet, "/v1/feed.atom"+q, "", nil).want(http.StatusUnprocessableEntity).problemFields()
		}
	})
}
