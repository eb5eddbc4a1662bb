package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"camreg/importer"
	"camreg/importer/gen"
	"camreg/models"
	"camreg/models/testdb"
)

// fleetOf makes an operator organization with one fleet, and returns the
// fleet's id and an operator actor of the organization.
func fleetOf(t testing.TB, st *models.Store, name string) (string, models.Actor) {
	t.Helper()
	ctx := context.Background()
	admin := models.System("test")
	kind := models.OrgOperator
	o, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	op := models.Actor{Role: models.RoleOperator, OrgID: o.ID, Name: "noc"}
	fname := "Camera " + name
	f, err := st.CreateFleet(ctx, op, models.FleetInput{Name: &fname})
	if err != nil {
		t.Fatal(err)
	}
	return f.ID, op
}

// fleetRows lists a fleet's rows as "external_id brand model firmware quantity location", sorted.
func fleetRows(t *testing.T, st *models.Store, fleetID string) []string {
	t.Helper()
	var out []string
	p := models.PageRequest{Limit: 500}
	for {
		page, err := st.FleetDevices(context.Background(), models.System("test"), fleetID, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Items {
			out = append(out, strings.Join([]string{d.ExternalID, d.Brand, d.Model, d.Firmware, strconv.Itoa(d.Quantity), d.Location}, "|"))
		}
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	slices.Sort(out)
	return out
}

const devicesCSV = "\ufeffMã thiết bị;Hãng;Mã model;Phiên bản firmware;Số lượng;Vị trí / Hệ thống\n" +
	"TB-1;Hikvision;DS-2CD1023G0E-I;V5.5.0;2;Tầng 1\n" +
	"TB-2;Dahua;IPC-HFW1230S;;1;Cổng chính\n" +
	";Imou;IPC-A22EP;;3;Kho\n"

// TestImportDevicesFormats imports the same inventory from CSV (Vietnamese
// headers, a BOM, semicolons), XLSX, JSON and NDJSON, each into its own
// fleet, and finds the same rows; the log gets one event per import.
func TestImportDevicesFormats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		dir := t.TempDir()
		files := map[string]string{}
		files["csv"] = filepath.Join(dir, "d.csv")
		writeFile(t, files["csv"], devicesCSV)
		files["json"] = filepath.Join(dir, "d.json")
		writeFile(t, files["json"], `[{"Mã thiết bị":"TB-1","Thương hiệu":"Hikvision","Model":"DS-2CD1023G0E-I","Firmware":"V5.5.0","Số lượng":2,"Vị trí":"Tầng 1"},
{"external_id":"TB-2","brand":"Dahua","model":"IPC-HFW1230S","quantity":"1","location":"Cổng chính"},
{"Hãng":"Imou","Mã model":"IPC-A22EP","SL":3,"Hệ thống":"Kho"}]`)
		files["ndjson"] = filepath.Join(dir, "d.ndjson")
		writeFile(t, files["ndjson"], `{"Mã nội bộ":"TB-1","Hãng":"Hikvision","Model":"DS-2CD1023G0E-I","Phiên bản firmware":"V5.5.0","Số lượng":2,"Vị trí":"Tầng 1"}
{"Mã nội bộ":"TB-2","Hãng":"Dahua","Model":"IPC-HFW1230S","Số lượng":1,"Vị trí":"Cổng chính"}
{"Hãng":"Imou","Model":"IPC-A22EP","Số lượng":3,"Vị trí":"Kho"}
`)
		x := excelize.NewFile()
		for i, row := range [][]any{{"DANH SÁCH CAMERA"}, {"Mã thiết bị", "Hãng", "Model", "Firmware", "Số lượng", "Vị trí"},
			{"TB-1", "Hikvision", "DS-2CD1023G0E-I", "V5.5.0", 2, "Tầng 1"}, {"TB-2", "Dahua", "IPC-HFW1230S", "", 1, "Cổng chính"},
			{"", "Imou", "IPC-A22EP", "", 3, "Kho"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		files["xlsx"] = filepath.Join(dir, "d.xlsx")
		if err := x.SaveAs(files["xlsx"]); err != nil {
			t.Fatal(err)
		}
		want := []string{"TB-1|Hikvision|DS-2CD1023G0E-I|V5.5.0|2|Tầng 1", "TB-2|Dahua|IPC-HFW1230S||1|Cổng chính", "|Imou|IPC-A22EP||3|Kho"}
		for _, format := range []string{"csv", "xlsx", "json", "ndjson"} {
			t.Run(format, func(t *testing.T) {
				fleet, op := fleetOf(t, st, "ISP "+format)
				before, _ := st.LogSize(context.Background())
				sum, err := run(st, "devices", files[format], importer.Options{FleetID: fleet, Actor: op})
				if err != nil {
					t.Fatalf("%v %+v", err, sum)
				}
				if sum.Created != 3 || !sum.Written || len(sum.Warnings) > 0 {
					t.Fatalf("summary %+v", sum)
				}
				if got := fleetRows(t, st, fleet); !slices.Equal(got, want) {
					t.Fatalf("rows\n got %q\nwant %q", got, want)
				}
				after, _ := st.LogSize(context.Background())
				if after != before+1 {
					t.Fatalf("the log grew by %d events, want 1 for the whole import", after-before)
				}
				ev, err := st.LogEntry(context.Background(), after-1)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Entity != "fleet" || ev.EntityID != fleet || ev.Action != models.ActionImport || strings.Contains(ev.Changes, "Hikvision") ||
					!strings.Contains(ev.Changes, `"sha256"`) {
					t.Fatalf("event %+v: want one fleet import event with counts and a digest, and no row", ev)
				}
			})
		}
	})
}

// TestImportDevicesUpsertAndReplace re-imports the same file (no
// duplicate: keyed rows unchanged; the row without an external id is added
// again, as documented), a changed file (an update), and replaces the
// inventory.
func TestImportDevicesUpsertAndReplace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		dir := t.TempDir()
		fleet, op := fleetOf(t, st, "Sông Hàn")
		path := filepath.Join(dir, "d.csv")
		writeFile(t, path, devicesCSV)
		if _, err := run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op}); err != nil {
			t.Fatal(err)
		}
		sum, err := run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op})
		if err != nil || sum.Created != 1 || sum.Unchanged != 2 || sum.Updated != 0 {
			t.Fatalf("re-import: %v %+v", err, sum)
		}
		if n := len(fleetRows(t, st, fleet)); n != 4 {
			t.Fatalf("%d rows after re-import, want 4 (2 keyed, the unkeyed one twice)", n)
		}
		// An empty cell keeps the stored value; a filled one changes it.
		writeFile(t, path, "external_id,brand,model,firmware,quantity,location\nTB-1,,DS-2CD1023G0E-I,V5.7.3,5,\n")
		sum, err = run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op})
		if err != nil || sum.Updated != 1 {
			t.Fatalf("update: %v %+v", err, sum)
		}
		if got := fleetRows(t, st, fleet); !slices.Contains(got, "TB-1|Hikvision|DS-2CD1023G0E-I|V5.7.3|5|Tầng 1") {
			t.Fatalf("rows %q", got)
		}
		// A dry run of a replace says what would go, and changes nothing.
		writeFile(t, path, devicesCSV)
		sum, err = run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op, Replace: true, DryRun: true})
		if err != nil || sum.Replaced != 4 || sum.Created != 3 || sum.Written {
			t.Fatalf("dry replace: %v %+v", err, sum)
		}
		if n := len(fleetRows(t, st, fleet)); n != 4 {
			t.Fatalf("the dry run changed the fleet: %d rows", n)
		}
		sum, err = run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op, Replace: true})
		if err != nil || sum.Replaced != 4 || sum.Created != 3 {
			t.Fatalf("replace: %v %+v", err, sum)
		}
		if n := len(fleetRows(t, st, fleet)); n != 3 {
			t.Fatalf("%d rows after replace, want the file's 3", n)
		}
	})
}

