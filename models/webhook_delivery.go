package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Webhook deliveries: one alert for one endpoint, made in the alert's own
// transaction and tried by the sender (package webhook) until the endpoint
// answers 2xx or the attempts run out. A sender claims a due delivery with
// a lease (a conditional update, atomic on both databases), so two
// processes never send the same attempt; each attempt is logged, and its
// number is unique per delivery.

// The statuses of a delivery.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// DefaultMaxAttempts is how many times a delivery is tried before it is
// failed; a re-send grants as many again.
const DefaultMaxAttempts = 8

// WebhookDelivery is one alert for one endpoint.
type WebhookDelivery struct {
	ID             string `gorm:"primaryKey"`
	WebhookID      string
	AlertID        string
	Kind           string
	Status         string
	Attempts       int
	MaxAttempts    int
	NextAttemptAt  *time.Time
	LeaseOwner     string
	LeaseUntil     *time.Time
	LastStatusCode int
	LastError      string
	LastAttemptAt  *time.Time
	DeliveredAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// AttemptLog is the delivery's attempts, oldest first, when loaded.
	AttemptLog []WebhookAttempt `gorm:"-"`
}

// TableName is the deliveries' table.
func (WebhookDelivery) TableName() string { return "webhook_deliveries" }

// GetID returns the delivery's id.
func (d WebhookDelivery) GetID() string { return d.ID }

// WebhookAttempt is one try of a delivery.
type WebhookAttempt struct {
	ID         string `gorm:"primaryKey"`
	DeliveryID string
	Attempt    int
	At         time.Time
	StatusCode int
	Error      string
	DurationMS int `gorm:"column:duration_ms"`
}

// TableName is the attempts' table.
func (WebhookAttempt) TableName() string { return "webhook_attempts" }

// enqueueDeliveries makes, inside the alert's transaction, a delivery of
// the alert to each webhook of its fleet that receives its kind.
func (s *Store) enqueueDeliveries(tx *gorm.DB, a *Alert, now time.Time) (int, error) {
	var hooks []Webhook
	if err := tx.Where("fleet_id = ?", a.FleetID).Find(&hooks).Error; err != nil {
		return 0, fmt.Errorf("read webhooks of fleet %s: %w", a.FleetID, err)
	}
	n := 0
	for i := range hooks {
		if !hooks[i].Subscribed(a.Kind) {
			continue
		}
		d := WebhookDelivery{ID: newID(), WebhookID: hooks[i].ID, AlertID: a.ID, Kind: a.Kind, Status: DeliveryPending,
			MaxAttempts: DefaultMaxAttempts, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&d)
		if res.Error != nil {
			return n, fmt.Errorf("make delivery: %w", res.Error)
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// ClaimedDelivery is a delivery a sender holds the lease of, with what it
// needs to send it.
type ClaimedDelivery struct {
	Delivery WebhookDelivery
	Webhook  Webhook
	Alert    Alert
	// Secret is the webhook's secret, unsealed.
	Secret string
}

// ClaimDeliveries takes the lease of up to n due deliveries for owner,
// until lease passes. A delivery another process holds is skipped.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, n int, lease time.Duration) ([]ClaimedDelivery, error) {
	db := s.db.WithContext(ctx)
	now := s.timestamp()
	var due []WebhookDelivery
	err := db.Where("status = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)", DeliveryPending, now, now).
		Order("next_attempt_at, id").Limit(n).Find(&due).Error
	if err != nil {
		return nil, fmt.Errorf("find due deliveries: %w", err)
	}
	var out []ClaimedDelivery
	until := now.Add(lease)
	for _, d := range due {
		res := db.Model(&WebhookDelivery{}).
			Where("id = ? AND status = ? AND attempts = ? AND (lease_until IS NULL OR lease_until < ?)", d.ID, DeliveryPending, d.Attempts, now).
			Updates(map[string]any{"lease_owner": owner, "lease_until": until})
		if res.Error != nil {
			return out, fmt.Errorf("claim delivery %s: %w", d.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			continue // another process took it
		}
		d.LeaseOwner, d.LeaseUntil = owner, &until
		c := ClaimedDelivery{Delivery: d}
		if err := db.Where("id = ?", d.WebhookID).Take(&c.Webhook).Error; err != nil {
			return out, fmt.Errorf("read webhook %s: %w", d.WebhookID, err)
		}
		if err := db.Where("id = ?", d.AlertID).Take(&c.Alert).Error; err != nil {
			return out, fmt.Errorf("read alert %s: %w", d.AlertID, err)
		}
		secret, err := s.OpenSecret(&c.Webhook)
		if err != nil {
			_ = s.RecordAttempt(ctx, owner, &d, AttemptResult{Err: err.Error()}, func(int) time.Duration { return time.Minute })
			continue
		}
		c.Secret = secret
		out = append(out, c)
	}
	return out, nil
}

// AttemptResult is what one try of a delivery got.
type AttemptResult struct {
	// StatusCode is the endpoint's answer, 0 when none came.
	StatusCode int
	Err        string
	Duration   time.Duration
}

// Delivered reports whether the endpoint took the delivery (2xx).
func (r AttemptResult) Delivered() bool { return r.StatusCode >= 200 && r.StatusCode < 300 }

// RecordAttempt logs an attempt of a delivery owner holds the lease of,
// and settles it: delivered, failed when its attempts ran out, or due
// again after backoff(attempt). A lease lost meanwhile records nothing.
// It returns the delivery's new status.
func (s *Store) RecordAttempt(ctx context.Context, owner string, d *WebhookDelivery, r AttemptResult, backoff func(attempt int) time.Duration) error {
	now := s.timestamp()
	attempt := d.Attempts + 1
	upd := map[string]any{"attempts": attempt, "lease_owner": "", "lease_until": nil, "last_status_code": r.StatusCode,
		"last_error": truncateText(r.Err, 500), "last_attempt_at": now, "updated_at": now}
	switch {
	case r.Delivered():
		upd["status"], upd["delivered_at"], upd["next_attempt_at"] = DeliveryDelivered, now, nil
	case attempt >= d.MaxAttempts:
		upd["status"], upd["next_attempt_at"] = DeliveryFailed, nil
	default:
		upd["next_attempt_at"] = now.Add(backoff(attempt))
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&WebhookDelivery{}).Where("id = ? AND lease_owner = ? AND attempts = ?", d.ID, owner, d.Attempts).Updates(upd)
		if res.Error != nil {
			return fmt.Errorf("settle delivery %s: %w", d.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // the lease was lost: another process owns the delivery now
		}
		a := WebhookAttempt{ID: newID(), DeliveryID: d.ID, Attempt: attempt, At: now, StatusCode: r.StatusCode,
			Error: truncateText(r.Err, 500), DurationMS: int(r.Duration.Milliseconds())}
		if err := tx.Create(&a).Error; err != nil {
			return fmt.Errorf("log attempt of delivery %s: %w", d.ID, err)
		}
		return nil
	})
}

func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// WebhookDeliveries lists a webhook's deliveries, oldest first, each with
// its attempts. Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) WebhookDeliveries(ctx context.Context, actor Actor, webhookID string, p PageRequest) (Page[WebhookDelivery], error) {
	db := s.db.WithContext(ctx)
	if _, err := viewWebhook(db, actor, webhookID); err != nil {
		return Page[WebhookDelivery]{}, err
	}
	page, err := findPage[WebhookDelivery](db.Model(&WebhookDelivery{}).Where("webhook_id = ?", webhookID), "webhook_deliveries", p)
	if err != nil {
		return page, err
	}
	if err := attachAttempts(db, page.Items); err != nil {
		return page, err
	}
	return page, nil
}

func attachAttempts(db *gorm.DB, ds []WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]string, len(ds))
	for i := range ds {
		ids[i] = ds[i].ID
	}
	var as []WebhookAttempt
	if err := db.Where("delivery_id IN ?", ids).Order("delivery_id, attempt").Find(&as).Error; err != nil {
		return fmt.Errorf("read delivery attempts: %w", err)
	}
	for i := range ds {
		ds[i].AttemptLog = []WebhookAttempt{}
		for _, a := range as {
			if a.DeliveryID == ds[i].ID {
				ds[i].AttemptLog = append(ds[i].AttemptLog, a)
			}
		}
	}
	return nil
}

