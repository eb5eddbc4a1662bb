package search

import (
	"context"
	"sync"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// memIndex is an index in memory whose cursor is shared in the database,
// as Meilisearch's and postgres's are.
type memIndex struct {
	Index // unused methods panic
	cur   DBCursor
	mu    sync.Mutex
	docs  map[string]Document
}

func (m *memIndex) RebuildLease() (DBCursor, bool)                { return m.cur, true }
func (m *memIndex) Cursor(ctx context.Context) (int64, error)     { return m.cur.Get(ctx) }
func (m *memIndex) SetCursor(ctx context.Context, s int64) error  { return m.cur.Set(ctx, s) }
func (m *memIndex) Delete(_ context.Context, ids []string) error  { return nil }
func (m *memIndex) Upsert(_ context.Context, ds []Document) error { m.put(ds); return nil }
func (m *memIndex) put(ds []Document) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range ds {
		m.docs[d.ID] = d
	}
}
func (m *memIndex) Rebuild(ctx context.Context, seq int64, fill func(put func([]Document) error) error) error {
	if err := fill(func(ds []Document) error { m.put(ds); return nil }); err != nil {
		return err
	}
	return m.SetCursor(ctx, seq)
}

// Only one process rebuilds a shared index at a time: another that finds
// it far behind waits (no replay into an index about to be replaced), and
// a lease its holder no longer renews expires.
func TestRebuildLease(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		for i := range 5 {
			name, kind := "Cửa hàng "+string(rune('A'+i)), models.OrgRetailer
			if _, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
				t.Fatal(err)
			}
		}
		cur := DBCursor{DB: st.DB(), Name: "mem:test"}
		idx := &memIndex{cur: cur, docs: map[string]Document{}}
		ix := &Indexer{Store: st, Index: idx, Builder: &Builder{Store: st}, RebuildLag: 1}

		// Another process holds the lease: this one neither rebuilds nor replays.
		other := time.Now().Add(time.Hour).UnixMilli()
		if ok, err := cur.takeLease(ctx, time.Now(), time.UnixMilli(other), 0); err != nil || !ok {
			t.Fatalf("take the lease: %v, %v", ok, err)
		}
		if ok, err := cur.takeLease(ctx, time.Now(), time.Now().Add(time.Minute), 0); err != nil || ok {
			t.Fatalf("a second holder took a current lease: %v, %v", ok, err)
		}
		if n, err := ix.CatchUp(ctx); err != nil || n != 0 || len(idx.docs) != 0 {
			t.Fatalf("catch-up while another process rebuilds: %d, %v, %d documents; want it to wait", n, err, len(idx.docs))
		}
		if c, _ := idx.Cursor(ctx); c != 0 {
			t.Fatalf("cursor %d while another process rebuilds", c)
		}

		// Its holder dies: the lease expires, and this process rebuilds.
		cur.dropLease(ctx, other)
		if ok, err := cur.takeLease(ctx, time.Now().Add(-time.Hour), time.Now().Add(-time.Minute), 0); err != nil || !ok {
			t.Fatalf("take an expired lease: %v, %v", ok, err)
		}
		if n, err := ix.CatchUp(ctx); err != nil || n != 5 || len(idx.docs) != 5 {
			t.Fatalf("catch-up after the lease expired: %d, %v, %d documents; want a rebuild of 5", n, err, len(idx.docs))
		}
		if p, err := ix.Progress(ctx); err != nil || p.Rebuilds != 1 || p.Events != 0 {
			t.Fatalf("progress %+v, %v", p, err)
		}
		// The lease is given back after the rebuild.
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM search_cursors WHERE name = $1", cur.leaseName()).Scan(&n); err != nil || n != 0 {
			t.Fatalf("lease rows after the rebuild: %d, %v", n, err)
		}
		// A holder renews its own lease while it rebuilds.
		saved := leaseFor
		leaseFor = 400 * time.Millisecond
		defer func() { leaseFor = saved }()
		ran, err := withLease(ctx, cur, func() error {
			time.Sleep(1200 * time.Millisecond) // three lease lengths
			ok, err := cur.takeLease(ctx, time.Now(), time.Now().Add(time.Minute), 0)
			if err != nil || ok {
				t.Errorf("the renewed lease was taken by another: %v, %v", ok, err)
			}
			return nil
		})
		if !ran || err != nil {
			t.Fatalf("withLease: %v, %v", ran, err)
		}
	})
}
