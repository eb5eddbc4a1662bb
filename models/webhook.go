package models

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// Webhooks (issue #17): an endpoint an operator registers to receive a
// fleet's alerts, signed as the Standard Webhooks specification says with
// a secret shown once. Operators keep webhooks of their own organization's
// fleets, admins any; another organization's webhook is ErrNotFound. The
// server must hold the secret to sign: it is sealed with AES-GCM under the
// key of SetWebhookKey (CAMREG_WEBHOOK_KEY) when one is set.

// Webhook limits.
const (
	MaxWebhookURL      = 2000
	MaxWebhooksOfFleet = 10
)

// Webhook is a registered endpoint.
type Webhook struct {
	Record
	OrgID   string
	FleetID string
	URL     string
	// Events are the alert event names it receives, or ["*"] for all.
	Events []string `gorm:"serializer:json"`
	// Secret is the sealed secret; never shown after creation.
	Secret    string
	CreatedBy string
}

// TableName is the webhooks' table.
func (Webhook) TableName() string { return "webhooks" }

// Subscribed reports whether the webhook receives the event.
func (w *Webhook) Subscribed(kind string) bool {
	return slices.Contains(w.Events, "*") || slices.Contains(w.Events, kind)
}

// WebhookInput registers a webhook.
type WebhookInput struct {
	URL     *string
	Events  []string
	FleetID *string
}

// SetWebhookKey sets the key that seals webhook secrets at rest (any
// length; SHA-256 makes the AES-256 key of it). Without one, secrets are
// stored as they are.
func (s *Store) SetWebhookKey(key []byte) {
	if len(key) == 0 {
		s.webhookKey = nil
		return
	}
	k := sha256.Sum256(key)
	s.webhookKey = k[:]
}

// NewWebhookSecret makes a secret in the Standard Webhooks form: "whsec_"
// and 32 random bytes in base64.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func (s *Store) sealSecret(secret string) (string, error) {
	if s.webhookKey == nil {
		return "plain:" + secret, nil
	}
	block, err := aes.NewCipher(s.webhookKey)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	return "aesgcm:" + base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), nil)), nil
}

// OpenSecret returns a webhook's secret, unsealed.
func (s *Store) OpenSecret(w *Webhook) (string, error) {
	switch {
	case strings.HasPrefix(w.Secret, "plain:"):
		return strings.TrimPrefix(w.Secret, "plain:"), nil
	case strings.HasPrefix(w.Secret, "aesgcm:"):
		if s.webhookKey == nil {
			return "", errors.New("the webhook's secret is sealed: set CAMREG_WEBHOOK_KEY to the key it was sealed with")
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(w.Secret, "aesgcm:"))
		if err != nil {
			return "", fmt.Errorf("webhook %s: sealed secret: %w", w.ID, err)
		}
		block, err := aes.NewCipher(s.webhookKey)
		if err != nil {
			return "", err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return "", err
		}
		if len(raw) < gcm.NonceSize() {
			return "", fmt.Errorf("webhook %s: sealed secret too short", w.ID)
		}
		plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
		if err != nil {
			return "", fmt.Errorf("webhook %s: the secret does not open with CAMREG_WEBHOOK_KEY (was it changed?)", w.ID)
		}
		return string(plain), nil
	}
	return "", fmt.Errorf("webhook %s: unknown secret form", w.ID)
}

// keepsWebhooks: the roles that keep webhooks at all.
func keepsWebhooks(a Actor) error {
	return a.may("keep webhooks", RoleAdmin, RoleOperator)
}

// seesWebhook reports whether the actor may see and change the webhook.
func seesWebhook(a Actor, w *Webhook) bool {
	return a.Role == RoleAdmin || (a.Role == RoleOperator && a.Owns(&w.OrgID))
}

