package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// RFC 4180 §2: each record, the header included, ends with CRLF. An
// independent client (Python's csv module, a strict RFC 4180 reader) found
// the exports ending records with a bare LF. A line break inside a quoted
// field stays as it was written, a lone carriage return too, so that the
// export imports back to the same values.
func TestCSVExportIsRFC4180(t *testing.T) {
	mods := filepath.Join(t.TempDir(), "models.csv")
	writeFile(t, mods, "brand,model_number,name,kind\nAcme,X1,\"Dòng một\nDòng hai\",ip\nAcme,X2,\"CR\rinside\",ip\n")
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		importFile(t, st, "models", mods, importer.Options{})
		var out bytes.Buffer
		if err := importer.Export(context.Background(), st, "models", importer.FormatCSV, &out); err != nil {
			t.Fatal(err)
		}
		body, ok := bytes.CutPrefix(out.Bytes(), []byte("\xEF\xBB\xBF"))
		if !ok {
			t.Fatal("no UTF-8 BOM")
		}
		checkCRLF(t, body, 3, "Dòng một\nDòng hai")
		if !bytes.Contains(body, []byte("\"CR\rinside\"")) {
			t.Errorf("a lone carriage return in a field was changed: %q", body)
		}
	})
	var rep bytes.Buffer
	rw, err := importer.NewReportWriter(&rep, "csv")
	if err != nil {
		t.Fatal(err)
	}
	rw.Add(importer.RowError{Line: 3, Key: "k", Errors: []models.FieldError{{Field: "name", Message: "bad"}}})
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	checkCRLF(t, rep.Bytes(), 2, "")
}

// checkCRLF checks that body is records records, each ending with CRLF,
// and that a field holding want (if any) reads back unchanged, its own
// line break a bare LF as it was written.
func checkCRLF(t *testing.T, body []byte, records int, want string) {
	t.Helper()
	s := string(body)
	if !strings.HasSuffix(s, "\r\n") {
		t.Errorf("the last record does not end with CRLF: %q", s[max(0, len(s)-20):])
	}
	if got := strings.Count(s, "\r\n"); got != records {
		t.Errorf("%d CRLFs, want one a record (%d): %q", got, records, s)
	}
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil || len(rows) != records {
		t.Fatalf("%d records (%v), want %d: %q", len(rows), err, records, s)
	}
	if want == "" {
		return
	}
	for _, r := range rows {
		for _, c := range r {
			if c == want {
				return
			}
		}
	}
	t.Errorf("no field reads back as %q: %q", want, s)
}
