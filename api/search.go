package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
	"camreg/search"
)

// searchHit is one search result: what matched, and the record itself,
// loaded from the database (never from the index, so it is never stale).
type searchHit struct {
	// Type is model, organization, certificate or warning.
	Type string `json:"type" example:"model" enums:"model,organization,certificate,warning"`
	ID   string `json:"id"`
	// Title names the record: a model's brand and number, an
	// organization's name, a certificate's number, a warning's reference.
	Title string `json:"title" example:"Hikvision DS-2CD1023G0E-I"`
	// Highlight is the matched text, HTML-escaped, with the matched words
	// in <mark>; empty when only a key (model number, tax code) matched.
	Highlight string  `json:"highlight" example:"<mark>Hikvision</mark> DS-2CD1023G0E-I"`
	Score     float64 `json:"score"`
	// Item is the record as GET /v1/<collection>/{id} returns it.
	Item any `json:"item" swaggertype:"object"`
}

// searchResponse is one page of search results.
type searchResponse struct {
	Items []searchHit `json:"items"`
	// Total is how many records match (Meilisearch estimates it).
	Total int `json:"total"`
	// Facets count the matches by type, brand, province code and status.
	Facets search.Facets `json:"facets"`
	// FacetsExact tells whether the facet counts are exact: they are up to
	// 2,000 matches; beyond, they are estimated from a fixed sample of the
	// matches (chosen by a hash of each record's id) scaled to the total.
	FacetsExact bool   `json:"facets_exact"`
	NextCursor  string `json:"next_cursor"`
}

