package api

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// historyEntry is one change of a public record, without who made it:
// the public sees what changed and when, and the role that changed it.
type historyEntry struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	Action    string          `json:"action" example:"status"`
	ActorRole string          `json:"actor_role" example:"certifier"`
	Changes   json.RawMessage `json:"changes" swaggertype:"object"`
}

// historyList is a record's history, oldest first.
type historyList struct {
	Items []historyEntry `json:"items"`
}

// historyEntities maps a collection to its change-log entity, and to the
// check that the viewer may see the record at all.
var historyEntities = map[string]struct {
	entity string
	check  func(s *Server, ctx context.Context, viewer models.Actor, id string) error
}{
	"organizations": {"organization", func(s *Server, ctx context.Context, _ models.Actor, id string) error {
		_, err := s.store.GetOrganization(ctx, id)
		return err
	}},
	"models": {"camera_model", func(s *Server, ctx context.Context, v models.Actor, id string) error {
		_, err := s.store.ViewModel(ctx, v, id)
		return err
	}},
	"standards": {"standard", func(s *Server, ctx context.Context, _ models.Actor, id string) error {
		_, err := s.store.GetStandard(ctx, id)
		return err
	}},
	"certificates": {"certificate", func(s *Server, ctx context.Context, v models.Actor, id string) error {
		_, err := s.store.ViewCertificate(ctx, v, id)
		return err
	}},
	"origin-certificates": {"origin_certificate", func(s *Server, ctx context.Context, _ models.Actor, id string) error {
		_, err := s.store.GetOriginCertificate(ctx, id)
		return err
	}},
	"warnings": {"warning", func(s *Server, ctx context.Context, _ models.Actor, id string) error {
		_, err := s.store.GetWarning(ctx, id)
		return err
	}},
	"listings": {"listing", func(s *Server, ctx context.Context, v models.Actor, id string) error {
		_, err := s.store.ViewListing(ctx, v, id)
		return err
	}},
}

// hiddenHistoryFields are the fields of a record's history that the viewer
// may not read on GET, so may not read in its history either: an
// organization's e-mail and phone, but for itself and privileged roles.
func (s *Server) hiddenHistoryFields(ctx context.Context, viewer models.Actor, collection, id string) ([]string, error) {
	if collection != "organizations" {
		return nil, nil
	}
	o, err := s.store.GetOrganization(ctx, id)
	if err != nil {
		return nil, err
	}
	if models.CanSeeContacts(viewer, o) {
		return nil, nil
	}
	return []string{"email", "phone"}, nil
}