// TestImportDevicesBadRows: every bad row is reported with its line and
// reason; nothing is written (not even the replace's removal), and a dry
// run writes nothing either; --skip-invalid writes the good rows.
func TestImportDevicesBadRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		dir := t.TempDir()
		fleet, op := fleetOf(t, st, "Sở TT")
		good := filepath.Join(dir, "good.csv")
		writeFile(t, good, devicesCSV)
		if _, err := run(st, "devices", good, importer.Options{FleetID: fleet, Actor: op}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "bad.csv")
		writeFile(t, path, "Mã thiết bị,Hãng,Model,Số lượng\n"+
			"A-1,Hikvision,DS-2CD1023G0E-I,1\n"+
			"A-2,Hikvision,,1\n"+ // line 3: no model
			"A-3,Dahua,IPC-HFW1230S,hai\n"+ // line 4: quantity
			"A-1,Dahua,IPC-HFW1230S,1\n"+ // line 5: repeated external id
			"A-5,Dahua,---,0\n") // line 6: a model of no letters, quantity 0
		logBefore, _ := st.LogSize(context.Background())
		for _, o := range []importer.Options{{DryRun: true}, {}, {Replace: true}} {
			o.FleetID, o.Actor = fleet, op
			sum, err := run(st, "devices", path, o)
			if o.DryRun && err != nil || !o.DryRun && !errors.Is(err, importer.ErrRowsInvalid) {
				t.Fatalf("%+v: err %v", o, err)
			}
			want := []string{"3:model", "4:quantity", "5:external_id", "6:model", "6:quantity"}
			if got := rowFields(sum); !slices.Equal(got, want) || sum.Invalid != 4 || sum.Written {
				t.Fatalf("%+v: errors %q (want %q), summary %+v", o, got, want, sum)
			}
			if n := len(fleetRows(t, st, fleet)); n != 3 {
				t.Fatalf("%+v: the fleet has %d rows, want its 3: nothing written", o, n)
			}
		}
		if after, _ := st.LogSize(context.Background()); after != logBefore {
			t.Fatalf("failed imports wrote %d events", after-logBefore)
		}
		sum, err := run(st, "devices", path, importer.Options{FleetID: fleet, Actor: op, SkipInvalid: true})
		if err != nil || sum.Created != 1 || sum.Invalid != 4 {
			t.Fatalf("skip invalid: %v %+v", err, sum)
		}
	})
}

