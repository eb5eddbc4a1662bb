package api

import (
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"camreg/models"
)

// roleOrder is the column order of the permission matrix.
var roleOrder = []string{"public", "procurement", "vendor", "operator", "inspector", "certifier", "authority", "admin"}

// permission is one row of the matrix: an endpoint, and for each role in
// roleOrder whether it may call it: "✓" (yes), "own" (yes, for its own
// organization's objects), "401" (no key: authentication required) or
// "403" (its role may not).
type permission struct {
	method, path string
	cells        [8]string
	body         any
}

var (
	all       = [8]string{"✓", "✓", "✓", "✓", "✓", "✓", "✓", "✓"}
	adminOnly = [8]string{"401", "403", "403", "403", "403", "403", "403", "✓"}
	fleetRead = [8]string{"401", "403", "403", "own", "403", "403", "✓", "✓"}
	fleetKeep = [8]string{"401", "403", "403", "own", "403", "403", "403", "✓"}
)

// permissionMatrix is the matrix of docs/api.md; TestPermissionMatrixInREADME
// keeps the two the same, and TestPermissionMatrix calls every cell.
var permissionMatrix = []permission{
	{"GET", "/v1/organizations", all, nil},
	{"GET", "/v1/organizations/{org}", all, nil},
	{"POST", "/v1/organizations", [8]string{"401", "403", "403", "403", "✓", "403", "403", "✓"}, map[string]any{"name": "Cửa hàng mới", "kind": "retailer"}},
	{"PATCH", "/v1/organizations/{org}", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"phone": "+84 24 3825 1234"}},
	{"DELETE", "/v1/organizations/{org}", adminOnly, nil},
	{"GET", "/v1/models", all, nil},
	{"GET", "/v1/models/{model}", all, nil},
	{"POST", "/v1/models", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"brand": "Imou", "model_number": "IPC-A22EP"}},
	{"PATCH", "/v1/models/{model}", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"name": "Camera"}},
	{"DELETE", "/v1/models/{model}", adminOnly, nil},
	{"GET", "/v1/standards", all, nil},
	{"GET", "/v1/standards/{standard}", all, nil},
	{"POST", "/v1/standards", adminOnly, map[string]any{"code": "QCVN X", "title": "X", "effective_from": "2027-01-01"}},
	{"PATCH", "/v1/standards/{standard}", adminOnly, map[string]any{"issued_by": "Bộ Công an"}},
	{"GET", "/v1/certificates", all, nil},
	{"GET", "/v1/certificates/{cert}", all, nil},
	{"POST", "/v1/certificates", [8]string{"401", "403", "own", "403", "403", "own", "403", "✓"}, map[string]any{"number": "X-1"}},
	{"PATCH", "/v1/certificates/{cert}", [8]string{"401", "403", "own", "403", "403", "own", "403", "✓"}, map[string]any{"lot_ref": "L-2"}},
	{"GET", "/v1/origin-certificates", all, nil},
	{"GET", "/v1/origin-certificates/{origin}", all, nil},
	{"POST", "/v1/origin-certificates", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"number": "E-1"}},
	{"PATCH", "/v1/origin-certificates/{origin}", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"invoice_ref": "INV-2"}},
	{"GET", "/v1/warnings", all, nil},
	{"GET", "/v1/warnings/{warning}", all, nil},
	{"POST", "/v1/warnings", [8]string{"401", "403", "403", "403", "403", "403", "own", "✓"}, map[string]any{"reference": "1/X"}},
	{"PATCH", "/v1/warnings/{warning}", [8]string{"401", "403", "403", "403", "403", "403", "own", "✓"}, map[string]any{"summary": "Cập nhật"}},
	{"GET", "/v1/listings", all, nil},
	{"GET", "/v1/listings/{listing}", all, nil},
	{"POST", "/v1/listings", [8]string{"401", "403", "own", "403", "✓", "403", "403", "✓"}, map[string]any{"channel": "shop"}},
	{"PATCH", "/v1/listings/{listing}", [8]string{"401", "403", "own", "403", "✓", "403", "403", "✓"}, map[string]any{"price_vnd": 1000}},
	{"DELETE", "/v1/listings/{listing}", [8]string{"401", "403", "own", "403", "✓", "403", "403", "✓"}, nil},
	{"GET", "/v1/certificates/{cert}/history", all, nil},
	{"GET", "/v1/provinces", all, nil},
	{"GET", "/v1/audit", [8]string{"401", "403", "403", "403", "403", "403", "✓", "✓"}, nil},
	{"GET", "/v1/search?q=hikvision", all, nil},
	{"GET", "/v1/verify?model=DS-2CD1023G0E-I", all, nil},
	{"POST", "/v1/verify", all, map[string]any{"items": []map[string]any{{"model": "DS-2CD1023G0E-I"}}}},
	{"GET", "/v1/feed.atom", all, nil},
	{"GET", "/v1/feed.json", all, nil},
	{"GET", "/m/{brand}/{model_key}", all, nil},
	{"GET", "/m/{brand}/{model_key}/qr.png", all, nil},
	{"GET", "/m/{brand}/{model_key}/qr.svg", all, nil},
	{"POST", "/v1/inspections", [8]string{"401", "403", "403", "403", "✓", "403", "403", "✓"}, map[string]any{"trader_org_id": "0190a000-0000-7000-8000-00000000dead"}},
	{"GET", "/v1/inspections", [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}, nil},
	{"GET", "/v1/inspections/{inspection}", [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}, nil},
	{"GET", "/v1/findings", [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}, nil},
	{"GET", "/v1/findings/{finding}", [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}, nil},
	{"PATCH", "/v1/findings/{finding}", [8]string{"401", "403", "403", "403", "✓", "403", "403", "✓"}, map[string]any{"status": "confirmed", "note": "Biên bản 12/BB-QLTT"}},
	{"GET", "/v1/organizations/{org}/compliance", [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}, nil},
	{"POST", "/v1/imports", [8]string{"401", "403", "own", "own", "403", "403", "403", "✓"}, nil},
	{"GET", "/v1/imports/{import}", [8]string{"401", "own", "own", "own", "own", "own", "own", "✓"}, nil},
	{"GET", "/v1/export/{export}", all, nil},
	{"GET", "/v1/fleets", [8]string{"401", "403", "403", "✓", "403", "403", "✓", "✓"}, nil},
	{"POST", "/v1/fleets", [8]string{"401", "403", "403", "✓", "403", "403", "403", "✓"}, map[string]any{"name": "Camera trụ sở"}},
	{"GET", "/v1/fleets/{fleet}", fleetRead, nil},
	{"PATCH", "/v1/fleets/{fleet}", fleetKeep, map[string]any{"security_level": 3}},
	{"GET", "/v1/fleets/{fleet}/devices", fleetRead, nil},
	{"POST", "/v1/fleets/{fleet}/devices", fleetKeep, map[string]any{"model": "DS-2CD1023G0E-I", "quantity": 2}},
	{"DELETE", "/v1/fleets/{fleet}/devices/{device}", fleetKeep, nil},
	{"GET", "/v1/fleets/{fleet}/report", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/report.csv", fleetRead, nil},
	{"DELETE", "/v1/fleets/{fleet}", fleetKeep, nil},
	{"GET", "/", all, nil},
	{"GET", "/v1/keys", adminOnly, nil},
	{"POST", "/v1/keys", adminOnly, map[string]any{"role": "procurement"}},
	{"DELETE", "/v1/keys/{key}", adminOnly, nil},
}