// redact removes the hidden fields from an event's changes (a created
// record's fields, or an update's {"field": {"from", "to"}}). It reports
// false when nothing visible is left of an update.
func redact(changes []byte, hidden []string) (json.RawMessage, bool) {
	if len(hidden) == 0 {
		return json.RawMessage(changes), true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(changes, &m); err != nil {
		// Not an object: nothing of it can be shown safely.
		return json.RawMessage("{}"), false
	}
	n := len(m)
	for _, f := range hidden {
		delete(m, f)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage("{}"), false
	}
	return b, len(m) > 0 || n == 0
}

// hideModelIDs removes from an event's changes the models named in hidden:
// an array's id, or its object that names one (a covered or affected
// model), and a field whose value is one. A change whose from and to are
// then the same is no change the viewer may see, and is left out; it
// reports false when nothing of the event is left.
func hideModelIDs(changes json.RawMessage, hidden map[string]bool) (json.RawMessage, bool) {
	if !slices.ContainsFunc(slices.Collect(maps.Keys(hidden)), func(id string) bool { return strings.Contains(string(changes), id) }) {
		return changes, true
	}
	d := json.NewDecoder(strings.NewReader(string(changes)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return json.RawMessage("{}"), false
	}
	names := func(v any) bool {
		s, ok := v.(string)
		return ok && hidden[s]
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if names(x) {
					delete(v, k)
				} else {
					v[k] = walk(x)
				}
			}
		case []any:
			v = slices.DeleteFunc(v, func(x any) bool {
				o, ok := x.(map[string]any)
				return names(x) || ok && slices.ContainsFunc(slices.Collect(maps.Values(o)), names)
			})
			for i := range v {
				v[i] = walk(v[i])
			}
			return v
		}
		return v
	}
	walk(m)
	for k, x := range m {
		if ch, ok := x.(map[string]any); ok && len(ch) == 2 && ch["from"] != nil && reflect.DeepEqual(ch["from"], ch["to"]) {
			delete(m, k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return json.RawMessage("{}"), false
	}
	return b, len(m) > 0
}

// history godoc
//
//	@Summary		The public history of a record
//	@Description	Every change of the record from the change log, oldest first: for example a certificate's suspension and revocation, with their reasons and dates. Available for organizations, models, standards, certificates, origin-certificates, warnings and listings, as /v1/{collection}/{id}/history.
//	@Tags			audit
//	@Produce		json
//	@Param			id	path		string	true	"record id"
//	@Success		200	{object}	historyList
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/v1/certificates/{id}/history [get]
//	@Router			/v1/organizations/{id}/history [get]
//	@Router			/v1/models/{id}/history [get]
//	@Router			/v1/standards/{id}/history [get]
//	@Router			/v1/origin-certificates/{id}/history [get]
//	@Router			/v1/warnings/{id}/history [get]
//	@Router			/v1/listings/{id}/history [get]
func (s *Server) history(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// A history is one list, not paged: a parameter (limit=-5, a filter)
	// would look obeyed while it is ignored.
	if names := slices.Sorted(maps.Keys(c.QueryParams())); len(names) > 0 {
		return fieldProblem([]models.FieldError{{Field: names[0], Message: "is not a parameter of this endpoint: a history takes none"}})
	}
	collection := strings.Split(strings.TrimPrefix(c.Path(), "/v1/"), "/")[0]
	h, ok := historyEntities[collection]
	if !ok {
		return models.ErrNotFound
	}
	ctx := c.Request().Context()
	if err := h.check(s, ctx, viewer(c), id); err != nil {
		return err
	}
	hidden, err := s.hiddenHistoryFields(ctx, viewer(c), collection, id)
	if err != nil {
		return err
	}
	events, err := s.store.FindEvents(ctx, models.EventFilter{Entity: h.entity, EntityID: id, Limit: 1000})
	if err != nil {
		return err
	}
	// A certificate, C/O or warning may name a model the viewer may not
	// see (a pending registration): GET leaves it out, and so does this.
	texts := make([]string, len(events))
	for i, e := range events {
		texts[i] = e.Changes
	}
	hiddenModels, err := s.store.InvisibleModels(ctx, viewer(c), texts...)
	if err != nil {
		return err
	}
	out := historyList{Items: make([]historyEntry, 0, len(events))}
	for _, e := range events {
		changes, shown := redact([]byte(e.Changes), hidden)
		if shown && len(hiddenModels) > 0 {
			changes, shown = hideModelIDs(changes, hiddenModels)
		}
		if !shown && e.Action != models.ActionCreate {
			continue
		}
		out.Items = append(out.Items, historyEntry{Seq: e.Seq, At: e.At, Action: e.Action, ActorRole: e.ActorRole, Changes: changes})
	}
	return c.JSON(http.StatusOK, out)
}

// auditEvent is a change-log event in full, hashes included, so that an
// auditor can check the chain independently.
type auditEvent struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor" example:"key:3f9a1c2b7d4e"`
	ActorRole  string          `json:"actor_role"`
	ActorOrgID *string         `json:"actor_org_id"`
	Action     string          `json:"action"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Changes    json.RawMessage `json:"changes" swaggertype:"object"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// auditList is one page of the change log.
type auditList struct {
	Items []auditEvent `json:"items"`
	// NextCursor fetches the next page; empty on the last page.
	NextCursor string `json:"next_cursor"`
}

// listAudit godoc
//
//	@Summary	Read the change log (the audit trail)
//	@Tags		audit
//	@Produce	json
//	@Security	BearerKey
//	@Param		entity		query		string	false	"entity, such as certificate or camera_model"
//	@Param		entity_id	query		string	false	"entity id"
//	@Param		actor		query		string	false	"actor, such as key:3f9a1c2b7d4e"
//	@Param		since		query		string	false	"RFC 3339 time, inclusive"
//	@Param		until		query		string	false	"RFC 3339 time, inclusive"
//	@Param		limit		query		int		false	"page size, 1..500"	default(100)
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	auditList
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/audit [get]
func (s *Server) listAudit(c echo.Context) error {
	q := newQuery(c, "entity", "entity_id", "actor", "since", "until")
	f := models.EventFilter{Entity: q.str("entity"), EntityID: q.str("entity_id"), Actor: q.str("actor"), Limit: 100}
	f.Since = q.timestamp("since")
	f.Until = q.timestamp("until")
	if l := q.str("limit"); l != "" {
		f.Limit = q.integer("limit")
		if f.Limit < 1 || f.Limit > models.MaxLimit {
			q.errs = append(q.errs, models.FieldError{Field: "limit", Message: "must be between 1 and 500"})
		}
	}
	if cur := q.str("cursor"); cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n < 0 {
			q.errs = append(q.errs, models.FieldError{Field: "cursor", Message: "is not a cursor returned by this list"})
		}
		f.AfterSeq = n
	}
	if err := q.err(nil); err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++
	events, err := s.store.FindEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := auditList{Items: []auditEvent{}}
	admin := mustActor(c).Role == models.RoleAdmin
	for i, e := range events {
		if i == limit {
			out.NextCursor = strconv.FormatInt(events[i-1].Seq, 10)
			break
		}
		if !admin && models.AdminOnlyEvent(e.Entity) {
			// An authority read the keys' and webhooks' events (their
			// URLs, which may carry a receiver's token) here, though
			// their log leaves are refused to it.
			continue
		}
		out.Items = append(out.Items, auditEvent{Seq: e.Seq, At: e.At, Actor: e.Actor, ActorRole: e.ActorRole,
			ActorOrgID: e.ActorOrgID, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
			Changes: json.RawMessage(e.Changes), PrevHash: e.PrevHash, Hash: e.Hash})
	}
	return c.JSON(http.StatusOK, out)
}
