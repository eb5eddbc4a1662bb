package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"camreg/models"
)

// TestImportDevicesEndpoint: an operator uploads an inventory with errors
// to its own fleet (a dry run, then the import, all or nothing, then with
// skip_invalid), reads the report; another organization's fleet is 404, a
// vendor and an authority are refused, and the fields are checked.
func TestImportDevicesEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newFleetWorld(t, e)
		inv := []byte("Mã thiết bị,Hãng,Model,Phiên bản firmware,Số lượng,Vị trí / Hệ thống\n" +
			"TB-1,Hikvision,DS-2CD1023G0E-I,V5.5.0,4,Tầng 1\n" +
			"TB-2,Hikvision,,,1,Tầng 2\n" + // line 3: no model
			"TB-3,Không rõ,XYZ-123,,hai,Kho\n") // line 4: quantity
		fields := map[string]string{"entity": "devices", "fleet_id": w.fleetA}
		before := e.eventCount()
		dry := map[string]string{"dry_run": "true"}
		for k, v := range fields {
			dry[k] = v
		}
		r := e.upload(w.opA, dry, "inv.csv", inv).want(http.StatusAccepted)
		if r.str("fleet_id") != w.fleetA {
			t.Fatalf("job %s", r.Body.String())
		}
		j := e.waitJob(w.opA, r.Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 1 || j.Invalid != 2 || !slices.Equal(j.lines(), []string{"3:model", "4:quantity"}) {
			t.Fatalf("dry run: %+v %v", j, j.lines())
		}
		j = e.waitJob(w.opA, e.upload(w.opA, fields, "inv.csv", inv).want(http.StatusAccepted).Header().Get("Location"))
		// Nothing written, nothing counted as created (it said "created": 1).
		if j.Status != models.JobFailed || j.Invalid != 2 || j.Created+j.Updated+j.Unchanged != 0 || e.eventCount() != before {
			t.Fatalf("all or nothing: %+v, %d events", j, e.eventCount()-before)
		}
		skip := map[string]string{"skip_invalid": "true"}
		for k, v := range fields {
			skip[k] = v
		}
		j = e.waitJob(w.opA, e.upload(w.opA, skip, "inv.csv", inv).want(http.StatusAccepted).Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 1 || e.eventCount() != before+1 {
			t.Fatalf("skip invalid: %+v, %d events", j, e.eventCount()-before)
		}
		rep := e.do(http.MethodGet, "/v1/fleets/"+w.fleetA+"/report", w.opA, nil).want(http.StatusOK)
		if !strings.Contains(rep.Body.String(), `"cameras":4`) {
			t.Fatalf("report %s", rep.Body.String())
		}

		// Another organization's fleet is 404 at once; other roles 403.
		b := map[string]string{"entity": "devices", "fleet_id": w.fleetB}
		e.upload(w.opA, b, "inv.csv", inv).want(http.StatusNotFound).problemFields()
		e.upload(w.auth, fields, "inv.csv", inv).want(http.StatusForbidden).problemFields()
		e.upload(e.key(models.RoleVendor, w.f.importer), fields, "inv.csv", inv).want(http.StatusForbidden).problemFields()
		e.upload(w.opA, map[string]string{"entity": "models"}, "m.csv", []byte("brand,model_number\nA,B\n")).want(http.StatusForbidden)
		got := e.upload(w.opA, map[string]string{"entity": "devices"}, "inv.csv", inv).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(got, []string{"fleet_id"}) {
			t.Fatalf("fields %v", got)
		}
		e.upload(e.admin, map[string]string{"entity": "models", "replace": "true"}, "m.csv", []byte("brand,model_number\nA,B\n")).
			want(http.StatusUnprocessableEntity)
		// An admin imports into any fleet, and replaces its inventory.
		rb := map[string]string{"entity": "devices", "fleet_id": w.fleetB, "replace": "true"}
		j = e.waitJob(e.admin, e.upload(e.admin, rb, "inv.csv", []byte("model\nDS-2CD1023G0E-I\nIPC-HFW1230S\n")).
			want(http.StatusAccepted).Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 2 {
			t.Fatalf("admin replace: %+v", j)
		}
		list := e.do(http.MethodGet, "/v1/fleets/"+w.fleetB+"/devices", e.admin, nil).want(http.StatusOK)
		if strings.Contains(list.Body.String(), "zqxloc") || strings.Count(list.Body.String(), `"fleet_id"`) != 2 {
			t.Fatalf("after replace: %s", list.Body.String())
		}
	})
}

// TestFailedImportsCountNothingWritten: an import that writes nothing,
// as its file has an invalid row, counts no row created, updated or kept,
// whatever entity and pass (two passes, one transaction); its dry run
// still counts what would be written (the red team's pass of 2026-12-07
// found "created": 1 beside "nothing was written").
func TestFailedImportsCountNothingWritten(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		for _, tc := range []struct{ entity, file string }{
			{"organizations", "name,kind,tax_code\nCông ty Mới,retailer,\nCông ty Sai,retailer,0100233489\n"},
			{"models", "brand,model_number\nAcme,AC-100\nAcme,\n"},
			{"certificates", "number,standard_code,certification_body,method,holder,issued_on,expires_on,models\n" +
				"QCVN135-NEW-1,QCVN 135:2024/BTTTT,Quatest 1,5,0100233488,2025-03-01,2028-02-29,Hikvision DS-2CD1023G0E-I\n" +
				"QCVN135-NEW-2,QCVN 135:2024/BTTTT,Quatest 1,5,0100233488,2025-03-01,2028-02-29,Nobrand X-1\n"},
			{"models", "brand,model_number\nHikvision,DS-2CD1023G0E-I\nAcme,\n"}, // an unchanged row
		} {
			before := e.eventCount()
			dry := e.waitJob(e.admin, e.upload(e.admin, map[string]string{"entity": tc.entity, "dry_run": "true"}, "f.csv", []byte(tc.file)).
				want(http.StatusAccepted).Header().Get("Location"))
			if dry.Status != models.JobSucceeded || dry.Created+dry.Unchanged != 1 || dry.Invalid != 1 {
				t.Errorf("%s dry run: %+v", tc.entity, dry)
			}
			j := e.waitJob(e.admin, e.upload(e.admin, map[string]string{"entity": tc.entity}, "f.csv", []byte(tc.file)).
				want(http.StatusAccepted).Header().Get("Location"))
			if j.Status != models.JobFailed || j.Invalid != 1 || j.Rows != 2 || j.Created+j.Updated+j.Unchanged != 0 || e.eventCount() != before {
				t.Errorf("%s: %+v, %d events", tc.entity, j, e.eventCount()-before)
			}
		}
	})
}
