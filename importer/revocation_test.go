package importer_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// The import path refuses what the API refuses: a revocation dated after
// the day it is recorded, and a recorded revocation moved later (the
// demo's Questek certificate is revoked from 2026-09-15); the same date
// again (an export imported back) and an earlier one are taken.
func TestImportRevocationDateNeverLater(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		if _, err := importer.LoadDemo(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		today := st.Today()
		tomorrow := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		const header = "number,standard_code,certification_body,method,holder,issued_on,expires_on,lot_ref,status,status_reason,status_changed_on,models\n"
		row := func(number, changed string) string {
			return number + ",QCVN 135:2024/BTTTT,Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3 (Quatest 3),1,0313840952,2025-07-15,2028-07-14,,revoked,Không đạt," +
				changed + ",Questek QTX-9412AIP\n"
		}
		dir := t.TempDir()
		for i, tc := range []struct {
			name, file string
			invalid    []string
		}{
			{"a new revocation from tomorrow", row("QCVN135-REV-NEW", tomorrow), []string{"2:status_changed_on"}},
			{"the demo's revocation moved later", row("QCVN135-Q3-2025-0102", "2026-09-20"), []string{"2:status_changed_on"}},
			{"the demo's revocation moved into the future", row("QCVN135-Q3-2025-0102", tomorrow), []string{"2:status_changed_on"}},
			{"the demo's revocation as it is", row("QCVN135-Q3-2025-0102", "2026-09-15"), nil},
			{"the demo's revocation moved earlier", row("QCVN135-Q3-2025-0102", "2026-09-01"), nil},
		} {
			path := filepath.Join(dir, "c"+string(rune('0'+i))+".csv")
			writeFile(t, path, header+tc.file)
			sum, err := run(st, "certificates", path, importer.Options{})
			if tc.invalid == nil {
				if err != nil {
					t.Errorf("%s: %v %v", tc.name, err, rowFields(sum))
				}
				continue
			}
			if !errors.Is(err, importer.ErrRowsInvalid) || !slices.Equal(rowFields(sum), tc.invalid) || sum.Written {
				t.Errorf("%s: %v %v written=%v", tc.name, err, rowFields(sum), sum.Written)
			}
		}
	})
}
