package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Idempotency keys: a creating request sent again with the same key (the
// IETF httpapi Idempotency-Key header) is answered with the first answer
// instead of being carried out twice. The claim is a row of its own; the
// write the request makes marks it inside the write's own transaction, so
// a request whose answer was lost can never run a second time, even when
// the process died before the answer was stored.

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// idempotencyLease bounds a claim whose request never finished (the process
// died before the write): after it, the key may be claimed again.
const idempotencyLease = 2 * time.Minute

// The states of an idempotency key.
const (
	idemPending   = "pending"
	idemCommitted = "committed"
	idemDone      = "done"
)

// IdempotencyKey is one claimed key: the API key's id (Scope), the client's
// key, and the fingerprint of the request (method, path and body).
type IdempotencyKey struct {
	Scope       string
	Key         string
	Fingerprint string
	token       string
	marked      bool
}

// Marked reports whether a write of this request committed under the key.
func (k *IdempotencyKey) Marked() bool { return k != nil && k.marked }

// StoredAnswer is the first answer to a request, replayed for its repeats.
type StoredAnswer struct {
	Status      int
	Location    string
	ContentType string
	ETag        string
	Body        []byte
}

// idempotencyRow is a row of idempotency_keys.
type idempotencyRow struct {
	Scope       string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	Fingerprint string
	Token       string
	State       string
	CreatedAt   time.Time
	ExpiresAt   int64
	LockedUntil int64
	Resource    string
	Status      int
	Location    string
	ContentType string
	ETag        string `gorm:"column:etag"`
	Body        []byte
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// The outcomes of a claim that does not let the request run.
var (
	// ErrKeyReused: the key was used with another request (a 422).
	ErrKeyReused = errors.New("idempotency key reused with another request")
	// ErrKeyInFlight: a request with this key is still running; it is a
	// conflict (a 409).
	ErrKeyInFlight = Conflict("a request with this idempotency key is in progress; retry when it has finished")
)

// KeyDoneError says the key's request was carried out but its answer was
// not stored (the process stopped in between): Resource names what it
// created, as "entity/id".
type KeyDoneError struct{ Resource string }

func (e *KeyDoneError) Error() string {
	return "the request with this idempotency key was carried out (" + e.Resource + "), but its answer was not kept"
}

// ClaimIdempotencyKey claims k for one run of its request. It returns a
// stored answer to replay; or nil, when the request may run (then call
// FinishIdempotencyKey or ReleaseIdempotencyKey, and run it with the
// context WithIdempotencyKey returns). Errors: ErrKeyReused, ErrKeyInFlight,
// *KeyDoneError, or the database's.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, k *IdempotencyKey) (*StoredAnswer, error) {
	now := s.timestamp()
	ms := now.UnixMilli()
	tok := make([]byte, 12)
	_, _ = rand.Read(tok)
	k.token = hex.EncodeToString(tok)
	var answer *StoredAnswer
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Forget expired keys, this one's included.
		if err := tx.Where("expires_at < ?", ms).Delete(&idempotencyRow{}).Error; err != nil {
			return fmt.Errorf("expire idempotency keys: %w", err)
		}
		row := idempotencyRow{Scope: k.Scope, Key: k.Key, Fingerprint: k.Fingerprint, Token: k.token, State: idemPending,
			CreatedAt: now, ExpiresAt: now.Add(IdempotencyTTL).UnixMilli(), LockedUntil: now.Add(idempotencyLease).UnixMilli()}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("claim idempotency key: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var old idempotencyRow
		if err := tx.Where("scope = ? AND key = ?", k.Scope, k.Key).Take(&old).Error; err != nil {
			return fmt.Errorf("read idempotency key: %w", err)
		}
		switch {
		case old.State == idemPending && old.LockedUntil < ms:
			// Its request never wrote anything and is gone: claim it anew.
			res := tx.Model(&idempotencyRow{}).Where("scope = ? AND key = ? AND token = ? AND state = ?", k.Scope, k.Key, old.Token, idemPending).
				Updates(map[string]any{"fingerprint": k.Fingerprint, "token": k.token, "locked_until": row.LockedUntil})
			if res.Error != nil {
				return fmt.Errorf("reclaim idempotency key: %w", res.Error)
			}
			if res.RowsAffected == 1 {
				return nil
			}
			return ErrKeyInFlight
		case old.Fingerprint != k.Fingerprint:
			return ErrKeyReused
		case old.State == idemPending:
			return ErrKeyInFlight
		case old.State == idemCommitted:
			return &KeyDoneError{Resource: old.Resource}
		}
		answer = &StoredAnswer{Status: old.Status, Location: old.Location, ContentType: old.ContentType, ETag: old.ETag, Body: old.Body}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return answer, nil
}

// FinishIdempotencyKey stores the answer of the request that committed
// under k, for its repeats.
func (s *Store) FinishIdempotencyKey(ctx context.Context, k *IdempotencyKey, a StoredAnswer) error {
	err := s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("scope = ? AND key = ? AND token = ?", k.Scope, k.Key, k.token).
		Updates(map[string]any{"state": idemDone, "status": a.Status, "location": a.Location, "content_type": a.ContentType,
			"etag": a.ETag, "body": a.Body}).Error
	if err != nil {
		return fmt.Errorf("store the answer of idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claim whose request wrote nothing (it
// was refused), so that the key may be used again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, k *IdempotencyKey) error {
	err := s.db.WithContext(ctx).Where("scope = ? AND key = ? AND token = ? AND state = ?", k.Scope, k.Key, k.token, idemPending).
		Delete(&idempotencyRow{}).Error
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

type idempotencyCtxKey struct{}

// WithIdempotencyKey returns a context whose first committing write marks
// k in its own transaction.
func WithIdempotencyKey(ctx context.Context, k *IdempotencyKey) context.Context {
	return context.WithValue(ctx, idempotencyCtxKey{}, k)
}

// markIdempotencyKey marks the context's claimed key as committed, inside
// the write's transaction tx. A claim that is no longer this request's
// (its lease ran out and another request took the key) refuses the write.
func markIdempotencyKey(ctx context.Context, tx *gorm.DB, log *changeLog) (*IdempotencyKey, error) {
	resource := ""
	if len(log.events) > 0 {
		resource = log.events[0].Entity + "/" + log.events[0].EntityID
	}
	return markIdempotencyKeyAs(ctx, tx, resource)
}

// markIdempotencyKeyAs marks the context's claimed key as committed, the
// write having made resource ("entity/id"), inside the write's transaction
// tx; see markIdempotencyKey.
func markIdempotencyKeyAs(ctx context.Context, tx *gorm.DB, resource string) (*IdempotencyKey, error) {
	k, _ := ctx.Value(idempotencyCtxKey{}).(*IdempotencyKey)
	if k == nil || k.marked || isDryRun(ctx) {
		return nil, nil
	}
	res := tx.Model(&idempotencyRow{}).Where("scope = ? AND key = ? AND token = ? AND state = ?", k.Scope, k.Key, k.token, idemPending).
		Updates(map[string]any{"state": idemCommitted, "resource": resource})
	if res.Error != nil {
		return nil, fmt.Errorf("mark idempotency key: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, ErrKeyInFlight
	}
	return k, nil
}