// roleWorld is a registry with a key per role and, for each role, objects
// of its own organization to act on.
type roleWorld struct {
	keys map[string]string            // role → secret
	ids  map[string]map[string]string // role → placeholder → id
}

func newRoleWorld(t *testing.T, e *testEnv) roleWorld {
	t.Helper()
	f := e.fixture()
	ctx := t.Context()
	office := e.create("organizations", map[string]any{"name": "Chi cục QLTT Đà Nẵng", "kind": "market_surveillance"})
	isp := e.create("organizations", map[string]any{"name": "Nhà mạng VNPT Đà Nẵng", "kind": "operator"})
	orgs := map[string]string{"vendor": f.importer, "operator": isp, "inspector": office, "certifier": f.body, "authority": f.authority}
	w := roleWorld{keys: map[string]string{"admin": e.admin}, ids: map[string]map[string]string{}}
	for _, role := range roleOrder[1 : len(roleOrder)-1] {
		_, secret, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.Role(role), OrgID: orgs[role]})
		if err != nil {
			t.Fatal(err)
		}
		w.keys[role] = secret
	}
	// The vendor's own objects: a pending certificate it submitted, a C/O
	// and a listing of its organization.
	pending := e.do("POST", "/v1/certificates", w.keys["vendor"], map[string]any{"number": "SUB-1", "standard_code": "QCVN 135:2024/BTTTT",
		"certification_body_org_id": f.body, "method": 1, "issued_on": "2025-05-01", "expires_on": "2028-05-01",
		"models": []map[string]any{{"camera_model_id": f.model}}}).want(201).str("id")
	origin := e.do("POST", "/v1/origin-certificates", w.keys["vendor"], map[string]any{"number": "E-OWN", "form": "E", "issuer": "CCPIT",
		"exporting_country": "CN", "issued_on": "2025-09-01", "camera_model_ids": []string{f.model}}).want(201).str("id")
	listing := e.do("POST", "/v1/listings", w.keys["vendor"], map[string]any{"camera_model_id": f.model, "channel": "online",
		"url": "https://shopee.vn/x"}).want(201).str("id")
	spare := e.create("organizations", map[string]any{"name": "Spare", "kind": "distributor"})
	// The operator's own fleet, with a device.
	fleet := e.do("POST", "/v1/fleets", w.keys["operator"], map[string]any{"name": "Camera trụ sở"}).want(201).str("id")
	device := e.do("POST", "/v1/fleets/"+fleet+"/devices", w.keys["operator"], map[string]any{"model": "DS-2CD1023G0E-I"}).want(201).str("id")
	// An inspection of the vendor's own organization, with a finding: the
	// Dahua model has no certificate.
	insp := e.do("POST", "/v1/inspections", w.keys["inspector"], map[string]any{"trader_org_id": f.importer,
		"place": "12 Tràng Tiền, Hà Nội", "items": []map[string]any{{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "quantity": 3}}}).want(201)
	items := insp.json()["items"].([]any)
	finding, _ := items[0].(map[string]any)["finding_id"].(string)
	if finding == "" {
		t.Fatalf("the inspection raised no finding: %s", insp.Body.String())
	}
	base := map[string]string{"{org}": spare, "{model}": f.model, "{standard}": "0190a000-0000-7000-8000-000000000011",
		"{cert}": f.cert, "{origin}": f.origin, "{warning}": f.warning, "{listing}": f.listing,
		"{brand}": "hikvision", "{model_key}": "ds2cd1023g0ei", "{inspection}": insp.str("id"), "{finding}": finding,
		"{import}": "0190a000-0000-7000-8000-00000000beef", "{export}": "models.csv",
		"{fleet}": fleet, "{device}": device}
	for _, role := range roleOrder {
		ids := map[string]string{}
		for k, v := range base {
			ids[k] = v
		}
		_, key, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleProcurement})
		if err != nil {
			t.Fatal(err)
		}
		ids["{key}"] = key[len("camreg_") : len("camreg_")+12]
		if role == "vendor" {
			ids["{org}"], ids["{cert}"], ids["{origin}"], ids["{listing}"] = f.importer, pending, origin, listing
		}
		w.ids[role] = ids
	}
	return w
}

