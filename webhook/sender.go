package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"camreg/models"
)

// Sender claims due deliveries and sends them, at most Workers at once,
// apart from the requests that made the alerts: a slow endpoint holds a
// worker for RequestTimeout at most and never a write.
type Sender struct {
	Store  *models.Store
	Client *http.Client
	Log    *slog.Logger
	// Owner names this process in leases; NewOwner makes one.
	Owner string
	// Workers bounds the deliveries sent at once; 4 by default.
	Workers int
	// Lease is how long a claim holds; 1 minute by default (more than
	// RequestTimeout, so a lease never runs out mid-send).
	Lease time.Duration
	// RetryBase is the first retry's delay, doubled on each attempt (with
	// jitter, up to 6 hours); 30 s by default.
	RetryBase time.Duration
	// Poll is how often Run looks for due deliveries; 1 s by default.
	Poll    time.Duration
	Metrics *Metrics

	once  sync.Once
	nudge chan struct{}
}

// NewOwner makes a lease owner name unique to this process.
func NewOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
}

func (s *Sender) init() {
	s.once.Do(func() {
		s.nudge = make(chan struct{}, 1)
		if s.Owner == "" {
			s.Owner = NewOwner()
		}
		if s.Workers <= 0 {
			s.Workers = 4
		}
		if s.Lease <= 0 {
			s.Lease = time.Minute
		}
		if s.RetryBase <= 0 {
			s.RetryBase = 30 * time.Second
		}
		if s.Poll <= 0 {
			s.Poll = time.Second
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
	})
}

// Nudge asks Run to look for due deliveries now.
func (s *Sender) Nudge() {
	s.init()
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// Run sends due deliveries until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.init()
	for {
		n, err := s.SendDue(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.Log.Warn("webhook sender", slog.String("error", err.Error()))
		}
		if n > 0 {
			continue // there may be more due
		}
		select {
		case <-ctx.Done():
			return
		case <-s.nudge:
		case <-time.After(s.Poll):
		}
	}
}

// SendDue claims the due deliveries (up to 4 per worker), sends them with
// Workers at once, and returns how many it sent.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	s.init()
	claimed, err := s.Store.ClaimDeliveries(ctx, s.Owner, s.Workers*4, s.Lease)
	sem := make(chan struct{}, s.Workers)
	var wg sync.WaitGroup
	for i := range claimed {
		sem <- struct{}{}
		wg.Add(1)
		go func(c *models.ClaimedDelivery) {
			defer func() { <-sem; wg.Done() }()
			s.deliver(ctx, c)
		}(&claimed[i])
	}
	wg.Wait()
	return len(claimed), err
}

// Message is the body of a delivery, as the Standard Webhooks
// specification shapes it: the event type, when it happened, its data.
type Message struct {
	Type      string              `json:"type"`
	Timestamp time.Time           `json:"timestamp"`
	Data      models.AlertPayload `json:"data"`
}

// deliver sends one claimed delivery and records the attempt.
func (s *Sender) deliver(ctx context.Context, c *models.ClaimedDelivery) {
	start := time.Now()
	res := s.send(ctx, c)
	res.Duration = time.Since(start)
	if ctx.Err() != nil && res.StatusCode == 0 {
		return // shutting down: the lease runs out and another try follows
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.Store.RecordAttempt(rctx, s.Owner, &c.Delivery, res, s.backoff); err != nil {
		s.Log.Warn("record webhook attempt", slog.String("delivery", c.Delivery.ID), slog.String("error", err.Error()))
	}
	if s.Metrics != nil {
		s.Metrics.observe(res, c.Delivery.Attempts+1 >= c.Delivery.MaxAttempts)
	}
}

// send makes one attempt.
func (s *Sender) send(ctx context.Context, c *models.ClaimedDelivery) models.AttemptResult {
	body, err := json.Marshal(Message{Type: c.Alert.Kind, Timestamp: c.Alert.CreatedAt.UTC(), Data: c.Alert.Payload()})
	if err != nil {
		return models.AttemptResult{Err: "encode: " + err.Error()}
	}
	wh, err := standardwebhooks.NewWebhook(c.Secret)
	if err != nil {
		return models.AttemptResult{Err: "secret: " + err.Error()}
	}
	msgID := "msg_" + c.Delivery.ID
	now := time.Now()
	sig, err := wh.Sign(msgID, now, body)
	if err != nil {
		return models.AttemptResult{Err: "sign: " + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		return models.AttemptResult{Err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "camreg-webhooks/1")
	req.Header.Set(standardwebhooks.HeaderWebhookID, msgID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := s.Client.Do(req)
	if err != nil {
		return models.AttemptResult{Err: err.Error()}
	}
	drain(resp.Body)
	r := models.AttemptResult{StatusCode: resp.StatusCode}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.Err = fmt.Sprintf("redirect to %q not followed", resp.Header.Get("Location"))
	case !r.Delivered():
		r.Err = "the endpoint answered " + resp.Status
	}
	return r
}

// backoff is the delay before attempt+1: RetryBase doubled per attempt,
// capped at 6 hours, times a random factor in [0.5, 1.5) so that
// endpoints that fail together are not retried together.
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.RetryBase
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	d = min(d, 6*time.Hour)
	return time.Duration(float64(d) * (0.5 + mrand.Float64()))
}
