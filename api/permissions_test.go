package api

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"camreg/models/testdb"
)

// TestPermissionMatrix calls every cell of the matrix. A refused cell must
// be answered with exactly its 401 or 403 and change nothing; an allowed
// cell, given objects of its own (made fresh for each write), must be
// answered with exactly the success the OpenAPI description documents for
// the operation (200, 201, 202 or 204).
func TestPermissionMatrix(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.withSearch(t)
		w := newRoleWorld(t, e)
		success := documentedSuccess(t, e)
		for _, p := range permissionMatrix {
			for i, role := range roleOrder {
				cell := p.cells[i]
				t.Run(p.method+" "+p.path+" as "+role, func(t *testing.T) {
					e := e.with(t)
					w.e = e
					w.vars["{trader}"] = w.f.retailer
					if role == "vendor" {
						w.vars["{trader}"] = w.f.importer
					}
					path := w.cellPath(t, role, p.method, p.path)
					before := e.eventCount()
					r := w.send(t, p.method, path, w.keys[role], bodyFor(p, role))
					switch cell {
					case "401", "403":
						want := 401
						if cell == "403" {
							want = 403
						}
						r.want(want).problemFields()
						if e.eventCount() != before {
							t.Fatal("a refused request wrote to the change log")
						}
					default:
						want, ok := success[p.method+" "+routeOf(p.path)]
						if !ok {
							t.Fatalf("the OpenAPI description documents no single 2xx for %s %s", p.method, routeOf(p.path))
						}
						r.want(want)
					}
				})
			}
		}
	})
}

// documentedSuccess reads, for every operation of /openapi.json with one
// 2xx answer, that answer.
func documentedSuccess(t *testing.T, e *testEnv) map[string]int {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(e.do("GET", "/openapi.json", "", nil).want(200).Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var ok []int
			for code := range op.Responses {
				if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
					ok = append(ok, n)
				}
			}
			if len(ok) == 1 {
				out[strings.ToUpper(method)+" "+path] = ok[0]
			}
		}
	}
	// The page and the permalinks are not JSON operations: they answer 200.
	for _, p := range []string{"/", "/m/{brand}/{model}", "/m/{brand}/{model}/qr.png", "/m/{brand}/{model}/qr.svg", "/problems/{type}"} {
		if _, ok := out["GET "+p]; !ok {
			out["GET "+p] = 200
		}
	}
	return out
}

// routeOf turns a matrix path into its OpenAPI route: the query goes, and
// each placeholder becomes the route's parameter name.
func routeOf(path string) string {
	path = strings.SplitN(path, "?", 2)[0]
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		switch {
		case seg == "{device}":
			segs[i] = "{device_id}"
		case seg == "{model_key}":
			segs[i] = "{model}"
		case seg == "{export}":
			segs[i] = "{file}"
		case seg == "{index}", seg == "{n}", seg == "{brand}", seg == "{delivery}", seg == "{type}":
		case strings.HasPrefix(seg, "{"):
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// notInMatrix are the routes that are not the registry's API: operations,
// the OpenAPI description and the page's static files (HEAD answers as GET).
var notInMatrix = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /openapi.json": true,
	"GET /swagger/*": true, "GET /swagger": true, "GET /static/*": true, "HEAD /": true, "HEAD /static/*": true}

// TestPermissionMatrixCoversEveryRoute fails when the server has a route
// that the matrix has no row for: a new route must say who may call it.
func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	e := newEnv(t, testdb.Open(t, testdb.Backends(t)[0]))
	rows := map[string]bool{}
	for _, p := range permissionMatrix {
		rows[p.method+" "+routeOf(p.path)] = true
	}
	for _, rt := range e.srv.Echo().Routes() {
		if rt.Method == "echo_route_not_found" || strings.HasSuffix(rt.Path, "/*") && rt.Method == "" {
			continue
		}
		route := rt.Path
		segs := strings.Split(route, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, ":") {
				segs[i] = "{" + seg[1:] + "}"
			}
		}
		key := rt.Method + " " + strings.Join(segs, "/")
		if notInMatrix[key] || rows[key] {
			continue
		}
		t.Errorf("route %s has no row in the permission matrix: add it to permissionMatrix (api/permissions_matrix_test.go) "+
			"and to the table of docs/api.md (\"Who may do what\"), with a body that succeeds for every allowed role, and, if it "+
			"acts on a new kind of object, teach roleWorld.fresh (api/permissions_world_test.go) to make one per cell", key)
	}
}

