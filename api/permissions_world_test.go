package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"camreg/models"
)

// roleWorld is a registry with a key per role and, for each role, objects
// of its own organization to read. Writes get objects of their own, made
// fresh for each cell (fresh), so that a DELETE or a change of state in one
// cell never decides the answer of another.
type roleWorld struct {
	e      *testEnv
	f      fixture
	keys   map[string]string            // role → secret
	keyIDs map[string]string            // role → key id
	orgs   map[string]string            // role → its organization
	ids    map[string]map[string]string // role → placeholder → id, for reads
	vars   map[string]string            // placeholders of the bodies
	uniq   int
}

func newRoleWorld(t *testing.T, e *testEnv) *roleWorld {
	t.Helper()
	f := e.fixture()
	ctx := t.Context()
	e.withLogKey(t)
	office := e.create("organizations", map[string]any{"name": "Chi cục QLTT Đà Nẵng", "kind": "market_surveillance"})
	isp := e.create("organizations", map[string]any{"name": "Nhà mạng VNPT Đà Nẵng", "kind": "operator"})
	w := &roleWorld{e: e, f: f, keys: map[string]string{"admin": e.admin}, keyIDs: map[string]string{},
		orgs: map[string]string{"vendor": f.importer, "operator": isp, "inspector": office, "certifier": f.body, "authority": f.authority},
		ids:  map[string]map[string]string{}}
	w.vars = map[string]string{"{m1}": f.model, "{m2}": f.model2, "{body}": f.body, "{importer}": f.importer,
		"{retailer}": f.retailer, "{authority}": f.authority, "{isp}": isp}
	for _, role := range roleOrder[1:] {
		if role != "admin" {
			_, secret, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.Role(role), OrgID: w.orgs[role]})
			if err != nil {
				t.Fatal(err)
			}
			w.keys[role] = secret
		}
		k, err := e.store.Authenticate(ctx, w.keys[role])
		if err != nil {
			t.Fatal(err)
		}
		w.keyIDs[role] = k.KeyID
	}
	// The vendor's own objects: a pending certificate it submitted, a C/O
	// and a listing of its organization.
	pending := w.own(t, "vendor", "{cert}")
	origin := w.own(t, "vendor", "{origin}")
	listing := w.own(t, "vendor", "{listing}")
	spare := e.create("organizations", map[string]any{"name": "Spare", "kind": "distributor"})
	// The operator's own fleet, with a device.
	fleet := w.own(t, "operator", "{fleet}")
	w.vars["{ispfleet}"] = fleet["{fleet}"]
	// Its webhook, with a delivery.
	hook := w.own(t, "operator", "{webhook}")
	// An inspection of the vendor's own organization, with a finding (the
	// Dahua model has no certificate), an unsure item and a photo.
	insp := w.inspection(t, f.importer)
	base := map[string]string{"{org}": spare, "{model}": f.model, "{standard}": "0190a000-0000-7000-8000-000000000011",
		"{cert}": f.cert, "{origin}": f.origin, "{warning}": f.warning, "{listing}": f.listing,
		"{brand}": "hikvision", "{model_key}": "ds2cd1023g0ei", "{export}": "models.csv", "{index}": w.publicLeaf(t), "{type}": "not-found"}
	for k, v := range insp {
		base[k] = v
	}
	for k, v := range fleet {
		base[k] = v
	}
	for k, v := range hook {
		base[k] = v
	}
	for _, role := range roleOrder {
		ids := map[string]string{}
		for k, v := range base {
			ids[k] = v
		}
		ids["{key}"] = w.fresh(t, role, "{key}")["{key}"]
		if role != "public" {
			job := &models.ImportJob{Entity: "models", Format: "csv", Filename: "m.csv", CreatorKey: w.keyIDs[role]}
			if err := e.store.CreateImportJob(ctx, job); err != nil {
				t.Fatal(err)
			}
			ids["{import}"] = job.ID
		}
		if role == "vendor" {
			ids["{org}"], ids["{cert}"], ids["{origin}"], ids["{listing}"] = f.importer, pending["{cert}"], origin["{origin}"], listing["{listing}"]
		}
		w.ids[role] = ids
	}
	return w
}