func (w roleWorld) path(role, template string) string {
	for k, v := range w.ids[role] {
		template = strings.ReplaceAll(template, k, v)
	}
	return template
}

// TestPermissionMatrix calls every cell of the matrix: a refused cell must
// be answered with exactly its 401 or 403 and change nothing; an allowed
// cell must get past authorization (whatever the body's fate).
func TestPermissionMatrix(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.withSearch(t)
		w := newRoleWorld(t, e)
		for _, p := range permissionMatrix {
			for i, role := range roleOrder {
				cell := p.cells[i]
				t.Run(p.method+" "+p.path+" as "+role, func(t *testing.T) {
					e := e.with(t)
					before := e.eventCount()
					r := e.do(p.method, w.path(role, p.path), w.keys[role], p.body)
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
						if r.Code == 401 || r.Code == 403 || r.Code >= 500 {
							t.Fatalf("allowed cell answered %d: %s", r.Code, r.Body.String())
						}
					}
				})
			}
		}
	})
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
		job := e.upload(e.admin, map[string]string{"entity": "models", "dry_run": "true"}, "m.csv", []byte("brand,model_number\nA,B\n")).
			want(http.StatusAccepted).str("id")
		others["{import}"] = job
		// Another organization's fleet, with a device.
		others["{fleet}"] = e.create("fleets", map[string]any{"name": "Camera Cục khác", "org_id": otherAuth})
		others["{device}"] = e.do("POST", "/v1/fleets/"+others["{fleet}"]+"/devices", e.admin, map[string]any{"model": "IPC2122LB"}).
			want(http.StatusCreated).str("id")
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
					if r.Code != 403 && r.Code != 404 {
						t.Fatalf("%s %s: %d, want 403 or 404: %s", p.method, path, r.Code, r.Body.String())
					}
					r.problemFields()
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
