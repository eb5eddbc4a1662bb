package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"camreg/models"
)

// Catching up from far behind.
//
// Replaying the change log costs about one document build (a few queries)
// per event, while Reindex reads every table once and writes in big
// batches: on the national set replay ran at ~550 events/s and reindex at
// ~5,300 documents/s (issue #18). So when an index is far behind (a new or
// restored index, a bulk import), CatchUp rebuilds it from the rows with
// the backend's Rebuild, whose cursor is the log's head read before the
// rows, and then replays only the events written meanwhile. A rebuild
// never loses an event: it is built beside the live index and swapped in
// with its cursor (bleve: the new directory holds it; Meilisearch: the
// cursor is set after the swap; postgres: after the commit), so a crash or
// a failure midway leaves the live index and its cursor as they were, and
// the next CatchUp starts again.

const (
	// minRebuildLag is the lag under which CatchUp always replays: a few
	// seconds of replay at worst.
	minRebuildLag = 2000
)

// replayCost is what replaying one event of each entity costs, in units
// of one document of a rebuild (Reindex's CPU time per document), as
// measured on the medium set (BENCHMARKS.md, "Catching up", 2026-12-06:
// rebuild 4,490 documents per CPU second; batched replay 4,820
// organization events, 2,681 model events, 989 certificate events (each
// rebuilds its models too), 82,272 listing events, which have no
// document). CatchUp rebuilds when replaying the lag would cost more than
// rebuilding every record.
var replayCost = map[string]float64{
	"organization": 0.93,
	"camera_model": 1.7,
	"certificate":  4.5,
	"warning":      4.5,
}

// otherEventCost is replayCost for every other entity: read and skipped.
const otherEventCost = 0.06

// Progress is how far an indexer is behind the change log.
type Progress struct {
	// Cursor is the last event the index reflects, Head the log's last.
	Cursor int64 `json:"cursor"`
	Head   int64 `json:"head"`
	// Events is Head - Cursor; Seconds is how old the oldest event not
	// yet applied is (0 when none is).
	Events  int64   `json:"events"`
	Seconds float64 `json:"seconds"`
	// Rebuilding is true while the index is being rebuilt from the rows;
	// RebuiltDocuments counts the documents the rebuild has written so
	// far, out of about RebuildRecords (the registry's records, private
	// and deleted ones included), so that a rebuild's lag, which moves
	// only at its end, still shows how far it has come.
	Rebuilding       bool  `json:"rebuilding"`
	RebuiltDocuments int64 `json:"rebuilt_documents"`
	RebuildRecords   int64 `json:"rebuild_records"`
	// EventsPerSecond is the rate of the last catch-up that had more than
	// one step of work (replayed, or covered by a rebuild).
	EventsPerSecond float64 `json:"events_per_second"`
	// Applied counts the events applied since the indexer started
	// (replayed, or covered by a rebuild), Rebuilds the rebuilds.
	Applied  int64 `json:"applied"`
	Rebuilds int64 `json:"rebuilds"`
}

// Progress reads the index's cursor and the log's head now.
func (ix *Indexer) Progress(ctx context.Context) (Progress, error) {
	ix.mu.Lock()
	p := Progress{Rebuilding: ix.rebuilding, EventsPerSecond: ix.rate, Applied: ix.applied, Rebuilds: ix.rebuilds}
	if ix.rebuilding {
		p.RebuiltDocuments, p.RebuildRecords = ix.rebuilt, ix.records
	}
	ix.mu.Unlock()
	cursor, err := ix.Index.Cursor(ctx)
	if err != nil {
		return p, fmt.Errorf("read search cursor: %w", err)
	}
	head, err := headSeq(ctx, ix.Store)
	if err != nil {
		return p, err
	}
	p.Cursor, p.Head, p.Events = cursor, head, max(head-cursor, 0)
	if p.Events > 0 {
		next, err := ix.Store.FindEvents(ctx, models.EventFilter{AfterSeq: cursor, Limit: 1})
		if err != nil {
			return p, err
		}
		if len(next) > 0 {
			p.Seconds = max(time.Since(next[0].At).Seconds(), 0)
		}
	}
	return p, nil
}

