package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"camreg/fold"
)

// The feed tells subscribers what changed in the registry that matters to
// a buyer or an inspector: warnings issued, changed or withdrawn;
// certificates suspended, reinstated, revoked or expired; models newly
// verified. It is read from the change log, newest first, except expiries:
// expiry follows from dates, not from a write, so those entries come from
// the certificates whose expires_on has passed, dated when they expired.

// The types and kinds of feed entries.
const (
	FeedWarning     = "warning"
	FeedCertificate = "certificate"
	FeedModel       = "model"

	FeedWarningIssued         = "warning_issued"
	FeedWarningChanged        = "warning_changed"
	FeedWarningWithdrawn      = "warning_withdrawn"
	FeedCertificateSuspended  = "certificate_suspended"
	FeedCertificateReinstated = "certificate_reinstated"
	FeedCertificateRevoked    = "certificate_revoked"
	FeedCertificateExpired    = "certificate_expired"
	FeedModelVerified         = "model_verified"
)

// FeedTypes lists the entry types a feed may be filtered by.
var FeedTypes = []string{FeedWarning, FeedCertificate, FeedModel}

// Feed paging limits.
const (
	DefaultFeedLimit = 50
	MaxFeedLimit     = 200
	// feedScanCap bounds the change-log events one page reads, so that a
	// narrow filter cannot make a request read the whole log; the page
	// then ends early with a cursor to go on from.
	feedScanCap = 5000
)

// FeedFilter selects feed entries: of one type, about one brand's models,
// at most Limit of them after Cursor.
type FeedFilter struct {
	Type   string
	Brand  string
	Limit  int
	Cursor string
}

// FeedEntry is one entry of the feed, with the rows it is about as they
// are now.
type FeedEntry struct {
	// ID is stable across requests: the event's seq, or the expired
	// certificate's id.
	ID   string
	Type string
	Kind string
	At   time.Time
	// Actor is who made the change (empty for an expiry).
	Actor string
	// Reason and EffectiveOn are the status reason and date of a status
	// change.
	Reason      string
	EffectiveOn Date
	Warning     *Warning
	Certificate *Certificate
	Model       *Model
	// Models are the camera models the entry is about.
	Models []Model
	key    feedKey
	// entityID is the id of the row the entry is about, until attach
	// loads it.
	entityID string
}

// FeedPage is one page of the feed, newest first.
type FeedPage struct {
	Entries    []FeedEntry
	NextCursor string
}

// feedKey orders entries: newest first, then by change-log seq (an expiry
// has none and comes after the events of the same instant), then by id.
type feedKey struct {
	at  time.Time
	seq int64
	id  string
}

// before reports whether k comes after o in the feed (is older).
func (k feedKey) before(o feedKey) bool {
	if !k.at.Equal(o.at) {
		return k.at.Before(o.at)
	}
	if k.seq != o.seq {
		return k.seq < o.seq
	}
	return k.id < o.id
}

func (k feedKey) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%d|%s", k.at.UnixMicro(), k.seq, k.id)))
}

func decodeFeedKey(s string) (feedKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return feedKey{}, false
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 {
		return feedKey{}, false
	}
	us, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || (parts[2] != "" && !ValidID(parts[2])) {
		return feedKey{}, false
	}
	return feedKey{at: time.UnixMicro(us).UTC(), seq: seq, id: parts[2]}, true
}

// expiryTime is when a certificate that is valid through expires_on stops
// being valid: the start of the next day in Vietnam.
func expiryTime(expiresOn Date) time.Time {
	return time.Date(expiresOn.Year(), expiresOn.Month(), expiresOn.Day()+1, 0, 0, 0, 0, Zone).UTC()
}

// Feed returns one page of the feed. Errors: ErrInvalid.
func (s *Store) Feed(ctx context.Context, f FeedFilter) (FeedPage, error) {
	var v ValidationError
	if f.Type != "" {
		v.enum("type", &f.Type, false, FeedTypes...)
	}
	if f.Limit == 0 {
		f.Limit = DefaultFeedLimit
	}
	v.Check(f.Limit >= 1 && f.Limit <= MaxFeedLimit, "limit", "must be between 1 and %d", MaxFeedLimit)
	var after *feedKey // nil: from the newest entry
	if f.Cursor != "" {
		k, ok := decodeFeedKey(f.Cursor)
		v.Check(ok, "cursor", "is not a cursor returned by this feed")
		after = &k
	}
	brandKey := fold.Key(f.Brand)
	v.Check(f.Brand == "" || brandKey != "", "brand", "must contain letters or digits")
	if err := v.Err(); err != nil {
		return FeedPage{}, err
	}
	db := s.db.WithContext(ctx)
	fr := &feedReader{db: db, typ: f.Type, brandKey: brandKey}

	events, frontier, exhausted, err := fr.events(after, f.Limit+1)
	if err != nil {
		return FeedPage{}, err
	}
	var expiries []FeedEntry
	if f.Type == "" || f.Type == FeedCertificate {
		if expiries, err = fr.expiries(after, f.Limit+1, s.Today()); err != nil {
			return FeedPage{}, err
		}
	}
	merged := append(events, expiries...)
	slices.SortFunc(merged, func(a, b FeedEntry) int {
		switch {
		case b.key.before(a.key):
			return -1
		case a.key.before(b.key):
			return 1
		}
		return 0
	})
	if !exhausted {
		// Entries older than the last event read may have unread events
		// before them: they wait for the next page.
		merged = slices.DeleteFunc(merged, func(e FeedEntry) bool { return e.key.before(frontier) })
	}
	page := FeedPage{Entries: merged}
	switch {
	case len(merged) > f.Limit:
		page.Entries = merged[:f.Limit]
		page.NextCursor = merged[f.Limit-1].key.encode()
	case !exhausted:
		page.NextCursor = frontier.encode()
	}
	if page.Entries == nil {
		page.Entries = []FeedEntry{}
	}
	return page, nil
}