// searchRegistry godoc
//
//	@Summary		Search models, traders, certificates and warnings
//	@Description	Full-text search over the public registry, tolerant of missing Vietnamese diacritics (đ included), typos, and model numbers typed without dashes, in lower case, in part ("2cd1023") or with O for 0. An exact model number, certificate number, warning reference or tax code ranks first.
//	@Description	`status` filters by a model's compliance status (`certified`: covered by a valid, unexpired certificate; `warned`: named by an active warning; `uncertified`), a certificate's status (`valid`, `suspended`, `revoked`, `expired`) or a warning's (`active`, `withdrawn`).
//	@Description	Records holding every word of `q` are the answer when there are any; only when none does are records holding most of the words returned. Total and facet counts cover every match of that answer, not one page; up to 2,000 matches the facets are exact, beyond they may be estimated from a sample of the matches scaled to the total, and `facets_exact` is then false. Pending registrations and submissions are not searchable.
//	@Tags			search
//	@Produce		json
//	@Param			q			query		string	false	"what to look for"	example(camera hikvison da nang)
//	@Param			type		query		string	false	"record type"		Enums(model, organization, certificate, warning)
//	@Param			brand		query		string	false	"brand, compared without case or punctuation"
//	@Param			province	query		string	false	"province name (with or without diacritics) or code"
//	@Param			status		query		string	false	"compliance or record status"	Enums(certified, warned, uncertified, valid, suspended, revoked, expired, active, withdrawn)
//	@Param			limit		query		int		false	"page size, 1 to 100"			default(20)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	searchResponse
//	@Failure		422			{object}	Problem
//	@Failure		429			{object}	Problem
//	@Failure		503			{object}	Problem	"the search engine is unavailable"
//	@Router			/v1/search [get]
func (s *Server) searchRegistry(c echo.Context) error {
	qp := newQuery(c, "q", "type", "brand", "province", "status")
	q := search.Query{Text: qp.str("q"), Brand: qp.str("brand"), Status: qp.str("status"), Limit: search.DefaultLimit}
	if len([]rune(q.Text)) > 200 {
		qp.errs = append(qp.errs, models.FieldError{Field: "q", Message: "must be at most 200 characters"})
	}
	if t := qp.str("type"); t != "" {
		if !slices.Contains(search.Types, search.Type(t)) {
			qp.errs = append(qp.errs, models.FieldError{Field: "type", Message: "must be one of model, organization, certificate, warning"})
		}
		q.Type = search.Type(t)
	}
	if q.Status != "" && !slices.Contains(search.Statuses, q.Status) {
		qp.errs = append(qp.errs, models.FieldError{Field: "status", Message: "must be one of " + strings.Join(search.Statuses, ", ")})
	}
	if p := qp.str("province"); p != "" {
		if pr := models.LookupProvince(p); pr != nil {
			q.Province = pr.Code
		} else {
			qp.errs = append(qp.errs, models.FieldError{Field: "province", Message: "is not one of the 34 provinces (see /v1/provinces)"})
		}
	}
	if qp.str("limit") != "" {
		q.Limit = qp.integer("limit")
		if (q.Limit < 1 || q.Limit > search.MaxLimit) && !hasField(qp.errs, "limit") {
			qp.errs = append(qp.errs, models.FieldError{Field: "limit", Message: fmt.Sprintf("must be between 1 and %d", search.MaxLimit)})
		}
	}
	offset, err := search.DecodeCursor(qp.str("cursor"))
	if err != nil {
		qp.errs = append(qp.errs, models.FieldError{Field: "cursor", Message: err.Error()})
	}
	q.Offset = offset
	if err := qp.err(nil); err != nil {
		return err
	}
	if s.search == nil {
		return searchUnavailable()
	}
	release, err := s.searchSlots.acquire(c.Request().Context())
	if err != nil {
		return err
	}
	res, err := s.search.Search(c.Request().Context(), q)
	release()
	if errors.Is(err, search.ErrUnavailable) {
		s.log.Warn("search unavailable", "request_id", requestID(c), "error", err.Error())
		return searchUnavailable()
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	viewer, ok := actorOf(c)
	if !ok {
		viewer = models.Public
	}
	out := searchResponse{Items: make([]searchHit, 0, len(res.Hits)), Total: res.Total, Facets: res.Facets, FacetsExact: res.FacetsExact}
	items, err := s.loadHits(c.Request().Context(), viewer, res.Hits)
	if err != nil {
		return err
	}
	for _, h := range res.Hits {
		item, ok := items[hitKey{h.Type, h.EntityID}]
		if !ok {
			// The index is a moment behind a delete (or the viewer may
			// not see the record): the database decides.
			continue
		}
		out.Items = append(out.Items, searchHit{Type: string(h.Type), ID: h.EntityID, Title: h.Title,
			Highlight: h.Highlight, Score: h.Score, Item: item})
	}
	if next := q.Offset + q.Limit; next < res.Total && next < search.MaxOffset {
		out.NextCursor = search.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, out)
}

type hitKey struct {
	t  search.Type
	id string
}

// loadHits reads the hits' records from the database as the viewer may see
// them, in one query per type (and one more for the covered or affected
// models of certificates and warnings), however long the page: a hit the
// viewer may not see, or that names nothing, is absent.
func (s *Server) loadHits(ctx context.Context, viewer models.Actor, hits []search.Hit) (map[hitKey]any, error) {
	ids := map[search.Type][]string{}
	for _, h := range hits {
		ids[h.Type] = append(ids[h.Type], h.EntityID)
	}
	out := make(map[hitKey]any, len(hits))
	if len(ids[search.TypeModel]) > 0 {
		ms, err := s.store.ViewModels(ctx, viewer, ids[search.TypeModel])
		if err != nil {
			return nil, err
		}
		for id, m := range ms {
			out[hitKey{search.TypeModel, id}] = newModelResponse(m)
		}
	}
	if len(ids[search.TypeOrganization]) > 0 {
		orgs, err := s.store.GetOrganizations(ctx, ids[search.TypeOrganization])
		if err != nil {
			return nil, err
		}
		view := organizationView(viewer)
		for id, o := range orgs {
			out[hitKey{search.TypeOrganization, id}] = view(o)
		}
	}
	if len(ids[search.TypeCertificate]) > 0 {
		cs, err := s.store.ViewCertificates(ctx, viewer, ids[search.TypeCertificate])
		if err != nil {
			return nil, err
		}
		// The models a certificate or warning names that the viewer may
		// not see (a pending registration) are left out, as GET leaves
		// them out: a warning's hit told the public a pending model's id.
		list := values(cs)
		if err := s.store.HideCertificateModels(ctx, viewer, list); err != nil {
			return nil, err
		}
		view := certificateView(s.store.Today())
		for i := range list {
			out[hitKey{search.TypeCertificate, list[i].ID}] = view(&list[i])
		}
	}
	if len(ids[search.TypeWarning]) > 0 {
		ws, err := s.store.GetWarnings(ctx, ids[search.TypeWarning])
		if err != nil {
			return nil, err
		}
		list := values(ws)
		if err := s.store.HideWarningModels(ctx, viewer, list); err != nil {
			return nil, err
		}
		for i := range list {
			out[hitKey{search.TypeWarning, list[i].ID}] = newWarningResponse(&list[i])
		}
	}
	return out, nil
}

func searchUnavailable() error {
	return problem(http.StatusServiceUnavailable, "search-unavailable", "Search is unavailable",
		"The search engine does not answer; the registry's lists and /v1/verify still work. Try again shortly.")
}

// newSearchSlots bounds the searches a process runs at once, inside the
// admission bound on every request (admission.go). A broad query
// over the national registry costs a hundred milliseconds or more of CPU;
// run dozens at once and the CPU is shared so thinly that each takes
// seconds, and verify and reads starve beside them. Queued in turn, each
// runs at full speed. A search that waits longer than searchQueueWait for
// a slot is answered 503 with Retry-After: a clear answer, not a hang.
// Measured at 200 clients on 2 cores over the national set, the bound took
// the searches that ran past the clients' 10 s timeout from 131 to 114 (of
// about 47,000): most of a slow search's time is not spent waiting here.
func newSearchSlots() *slots {
	return &slots{ch: make(chan struct{}, max(4, 2*runtime.GOMAXPROCS(0))), wait: searchQueueWait, busy: searchBusy}
}

// searchQueueWait is how long a search may wait for a slot.
const searchQueueWait = 5 * time.Second

func searchBusy() error {
	p := problem(http.StatusServiceUnavailable, "search-busy", "Search is busy",
		"too many searches are waiting; the registry's lists and /v1/verify still answer. Try again after Retry-After seconds.")
	p.p.retryAfter = 1
	return p
}

// values copies a map's records into a slice.
func values[T any](m map[string]*T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	return out
}
