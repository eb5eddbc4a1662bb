package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"camreg/models"
)

// fleetWorld is two operators (A and B) with a fleet each, an authority
// and an inspector.
type fleetWorld struct {
	f                    fixture
	opA, opB, auth, insp string
	orgA, orgB           string
	fleetA, fleetB, devB string
}

func newFleetWorld(t *testing.T, e *testEnv) fleetWorld {
	t.Helper()
	w := fleetWorld{f: e.fixture()}
	w.orgA = e.create("organizations", map[string]any{"name": "Nhà mạng A", "kind": "operator"})
	w.orgB = e.create("organizations", map[string]any{"name": "UBND phường B", "kind": "authority"})
	w.opA, w.opB = e.key(models.RoleOperator, w.orgA), e.key(models.RoleOperator, w.orgB)
	w.auth, w.insp = e.key(models.RoleAuthority, w.f.authority), e.key(models.RoleInspector, w.f.authority)
	w.fleetA = e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": "Thuê bao Hà Nội", "security_level": 2}).
		want(http.StatusCreated).str("id")
	w.fleetB = e.do(http.MethodPost, "/v1/fleets", w.opB, map[string]any{"name": "zqxfleet trụ sở", "description": "zqxdesc"}).
		want(http.StatusCreated).str("id")
	w.devB = e.do(http.MethodPost, "/v1/fleets/"+w.fleetB+"/devices", w.opB, map[string]any{"model": "DS-2CD1023G0E-I",
		"location": "zqxloc"}).want(http.StatusCreated).str("id")
	return w
}

// TestFleetBOLA: another organization's fleet, its devices and its report
// are 404 to an operator, on every route, and nothing is written; admins
// and authorities read every fleet, authorities change none.
func TestFleetBOLA(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newFleetWorld(t, e)
		b := "/v1/fleets/" + w.fleetB
		vendor := e.key(models.RoleVendor, w.f.importer)
		before := e.eventCount()
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, b}, {http.MethodPatch, b}, {http.MethodDelete, b}, {http.MethodGet, b + "/devices"},
			{http.MethodPost, b + "/devices"}, {http.MethodDelete, b + "/devices/" + w.devB}, {http.MethodGet, b + "/report"},
			{http.MethodGet, b + "/report.csv"}, {http.MethodGet, b + "/report.xlsx"},
		} {
			var body any
			if c.method == http.MethodPatch || c.method == http.MethodPost {
				body = map[string]any{"name": "x"}
				if c.method == http.MethodPost {
					body = map[string]any{"model": "X-1"}
				}
			}
			r := e.do(c.method, c.path, w.opA, body).want(http.StatusNotFound)
			r.problemFields()
			if strings.Contains(r.Body.String(), "zqx") {
				t.Errorf("%s %s leaks B's fleet: %s", c.method, c.path, r.Body.String())
			}
		}
		if e.eventCount() != before {
			t.Fatal("a refused request wrote to the change log")
		}
		// A's device route with B's device id is not B's device.
		e.do(http.MethodDelete, "/v1/fleets/"+w.fleetA+"/devices/"+w.devB, w.opA, nil).want(http.StatusNotFound)
		e.do(http.MethodGet, b+"/devices", w.opB, nil).want(http.StatusOK)

		// Lists: each operator its own; admins and authorities all.
		ids := func(key, query string) []string {
			var out []string
			for _, it := range e.do(http.MethodGet, "/v1/fleets"+query, key, nil).want(http.StatusOK).json()["items"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			slices.Sort(out)
			return out
		}
		both := []string{w.fleetA, w.fleetB}
		slices.Sort(both)
		if got := ids(w.opA, ""); !slices.Equal(got, []string{w.fleetA}) {
			t.Errorf("operator A lists %v", got)
		}
		if got := ids(w.opA, "?org="+w.orgB); len(got) != 0 {
			t.Errorf("operator A lists B's fleets with org=: %v", got)
		}
		for _, key := range []string{e.admin, w.auth} {
			if got := ids(key, ""); !slices.Equal(got, both) {
				t.Errorf("admin or authority lists %v, want %v", got, both)
			}
			e.do(http.MethodGet, b, key, nil).want(http.StatusOK)
			e.do(http.MethodGet, b+"/report", key, nil).want(http.StatusOK)
		}
		if got := ids(e.admin, "?org="+w.orgB); !slices.Equal(got, []string{w.fleetB}) {
			t.Errorf("org filter: %v", got)
		}
		// Authorities read, never write; inspectors and vendors neither.
		e.do(http.MethodPatch, b, w.auth, map[string]any{"name": "x"}).want(http.StatusForbidden)
		e.do(http.MethodGet, b, w.insp, nil).want(http.StatusForbidden)
		e.do(http.MethodGet, "/v1/fleets", vendor, nil).want(http.StatusForbidden)
		if e.eventCount() != before {
			t.Fatal("a refused request wrote to the change log")
		}
		// B deletes its fleet: its devices go with it, and the change log says so.
		e.do(http.MethodDelete, b, w.opB, nil).want(http.StatusNoContent)
		e.do(http.MethodGet, b, e.admin, nil).want(http.StatusNotFound)
		if e.eventCount() != before+1 {
			t.Fatalf("deleting a fleet wrote %d events, want 1", e.eventCount()-before)
		}
	})
}

