package models

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Paging limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// PageRequest asks for one page of a list: at most Limit items after the
// position that Cursor encodes.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Page is one page of a list. NextCursor is empty on the last page.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// newID returns a time-ordered UUID (v7), so that ordering by id is ordering
// by creation, which keyset paging relies on.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s has the shape of a camreg id, so that malformed
// ids in paths are answered 404 without a query.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

func optional(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// decodeCursor validates a cursor. Errors: ErrInvalid.
func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !ValidID(string(b)) {
		var v ValidationError
		v.Add("cursor", "is not a cursor returned by this list")
		return "", &v
	}
	return string(b), nil
}

// CheckPage validates a page request, filling in the default limit.
func CheckPage(p *PageRequest) error {
	var v ValidationError
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	v.Check(p.Limit >= 1 && p.Limit <= MaxLimit, "limit", "must be between 1 and %d", MaxLimit)
	if _, err := decodeCursor(p.Cursor); err != nil {
		// One ValidationError with both fields: errors.Join would hide the
		// cursor's error from errors.As.
		v.Errors = append(v.Errors, err.(*ValidationError).Errors...)
	}
	return v.Err()
}

// findPage runs q as a keyset-paged query ordered by id. Errors: ErrInvalid.
func findPage[T identified](q *gorm.DB, table string, p PageRequest) (Page[T], error) {
	var v ValidationError
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	v.Check(p.Limit >= 1 && p.Limit <= MaxLimit, "limit", "must be between 1 and %d", MaxLimit)
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		v.Errors = append(v.Errors, err.(*ValidationError).Errors...)
	}
	if err := v.Err(); err != nil {
		return Page[T]{}, err
	}
	if after != "" {
		q = q.Where(table+".id > ?", after)
	}
	var items []T
	if err := q.Order(table + ".id").Limit(p.Limit + 1).Find(&items).Error; err != nil {
		return Page[T]{}, fmt.Errorf("list %s: %w", table, err)
	}
	page := Page[T]{Items: items}
	if len(items) > p.Limit {
		page.Items = items[:p.Limit]
		page.NextCursor = encodeCursor(page.Items[p.Limit-1].GetID())
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, nil
}

// identified is every entity row: it has an id.
type identified interface{ GetID() string }

// Record is the bookkeeping every entity row carries. Version counts writes
// and is the entity's ETag.
type Record struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// GetID returns the row's id.
func (r Record) GetID() string { return r.ID }

func (s *Store) newRecord() Record {
	t := s.timestamp()
	return Record{ID: newID(), Version: 1, CreatedAt: t, UpdatedAt: t}
}

// touch prepares r for the next versioned write.
func (s *Store) touch(r *Record) {
	r.Version++
	r.UpdatedAt = s.timestamp()
}

// get loads one row by id. Inside a write transaction it also locks the
// row (FOR NO KEY UPDATE on PostgreSQL; SQLite's write lock already covers
// it), so that concurrent writers of one row take turns: without the lock,
// the loser of a race failed saveVersioned's version check with
// ErrPrecondition although its caller had sent no If-Match. Errors:
// ErrNotFound.
func get[T any](tx *gorm.DB, id, what string) (*T, error) {
	var out T
	if !ValidID(id) {
		return nil, fmt.Errorf("%s %s: %w", what, id, ErrNotFound)
	}
	q := tx
	if _, inTx := tx.Statement.ConnPool.(gorm.TxCommitter); inTx {
		q = tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&out).Error; err != nil {
		return nil, translate(err, what)
	}
	return &out, nil
}

// exists checks that a row with the id exists. Errors: ErrNotFound.
func exists[T any](tx *gorm.DB, id, what string) error {
	if !ValidID(id) {
		return fmt.Errorf("%s %s: %w", what, id, ErrNotFound)
	}
	var n int64
	if err := tx.Model(new(T)).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("check %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", what, id, ErrNotFound)
	}
	return nil
}

// checkVersion compares the caller's expected version (from If-Match) with
// the stored one. A nil expectation always passes. Errors: ErrPrecondition.
func checkVersion(stored int, expected *int) error {
	if expected != nil && *expected != stored {
		return fmt.Errorf("version %d is stale, the current version is %d: %w", *expected, stored, ErrPrecondition)
	}
	return nil
}

// saveVersioned writes row's columns only if its stored version is still
// `version`, and bumps the version. The WHERE on version makes a concurrent
// write lose cleanly instead of overwriting. Errors: ErrPrecondition.
func saveVersioned(tx *gorm.DB, row any, id string, version int, what string) error {
	res := tx.Model(row).Where("id = ? AND version = ?", id, version).
		Select("*").Omit("id", "created_at", clause.Associations).Updates(row)
	if res.Error != nil {
		return translate(res.Error, what)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%s %s was changed by someone else: %w", what, id, ErrPrecondition)
	}
	return nil
}

// GetVersion returns the row's version, its ETag.
func (r Record) GetVersion() int { return r.Version }

// saveIfChanged records the fields in which row differs from before in the
// change log and saves row with the next version; when nothing differs it
// writes nothing and logs nothing. It reports whether it saved. The update
// services and the batch services (batch.go) end with it. Errors:
// ErrPrecondition, ErrConflict.
func (s *Store) saveIfChanged(tx *gorm.DB, log *changeLog, entity, what string, rec *Record, before, row any) (bool, error) {
	changed, err := log.updated(ActionUpdate, entity, rec.ID, before, row)
	if err != nil || !changed {
		return false, err
	}
	version := rec.Version
	s.touch(rec)
	return true, saveVersioned(tx, row, rec.ID, version, what)
}