// TestImportDevicesAuthorization: an operator imports into its own
// organization's fleets only (another's is not found), an admin into any;
// a vendor and an authority may not; a devices import needs a fleet.
func TestImportDevicesAuthorization(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		path := filepath.Join(t.TempDir(), "d.csv")
		writeFile(t, path, devicesCSV)
		fleetA, opA := fleetOf(t, st, "A")
		fleetB, _ := fleetOf(t, st, "B")
		if _, err := run(st, "devices", path, importer.Options{FleetID: fleetB, Actor: opA}); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("operator A into B's fleet: %v, want not found", err)
		}
		if _, err := run(st, "devices", path, importer.Options{FleetID: fleetB, Actor: opA, DryRun: true}); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("operator A's dry run into B's fleet: %v, want not found", err)
		}
		for _, a := range []models.Actor{{Role: models.RoleVendor, OrgID: opA.OrgID}, {Role: models.RoleAuthority}, {Role: models.RoleInspector}} {
			if _, err := run(st, "devices", path, importer.Options{FleetID: fleetA, Actor: a}); !errors.Is(err, models.ErrForbidden) {
				t.Fatalf("%s: %v, want forbidden", a.Role, err)
			}
		}
		if _, err := run(st, "models", path, importer.Options{Actor: opA}); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("operator importing models: %v, want forbidden", err)
		}
		if _, err := run(st, "devices", path, importer.Options{Actor: opA}); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("no fleet: %v, want invalid", err)
		}
		if sum, err := run(st, "devices", path, importer.Options{FleetID: fleetB}); err != nil || sum.Created != 3 {
			t.Fatalf("admin into B: %v %+v", err, sum)
		}
		if n := len(fleetRows(t, st, fleetA)); n != 0 {
			t.Fatalf("fleet A has %d rows", n)
		}
	})
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportDevices imports b.N generated device rows (camreg gen
// --devices) into an empty fleet, end to end through importer.Import, on
// each backend, and reports rows/s.
func BenchmarkImportDevices(b *testing.B) {
	for _, be := range testdb.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), gen.DevicesFile)
			if _, _, err := gen.WriteDevices(context.Background(), gen.Config{Seed: 1, Counts: gen.Scales["small"]}, path, b.N, false); err != nil {
				b.Fatal(err)
			}
			st := testdb.Open(b, be)
			fleet, op := fleetOf(b, st, "bench")
			fi, _ := os.Stat(path)
			b.SetBytes(fi.Size() / int64(b.N))
			cpu0 := cpuTime()
			b.ResetTimer()
			sum, err := importer.Import(context.Background(), st, path, importer.Options{Entity: "devices", FleetID: fleet, Actor: op})
			if err != nil || sum.Created != b.N {
				b.Fatalf("%v %+v", err, sum)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			// On a shared machine the wall clock measures the neighbours
			// too: rows per second of this process's CPU time (user +
			// system; SQLite runs in the process, PostgreSQL does not).
			b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
		})
	}
}
