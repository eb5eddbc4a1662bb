package search_test

import (
	"context"
	"testing"

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
