package importer

import (
	"context"
	"fmt"
)

// DefaultBulkIndexRows is the fewest new rows for which an import sets a
// table's deferrable indexes aside during its writing pass (Options.
// BulkIndexRows): below it, the rows' inserts into the indexes cost less
// than building them again over the whole table.
const DefaultBulkIndexRows = 100_000

// bulkTables are the tables whose deferrable indexes (models.
// DeferIndexesForBulk) an import of each entity may set aside.
var bulkTables = map[string]string{"listings": "listings"}

// deferIndexes sets the table's deferrable indexes aside before a writing
// pass that will create created rows, when they are at least
// BulkIndexRows and at least as many as the table holds, and returns what
// builds them again, to be called when the pass ends, whatever its outcome
// (even cancelled: it runs without the import's cancellation). National
// listings into an empty table: listings_model's random inserts were some
// 60 % of the table's insert cost; the build from the table is one sort.
func (r *run) deferIndexes(ctx context.Context, created int) (func() error, error) {
	none := func() error { return nil }
	table := bulkTables[r.opts.Entity]
	least := r.opts.BulkIndexRows
	if least <= 0 {
		least = DefaultBulkIndexRows
	}
	if table == "" || created < least {
		return none, nil
	}
	held, err := r.st.TableRows(ctx, table)
	if err != nil {
		return nil, err
	}
	if int64(created) < held {
		return none, nil
	}
	dropped, err := r.st.DeferIndexesForBulk(ctx, table)
	if err != nil || len(dropped) == 0 {
		return none, err
	}
	return func() error {
		if err := r.st.RestoreDeferredIndexes(context.WithoutCancel(ctx), table); err != nil {
			return fmt.Errorf("after the import: %w", err)
		}
		return nil
	}, nil
}