// publicLeaf is the index of a log entry that anyone may read.
func (w *roleWorld) publicLeaf(t *testing.T) string {
	for i := range 50 {
		if r := w.e.do("GET", fmt.Sprintf("/v1/log/entries/%d", i), "", nil); r.Code == 200 {
			return fmt.Sprint(i)
		}
	}
	t.Fatal("no log entry is public")
	return ""
}

// inspection records an inspection of trader by the inspector: item 0 is
// the uncertified Dahua model (a finding), item 1 a slip (unsure), and a
// photo of it.
func (w *roleWorld) inspection(t *testing.T, trader string) map[string]string {
	t.Helper()
	r := w.e.do("POST", "/v1/inspections", w.keys["inspector"], map[string]any{"trader_org_id": trader, "place": "12 Tràng Tiền, Hà Nội",
		"items": []map[string]any{{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "quantity": 3}, {"model": "IPC-HFW123OS-S5"}}}).want(201)
	items := r.json()["items"].([]any)
	finding, _ := items[0].(map[string]any)["finding_id"].(string)
	if finding == "" {
		t.Fatalf("the inspection raised no finding: %s", r.Body.String())
	}
	id := r.str("id")
	photo := w.send(t, "POST", "/v1/inspections/"+id+"/photos", w.keys["inspector"], pngBody{}).want(201).str("id")
	return map[string]string{"{inspection}": id, "{finding}": finding, "{n}": "1", "{photo}": photo}
}

// own makes one object of the role's organization for placeholder p, as
// the role itself would (or as an admin for it).
func (w *roleWorld) own(t *testing.T, role, p string) map[string]string {
	return w.fresh(t, role, p)
}

// fresh makes the object placeholder p names, for a cell of role: its
// own organization's where the cell is "own".
func (w *roleWorld) fresh(t *testing.T, role, p string) map[string]string {
	t.Helper()
	e, f := w.e, w.f
	w.uniq++
	u := fmt.Sprint(w.uniq)
	one := func(id string) map[string]string { return map[string]string{p: id} }
	switch p {
	case "{org}":
		if role == "vendor" {
			return one(f.importer)
		}
		return one(e.create("organizations", map[string]any{"name": "Spare " + u, "kind": "distributor"}))
	case "{model}":
		return one(e.create("models", map[string]any{"brand": "Uniview", "model_number": "IPC-" + u, "registrant_org_id": f.importer, "status": "verified"}))
	case "{cert}":
		body := merged(certBody, map[string]any{"number": "OWN-" + u, "models": []map[string]any{{"camera_model_id": f.model}}})
		if role == "vendor" {
			return one(e.do("POST", "/v1/certificates", w.keys["vendor"], merged(body, map[string]any{"certification_body_org_id": f.body})).want(201).str("id"))
		}
		return one(e.create("certificates", merged(body, map[string]any{"certification_body_org_id": f.body, "holder_org_id": f.importer})))
	case "{origin}":
		body := map[string]any{"number": "E-OWN-" + u, "form": "E", "issuer": "CCPIT", "exporting_country": "CN",
			"issued_on": "2025-09-01", "camera_model_ids": []string{f.model}}
		if role == "vendor" {
			return one(e.do("POST", "/v1/origin-certificates", w.keys["vendor"], body).want(201).str("id"))
		}
		return one(e.create("origin-certificates", merged(body, map[string]any{"holder_org_id": f.importer})))
	case "{warning}":
		return one(e.create("warnings", map[string]any{"authority_org_id": f.authority, "reference": u + "/OWN", "title": "t",
			"severity": "low", "issued_on": "2025-04-10", "measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": f.model}}}))
	case "{listing}":
		body := map[string]any{"camera_model_id": f.model, "channel": "online", "url": "https://shopee.vn/own-" + u}
		if role == "vendor" {
			return one(e.do("POST", "/v1/listings", w.keys["vendor"], body).want(201).str("id"))
		}
		return one(e.create("listings", merged(body, map[string]any{"trader_org_id": f.retailer})))
	case "{inspection}", "{finding}", "{n}", "{photo}":
		return w.inspection(t, f.retailer)
	case "{fleet}", "{device}":
		fleet := e.create("fleets", map[string]any{"name": "Camera " + u, "org_id": w.vars["{isp}"]})
		device := e.do("POST", "/v1/fleets/"+fleet+"/devices", e.admin, map[string]any{"model": "DS-2CD1023G0E-I"}).want(201).str("id")
		return map[string]string{"{fleet}": fleet, "{device}": device}
	case "{webhook}", "{delivery}":
		return e.webhookWithDelivery(w.vars["{isp}"], u)
	case "{key}":
		_, key, err := e.store.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: models.RoleProcurement})
		if err != nil {
			t.Fatal(err)
		}
		return one(key[len("camreg_") : len("camreg_")+12])
	}
	return nil
}