// TestFleetMassAssignment: an operator cannot set another organization,
// nor bookkeeping fields; nothing is written.
func TestFleetMassAssignment(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newFleetWorld(t, e)
		before := e.eventCount()
		e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": "x", "org_id": w.orgB}).want(http.StatusForbidden).problemFields()
		e.do(http.MethodPatch, "/v1/fleets/"+w.fleetA, w.opA, map[string]any{"org_id": w.orgB}).want(http.StatusForbidden).problemFields()
		for _, field := range []string{"id", "version", "created_at", "updated_at"} {
			fields := e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": "x", field: "2026-01-01"}).
				want(http.StatusUnprocessableEntity).problemFields()
			if !slices.Contains(fields, field) {
				t.Errorf("%s: fields %v", field, fields)
			}
		}
		fields := e.do(http.MethodPost, "/v1/fleets/"+w.fleetA+"/devices", w.opA, map[string]any{"model": "X-1", "fleet_id": w.fleetB}).
			want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"fleet_id"}) {
			t.Errorf("device fleet_id: fields %v", fields)
		}
		fields = e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": " ", "security_level": 6}).
			want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"name", "security_level"}) {
			t.Errorf("bad fleet: fields %v", fields)
		}
		// The operator's own organization named is the same as none.
		r := e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": "Own", "org_id": w.orgA}).want(http.StatusCreated)
		if r.str("org_id") != w.orgA {
			t.Errorf("org_id %q", r.str("org_id"))
		}
		if e.eventCount() != before+1 {
			t.Fatalf("refused requests wrote %d events", e.eventCount()-before-1)
		}
		// An admin names the organization, which must exist.
		fields = e.do(http.MethodPost, "/v1/fleets", e.admin, map[string]any{"name": "x"}).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"org_id"}) {
			t.Errorf("admin without org: %v", fields)
		}
		e.do(http.MethodPost, "/v1/fleets", e.admin, map[string]any{"name": "x", "org_id": w.orgB}).want(http.StatusCreated)
	})
}

