package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"camreg/models"
)

// entityTypes maps the change log's entity names to document types.
// Entities that have no document (listings, standards, keys, ...) are
// skipped by the indexer.
var entityTypes = map[string]Type{
	"camera_model": TypeModel,
	"organization": TypeOrganization,
	"certificate":  TypeCertificate,
	"warning":      TypeWarning,
}

// Indexer keeps an index in step with the change log: it reads the events
// after the index's cursor, in seq order, rebuilds the documents of the
// records they name from the database, and advances the cursor. Replaying
// an event is harmless, since a document is rebuilt from the row as it is
// now (or deleted when the row is gone), so a crash between an update and
// the cursor's advance loses nothing.
type Indexer struct {
	Store   *models.Store
	Index   Index
	Builder *Builder
	Log     *slog.Logger
	// Interval is how often Run polls the change log; 300 ms by default.
	Interval time.Duration
	// Batch is how many events one step reads; 1000 (the most
	// FindEvents gives) by default. Records named several times in a step
	// are built once.
	Batch int
	// RebuildLag is the lag, in events, from which CatchUp rebuilds the
	// index from the rows rather than replaying (catchup.go): 0 decides by
	// the registry's size, a negative value never rebuilds.
	RebuildLag int64

	nudge   chan struct{}
	settled chan struct{}
	once    sync.Once
	mu      sync.Mutex
	lastErr error
	// Progress counters (catchup.go), under mu.
	rebuilding bool
	rebuilt    int64 // documents written by the rebuild under way
	rate       float64
	applied    int64
	rebuilds   int64
	// records is the registry's size, counted at recordsAt (catchup.go).
	records   int64
	recordsAt time.Time
}

func (ix *Indexer) init() {
	ix.once.Do(func() {
		ix.nudge = make(chan struct{}, 1)
		ix.settled = make(chan struct{})
	})
}

// Settled is closed when Run's first catch-up has ended, in step or with
// an error: after a rebuild from the rows when the index was far behind.
// The server holds back its other start-up work that reads the whole
// registry (the matcher's and verify's warm-ups) until then, so that it
// does not compete with the rebuild for the cores and the database
// (BENCHMARKS.md, "Catching up").
func (ix *Indexer) Settled() <-chan struct{} {
	ix.init()
	return ix.settled
}

// Nudge asks Run to look at the change log now rather than at its next tick.
func (ix *Indexer) Nudge() {
	ix.init()
	select {
	case ix.nudge <- struct{}{}:
	default:
	}
}

// Err is the error of the indexer's last step, nil when it succeeded: a
// non-nil Err means the index is behind and retrying.
func (ix *Indexer) Err() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.lastErr
}

func (ix *Indexer) setErr(err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.lastErr = err
}

// Run catches up and then polls until ctx ends. Errors (the engine down,
// the database busy) are logged and retried with a growing pause of up to
// 10 s; the cursor only moves after a batch is applied, so the index
// catches up when the engine returns.
func (ix *Indexer) Run(ctx context.Context) {
	ix.init()
	interval := ix.Interval
	if interval <= 0 {
		interval = 300 * time.Millisecond
	}
	wait := interval
	for first := true; ; first = false {
		var err error
		if ix.Err() != nil {
			// The last catch-up failed: ask the engine whether it answers
			// before catching up again. A catch-up reads the log, counts
			// its cost (four counts over the events on a far-behind index)
			// and takes the rebuild lease (two writes) before the engine
			// is first called; while the engine is down, every retry did
			// all that again (BENCHMARKS.md, "Verify cold: where the slow
			// 1 % waits").
			err = ix.Index.Ping(ctx)
		}
		if err == nil {
			_, err = ix.CatchUp(ctx)
		}
		if first {
			close(ix.settled)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if ix.Err() == nil && ix.Log != nil {
				ix.Log.Warn("search indexer behind", slog.String("error", err.Error()))
			}
			ix.setErr(err)
			wait = min(wait*2, 10*time.Second)
		} else {
			if ix.Err() != nil && ix.Log != nil {
				ix.Log.Info("search indexer caught up")
			}
			ix.setErr(nil)
			wait = interval
		}
		select {
		case <-ctx.Done():
			return
		case <-ix.nudge:
		case <-time.After(wait):
		}
	}
}

