package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// bulkListings writes n online listings of the demo's first trader and
// models, each at its own URL (under the path prefix).
func bulkListings(t *testing.T, prefix string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("trader,brand,model_number,channel,url,province,first_seen_on\n")
	mods := []string{"DS-2CD1023G0E-I", "DS-2CD2143G2-IU"}
	for i := range n {
		fmt.Fprintf(&b, "0109723159,Hikvision,%s,online,https://shop.example.vn/%s/%d,Hà Nội,2025-06-02\n", mods[i%2], prefix, i)
	}
	path := filepath.Join(t.TempDir(), "listings.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// listingIndexState lists the indexes of listings and those recorded as
// set aside.
func listingIndexState(t *testing.T, st *models.Store) (have []string, aside int) {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'listings' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if st.Dialect() == models.Postgres {
		q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'listings' AND indexname <> 'listings_pkey' ORDER BY indexname"
	}
	rows, err := st.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		have = append(have, n)
	}
	if err := st.DB().QueryRow("SELECT count(*) FROM deferred_indexes").Scan(&aside); err != nil {
		t.Fatal(err)
	}
	return have, aside
}

// TestImportSetsIndexesAside: a load of listings at least as big as the
// table drops listings_model and listings_province_id during its writing
// pass (checked from inside it) and builds them again at the end; an
// import stopped in its writing pass builds them too; a smaller load, or
// one below BulkIndexRows, keeps them. The rows and events are those of an
// import that keeps them.
func TestImportSetsIndexesAside(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		all, aside := listingIndexState(t, st)
		if len(all) != 3 || aside != 0 {
			t.Fatalf("before: %v, %d set aside", all, aside)
		}
		held, err := st.TableRows(ctx, "listings")
		if err != nil {
			t.Fatal(err)
		}
		n := int(held) + 40
		path := bulkListings(t, "a", n)
		var during [][]string
		opts := Options{Entity: "listings", Actor: models.System("test"), BatchSize: 10, BulkIndexRows: 20,
			afterCommit: func(int) {
				have, _ := listingIndexState(t, st)
				during = append(during, have)
			}}
		sum, err := Import(ctx, st, path, opts)
		if err != nil || sum.Created != n {
			t.Fatalf("import: %+v, %v", sum, err)
		}
		if len(during) == 0 || !slices.Equal(during[0], []string{"listings_natural_key"}) {
			t.Errorf("indexes during the writing pass: %v, want the natural key's alone", during)
		}
		if have, aside := listingIndexState(t, st); !slices.Equal(have, all) || aside != 0 {
			t.Errorf("after: %v, %d set aside; want %v", have, aside, all)
		}
		c, _ := st.Counts(ctx)
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Fatal(err)
		}

		// Stopped after its first batch: the indexes are built again.
		path = bulkListings(t, "b", int(c["listings"]))
		stop, cancel := context.WithCancel(ctx)
		defer cancel()
		during = nil
		opts.afterCommit = func(int) {
			have, _ := listingIndexState(t, st)
			during = append(during, have)
			cancel()
		}
		if _, err := Import(stop, st, path, opts); err == nil {
			t.Fatal("the stopped import succeeded")
		}
		if len(during) != 1 || len(during[0]) != 1 {
			t.Errorf("indexes during the stopped import: %v", during)
		}
		if have, aside := listingIndexState(t, st); !slices.Equal(have, all) || aside != 0 {
			t.Errorf("after the stopped import: %v, %d set aside; want %v", have, aside, all)
		}

		// Smaller than the table, or below BulkIndexRows: kept.
		for i, o := range []Options{{BulkIndexRows: 20}, {}} {
			path = bulkListings(t, fmt.Sprint("c", i), 30)
			o.Entity, o.Actor, o.BatchSize = "listings", models.System("test"), 10
			during = nil
			o.afterCommit = func(int) {
				have, _ := listingIndexState(t, st)
				during = append(during, have)
			}
			if sum, err := Import(ctx, st, path, o); err != nil || sum.Created != 30 {
				t.Fatalf("%+v, %v", sum, err)
			}
			if len(during) == 0 || !slices.Equal(during[0], all) {
				t.Errorf("BulkIndexRows %d: indexes during the writing pass: %v, want %v", o.BulkIndexRows, during, all)
			}
		}
	})
}
