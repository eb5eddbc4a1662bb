package search

import (
	"context"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// lagCost weighs each event after the cursor by its entity's measured
// replay cost, and the decision compares it with the registry's size.
func TestLagCost(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		for i := range 3 {
			name, kind := "Cửa hàng "+string(rune('A'+i)), models.OrgRetailer
			if _, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
				t.Fatal(err)
			}
		}
		head, err := headSeq(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		var orgEvents int64
		if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM events WHERE entity = 'organization'").Scan(&orgEvents); err != nil {
			t.Fatal(err)
		}
		if orgEvents != 3 {
			t.Fatalf("%d organization events, want 3", orgEvents)
		}
		got, err := lagCost(ctx, st, 0, head)
		if err != nil {
			t.Fatal(err)
		}
		want := 3*replayCost["organization"] + float64(head-3)*otherEventCost
		if got < want-1e-9 || got > want+1e-9 {
			t.Errorf("lagCost from 0 = %v, want %v (3 organization events of %d)", got, want, head)
		}
		if got, err := lagCost(ctx, st, head, 0); err != nil || got != 0 {
			t.Errorf("lagCost at the head = %v, %v; want 0", got, err)
		}

		cur := DBCursor{DB: st.DB(), Name: "mem:test"}
		ix := &Indexer{Store: st, Index: &memIndex{cur: cur, docs: map[string]Document{}}, Builder: &Builder{Store: st}}
		// Under minRebuildLag: replay, whatever the registry's size.
		if ok, err := ix.shouldRebuild(ctx, head); err != nil || ok {
			t.Errorf("shouldRebuild(%d) = %v, %v; want replay", head, ok, err)
		}
		// Past it, rebuild when the lag costs more than the registry's records.
		ix.records = 1
		ix.recordsAt = time.Now()
		if ok, err := ix.shouldRebuild(ctx, minRebuildLag); err != nil || !ok {
			t.Errorf("a lag of %d over 1 record: %v, %v; want a rebuild", minRebuildLag, ok, err)
		}
		ix.records = 1_000_000
		if ok, err := ix.shouldRebuild(ctx, minRebuildLag); err != nil || ok {
			t.Errorf("a lag of %d over 1,000,000 records: %v, %v; want replay", minRebuildLag, ok, err)
		}
	})
}
