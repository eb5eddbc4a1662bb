package api

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"camreg/models"
)

// The feeds publish what changed in the registry that a buyer or an
// inspector should know: warnings, certificates suspended, revoked or
// expired, and newly verified models. The same page of entries is served as
// Atom (RFC 4287) and as JSON Feed 1.1.

// feedModel names a model an entry is about.
type feedModel struct {
	ID          string `json:"id"`
	Brand       string `json:"brand"`
	ModelNumber string `json:"model_number"`
	Permalink   string `json:"permalink,omitempty"`
}

// feedExtension is camreg's own data on a JSON Feed item.
type feedExtension struct {
	// Type is warning, certificate or model.
	Type string `json:"type" example:"warning" enums:"warning,certificate,model"`
	// Kind is warning_issued, warning_changed, warning_withdrawn,
	// certificate_suspended, certificate_reinstated, certificate_revoked,
	// certificate_expired or model_verified.
	Kind        string      `json:"kind" example:"warning_issued" enums:"warning_issued,warning_changed,warning_withdrawn,certificate_suspended,certificate_reinstated,certificate_revoked,certificate_expired,model_verified"`
	EntityID    string      `json:"entity_id"`
	EffectiveOn *string     `json:"effective_on,omitempty"`
	Models      []feedModel `json:"models"`
}

// jsonFeedItem is a JSON Feed 1.1 item.
type jsonFeedItem struct {
	ID            string        `json:"id"`
	URL           string        `json:"url,omitempty"`
	Title         string        `json:"title"`
	ContentText   string        `json:"content_text"`
	DatePublished string        `json:"date_published"`
	Tags          []string      `json:"tags"`
	Camreg        feedExtension `json:"_camreg"`
}

// jsonFeed is a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).
type jsonFeed struct {
	Version     string         `json:"version" example:"https://jsonfeed.org/version/1.1"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Description string         `json:"description"`
	Language    string         `json:"language" example:"vi"`
	NextURL     string         `json:"next_url,omitempty"`
	Items       []jsonFeedItem `json:"items"`
	// Log is the log's signed checkpoint when the feed was read (an
	// extension; absent when the registry has no signing key).
	Log *feedLog `json:"_camreg_log,omitempty"`
}

// feedLog carries the log's checkpoint in the feeds.
type feedLog struct {
	// Checkpoint is the signed C2SP checkpoint, as /v1/log/checkpoint serves it.
	Checkpoint  string `json:"checkpoint"`
	Size        int64  `json:"size"`
	Fingerprint string `json:"fingerprint" example:"1234@3fa9c2b0"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

type atomFeed struct {
	XMLName  xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string     `xml:"xml:lang,attr"`
	ID       string     `xml:"id"`
	Title    string     `xml:"title"`
	Subtitle string     `xml:"subtitle"`
	Updated  string     `xml:"updated"`
	Author   atomPerson `xml:"author"`
	Links    []atomLink `xml:"link"`
	// Checkpoint is the log's signed checkpoint, in camreg's namespace.
	Checkpoint *atomCheckpoint `xml:"urn:camreg:log checkpoint,omitempty"`
	Entries    []atomEntry     `xml:"entry"`
}

type atomCheckpoint struct {
	Size int64  `xml:"size,attr"`
	Body string `xml:",chardata"`
}

// feedCheckpoint is the log's signed checkpoint for a feed, or nil.
func (s *Server) feedCheckpoint(c echo.Context) *feedLog {
	if s.logSigner == nil {
		return nil
	}
	cp, msg, err := s.signedCheckpoint(c)
	if err != nil {
		return nil
	}
	return &feedLog{Checkpoint: string(msg), Size: cp.Size, Fingerprint: cp.Fingerprint()}
}

// feedPage reads the filter from the query and returns the page.
func (s *Server) feedPage(c echo.Context) (models.FeedPage, error) {
	q := newQuery(c, "type", "brand")
	f := models.FeedFilter{Type: q.str("type"), Brand: q.str("brand"), Cursor: q.str("cursor")}
	if q.str("limit") != "" {
		f.Limit = q.integer("limit")
		if f.Limit == 0 {
			f.Limit = -1 // "limit=0" is out of range, not the default
		}
	}
	if err := q.err(nil); err != nil {
		return models.FeedPage{}, err
	}
	return s.store.Feed(c.Request().Context(), f)
}

// feedURLs are the links a feed document needs.
type feedURLs struct {
	base, self, next string
}

func (s *Server) feedURLs(c echo.Context, page models.FeedPage) feedURLs {
	base := s.publicBase(c)
	u := feedURLs{base: base, self: base + c.Request().URL.RequestURI()}
	if page.NextCursor != "" {
		q := c.QueryParams()
		q.Set("cursor", page.NextCursor)
		u.next = base + c.Request().URL.Path + "?" + q.Encode()
	}
	return u
}

// entryURL is where an entry's subject lives: a model's permalink, or the
// warning or certificate in the API.
func entryURL(base string, e *models.FeedEntry) string {
	switch {
	case e.Warning != nil:
		return base + "/v1/warnings/" + e.Warning.ID
	case e.Certificate != nil:
		return base + "/v1/certificates/" + e.Certificate.ID
	case e.Model != nil && e.Model.Status == models.ModelVerified:
		return base + permalinkPath(e.Model)
	case e.Model != nil:
		return base + "/v1/models/" + e.Model.ID
	}
	return base
}

func entitySubjectID(e *models.FeedEntry) string {
	switch {
	case e.Warning != nil:
		return e.Warning.ID
	case e.Certificate != nil:
		return e.Certificate.ID
	case e.Model != nil:
		return e.Model.ID
	}
	return ""
}

// feedNamespace names the UUIDs of feed and entry ids when no public URL
// is configured.
var feedNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("tag:camreg,2025:feeds"))

