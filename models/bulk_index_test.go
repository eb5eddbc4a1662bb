package models_test

import (
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// listingIndexes lists the indexes of listings the database has, and the
// indexes recorded as set aside.
func listingIndexes(t *testing.T, st *models.Store) (have, aside []string) {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'listings' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if st.Dialect() == models.Postgres {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'listings' AND indexname <> 'listings_pkey' ORDER BY indexname"
	}
	for _, c := range []struct {
		q   string
		out *[]string
	}{{q, &have}, {"SELECT name FROM deferred_indexes ORDER BY name", &aside}} {
		rows, err := st.DB().QueryContext(t.Context(), c.q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			*c.out = append(*c.out, n)
		}
		rows.Close()
	}
	return have, aside
}

// TestDeferIndexesForBulk: the deferrable indexes of listings are dropped
// and recorded with their definitions; building them again (as the next
// camreg to open the registry does after a killed load) restores the same
// indexes, serving the same lookups, and clears the record.
func TestDeferIndexesForBulk(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		before, aside := listingIndexes(t, st)
		if !slices.Contains(before, "listings_model") || !slices.Contains(before, "listings_province_id") || len(aside) != 0 {
			t.Fatalf("before: indexes %v, set aside %v", before, aside)
		}
		dropped, err := st.DeferIndexesForBulk(ctx, "listings")
		if err != nil || !slices.Equal(dropped, []string{"listings_model", "listings_province_id"}) {
			t.Fatalf("dropped %v, %v", dropped, err)
		}
		have, aside := listingIndexes(t, st)
		if slices.Contains(have, "listings_model") || slices.Contains(have, "listings_province_id") || !slices.Contains(have, "listings_natural_key") ||
			!slices.Equal(aside, dropped) {
			t.Fatalf("set aside: indexes %v, recorded %v", have, aside)
		}
		// A second load meanwhile finds them gone, and leaves them to the first.
		if again, err := st.DeferIndexesForBulk(ctx, "listings"); err != nil || len(again) != 0 {
			t.Fatalf("again: %v, %v", again, err)
		}
		// Rows written meanwhile are in the built indexes.
		tr := mustCreateTrader(t, st, "Cửa hàng Camera Bình An")
		m := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		mustCreateListing(t, st, models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("shop"), Province: ptr("tp hcm")})
		if err := st.RestoreDeferredIndexes(ctx, ""); err != nil {
			t.Fatal(err)
		}
		have, aside = listingIndexes(t, st)
		if !slices.Equal(have, before) || len(aside) != 0 {
			t.Fatalf("built again: indexes %v (want %v), recorded %v", have, before, aside)
		}
		page, err := st.FindListings(ctx, models.ListingFilter{CameraModelID: m.ID, Province: "79"}, models.PageRequest{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("listings by model and province: %+v, %v", page, err)
		}
		if err := st.RestoreDeferredIndexes(ctx, "listings"); err != nil {
			t.Fatalf("nothing to build: %v", err)
		}
		if none, err := st.DeferIndexesForBulk(ctx, "organizations"); err != nil || len(none) != 0 {
			t.Fatalf("organizations: %v, %v", none, err)
		}
	})
}
