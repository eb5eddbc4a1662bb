package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Event is one entry of the append-only change log. Every change to the
// registry writes one, in the same transaction. Events form a hash chain:
// Hash covers the event's content and PrevHash, so that altering, deleting,
// inserting or reordering an event breaks every hash after it.
type Event struct {
	Seq        int64     `gorm:"primaryKey;autoIncrement:false" json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	ActorRole  string    `json:"actor_role"`
	ActorOrgID *string   `json:"actor_org_id"`
	Action     string    `json:"action"`
	Entity     string    `json:"entity"`
	EntityID   string    `json:"entity_id"`
	Changes    string    `json:"changes"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
	// TreeHashes are the log tree's stored hashes that this event's leaf
	// completes (tlog.StoredHashes), concatenated: kept in the event's own
	// row, so the tree costs an append no statement and no page of its own
	// (logtree.go).
	TreeHashes []byte `json:"-"`
}

// The actions recorded in the change log.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionStatus = "status"
)

// GenesisHash is the PrevHash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// changeLog collects the events of one transaction.
type changeLog struct {
	actor  Actor
	events []Event
}

// record adds an event; changes is marshalled to JSON.
func (l *changeLog) record(action, entity, id string, changes any) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encode change of %s %s: %w", entity, id, err)
	}
	l.events = append(l.events, Event{
		Actor:      l.actor.Label(),
		ActorRole:  string(l.actor.Role),
		ActorOrgID: l.actor.orgPtr(),
		Action:     action,
		Entity:     entity,
		EntityID:   id,
		Changes:    string(b),
	})
	return nil
}

// created records the creation of v, with its full content.
func (l *changeLog) created(entity, id string, v any) error {
	return l.record(ActionCreate, entity, id, v)
}

// updated records the fields that differ between before and after, as
// {"field": {"from": old, "to": new}}. It records nothing when nothing
// changed, and reports whether it recorded.
func (l *changeLog) updated(action, entity, id string, before, after any) (bool, error) {
	diff, err := diffJSON(before, after)
	if err != nil {
		return false, err
	}
	if len(diff) == 0 {
		return false, nil
	}
	return true, l.record(action, entity, id, diff)
}

type change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// diffJSON compares the JSON forms of two values of the same type, field by
// field, ignoring bookkeeping fields.
func diffJSON(before, after any) (map[string]change, error) {
	if x, y := reflect.Indirect(reflect.ValueOf(before)), reflect.Indirect(reflect.ValueOf(after)); x.IsValid() && y.IsValid() &&
		reflect.DeepEqual(x.Interface(), y.Interface()) {
		// Equal values have equal JSON: the common case of a re-import,
		// found without encoding both.
		return map[string]change{}, nil
	}
	var a, b map[string]any
	for _, p := range []struct {
		v   any
		dst *map[string]any
	}{{before, &a}, {after, &b}} {
		raw, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, p.dst); err != nil {
			return nil, err
		}
	}
	diff := map[string]change{}
	for k, nv := range b {
		switch k {
		case "version", "updated_at", "created_at":
			continue
		}
		if ov := a[k]; !reflect.DeepEqual(ov, nv) {
			diff[k] = change{From: ov, To: nv}
		}
	}
	return diff, nil
}

// eventLockKey is the PostgreSQL advisory lock that serialises appends to
// the change log across processes ("camreg" in ASCII).
const eventLockKey = 0x63616d726567

// appendEvents numbers, chains and inserts events inside tx. On PostgreSQL
// it first takes a transaction-scoped advisory lock, so that concurrent
// writers, in this process or another, append one after another and the
// chain stays linear; SQLite's write lock (BEGIN IMMEDIATE) does the same.
func (s *Store) appendEvents(tx *gorm.DB, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	if err := s.lockLog(tx); err != nil {
		return err
	}
	var last Event
	err := tx.Select("seq", "hash", "tree_hashes").Order("seq DESC").Limit(1).Find(&last).Error
	if err != nil {
		return fmt.Errorf("read change-log head: %w", err)
	}
	seq, prev := last.Seq, last.Hash
	if seq == 0 {
		prev = GenesisHash
	}
	at := s.timestamp()
	atText := canonicalTime(at)
	leaves := make([][]byte, len(events))
	for i := range events {
		seq++
		e := &events[i]
		e.Seq, e.At, e.PrevHash = seq, at, prev
		leaves[i] = e.canonicalAt(atText)
		sum := sha256.Sum256(leaves[i])
		e.Hash = hex.EncodeToString(sum[:])
		prev = e.Hash
	}
	if !s.noTree {
		if err := s.growTree(tx, &last, events, leaves); err != nil {
			return err
		}
	}
	// Twelve columns an event: as many events a statement as the
	// bound-variable limit allows, so that a batch's log is one or two
	// statements.
	if done, err := copyRows(tx, events, "change-log event"); done {
		if err != nil {
			return fmt.Errorf("append to change log: %w", err)
		}
		return nil
	}
	if done, err := insertJSON(tx, events, "change-log event"); done {
		if err != nil {
			return fmt.Errorf("append to change log: %w", err)
		}
		return nil
	}
	if err := tx.CreateInBatches(events, max(1, s.bindVars()/12)).Error; err != nil {
		return fmt.Errorf("append to change log: %w", err)
	}
	return nil
}