// atomID is the permanent id (RFC 4287 §4.2.6) of a feed entry (id
// "event:42", "alert/…") or of a feed (its path, "/v1/feed.atom?type=…"):
// under a configured public URL, a tag URI (RFC 4151) under its host, or
// for a feed that URL itself; with none, a name-based UUID of the id (RFC
// 9562, version 5). Never the request's host: ids followed whatever Host a
// client sent, so the same entry read through another name (an IP, a
// proxy's, a forged Host) was a new entry, and a reader showed it twice.
func (s *Server) atomID(id string) string {
	switch {
	case s.publicURL != "" && strings.HasPrefix(id, "/"):
		return s.publicURL + id
	case s.publicURL != "":
		return tagID(s.publicURL, id)
	}
	return "urn:uuid:" + uuid.NewSHA1(feedNamespace, []byte(id)).String()
}

// tagID makes an entry's Atom id a tag URI (RFC 4151) under the public
// host, stable across requests.
func tagID(base, id string) string {
	host := base
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	return "tag:" + host + ",2025:camreg/" + id
}

func feedTitles(lang string) (title, description string) {
	return pick(lang, "Sổ đăng ký camera giám sát: cảnh báo, chứng nhận và mẫu mới", "Surveillance camera registry: warnings, certificates and new models"),
		pick(lang, "Cảnh báo của cơ quan chức năng, giấy chứng nhận hợp quy bị đình chỉ, thu hồi hoặc hết hạn, và các mẫu camera mới được xác minh.",
			"Authorities' warnings, certificates of conformity suspended, revoked or expired, and newly verified camera models.")
}

