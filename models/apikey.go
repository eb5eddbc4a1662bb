package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Role is what an API key may do.
type Role string

// The roles. The public (no key) is not a role: it is the absence of an Actor.
const (
	RoleAdmin       Role = "admin"
	RoleAuthority   Role = "authority"
	RoleCertifier   Role = "certifier"
	RoleInspector   Role = "inspector"
	RoleVendor      Role = "vendor"
	RoleProcurement Role = "procurement"
	// RoleOperator keeps the fleets of cameras its own organization runs
	// (an agency, an ISP).
	RoleOperator Role = "operator"
)

// Roles lists every role, in the order of the permission matrix.
var Roles = []Role{RoleProcurement, RoleVendor, RoleOperator, RoleInspector, RoleCertifier, RoleAuthority, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Actor is who makes a change: an API key, or the system itself (the demo
// loader, the command line).
type Actor struct {
	KeyID  string
	Prefix string
	Role   Role
	OrgID  string
	Name   string
}

// System is the actor of changes made by camreg itself, such as the demo data.
func System(name string) Actor { return Actor{Role: RoleAdmin, Name: name} }

// Label is the actor as written into the change log.
func (a Actor) Label() string {
	if a.Prefix != "" {
		return "key:" + a.Prefix
	}
	return "system:" + a.Name
}

func (a Actor) orgPtr() *string {
	if a.OrgID == "" {
		return nil
	}
	o := a.OrgID
	return &o
}

// APIKey is a stored API key. The secret itself is never stored: only its
// SHA-256, which is enough for a 256-bit random secret.
type APIKey struct {
	ID         string     `gorm:"primaryKey" json:"id"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	Role       Role       `json:"role"`
	OrgID      *string    `json:"org_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// TableName is the table of API keys.
func (APIKey) TableName() string { return "api_keys" }

// keyPrefixLen is the length of the public lookup id inside a key.
const keyPrefixLen = 12

// NewKeyInput is what creating a key needs.
type NewKeyInput struct {
	Role      Role
	OrgID     string
	Name      string
	ExpiresAt *time.Time
}

// keyOrgKinds are the kinds of organization a key of each role may act
// for: a certifier key for a certification body, not an importer, and so
// on (none listed: any kind).
var keyOrgKinds = map[Role][]string{
	RoleVendor:    {OrgManufacturer, OrgImporter, OrgDistributor, OrgRetailer, OrgOnlineSeller},
	RoleCertifier: {OrgCertificationBody},
	RoleAuthority: {OrgAuthority, OrgMarketSurveillance},
	RoleInspector: {OrgMarketSurveillance, OrgAuthority},
	// RoleOperator is not listed: any organization may run cameras. An ISP
	// or an agency that is none of the other kinds is of kind operator.
}

// CreateKey makes a new random key and stores its hash. The returned secret
// is shown once and cannot be recovered. Errors: ErrInvalid, ErrNotFound
// (the organization).
func (s *Store) CreateKey(ctx context.Context, actor Actor, in NewKeyInput) (*APIKey, string, error) {
	if err := actor.may("create API keys", RoleAdmin); err != nil {
		return nil, "", err
	}
	var v ValidationError
	v.Check(in.Role.Valid(), "role", "must be one of admin, authority, certifier, inspector, vendor, procurement, operator")
	v.Check(len(in.Name) <= 200, "name", "must be at most 200 characters")
	if in.Role.Valid() && in.Role != RoleAdmin && in.Role != RoleProcurement {
		v.Check(in.OrgID != "", "org_id", "is required for the %s role", in.Role)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		v.Add("expires_at", "must be in the future")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	prefixBytes := make([]byte, keyPrefixLen/2)
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(prefixBytes); err != nil {
		return nil, "", err
	}
	if _, err := rand.Read(secretBytes); err != nil {
		return nil, "", err
	}
	prefix := hex.EncodeToString(prefixBytes)
	secret := "camreg_" + prefix + "_" + base64.RawURLEncoding.EncodeToString(secretBytes)
	k := &APIKey{
		ID:        newID(),
		Prefix:    prefix,
		Hash:      hashKey(secret),
		Role:      in.Role,
		OrgID:     optional(in.OrgID),
		Name:      strings.TrimSpace(in.Name),
		CreatedAt: s.timestamp(),
		ExpiresAt: in.ExpiresAt,
	}
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if k.OrgID != nil {
			var v ValidationError
			if !ValidID(*k.OrgID) {
				v.Add("org_id", "no organization has id %q", *k.OrgID)
			}
			checkOrgKind(tx, &v, "org_id", *k.OrgID, keyOrgKinds[k.Role]...)
			if err := v.Err(); err != nil {
				return err
			}
		}
		if err := tx.Create(k).Error; err != nil {
			return translate(err, "api key")
		}
		return log.created("api_key", k.ID, k)
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ErrBadKey is returned by Authenticate for a key that is malformed,
// unknown, revoked or expired. The caller answers 401 without saying which.
var ErrBadKey = errors.New("invalid API key")

// Authenticate finds the key's actor. The lookup uses the key's public
// prefix; the secret's hash is compared in constant time.
func (s *Store) Authenticate(ctx context.Context, secret string) (Actor, error) {
	// camreg_<prefix>_<secret>; the secret is base64url and may hold "_".
	rest, ok := strings.CutPrefix(secret, "camreg_")
	if !ok || len(rest) < keyPrefixLen+2 || rest[keyPrefixLen] != '_' {
		return Actor{}, ErrBadKey
	}
	prefix := rest[:keyPrefixLen]
	var k APIKey
	err := s.db.WithContext(ctx).Where("prefix = ?", prefix).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Actor{}, ErrBadKey
	}
	if err != nil {
		return Actor{}, fmt.Errorf("look up API key: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashKey(secret)), []byte(k.Hash)) != 1 {
		return Actor{}, ErrBadKey
	}
	now := s.now()
	if k.RevokedAt != nil || (k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		return Actor{}, ErrBadKey
	}
	// last_used_at is kept to the minute, so a busy key does not write on
	// every request.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		t := s.timestamp()
		_ = s.db.WithContext(ctx).Model(&APIKey{}).Where("id = ?", k.ID).Update("last_used_at", t).Error
	}
	a := Actor{KeyID: k.ID, Prefix: k.Prefix, Role: k.Role, Name: k.Name}
	if k.OrgID != nil {
		a.OrgID = *k.OrgID
	}
	return a, nil
}

// FindKeys lists API keys, newest first. It never returns secrets.
func (s *Store) FindKeys(ctx context.Context) ([]APIKey, error) {
	var out []APIKey
	if err := s.db.WithContext(ctx).Order("created_at DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find keys: %w", err)
	}
	return out, nil
}

// RevokeKey revokes a key by id or prefix; it stops working at once.
// Errors: ErrNotFound.
func (s *Store) RevokeKey(ctx context.Context, actor Actor, idOrPrefix string) (*APIKey, error) {
	if err := actor.may("revoke API keys", RoleAdmin); err != nil {
		return nil, err
	}
	var k APIKey
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if err := tx.Where("id = ? OR prefix = ?", idOrPrefix, idOrPrefix).Take(&k).Error; err != nil {
			return translate(err, "api key")
		}
		if k.RevokedAt != nil {
			return nil
		}
		before := k
		t := s.timestamp()
		k.RevokedAt = &t
		if err := tx.Model(&APIKey{}).Where("id = ?", k.ID).Update("revoked_at", t).Error; err != nil {
			return translate(err, "api key")
		}
		_, err := log.updated(ActionStatus, "api_key", k.ID, before, k)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}