// CreateWebhook registers a webhook on a fleet the actor keeps and returns
// it with its secret, which is never shown again. checkURL refuses an
// address the server must not call (api: https and public only). Errors:
// ErrForbidden, ErrNotFound (the fleet), ErrInvalid.
func (s *Store) CreateWebhook(ctx context.Context, actor Actor, in WebhookInput, checkURL func(context.Context, string) error) (*Webhook, string, error) {
	if err := keepsWebhooks(actor); err != nil {
		return nil, "", err
	}
	var v ValidationError
	url := v.text("url", in.URL, true, MaxWebhookURL)
	fleetID := v.refID("fleet_id", in.FleetID, true)
	switch {
	case in.Events == nil:
		v.Add("events", "is required: a list of event names, or [\"*\"] for all")
	case len(in.Events) == 0 || len(in.Events) > len(AlertEvents):
		v.Add("events", "must hold 1 to %d event names", len(AlertEvents))
	}
	var events []string
	for i, e := range in.Events {
		e = strings.TrimSpace(e)
		if e != "*" && !slices.Contains(AlertEvents, e) {
			v.Add(fmt.Sprintf("events[%d]", i), "must be one of %s, or *", strings.Join(AlertEvents, ", "))
		} else if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if url != "" && v.Err() == nil && checkURL != nil {
		if err := checkURL(ctx, url); err != nil {
			v.Add("url", "%s", err.Error())
		}
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	secret := NewWebhookSecret()
	sealed, err := s.sealSecret(secret)
	if err != nil {
		return nil, "", fmt.Errorf("seal the webhook secret: %w", err)
	}
	w := &Webhook{Record: s.newRecord(), FleetID: fleetID, URL: url, Events: events, Secret: sealed, CreatedBy: actor.Label()}
	err = s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		f, err := keptFleet(tx, actor, fleetID)
		if err != nil {
			return err
		}
		w.OrgID = f.OrgID
		var n int64
		if err := tx.Model(&Webhook{}).Where("fleet_id = ?", fleetID).Count(&n).Error; err != nil {
			return fmt.Errorf("count webhooks of fleet %s: %w", fleetID, err)
		}
		if n >= MaxWebhooksOfFleet {
			var ve ValidationError
			ve.Add("fleet_id", "the fleet has %d webhooks already, the most it may have", n)
			return ve.Err()
		}
		if err := tx.Create(w).Error; err != nil {
			return translate(err, "webhook")
		}
		// The change log never holds the secret.
		return log.created("webhook", w.ID, map[string]any{"fleet_id": w.FleetID, "org_id": w.OrgID, "url": w.URL, "events": w.Events})
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// viewWebhook loads a webhook the actor may see. Errors: ErrForbidden,
// ErrNotFound (also another organization's).
func viewWebhook(tx *gorm.DB, actor Actor, id string) (*Webhook, error) {
	if err := keepsWebhooks(actor); err != nil {
		return nil, err
	}
	w, err := get[Webhook](tx, id, "webhook")
	if err != nil {
		return nil, err
	}
	if !seesWebhook(actor, w) {
		return nil, fmt.Errorf("webhook %s: %w", id, ErrNotFound)
	}
	return w, nil
}

// ViewWebhook loads one webhook. Errors: ErrForbidden, ErrNotFound.
func (s *Store) ViewWebhook(ctx context.Context, actor Actor, id string) (*Webhook, error) {
	return viewWebhook(s.db.WithContext(ctx), actor, id)
}

// WebhookFilter selects webhooks.
type WebhookFilter struct {
	Viewer  Actor
	FleetID string
}

// FindWebhooks lists the webhooks the viewer keeps. Errors: ErrForbidden,
// ErrInvalid.
func (s *Store) FindWebhooks(ctx context.Context, f WebhookFilter, p PageRequest) (Page[Webhook], error) {
	if err := keepsWebhooks(f.Viewer); err != nil {
		return Page[Webhook]{}, err
	}
	q := s.db.WithContext(ctx).Model(&Webhook{})
	if f.Viewer.Role == RoleOperator {
		q = q.Where("org_id = ?", f.Viewer.OrgID)
	}
	if f.FleetID != "" {
		q = q.Where("fleet_id = ?", f.FleetID)
	}
	return findPage[Webhook](q, "webhooks", p)
}

// DeleteWebhook removes a webhook and its delivery log. Errors:
// ErrForbidden, ErrNotFound.
func (s *Store) DeleteWebhook(ctx context.Context, actor Actor, id string, ifVersion *int) error {
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		w, err := viewWebhook(tx, actor, id)
		if err != nil {
			return err
		}
		if err := checkVersion(w.Version, ifVersion); err != nil {
			return err
		}
		if err := tx.Delete(&Webhook{}, "id = ?", id).Error; err != nil {
			return translate(err, "webhook")
		}
		return log.record(ActionDelete, "webhook", id, map[string]any{"fleet_id": w.FleetID, "url": w.URL})
	})
}