// computeHash is SHA-256 over a canonical JSON encoding of the event's
// content and its PrevHash: a fixed field order, UTC time in RFC 3339 with
// microseconds (the precision both databases keep).
func (e *Event) computeHash() string {
	sum := sha256.Sum256(e.canonical())
	return hex.EncodeToString(sum[:])
}

// canonical is the event's canonical encoding: what its chain hash covers,
// and its leaf in the log's Merkle tree.
//
// It is written by hand, byte for byte as json.Marshal writes that array
// (canonicalJSON in the tests is the reference): json.Marshal of a []any
// was a third of appendEvents' CPU on a bulk import.
func (e *Event) canonical() []byte { return e.canonicalAt(canonicalTime(e.At)) }

// canonicalTime is an event time as its canonical encoding writes it.
func canonicalTime(at time.Time) string {
	return at.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// canonicalAt is canonical with the event's time already written by
// canonicalTime: a batch's events share one time, formatted once.
func (e *Event) canonicalAt(at string) []byte {
	org := ""
	if e.ActorOrgID != nil {
		org = *e.ActorOrgID
	}
	b := make([]byte, 0, 200+len(e.Changes)+len(e.Changes)/8)
	b = append(b, '[')
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, ',')
	b = AppendJSONString(b, at)
	for _, f := range [...]string{e.Actor, e.ActorRole, org, e.Action, e.Entity, e.EntityID, e.Changes, e.PrevHash} {
		b = append(b, ',')
		b = AppendJSONString(b, f)
	}
	return append(b, ']')
}

// jsonPlain is the ASCII bytes AppendJSONString copies as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// AppendJSONString appends s as encoding/json encodes a string (HTML
// characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped):
// the log's canonical encoding and the verify answer written by hand
// (api/verify_json.go) both use it.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonPlain[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:min(len(s), i+utf8.UTFMax)])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Leaf is the event's leaf in the log's Merkle tree: its canonical bytes,
// a JSON array of seq, time, actor, actor role, actor organization,
// action, entity, entity id, changes and prev_hash.
func (e *Event) Leaf() []byte { return e.canonical() }

// ChainError names the first event at which the change log's hash chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

func (c *ChainError) Error() string {
	return fmt.Sprintf("change log broken at seq %d: %s", c.Seq, c.Reason)
}

// VerifyChain reads the whole change log in order and checks every link:
// seq numbers without gaps, each PrevHash equal to the previous Hash, and
// each Hash equal to a fresh hash of the event. It returns the number of
// events checked, and a *ChainError for the first bad event.
func (s *Store) VerifyChain(ctx context.Context) (int64, error) {
	var (
		n      int64
		prev   = GenesisHash
		expect = int64(1)
		bad    *ChainError
	)
	batch := make([]Event, 0, 1000)
	err := s.db.WithContext(ctx).Order("seq").FindInBatches(&batch, 1000, func(tx *gorm.DB, _ int) error {
		for i := range batch {
			e := &batch[i]
			switch {
			case e.Seq != expect:
				bad = &ChainError{Seq: expect, Reason: fmt.Sprintf("expected seq %d, found %d (an event was deleted, inserted or renumbered)", expect, e.Seq)}
			case e.PrevHash != prev:
				bad = &ChainError{Seq: e.Seq, Reason: "prev_hash does not match the previous event's hash"}
			case e.Hash != e.computeHash():
				bad = &ChainError{Seq: e.Seq, Reason: "hash does not match the event's content"}
			}
			if bad != nil {
				return bad
			}
			prev, expect = e.Hash, expect+1
			n++
		}
		return nil
	}).Error
	if bad != nil {
		return n, bad
	}
	if err != nil {
		return n, fmt.Errorf("read change log: %w", err)
	}
	return n, nil
}

// EventFilter selects change-log events.
type EventFilter struct {
	Entity   string
	EntityID string
	// Actor is an actor label such as "key:3f9a1c2b7d4e" or "system:demo".
	Actor string
	// Since and Until bound the events' time (inclusive); zero is open.
	Since, Until time.Time
	AfterSeq     int64
	Limit        int
}

// FindEvents lists events in seq order.
func (s *Store) FindEvents(ctx context.Context, f EventFilter) ([]Event, error) {
	q := s.db.WithContext(ctx).Where("seq > ?", f.AfterSeq).Order("seq")
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("at <= ?", f.Until.UTC())
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	var out []Event
	if err := q.Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	return out, nil
}
