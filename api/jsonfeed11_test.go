package api

import (
	"encoding/json"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// The members JSON Feed 1.1 (https://jsonfeed.org/version/1.1) defines; any
// other must be an extension, "_" and a letter.
var (
	jsonFeedTop = map[string]bool{"version": true, "title": true, "home_page_url": true, "feed_url": true,
		"description": true, "user_comment": true, "next_url": true, "icon": true, "favicon": true, "authors": true,
		"language": true, "expired": true, "hubs": true, "items": true}
	jsonFeedItemKeys = map[string]bool{"id": true, "url": true, "external_url": true, "title": true, "content_html": true,
		"content_text": true, "summary": true, "image": true, "banner_image": true, "date_published": true,
		"date_modified": true, "authors": true, "tags": true, "language": true, "attachments": true}
	extensionKey = regexp.MustCompile(`^_[A-Za-z]`)
)

// checkJSONFeed11 checks a JSON Feed as a strict reader of version 1.1
// would, from generic JSON: the version URL, a title, items each with a
// string id and content_text or content_html, RFC 3339 dates, absolute
// URLs, and no member the spec does not define but extensions.
func checkJSONFeed11(t *testing.T, body []byte) {
	t.Helper()
	var feed map[string]any
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if feed["version"] != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version %v", feed["version"])
	}
	if s, ok := feed["title"].(string); !ok || s == "" {
		t.Errorf("title %v", feed["title"])
	}
	absolute := func(what string, v any) {
		if v == nil {
			return
		}
		s, _ := v.(string)
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			t.Errorf("%s %q is not an absolute URL", what, s)
		}
	}
	for k, v := range feed {
		if !jsonFeedTop[k] && !extensionKey.MatchString(k) {
			t.Errorf("the feed has %q, which JSON Feed 1.1 does not define", k)
		}
		if k == "home_page_url" || k == "feed_url" || k == "next_url" {
			absolute(k, v)
		}
	}
	items, ok := feed["items"].([]any)
	if !ok {
		t.Fatalf("items %v", feed["items"])
	}
	for i, x := range items {
		it, _ := x.(map[string]any)
		if id, ok := it["id"].(string); !ok || id == "" {
			t.Errorf("item %d: id %v is not a non-empty string", i, it["id"])
		}
		_, text := it["content_text"].(string)
		_, html := it["content_html"].(string)
		if !text && !html {
			t.Errorf("item %d has neither content_text nor content_html", i)
		}
		for k, v := range it {
			switch {
			case !jsonFeedItemKeys[k] && !extensionKey.MatchString(k):
				t.Errorf("item %d has %q, which JSON Feed 1.1 does not define", i, k)
			case k == "date_published" || k == "date_modified":
				if _, err := time.Parse(time.RFC3339, v.(string)); err != nil {
					t.Errorf("item %d: %s %v is not RFC 3339", i, k, v)
				}
			case k == "url" || k == "external_url":
				absolute(k, v)
			}
		}
	}
}