// CatchUp applies every event after the index's cursor and returns how
// many it read (or a rebuild from the rows covered, when the index was far
// behind: see catchup.go).
func (ix *Indexer) CatchUp(ctx context.Context) (int, error) {
	batch := ix.Batch
	if batch <= 0 || batch > 1000 {
		batch = 1000
	}
	start := time.Now()
	rebuilt, err := ix.catchUpByRebuild(ctx)
	if errors.Is(err, errRebuiltElsewhere) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	total, steps := int(rebuilt), 0
	if rebuilt > 0 {
		steps = 2
	}
	ix.record(rebuilt, total, time.Since(start), steps)
	for {
		n, err := ix.step(ctx, batch)
		total += n
		steps++
		ix.record(int64(n), total, time.Since(start), steps)
		if err != nil || n < batch {
			return total, err
		}
	}
}

type ref = Ref

// uuidPattern finds record ids in an event's change summary.
var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// step applies up to limit events after the cursor. A panic in the
// engine's library becomes the step's error, so that the server and its
// writes stay up while the index is behind: bleve has panicked on a
// segment it closed after a failed write to a full disk. The cursor does
// not move, and a restart or `camreg reindex` brings the index back.
func (ix *Indexer) step(ctx context.Context, limit int) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("search engine panicked: %v", r)
		}
	}()
	// A backend rebuilt by another process (camreg reindex) is swapped in
	// here, before its cursor is read.
	if r, ok := ix.Index.(interface{ Refresh() error }); ok {
		if err := r.Refresh(); err != nil {
			return 0, err
		}
	}
	cursor, err := ix.Index.Cursor(ctx)
	if err != nil {
		return 0, fmt.Errorf("read search cursor: %w", err)
	}
	events, err := ix.Store.FindEvents(ctx, models.EventFilter{AfterSeq: cursor, Limit: limit})
	if err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, nil
	}
	var refs []ref
	seen := map[ref]bool{}
	named := map[ref]bool{}
	add := func(r ref) {
		if !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	for _, e := range events {
		t, ok := entityTypes[e.Entity]
		if !ok {
			continue
		}
		named[ref{t, e.EntityID}] = true
		add(ref{t, e.EntityID})
		switch t {
		case TypeCertificate, TypeWarning:
			// A certificate or warning changes its models' compliance
			// status: those it names now, and those the change removed,
			// which only the change summary still lists.
			for _, id := range uuidPattern.FindAllString(e.Changes, -1) {
				add(ref{TypeModel, id})
			}
		}
	}
	if err := ix.apply(ctx, refs, named); err != nil {
		return 0, err
	}
	if err := ix.Index.SetCursor(ctx, events[len(events)-1].Seq); err != nil {
		return 0, fmt.Errorf("advance search cursor: %w", err)
	}
	return len(events), nil
}