// TestFleetDevices: one device or up to 500 items, all or none, paged.
func TestFleetDevices(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newFleetWorld(t, e)
		path := "/v1/fleets/" + w.fleetA + "/devices"
		before := e.eventCount()
		fields := e.do(http.MethodPost, path, w.opA, map[string]any{"items": []map[string]any{
			{"model": "DS-2CD1023G0E-I"}, {"brand": "Dahua"}, {"model": "--", "quantity": 0}}}).
			want(http.StatusUnprocessableEntity).problemFields()
		for _, f := range []string{"items[1].model", "items[2].model", "items[2].quantity"} {
			if !slices.Contains(fields, f) {
				t.Errorf("fields %v lack %s", fields, f)
			}
		}
		e.do(http.MethodPost, path, w.opA, map[string]any{"items": []map[string]any{{"model": "X", "bogus": 1}}}).
			want(http.StatusUnprocessableEntity).problemFields()
		many := make([]map[string]any, models.MaxFleetDevices+1)
		for i := range many {
			many[i] = map[string]any{"model": "M-1"}
		}
		e.do(http.MethodPost, path, w.opA, map[string]any{"items": many}).want(http.StatusUnprocessableEntity)
		e.do(http.MethodPost, path, w.opA, map[string]any{"items": []map[string]any{{"model": "A"}}, "model": "B"}).
			want(http.StatusUnprocessableEntity)
		e.do(http.MethodPost, path, w.opA, map[string]any{"items": []map[string]any{}}).want(http.StatusUnprocessableEntity)
		if e.eventCount() != before {
			t.Fatal("a refused request wrote to the change log")
		}
		r := e.do(http.MethodPost, path, w.opA, map[string]any{"items": many[:5]}).want(http.StatusCreated)
		if n := len(r.json()["items"].([]any)); n != 5 {
			t.Fatalf("%d items answered", n)
		}
		one := e.do(http.MethodPost, path, w.opA, map[string]any{"brand": "Hikvision", "model": "DS-2CD1023G0E-I", "quantity": 4,
			"location": "Tầng 2", "external_id": "TS-9"}).want(http.StatusCreated)
		if one.json()["quantity"].(float64) != 4 || one.str("external_id") != "TS-9" {
			t.Errorf("device: %s", one.Body.String())
		}
		if e.eventCount() != before+6 {
			t.Errorf("adding 6 devices wrote %d events", e.eventCount()-before)
		}
		var seen []string
		next := path + "?limit=4"
		for next != "" {
			page := e.do(http.MethodGet, next, w.opA, nil).want(http.StatusOK).json()
			for _, it := range page["items"].([]any) {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			next = ""
			if c, _ := page["next_cursor"].(string); c != "" {
				next = path + "?limit=4&cursor=" + url.QueryEscape(c)
			}
		}
		if len(seen) != 6 || slices.Contains(seen, w.devB) {
			t.Fatalf("paged %d devices: %v", len(seen), seen)
		}
		e.do(http.MethodDelete, path+"/"+one.str("id"), w.opA, nil).want(http.StatusNoContent)
		e.do(http.MethodDelete, path+"/"+one.str("id"), w.opA, nil).want(http.StatusNotFound)
	})
}