// feedJSON godoc
//
//	@Summary		The registry's news, as JSON Feed 1.1
//	@Description	Warnings issued, changed or withdrawn; certificates suspended, reinstated, revoked or expired (an expiry is dated when the certificate stopped being valid); models newly verified. Newest first, from the change log. Public.
//	@Tags			feeds
//	@Produce		application/feed+json
//	@Param			type			query		string	false	"warning, certificate or model"
//	@Param			brand			query		string	false	"only entries about this brand's models"
//	@Param			limit			query		int		false	"entries per page, 1..200"	default(50)
//	@Param			cursor			query		string	false	"the next page, from next_url"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	jsonFeed
//	@Failure		422				{object}	Problem
//	@Router			/v1/feed.json [get]
func (s *Server) feedJSON(c echo.Context) error {
	page, err := s.feedPage(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	u := s.feedURLs(c, page)
	title, desc := feedTitles(lang)
	out := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: title, HomePageURL: u.base + "/", FeedURL: u.self,
		Description: desc, Language: lang, NextURL: u.next, Items: make([]jsonFeedItem, len(page.Entries)),
		Log: s.feedCheckpoint(c)}
	for i := range page.Entries {
		e := &page.Entries[i]
		ext := feedExtension{Type: e.Type, Kind: e.Kind, EntityID: entitySubjectID(e), EffectiveOn: date(e.EffectiveOn),
			Models: make([]feedModel, len(e.Models))}
		for j := range e.Models {
			m := &e.Models[j]
			ext.Models[j] = feedModel{ID: m.ID, Brand: m.Brand, ModelNumber: m.ModelNumber}
			if m.Status == models.ModelVerified {
				ext.Models[j].Permalink = u.base + permalinkPath(m)
			}
		}
		out.Items[i] = jsonFeedItem{ID: s.atomID(e.ID), URL: entryURL(u.base, e), Title: e.Title(lang),
			ContentText: e.Summary(lang), DatePublished: e.At.UTC().Format(time.RFC3339), Tags: []string{e.Type, e.Kind}, Camreg: ext}
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/feed+json; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return jsonEncode(c.Response(), out)
}

// feedAtom godoc
//
//	@Summary		The registry's news, as an Atom feed
//	@Description	The same entries as /v1/feed.json, as Atom (RFC 4287), with a rel="next" link for the next page. Public.
//	@Tags			feeds
//	@Produce		application/atom+xml
//	@Param			type			query		string	false	"warning, certificate or model"
//	@Param			brand			query		string	false	"only entries about this brand's models"
//	@Param			limit			query		int		false	"entries per page, 1..200"	default(50)
//	@Param			cursor			query		string	false	"the next page, from the rel=next link"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{string}	string	"the Atom document"
//	@Failure		422				{object}	Problem
//	@Router			/v1/feed.atom [get]
func (s *Server) feedAtom(c echo.Context) error {
	page, err := s.feedPage(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	u := s.feedURLs(c, page)
	title, desc := feedTitles(lang)
	updated := time.Now().UTC()
	if len(page.Entries) > 0 {
		updated = page.Entries[0].At.UTC()
	}
	feedID := c.Request().URL.Path
	if q := c.QueryParams(); q.Get("type") != "" || q.Get("brand") != "" {
		f := url.Values{}
		for _, k := range []string{"type", "brand"} {
			if v := q.Get(k); v != "" {
				f.Set(k, v)
			}
		}
		feedID += "?" + f.Encode()
	}
	out := atomFeed{Lang: lang, ID: s.atomID(feedID), Title: title, Subtitle: desc, Updated: updated.Format(time.RFC3339),
		Author: atomPerson{Name: "camreg"},
		Links: []atomLink{{Rel: "self", Href: u.self, Type: "application/atom+xml"},
			{Rel: "alternate", Href: strings.Replace(u.self, "/feed.atom", "/feed.json", 1), Type: "application/feed+json"}}}
	if u.next != "" {
		out.Links = append(out.Links, atomLink{Rel: "next", Href: u.next, Type: "application/atom+xml"})
	}
	if l := s.feedCheckpoint(c); l != nil {
		out.Links = append(out.Links, atomLink{Rel: "related", Href: u.base + "/v1/log/checkpoint", Type: "text/plain"})
		out.Checkpoint = &atomCheckpoint{Size: l.Size, Body: l.Checkpoint}
	}
	for i := range page.Entries {
		e := &page.Entries[i]
		at := e.At.UTC().Format(time.RFC3339)
		entry := atomEntry{ID: s.atomID(e.ID), Title: e.Title(lang), Updated: at, Published: at,
			Links:      []atomLink{{Rel: "alternate", Href: entryURL(u.base, e)}},
			Categories: []atomCategory{{Term: e.Type}, {Term: e.Kind}},
			Summary:    atomText{Type: "text", Body: e.Summary(lang)}}
		for j := range e.Models {
			if m := &e.Models[j]; m.Status == models.ModelVerified && e.Model == nil {
				entry.Links = append(entry.Links, atomLink{Rel: "related", Href: u.base + permalinkPath(m), Type: "text/html"})
			}
		}
		out.Entries = append(out.Entries, entry)
	}
	body, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), body...))
}
