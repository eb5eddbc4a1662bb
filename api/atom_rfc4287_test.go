package api

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"testing"
	"time"
)

// atomNode is an element of any XML document, read without camreg's types.
type atomNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []atomNode `xml:",any"`
}

const atomNS = "http://www.w3.org/2005/Atom"

var iriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

func (n atomNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n atomNode) all(local string) []atomNode {
	var out []atomNode
	for _, c := range n.Children {
		if c.XMLName.Space == atomNS && c.XMLName.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// checkRFC4287 checks an Atom document as a strict reader of RFC 4287
// would: the feed and each entry have exactly one id (an absolute IRI),
// title and updated (an RFC 3339 date); an author on the feed or on every
// entry; an entry without content has an alternate link; no two alternate
// links share a type and hreflang; every link has an href; text constructs
// are of type text, html or xhtml.
func checkRFC4287(t *testing.T, body []byte) {
	t.Helper()
	var feed atomNode
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&feed); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if feed.XMLName.Space != atomNS || feed.XMLName.Local != "feed" {
		t.Fatalf("the root is %v, not atom:feed", feed.XMLName)
	}
	common := func(what string, n atomNode) {
		for _, el := range []string{"id", "title", "updated"} {
			if got := len(n.all(el)); got != 1 {
				t.Errorf("%s has %d atom:%s, want exactly 1", what, got, el)
			}
		}
		for _, id := range n.all("id") {
			if !iriScheme.MatchString(id.Text) {
				t.Errorf("%s: atom:id %q is not an absolute IRI", what, id.Text)
			}
		}
		for _, el := range []string{"updated", "published"} {
			for _, d := range n.all(el) {
				if _, err := time.Parse(time.RFC3339, d.Text); err != nil {
					t.Errorf("%s: atom:%s %q is not an RFC 3339 date", what, el, d.Text)
				}
			}
		}
		for _, el := range []string{"title", "subtitle", "summary", "rights"} {
			for _, x := range n.all(el) {
				if typ, ok := x.attr("type"); ok && typ != "text" && typ != "html" && typ != "xhtml" {
					t.Errorf("%s: atom:%s of type %q", what, el, typ)
				}
			}
		}
		alternates := map[string]bool{}
		for _, l := range n.all("link") {
			if href, _ := l.attr("href"); href == "" {
				t.Errorf("%s: a link without href", what)
			}
			if rel, _ := l.attr("rel"); rel == "" || rel == "alternate" {
				typ, _ := l.attr("type")
				lang, _ := l.attr("hreflang")
				if alternates[typ+"|"+lang] {
					t.Errorf("%s: two alternate links of type %q and hreflang %q", what, typ, lang)
				}
				alternates[typ+"|"+lang] = true
			}
		}
	}
	common("the feed", feed)
	feedAuthor := len(feed.all("author")) > 0
	for i, e := range feed.all("entry") {
		what := fmt.Sprintf("entry %d", i)
		common(what, e)
		if !feedAuthor && len(e.all("author")) == 0 {
			t.Errorf("%s: no atom:author, and none on the feed", what)
		}
		if len(e.all("content")) == 0 {
			alt := false
			for _, l := range e.all("link") {
				if rel, _ := l.attr("rel"); rel == "" || rel == "alternate" {
					alt = true
				}
			}
			if !alt {
				t.Errorf("%s: neither atom:content nor an alternate link", what)
			}
		}
	}
}
