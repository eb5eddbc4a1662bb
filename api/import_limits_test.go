package api

import (
	"net/http"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/importer/importtest"
	"camreg/models"
)

// Issue #14, hole 1, over HTTP: a vendor's 2 MB XLSX whose sheet inflates
// to 2 GiB is refused at once with 413, before any job reads it; a file
// that breaks a limit only its reading finds (a cell too long) fails its
// job with the limit named; nothing is written either way.
func TestImportZipBombOverHTTP(t *testing.T) {
	bomb, err := importtest.ZipBomb(2048, false)
	if err != nil {
		t.Fatal(err)
	}
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		vendor := e.key(models.RoleVendor, f.importer)
		before := e.eventCount()
		r := e.upload(vendor, map[string]string{"entity": "models", "dry_run": "true"}, "cams.xlsx", bomb).
			want(http.StatusRequestEntityTooLarge)
		r.problemFields()
		if !strings.Contains(r.Body.String(), "CAMREG_IMPORT_MAX_PART") {
			t.Fatalf("the 413 does not name the limit: %s", r.Body.String())
		}

		e.srv.importLimits.CellBytes = 64
		csv := []byte("brand,model_number\nAcme," + strings.Repeat("9", 100) + "\n")
		loc := e.upload(vendor, map[string]string{"entity": "models"}, "m.csv", csv).want(http.StatusAccepted).Header().Get("Location")
		j := e.waitJob(vendor, loc)
		if j.Status != models.JobFailed || !strings.Contains(j.Error, "CAMREG_IMPORT_MAX_CELL_BYTES") {
			t.Fatalf("job %s: %q", j.Status, j.Error)
		}
		e.srv.importLimits = importer.Limits{Bytes: 100}
		e.upload(vendor, map[string]string{"entity": "models"}, "m.csv", csv).want(http.StatusRequestEntityTooLarge).problemFields()
		if after := e.eventCount(); after != before {
			t.Fatalf("%d events written", after-before)
		}
	})
}
