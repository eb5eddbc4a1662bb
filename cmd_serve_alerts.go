package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"camreg/models"
	"camreg/webhook"
)

// alerting is what serve runs for the fleets' alerts: the alert processor
// and the webhook sender, configured from the environment.
type alerting struct {
	policy  webhook.Policy
	sender  *webhook.Sender
	metrics *webhook.Metrics
}

// startAlerts reads the webhook settings and runs the alert processor and
// the webhook sender until ctx ends:
//   - CAMREG_WEBHOOK_ALLOW_PRIVATE=1 lets webhooks reach private and
//     loopback addresses, over http too (tests, closed networks);
//   - CAMREG_WEBHOOK_KEY seals webhook secrets at rest (docs/security.md);
//   - CAMREG_WEBHOOK_RETRY_BASE is the first retry's delay (30s);
//   - CAMREG_WEBHOOK_WORKERS bounds the deliveries sent at once (4);
//   - CAMREG_ALERT_TICK is how often the dated checks run (1h).
//
// The alerter starts reading the change log once after is closed (nil:
// at once): the server passes the search indexer's first catch-up, since
// on a fresh or bulk-loaded registry both read the whole log, and the two
// at once made the search rebuild slower than `camreg reindex`
// (BENCHMARKS.md, "Catching up"). Deliveries already queued are sent
// meanwhile.
func startAlerts(ctx context.Context, st *models.Store, log *slog.Logger, after <-chan struct{}) (*alerting, error) {
	a := &alerting{policy: webhook.Policy{AllowPrivate: os.Getenv("CAMREG_WEBHOOK_ALLOW_PRIVATE") == "1"}}
	if key := os.Getenv("CAMREG_WEBHOOK_KEY"); key != "" {
		st.SetWebhookKey([]byte(key))
	} else {
		log.Info("webhook secrets are stored unsealed: set CAMREG_WEBHOOK_KEY to seal them (docs/security.md)")
	}
	if a.policy.AllowPrivate {
		log.Warn("CAMREG_WEBHOOK_ALLOW_PRIVATE=1: webhooks may reach private addresses and plain http")
	}
	retry, err := envDuration("CAMREG_WEBHOOK_RETRY_BASE", 30*time.Second)
	if err != nil {
		return nil, err
	}
	tick, err := envDuration("CAMREG_ALERT_TICK", time.Hour)
	if err != nil {
		return nil, err
	}
	workers := 4
	if v := os.Getenv("CAMREG_WEBHOOK_WORKERS"); v != "" {
		if workers, err = strconv.Atoi(v); err != nil || workers < 1 || workers > 64 {
			return nil, fmt.Errorf("CAMREG_WEBHOOK_WORKERS=%q: give a number from 1 to 64", v)
		}
	}
	a.metrics = webhook.NewMetrics(st)
	a.sender = &webhook.Sender{Store: st, Client: a.policy.Client(), Log: log, Workers: workers, RetryBase: retry, Metrics: a.metrics}
	alerter := &webhook.Alerter{Store: st, Log: log, TickEvery: tick, Sender: a.sender, Metrics: a.metrics}
	go func() {
		if after != nil {
			select {
			case <-after:
			case <-ctx.Done():
				return
			}
		}
		alerter.Run(ctx)
	}()
	go a.sender.Run(ctx)
	log.Info("alerts started", slog.Int("webhook_workers", workers), slog.Duration("retry_base", retry))
	return a, nil
}

// envDuration reads a duration setting such as "30s".
func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: give a duration such as 30s", name, v)
	}
	return d, nil
}