// cellPath fills a template for a cell: a read uses the role's world, a
// write objects made for it.
func (w *roleWorld) cellPath(t *testing.T, role, method, template string) string {
	t.Helper()
	ids := w.ids[role]
	if method != "GET" {
		ids = map[string]string{}
		for _, p := range placeholders(template) {
			if _, done := ids[p]; done {
				continue
			}
			made := w.fresh(t, role, p)
			if made == nil {
				made = map[string]string{p: w.ids[role][p]}
			}
			for k, v := range made {
				ids[k] = v
			}
		}
	}
	for k, v := range ids {
		template = strings.ReplaceAll(template, k, v)
	}
	return template
}

func (w *roleWorld) path(role, template string) string {
	for k, v := range w.ids[role] {
		template = strings.ReplaceAll(template, k, v)
	}
	return template
}

// placeholders lists the {placeholders} of a path, in order.
func placeholders(path string) []string {
	var out []string
	for _, seg := range strings.Split(strings.SplitN(path, "?", 2)[0], "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg)
		}
	}
	return out
}

// send sends a cell's body: JSON with its placeholders filled, a PNG or a
// multipart import.
func (w *roleWorld) send(t *testing.T, method, path, key string, body any) response {
	t.Helper()
	e := w.e.with(t)
	switch b := body.(type) {
	case nil:
		return e.do(method, path, key, nil)
	case pngBody:
		return e.do(method, path, key, testImage(t, "png"), "Content-Type", "image/png")
	case importBody:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("dry_run", "true")
		fw, _ := mw.CreateFormFile("file", "m.csv")
		if b.devices {
			_ = mw.WriteField("entity", "devices")
			_ = mw.WriteField("fleet_id", w.ids["operator"]["{fleet}"])
			_, _ = fw.Write([]byte("external_id,brand,model,quantity\nTB-1,Hikvision,DS-2CD1023G0E-I,2\n"))
		} else {
			_ = mw.WriteField("entity", "models")
			_, _ = fw.Write([]byte("brand,model_number\nImou,IPC-F22\n"))
		}
		_ = mw.Close()
		req := httptest.NewRequest(method, path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return response{rec, t}
	case perRole:
		panic("send: perRole must be resolved first")
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		w.uniq++
		s := strings.ReplaceAll(string(raw), "{uniq}", fmt.Sprint(w.uniq))
		for k, v := range w.vars {
			s = strings.ReplaceAll(s, k, v)
		}
		return e.do(method, path, key, s)
	}
}

// bodyFor picks a row's body for a role.
func bodyFor(p permission, role string) any {
	if m, ok := p.body.(perRole); ok {
		if b, ok := m[role]; ok {
			return b
		}
		return m[""]
	}
	return p.body
}

var _ = http.MethodGet
