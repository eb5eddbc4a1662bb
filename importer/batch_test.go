package importer_test

import (
	"context"
	"errors"
	"fmt"
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

// TestCertificatesOnePass: certificates are checked and written in one
// pass, in one transaction. An invalid row in a late batch, after batches
// that were written, leaves nothing of the file in the registry, and every
// invalid row is still reported, those of the batches after it too; the
// same file without them is written whole, its change log intact.
func TestCertificatesOnePass(t *testing.T) {
	testdb.Each(t, certificatesOnePass)
}

// TestCertificatesOnePassKeysAtEnd is TestCertificatesOnePass with the
// covered models' foreign keys checked at the end of the transaction from
// the first row on (on PostgreSQL; models.CheckKeysAtEnd), and so every
// reference read in the transaction.
func TestCertificatesOnePassKeysAtEnd(t *testing.T) {
	defer models.SetDeferKeysMin(1)()
	testdb.Each(t, certificatesOnePass)
}

func certificatesOnePass(t *testing.T, st *models.Store) {
	ctx := context.Background()
	if _, err := importer.LoadDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	row := func(n int, model string) string {
		return fmt.Sprintf("ONEPASS-%02d,QCVN 135:2024/BTTTT,Trung tâm Kỹ thuật Đo lường Chất lượng 1 (Quatest 1),5,0102237199,2025-03-05,2028-03-04,,valid,,,%s\n", n, model)
	}
	const header = "number,standard_code,certification_body,method,holder,issued_on,expires_on,lot_ref,status,status_reason,status_changed_on,models\n"
	var good, bad strings.Builder
	good.WriteString(header)
	bad.WriteString(header)
	for i := 1; i <= 9; i++ {
		good.WriteString(row(i, "Viettel HC23"))
		switch i {
		case 6: // line 7: the third batch of two
			bad.WriteString(row(i, "Viettel NO-SUCH-MODEL"))
		case 9: // line 10: the batch after the first invalid one
			bad.WriteString(row(i, "Viettel HC23; Nobrand X1"))
		default:
			bad.WriteString(row(i, "Viettel HC23"))
		}
	}
	dir := t.TempDir()
	goodPath, badPath := filepath.Join(dir, "good.csv"), filepath.Join(dir, "bad.csv")
	writeFile(t, goodPath, good.String())
	writeFile(t, badPath, bad.String())

	before := counts(t, st)
	sum, err := run(st, "certificates", badPath, importer.Options{BatchSize: 2})
	if !errors.Is(err, importer.ErrRowsInvalid) || !slices.Equal(rowFields(sum), []string{"10:models", "7:models"}) || sum.Written {
		t.Fatalf("a file with invalid rows: %v %v written=%v", err, rowFields(sum), sum.Written)
	}
	if sum.Rows != 9 || sum.Created != 7 || sum.Invalid != 2 {
		t.Errorf("counts of the file with invalid rows: %+v", sum.Counts)
	}
	if after := counts(t, st); after["conformity_certificates"] != before["conformity_certificates"] || after["events"] != before["events"] {
		t.Fatalf("an invalid import wrote: %v -> %v", before, after)
	}

	sum, err = run(st, "certificates", goodPath, importer.Options{BatchSize: 2})
	if err != nil || sum.Created != 9 || !sum.Written {
		t.Fatalf("the valid file: %v %+v", err, sum)
	}
	after := counts(t, st)
	if after["conformity_certificates"] != before["conformity_certificates"]+9 || after["events"] != before["events"]+9 {
		t.Fatalf("the valid file wrote: %v -> %v", before, after)
	}
	if _, err := st.VerifyChain(ctx); err != nil {
		t.Fatal(err)
	}
}
