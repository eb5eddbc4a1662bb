package webhook

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"camreg/models"
)

// Alerter runs the alert processor: it reads the change log after the
// alerts' cursor (models.AlertStep) every Interval, and runs the dated
// checks (models.AlertTick) on start and every TickEvery. Any number of
// processes may run one on the same database: a step another process
// committed first is dropped (models.ErrAlertRace) and no alert is made
// twice.
type Alerter struct {
	Store *models.Store
	Log   *slog.Logger
	// Interval is how often the change log is read; 500 ms by default.
	Interval time.Duration
	// TickEvery is how often the dated checks run; 1 hour by default.
	TickEvery time.Duration
	// Sender, when set, is nudged when deliveries were made.
	Sender  *Sender
	Metrics *Metrics
}

// Run processes alerts until ctx ends; errors are logged and retried.
func (a *Alerter) Run(ctx context.Context) {
	interval, tickEvery := a.Interval, a.TickEvery
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	if tickEvery <= 0 {
		tickEvery = time.Hour
	}
	log := a.Log
	if log == nil {
		log = slog.Default()
	}
	var lastTick time.Time
	failing := false
	for {
		var err error
		if time.Since(lastTick) >= tickEvery {
			var r models.AlertResult
			r, err = a.Store.AlertTick(ctx)
			a.done(r)
			if err == nil {
				lastTick = time.Now()
			}
		}
		if err == nil {
			err = a.CatchUp(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && !errors.Is(err, models.ErrAlertRace):
			if !failing {
				log.Warn("alert processor behind", slog.String("error", err.Error()))
			}
			failing = true
		case failing:
			log.Info("alert processor caught up")
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// CatchUp runs steps until the change log is read to its head.
func (a *Alerter) CatchUp(ctx context.Context) error {
	for {
		r, err := a.Store.AlertStep(ctx, 500)
		a.done(r)
		if err != nil || r.Events < 500 {
			return err
		}
	}
}

func (a *Alerter) done(r models.AlertResult) {
	if r.Deliveries > 0 && a.Sender != nil {
		a.Sender.Nudge()
	}
	if a.Metrics != nil {
		for k, n := range r.Kinds {
			a.Metrics.alerts.WithLabelValues(k).Add(float64(n))
		}
	}
}

// Metrics are the alerts' and deliveries' Prometheus metrics.
type Metrics struct {
	alerts     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	attempts   prometheus.Histogram
	gauges     []prometheus.Collector
}

// NewMetrics makes the metrics; store, when set, adds gauges read at each
// scrape (pending deliveries, the processor's lag).
func NewMetrics(store *models.Store) *Metrics {
	m := &Metrics{
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "camreg_alerts_total", Help: "Alerts made by this process, by event.",
		}, []string{"type"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "camreg_webhook_attempts_total",
			Help: "Webhook delivery attempts by this process, by result: delivered, retry (will be tried again) or failed (attempts ran out).",
		}, []string{"result"}),
		attempts: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "camreg_webhook_attempt_duration_seconds", Help: "How long one webhook delivery attempt took.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	if store != nil {
		read := func(f func(context.Context) (int64, error)) func() float64 {
			return func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				n, err := f(ctx)
				if err != nil {
					return -1
				}
				return float64(n)
			}
		}
		m.gauges = append(m.gauges,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "camreg_webhook_pending_deliveries",
				Help: "Webhook deliveries not yet delivered or failed; -1 when it cannot be read."}, read(store.PendingDeliveries)),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "camreg_alert_lag_events",
				Help: "Change-log events the alert processor has not read yet; -1 when it cannot be read."}, read(store.AlertLag)))
	}
	return m
}

// Collectors are the metrics to register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return append([]prometheus.Collector{m.alerts, m.deliveries, m.attempts}, m.gauges...)
}

func (m *Metrics) observe(r models.AttemptResult, last bool) {
	m.attempts.Observe(r.Duration.Seconds())
	switch {
	case r.Delivered():
		m.deliveries.WithLabelValues("delivered").Inc()
	case last:
		m.deliveries.WithLabelValues("failed").Inc()
	default:
		m.deliveries.WithLabelValues("retry").Inc()
	}
}
