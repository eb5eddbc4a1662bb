package importer_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// TestDuplicatesAcrossBatches: a natural key repeated in a later batch is
// reported with the line that had it first, in the validation pass (where
// nothing is written yet) as in a one-pass --skip-invalid import, and a
// second import changes nothing and logs nothing.
func TestDuplicatesAcrossBatches(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "models.csv")
		writeFile(t, path, "Hãng sản xuất,Mã sản phẩm,Tên sản phẩm\n"+
			"Tiandy,DUP-1,Một\n"+ // line 2
			"Tiandy,DUP-2,Hai\n"+
			"Tiandy,DUP-3,Ba\n"+
			"TIANDY,dup 1,Lặp lại\n"+ // line 5: the key of line 2, two batches later
			"Tiandy,DUP-4,Bốn\n"+
			"Tiandy,DUP-5,\n")
		before := counts(t, st)
		sum, err := run(st, "models", path, importer.Options{BatchSize: 2})
		if !errors.Is(err, importer.ErrRowsInvalid) || !slices.Equal(rowFields(sum), []string{"5:brand"}) {
			t.Fatalf("default mode: %v %v", err, rowFields(sum))
		}
		if !strings.Contains(sum.Errors[0].Errors[0].Message, "line 2") {
			t.Errorf("the duplicate does not name line 2: %v", sum.Errors[0])
		}
		if after := counts(t, st); after["camera_models"] != before["camera_models"] || after["events"] != before["events"] {
			t.Fatalf("an invalid import wrote: %v -> %v", before, after)
		}

		sum, err = run(st, "models", path, importer.Options{BatchSize: 2, SkipInvalid: true})
		if err != nil || sum.Created != 5 || !slices.Equal(rowFields(sum), []string{"5:brand"}) {
			t.Fatalf("skip invalid: %v %+v", err, sum)
		}
		if m, err := st.ModelByKeys(ctx, "tiandy", "dup1"); err != nil || m.Name != "Một" {
			t.Fatalf("the first row of the key was not the one kept: %+v %v", m, err)
		}

		before = counts(t, st)
		sum, err = run(st, "models", path, importer.Options{BatchSize: 2, SkipInvalid: true})
		if err != nil || sum.Unchanged != 5 || sum.Created+sum.Updated != 0 {
			t.Fatalf("second import: %v %+v", err, sum)
		}
		if after := counts(t, st); after["events"] != before["events"] {
			t.Fatalf("a second import wrote %d events", after["events"]-before["events"])
		}
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