// TestFleetReportAgreesWithVerify: every row of the report is verify's
// answer for its brand, model text and firmware on the date; rows not
// matched exactly are to fix and never counted compliant; the counts add
// up; the CSV neutralises formulas.
func TestFleetReportAgreesWithVerify(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newFleetWorld(t, e)
		devices := []map[string]any{
			{"brand": "Hikvision", "model": "DS-2CD1023G0E-I", "firmware": "V5.4.0", "quantity": 10, "location": "=HYPERLINK(\"x\")"},
			{"brand": "Hikvision", "model": "DS-2CD1023G0E-I", "firmware": "V5.5.800", "quantity": 3},
			{"brand": "hikvision", "model": "ds 2cd1023g0e i", "quantity": 1},
			{"brand": "Dahua", "model": "IPC-HFW1230S-S5", "quantity": 2},
			{"model": "IPC-HFW1230S", "quantity": 5},
			{"model": "ZZQ-NOTHING-1", "quantity": 7},
			{"brand": "Hikvision", "model": "DS-2CD1023G0E", "quantity": 1},
		}
		base := "/v1/fleets/" + w.fleetA
		e.do(http.MethodPost, base+"/devices", w.opA, map[string]any{"items": devices}).want(http.StatusCreated)
		for _, at := range []string{"2025-01-15", "2025-06-01", "2027-01-01"} {
			rep := e.do(http.MethodGet, base+"/report?at="+at, w.opA, nil).want(http.StatusOK).json()
			if rep["at"] != at {
				t.Fatalf("at %v", rep["at"])
			}
			resp := e.do(http.MethodGet, base+"/report.csv?at="+at, w.opA, nil).want(http.StatusOK)
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(resp.Body.String(), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(devices)+1 {
				t.Fatalf("CSV has %d rows", len(rows))
			}
			col := map[string]int{}
			for i, c := range rows[0] {
				col[c] = i
			}
			byVerdict, toFix := map[string]int{}, 0
			for _, row := range rows[1:] {
				q := url.Values{"model": {row[col["model"]]}, "at": {at}}
				if b := row[col["brand"]]; b != "" {
					q.Set("brand", b)
				}
				if fw := row[col["firmware"]]; fw != "" {
					q.Set("firmware", fw)
				}
				v := e.do(http.MethodGet, "/v1/verify?"+q.Encode(), "", nil).want(http.StatusOK).json()
				match, verdict := v["match"].(string), v["verdict"].(string)
				want := verdict
				if match != "exact" && verdict == "compliant" {
					want = "unknown"
				}
				if row[col["match"]] != match || row[col["verdict"]] != want {
					t.Errorf("%s on %s: report says %s/%s, verify %s/%s", q.Encode(), at, row[col["match"]], row[col["verdict"]], match, verdict)
				}
				if fix := row[col["to_fix"]] == "true"; fix != (match != "exact") {
					t.Errorf("%s: to_fix %v with match %s", q.Encode(), fix, match)
				}
				if match != "exact" {
					toFix++
				}
				var qty int
				fmt.Sscan(row[col["quantity"]], &qty)
				byVerdict[want] += qty
				if strings.HasPrefix(row[col["location"]], "=") {
					t.Errorf("formula not neutralised: %q", row[col["location"]])
				}
			}
			counts := rep["by_verdict"].(map[string]any)
			for verdict, cams := range byVerdict {
				if got := counts[verdict].(map[string]any)["cameras"].(float64); int(got) != cams {
					t.Errorf("%s: %s cameras %v, CSV %d", at, verdict, got, cams)
				}
			}
			if int(rep["to_fix_total"].(float64)) != toFix || len(rep["to_fix"].([]any)) != toFix || toFix < 2 {
				t.Errorf("%s: to_fix_total %v, %d listed, CSV %d", at, rep["to_fix_total"], len(rep["to_fix"].([]any)), toFix)
			}
			for _, it := range rep["to_fix"].([]any) {
				if it.(map[string]any)["verdict"] == "compliant" {
					t.Errorf("a row to fix is counted compliant: %v", it)
				}
			}
			total := rep["total"].(map[string]any)
			if total["rows"].(float64) != float64(len(devices)) || total["cameras"].(float64) != 29 {
				t.Errorf("total %v", total)
			}
		}
		fields := e.do(http.MethodGet, base+"/report?at=2025-13-01", w.opA, nil).want(http.StatusUnprocessableEntity).problemFields()
		if !slices.Equal(fields, []string{"at"}) {
			t.Errorf("bad at: %v", fields)
		}
		e.do(http.MethodGet, base+"/report.csv?at=nope", w.opA, nil).want(http.StatusUnprocessableEntity)
		x := e.do(http.MethodGet, base+"/report.xlsx", w.opA, nil).want(http.StatusOK)
		if !strings.HasPrefix(x.Body.String(), "PK") {
			t.Error("the XLSX is not a zip")
		}
		// An empty fleet reports zero.
		empty := e.do(http.MethodPost, "/v1/fleets", w.opA, map[string]any{"name": "Trống"}).want(http.StatusCreated).str("id")
		rep := e.do(http.MethodGet, "/v1/fleets/"+empty+"/report", w.opA, nil).want(http.StatusOK).json()
		if rep["total"].(map[string]any)["rows"].(float64) != 0 {
			t.Errorf("empty fleet: %v", rep)
		}
	})
}