// apply rebuilds the documents of refs and of the records that depend on
// them: a certificate's covered models, a warning's affected models, an
// organization's certificates (which show its name). Only a record that an
// event names is deleted when it is gone: an id found in a change summary
// may be no model at all. The documents are built together
// (Builder.BuildMany), a few queries per step rather than per record.
func (ix *Indexer) apply(ctx context.Context, refs []ref, named map[ref]bool) error {
	all := append([]ref(nil), refs...)
	seen := make(map[ref]bool, len(refs))
	for _, r := range refs {
		seen[r] = true
	}
	add := func(r ref, isNamed bool) {
		if isNamed {
			named[r] = true
		}
		if !seen[r] {
			seen[r] = true
			all = append(all, r)
		}
	}
	byType := map[Type][]string{}
	for _, r := range refs {
		byType[r.Type] = append(byType[r.Type], r.ID)
	}
	// A certificate's or warning's models, whatever the public may see of
	// the certificate: its status change may be what changes theirs.
	err := chunks(byType[TypeCertificate], func(ids []string) error {
		certs, err := ix.Store.ViewCertificates(ctx, models.System("search indexer"), ids)
		for _, c := range certs {
			for _, m := range c.Models {
				add(ref{TypeModel, m.CameraModelID}, false)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	err = chunks(byType[TypeWarning], func(ids []string) error {
		warnings, err := ix.Store.GetWarnings(ctx, ids)
		for _, w := range warnings {
			for _, m := range w.Affected {
				add(ref{TypeModel, m.CameraModelID}, false)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	err = chunks(byType[TypeOrganization], func(ids []string) error {
		certs, err := ix.Store.CertificateIDsHeldBy(ctx, models.Public, ids)
		for _, id := range certs {
			add(ref{TypeCertificate, id}, true)
		}
		return err
	})
	if err != nil {
		return err
	}
	docs, err := ix.Builder.BuildMany(ctx, all)
	if err != nil {
		return fmt.Errorf("build search documents: %w", err)
	}
	var upserts []Document
	var deletes []string
	for _, r := range all {
		if doc := docs[r]; doc != nil {
			upserts = append(upserts, *doc)
		} else if named[r] {
			deletes = append(deletes, DocID(r.Type, r.ID))
		}
	}
	if len(deletes) > 0 {
		if err := ix.Index.Delete(ctx, deletes); err != nil {
			return err
		}
	}
	for len(upserts) > 0 {
		n := min(len(upserts), 1000)
		if err := ix.Index.Upsert(ctx, upserts[:n]); err != nil {
			return err
		}
		upserts = upserts[n:]
	}
	return nil
}

// Reindex rebuilds the whole index from the database, without taking
// search offline: the backend builds a new index beside the live one and
// swaps it in. The new index's cursor is the change log's head read before
// the rows, so events written meanwhile are applied (again, harmlessly) by
// the indexer afterwards.
func Reindex(ctx context.Context, store *models.Store, idx Index) (int, error) {
	head, err := headSeq(ctx, store)
	if err != nil {
		return 0, err
	}
	return reindexAt(ctx, store, idx, head, nil)
}

// reindexAt rebuilds idx from the rows, read after head was: head becomes
// its cursor.
func reindexAt(ctx context.Context, store *models.Store, idx Index, head int64, built func(int)) (int, error) {
	b := &Builder{Store: store}
	n := 0
	err := idx.Rebuild(ctx, head, func(put func([]Document) error) error {
		return b.All(ctx, func(docs []Document) error {
			if err := put(docs); err != nil {
				return err
			}
			n += len(docs)
			if built != nil {
				built(n)
			}
			return nil
		})
	})
	if err != nil {
		return n, fmt.Errorf("reindex: %w", err)
	}
	return n, nil
}

// headSeq is the seq of the change log's latest event, 0 when it is empty.
func headSeq(ctx context.Context, store *models.Store) (int64, error) {
	var seq sql.NullInt64
	if err := store.DB().QueryRowContext(ctx, "SELECT MAX(seq) FROM events").Scan(&seq); err != nil {
		return 0, fmt.Errorf("read change-log head: %w", err)
	}
	return seq.Int64, nil
}

// DBCursor keeps an index's cursor in the database's search_cursors table,
// for engines that cannot keep it themselves (Meilisearch), and for the
// postgres backend, whose documents live in the same database.
type DBCursor struct {
	DB   *sql.DB
	Name string
}

// Get returns the stored cursor, 0 when none is.
func (c DBCursor) Get(ctx context.Context) (int64, error) {
	var seq int64
	err := c.DB.QueryRowContext(ctx, "SELECT seq FROM search_cursors WHERE name = $1", c.Name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read search cursor %s: %w", c.Name, err)
	}
	return seq, nil
}

// Set stores the cursor.
func (c DBCursor) Set(ctx context.Context, seq int64) error {
	_, err := c.DB.ExecContext(ctx, `INSERT INTO search_cursors (name, seq, updated_at) VALUES ($1, $2, CURRENT_TIMESTAMP)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`, c.Name, seq)
	if err != nil {
		return fmt.Errorf("store search cursor %s: %w", c.Name, err)
	}
	return nil
}
