package search_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
)

// panickingIndex is an engine whose library panics on every write, as
// bleve did on a segment it had closed after a write to a full disk.
type panickingIndex struct {
	search.Index
	cursor int64
}

func (p *panickingIndex) Cursor(context.Context) (int64, error) { return p.cursor, nil }
func (p *panickingIndex) SetCursor(_ context.Context, seq int64) error {
	p.cursor = seq
	return nil
}
func (p *panickingIndex) Upsert(context.Context, []search.Document) error {
	panic("assignment to entry in nil map")
}

// A panic in the engine is the indexer's error, not the server's end: the
// cursor stays where it was, so the events are applied once the engine
// works again.
func TestIndexerSurvivesPanickingEngine(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		name, kind := "Quatest 3", models.OrgCertificationBody
		if _, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		idx := &panickingIndex{}
		ix := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}}
		n, err := ix.CatchUp(ctx)
		if err == nil || n != 0 {
			t.Fatalf("CatchUp = %d, %v; want 0 and the panic as an error", n, err)
		}
		if idx.cursor != 0 {
			t.Errorf("the cursor moved to %d past events that were not applied", idx.cursor)
		}
	})
}

// downIndex is an engine that does not answer while down is set: every
// write and every health check fails.
type downIndex struct {
	search.Index
	down            atomic.Bool
	cursor          atomic.Int64
	cursorReads     atomic.Int64
	pings, upserted atomic.Int64
}

var errDown = errors.New("search engine unavailable: connection refused")

func (d *downIndex) Cursor(context.Context) (int64, error) {
	d.cursorReads.Add(1)
	return d.cursor.Load(), nil
}
func (d *downIndex) SetCursor(_ context.Context, seq int64) error {
	d.cursor.Store(seq)
	return nil
}
func (d *downIndex) Upsert(_ context.Context, docs []search.Document) error {
	if d.down.Load() {
		return errDown
	}
	d.upserted.Add(int64(len(docs)))
	return nil
}
func (d *downIndex) Ping(context.Context) error {
	d.pings.Add(1)
	if d.down.Load() {
		return errDown
	}
	return nil
}

// While the engine is down, the indexer's retries ask only its health: a
// catch-up reads the log (and, far behind, counts it and takes a lease)
// before it calls the engine. Once the engine answers, it catches up.
func TestIndexerRetriesAskTheEngineFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		name, kind := "Quatest 3", models.OrgCertificationBody
		if _, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		idx := &downIndex{}
		idx.down.Store(true)
		ix := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}, Interval: time.Millisecond}
		done := make(chan struct{})
		go func() { defer close(done); ix.Run(ctx) }()
		<-ix.Settled()
		reads := idx.cursorReads.Load()
		for deadline := time.Now().Add(5 * time.Second); idx.pings.Load() < 3; {
			if time.Now().After(deadline) {
				t.Fatalf("%d health checks in 5 s while the engine was down; want retries", idx.pings.Load())
			}
			time.Sleep(time.Millisecond)
		}
		if got := idx.cursorReads.Load(); got != reads {
			t.Errorf("the retries read the cursor %d more times while the engine was down; want only health checks", got-reads)
		}
		if ix.Err() == nil {
			t.Error("Err() = nil while the engine is down")
		}
		idx.down.Store(false)
		ix.Nudge()
		for deadline := time.Now().Add(5 * time.Second); ix.Err() != nil || idx.upserted.Load() == 0; {
			if time.Now().After(deadline) {
				t.Fatalf("not caught up 5 s after the engine returned: err %v, %d documents", ix.Err(), idx.upserted.Load())
			}
			time.Sleep(time.Millisecond)
		}
		cancel()
		<-done
	})
}