// catchUpByRebuild rebuilds the index from the rows when it is far enough
// behind that a rebuild is faster than replay, and returns how many events
// the rebuild covered (0 when it did not rebuild).
func (ix *Indexer) catchUpByRebuild(ctx context.Context) (n int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("search engine panicked during a rebuild: %v", r)
		}
	}()
	if r, ok := ix.Index.(interface{ Refresh() error }); ok {
		if err := r.Refresh(); err != nil {
			return 0, err
		}
	}
	cursor, err := ix.Index.Cursor(ctx)
	if err != nil {
		return 0, fmt.Errorf("read search cursor: %w", err)
	}
	head, err := headSeq(ctx, ix.Store)
	if err != nil {
		return 0, err
	}
	lag := head - cursor
	if ok, err := ix.shouldRebuild(ctx, lag); err != nil || !ok {
		return 0, err
	}
	if ix.Log != nil {
		ix.Log.Info("search index far behind: rebuilding it from the rows",
			slog.Int64("cursor", cursor), slog.Int64("head", head), slog.Int64("events", lag))
	}
	ix.mu.Lock()
	ix.rebuilding, ix.rebuilt = true, 0
	ix.mu.Unlock()
	defer func() {
		ix.mu.Lock()
		ix.rebuilding, ix.rebuilt = false, 0
		ix.mu.Unlock()
	}()
	start := time.Now()
	var docs int
	rebuild := func() (err error) {
		docs, err = reindexAt(ctx, ix.Store, ix.Index, head, func(n int) {
			ix.mu.Lock()
			ix.rebuilt = int64(n)
			ix.mu.Unlock()
		})
		return err
	}
	if sh, ok := ix.Index.(sharedIndex); ok {
		if c, ok := sh.RebuildLease(); ok {
			ran, err := withLease(ctx, c, rebuild)
			if err != nil {
				return 0, err
			}
			if !ran {
				// Another process rebuilds the shared index: wait for it
				// rather than replay into an index about to be replaced.
				return 0, errRebuiltElsewhere
			}
			rebuild = nil
		}
	}
	if rebuild != nil {
		if err := rebuild(); err != nil {
			return 0, err
		}
	}
	ix.mu.Lock()
	ix.rebuilds++
	ix.mu.Unlock()
	if ix.Log != nil {
		ix.Log.Info("search index rebuilt", slog.Int("documents", docs), slog.Int64("events", lag),
			slog.Duration("took", time.Since(start)))
	}
	return lag, nil
}

// errRebuiltElsewhere: another process holds the shared index's rebuild
// lease. CatchUp answers it as done for now.
var errRebuiltElsewhere = errors.New("another process is rebuilding the shared search index")

// shouldRebuild decides between rebuild and replay for a lag of lag events.
func (ix *Indexer) shouldRebuild(ctx context.Context, lag int64) (bool, error) {
	switch {
	case ix.RebuildLag < 0 || lag <= 0:
		return false, nil
	case ix.RebuildLag > 0:
		return lag >= ix.RebuildLag, nil
	case lag < minRebuildLag:
		return false, nil
	}
	ix.mu.Lock()
	records, at := ix.records, ix.recordsAt
	ix.mu.Unlock()
	if time.Since(at) > time.Minute {
		n, err := countRecords(ctx, ix.Store)
		if err != nil {
			return false, err
		}
		records = n
		ix.mu.Lock()
		ix.records, ix.recordsAt = n, time.Now()
		ix.mu.Unlock()
	}
	if float64(lag)*otherEventCost >= float64(records) {
		return true, nil
	}
	cursor, err := ix.Index.Cursor(ctx)
	if err != nil {
		return false, fmt.Errorf("read search cursor: %w", err)
	}
	cost, err := lagCost(ctx, ix.Store, cursor, lag)
	if err != nil {
		return false, err
	}
	return cost >= float64(records), nil
}

// lagCost is the cost of replaying the lag events after cursor, in
// documents of a rebuild (replayCost): one count per indexed entity, each
// a range of the events' (entity, seq) index.
func lagCost(ctx context.Context, store *models.Store, cursor, lag int64) (float64, error) {
	cost, counted := 0.0, int64(0)
	for entity, w := range replayCost {
		var n int64
		if err := store.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM events WHERE entity = $1 AND seq > $2",
			entity, cursor).Scan(&n); err != nil {
			return 0, fmt.Errorf("count events to replay: %w", err)
		}
		cost += float64(n) * w
		counted += n
	}
	return cost + float64(max(lag-counted, 0))*otherEventCost, nil
}

// countRecords counts the rows that may become documents (deleted and
// private ones included: an estimate of a rebuild's work).
func countRecords(ctx context.Context, store *models.Store) (int64, error) {
	var n int64
	err := store.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM camera_models)
		+ (SELECT COUNT(*) FROM conformity_certificates) + (SELECT COUNT(*) FROM warnings)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count records to index: %w", err)
	}
	return n, nil
}

// record notes n more events applied by a catch-up that has applied
// total in d and steps steps so far: the rate is that of the catch-up
// under way, once it is longer than one step.
func (ix *Indexer) record(n int64, total int, d time.Duration, steps int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.applied += n
	if steps > 1 && d > 0 {
		ix.rate = float64(total) / d.Seconds()
	}
}