// TestPermissionMatrixInREADME checks that the matrix of docs/api.md (it
// was the README's) is the one the tests enforce.
func TestPermissionMatrixInREADME(t *testing.T) {
	raw, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `(GET|POST|PATCH|DELETE) ([^`]+)` \\|(.*)\\|$")
	readme := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var cells []string
		for _, c := range strings.Split(m[3], "|") {
			c = strings.TrimSpace(c)
			if c == "—" {
				c = "403"
			}
			cells = append(cells, c)
		}
		readme[m[1]+" "+m[2]] = cells
	}
	for _, p := range permissionMatrix {
		got, ok := readme[p.method+" "+p.path]
		if !ok {
			t.Errorf("README's matrix lacks %s %s", p.method, p.path)
			continue
		}
		if !slices.Equal(got, p.cells[:]) {
			t.Errorf("README says %s %s is %v; the tests enforce %v", p.method, p.path, got, p.cells)
		}
	}
	if len(readme) != len(permissionMatrix) {
		t.Errorf("README's matrix has %d rows, the tests %d", len(readme), len(permissionMatrix))
	}
}

var _ = http.MethodGet

// TestPermissionMatrixOwnCellsOnOthers tries every "own" cell (but for
// POST, whose scope the services' tests cover with bodies naming another
// organization) on another organization's object: it must be refused with
// 403 or, where the object is not the caller's to know of, 404, and write
// nothing. TestPermissionMatrix tries the same cells on the caller's own.
func TestPermissionMatrixOwnCellsOnOthers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.withSearch(t)
		w := newRoleWorld(t, e)
		f := fixture{}
		// The fixture's organizations, found again by their names.
		for _, o := range e.do("GET", "/v1/organizations?limit=500", e.admin, nil).want(200).json()["items"].([]any) {
			m := o.(map[string]any)
			switch m["name"] {
			case "Cửa hàng Điện tử Đà Nẵng":
				f.retailer = m["id"].(string)
			case "Quatest 1":
				f.body = m["id"].(string)
			}
		}
		otherBody := e.create("organizations", map[string]any{"name": "Quatest 3", "kind": "certification_body"})
		otherAuth := e.create("organizations", map[string]any{"name": "Cục khác", "kind": "authority"})
		model2 := e.create("models", map[string]any{"brand": "Uniview", "model_number": "IPC2122LB", "status": "verified"})
		others := map[string]string{
			"{org}":   f.retailer,
			"{model}": model2,
			"{cert}": e.create("certificates", map[string]any{"number": "OTHER-1", "standard_code": "QCVN 135:2024/BTTTT",
				"certification_body_org_id": otherBody, "method": 1, "holder_org_id": f.retailer, "issued_on": "2025-05-01",
				"expires_on": "2028-05-01", "models": []map[string]any{{"camera_model_id": model2}}}),
			"{origin}": e.create("origin-certificates", map[string]any{"number": "E-OTHER", "form": "E", "issuer": "CCPIT",
				"holder_org_id": f.retailer, "exporting_country": "CN", "issued_on": "2025-09-01", "camera_model_ids": []string{model2}}),
			"{warning}": e.create("warnings", map[string]any{"authority_org_id": otherAuth, "reference": "9/OTHER", "title": "t",
				"severity": "low", "issued_on": "2025-04-10", "measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": model2}}}),
			"{listing}": e.create("listings", map[string]any{"trader_org_id": f.retailer, "camera_model_id": model2, "channel": "online",
				"url": "https://other.example/x"}),
		}
		insp := e.do("POST", "/v1/inspections", w.keys["inspector"], map[string]any{"trader_org_id": f.retailer,
			"place": "1 Lê Lợi", "items": []map[string]any{{"model": "IPC2122LB", "brand": "Uniview", "quantity": 1}}}).want(201)
		others["{inspection}"] = insp.str("id")
		if fid, _ := insp.json()["items"].([]any)[0].(map[string]any)["finding_id"].(string); fid != "" {
			others["{finding}"] = fid
		}
		others["{photo}"] = w.send(t, "POST", "/v1/inspections/"+others["{inspection}"]+"/photos", w.keys["inspector"], pngBody{}).
			want(http.StatusCreated).str("id")
		job := e.upload(e.admin, map[string]string{"entity": "models", "dry_run": "true"}, "m.csv", []byte("brand,model_number\nA,B\n")).
			want(http.StatusAccepted).str("id")
		others["{import}"] = job
		// Another organization's fleet, with a device.
		others["{fleet}"] = e.create("fleets", map[string]any{"name": "Camera Cục khác", "org_id": otherAuth})
		others["{device}"] = e.do("POST", "/v1/fleets/"+others["{fleet}"]+"/devices", e.admin, map[string]any{"model": "IPC2122LB"}).
			want(http.StatusCreated).str("id")
		for k, v := range e.webhookWithDelivery(otherAuth, "other") {
			others[k] = v
		}
		tried := 0
		for _, p := range permissionMatrix {
			if p.method == "POST" {
				continue
			}
			for i, role := range roleOrder {
				if p.cells[i] != "own" {
					continue
				}
				path := p.path
				for k, v := range others {
					path = strings.ReplaceAll(path, k, v)
				}
				path = w.path(role, path)
				tried++
				t.Run(p.method+" "+p.path+" as "+role+" on another's", func(t *testing.T) {
					e := e.with(t)
					before := e.eventCount()
					r := e.do(p.method, path, w.keys[role], p.body)
					if !strings.Contains(p.path, "{") {
						// A list: the caller's own only, none of the others'.
						r.want(200)
						for _, id := range others {
							if strings.Contains(r.Body.String(), id) {
								t.Fatalf("%s lists another organization's %s", path, id)
							}
						}
						return
					}
					// Another organization's private object (an inspection
					// and what hangs from it, a fleet, a webhook, an import job) is not
					// the caller's to know of, nor is its compliance summary: 404. A public one is there
					// for all to see, but not the caller's to change: 403.
					want := http.StatusForbidden
					for _, private := range []string{"{inspection}", "{finding}", "{photo}", "{fleet}", "{webhook}", "{import}", "/compliance"} {
						if strings.Contains(p.path, private) {
							want = http.StatusNotFound
						}
					}
					r.want(want).problemFields()
					if e.eventCount() != before {
						t.Fatal("a refused request wrote to the change log")
					}
				})
			}
		}
		if tried < 15 {
			t.Fatalf("only %d own cells tried", tried)
		}
	})
}