// ResendDelivery makes a delivery due now, with DefaultMaxAttempts more
// attempts, whatever its status. Errors: ErrForbidden, ErrNotFound,
// ErrConflict (a sender holds it now).
func (s *Store) ResendDelivery(ctx context.Context, actor Actor, webhookID, deliveryID string) (*WebhookDelivery, error) {
	db := s.db.WithContext(ctx)
	if _, err := viewWebhook(db, actor, webhookID); err != nil {
		return nil, err
	}
	var d *WebhookDelivery
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if d, err = get[WebhookDelivery](tx, deliveryID, "delivery"); err != nil {
			return err
		}
		if d.WebhookID != webhookID {
			return fmt.Errorf("delivery %s: %w", deliveryID, ErrNotFound)
		}
		now := s.timestamp()
		if d.LeaseUntil != nil && d.LeaseUntil.After(now) {
			return Conflict("delivery %s is being sent now; try again in a minute", deliveryID)
		}
		d.Status, d.NextAttemptAt, d.MaxAttempts, d.LeaseOwner, d.LeaseUntil, d.UpdatedAt =
			DeliveryPending, &now, d.Attempts+DefaultMaxAttempts, "", nil, now
		return tx.Model(&WebhookDelivery{}).Where("id = ?", d.ID).Updates(map[string]any{"status": d.Status,
			"next_attempt_at": now, "max_attempts": d.MaxAttempts, "lease_owner": "", "lease_until": nil, "updated_at": now}).Error
	})
	if err != nil {
		return nil, err
	}
	ds := []WebhookDelivery{*d}
	if err := attachAttempts(db, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

// PendingDeliveries counts the deliveries not yet settled, for /metrics.
func (s *Store) PendingDeliveries(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&WebhookDelivery{}).Where("status = ?", DeliveryPending).Count(&n).Error
	return n, err
}
