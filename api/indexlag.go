package api

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"camreg/search"
)

// How far the search index is behind the change log, for /readyz and
// /metrics.
//
// A lagging index does not make /readyz 503. Verify, the registry's reads
// and its writes never read the search index, so a node whose index is
// catching up serves them as well as any; and after a bulk import every
// node lags at once (all of them, with a shared Meilisearch or postgres
// index), so a 503 would take the whole registry out of the balancer for
// minutes. /readyz says "catching_up" (status "degraded", still 200) and
// gives the lag, for a balancer or an operator that routes /v1/search on
// it.

// behindAfter is how old the oldest unapplied event may be before /readyz
// calls the index behind: in step, the indexer applies events within its
// 300 ms poll.
const behindAfter = 30 * time.Second

// searchLagResponse is the search index's lag in /readyz.
type searchLagResponse struct {
	// Events the index has not applied yet, and the age in seconds of the
	// oldest of them.
	Events  int64   `json:"events" example:"0"`
	Seconds float64 `json:"seconds" example:"0"`
	// Rebuilding is true while the indexer rebuilds the index from the
	// rows, which it does when far behind.
	Rebuilding bool `json:"rebuilding" example:"false"`
	// EventsPerSecond is the rate of the indexer's last long catch-up.
	EventsPerSecond float64 `json:"events_per_second" example:"0"`
	// While rebuilding (the lag moves only when a rebuild ends): the
	// documents written so far, out of about rebuild_records.
	RebuiltDocuments int64 `json:"rebuilt_documents,omitempty" example:"120000"`
	RebuildRecords   int64 `json:"rebuild_records,omitempty" example:"330516"`
}

// searchLagCheck reads the indexer's progress for /readyz: the lag (nil
// when it cannot be read), and whether the index counts as behind.
func (s *Server) searchLagCheck(ctx context.Context) (lag *searchLagResponse, behind bool) {
	if s.searchProgress == nil {
		return nil, false
	}
	p, err := s.searchProgress(ctx)
	if err != nil {
		return nil, false
	}
	lag = &searchLagResponse{Events: p.Events, Seconds: p.Seconds, Rebuilding: p.Rebuilding, EventsPerSecond: p.EventsPerSecond,
		RebuiltDocuments: p.RebuiltDocuments, RebuildRecords: p.RebuildRecords}
	return lag, p.Rebuilding || (p.Events > 0 && p.Seconds > behindAfter.Seconds())
}

// indexerCollector exports one indexer's progress, read once per scrape.
type indexerCollector struct {
	name     string
	progress func(context.Context) (search.Progress, error)
}

var (
	indexerLagEvents = prometheus.NewDesc("camreg_indexer_lag_events",
		"Change-log events the indexer has not applied yet; -1 when it cannot be read.", []string{"indexer"}, nil)
	indexerLagSeconds = prometheus.NewDesc("camreg_indexer_lag_seconds",
		"Age of the oldest change-log event the indexer has not applied yet (0 when in step).", []string{"indexer"}, nil)
	indexerRate = prometheus.NewDesc("camreg_indexer_events_per_second",
		"Events per second of the indexer's last catch-up of more than one step (replayed, or covered by a rebuild).", []string{"indexer"}, nil)
	indexerApplied = prometheus.NewDesc("camreg_indexer_events_applied_total",
		"Change-log events the indexer has applied since the process started (replayed, or covered by a rebuild).", []string{"indexer"}, nil)
	indexerRebuilds = prometheus.NewDesc("camreg_indexer_rebuilds_total",
		"Rebuilds from the rows the indexer chose because it was far behind.", []string{"indexer"}, nil)
	indexerRebuilding = prometheus.NewDesc("camreg_indexer_rebuilding",
		"1 while the indexer rebuilds its index from the rows.", []string{"indexer"}, nil)
	indexerRebuilt = prometheus.NewDesc("camreg_indexer_rebuilt_documents",
		"Documents written so far by the rebuild under way (0 when none is), out of about camreg_indexer_rebuild_records.", []string{"indexer"}, nil)
	indexerRebuildRecords = prometheus.NewDesc("camreg_indexer_rebuild_records",
		"The registry's records as the rebuild under way counted them (0 when none is).", []string{"indexer"}, nil)
)

func (c indexerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{indexerLagEvents, indexerLagSeconds, indexerRate, indexerApplied, indexerRebuilds, indexerRebuilding,
		indexerRebuilt, indexerRebuildRecords} {
		ch <- d
	}
}

func (c indexerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p, err := c.progress(ctx)
	events := float64(p.Events)
	if err != nil {
		events = -1
	}
	rebuilding := 0.0
	if p.Rebuilding {
		rebuilding = 1
	}
	ch <- prometheus.MustNewConstMetric(indexerLagEvents, prometheus.GaugeValue, events, c.name)
	ch <- prometheus.MustNewConstMetric(indexerLagSeconds, prometheus.GaugeValue, p.Seconds, c.name)
	ch <- prometheus.MustNewConstMetric(indexerRate, prometheus.GaugeValue, p.EventsPerSecond, c.name)
	ch <- prometheus.MustNewConstMetric(indexerApplied, prometheus.CounterValue, float64(p.Applied), c.name)
	ch <- prometheus.MustNewConstMetric(indexerRebuilds, prometheus.CounterValue, float64(p.Rebuilds), c.name)
	ch <- prometheus.MustNewConstMetric(indexerRebuilding, prometheus.GaugeValue, rebuilding, c.name)
	ch <- prometheus.MustNewConstMetric(indexerRebuilt, prometheus.GaugeValue, float64(p.RebuiltDocuments), c.name)
	ch <- prometheus.MustNewConstMetric(indexerRebuildRecords, prometheus.GaugeValue, float64(p.RebuildRecords), c.name)
}
