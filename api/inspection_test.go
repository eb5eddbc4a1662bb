package api

import (
	"net/http"
	"slices"
	"testing"

	"camreg/models"
)

// inspectionKeys are keys of every role, for the inspection endpoints: the
// inspector belongs to a market-surveillance office, the vendor to the
// fixture's retailer (the inspected trader), otherVendor to its importer.
type inspectionKeys struct {
	f                                 fixture
	office                            string
	inspector, vendor, otherVendor    string
	certifier, authority, procurement string
}

func newInspectionKeys(t *testing.T, e *testEnv) inspectionKeys {
	t.Helper()
	k := inspectionKeys{f: e.fixture()}
	k.office = e.create("organizations", map[string]any{"name": "Chi cục Quản lý thị trường Đà Nẵng", "kind": "market_surveillance", "province": "48"})
	key := func(role models.Role, org string) string {
		_, secret, err := e.store.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: role, OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	k.inspector = key(models.RoleInspector, k.office)
	k.vendor = key(models.RoleVendor, k.f.retailer)
	k.otherVendor = key(models.RoleVendor, k.f.importer)
	k.certifier = key(models.RoleCertifier, k.f.body)
	k.authority = key(models.RoleAuthority, k.f.authority)
	k.procurement = key(models.RoleProcurement, "")
	return k
}

// shelfBody inspects the retailer on 2026-03-01: a camera with an update
// warning (no finding), one without certificate (a finding) and one the
// registry does not know, marked so by the inspector with the label's text
// (a finding, "not found in the registry").
func (k inspectionKeys) shelfBody() map[string]any {
	return map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01", "place": "45 Lê Duẩn, Đà Nẵng",
		"items": []map[string]any{
			{"model": "DS-2CD1023G0E-I", "brand": "Hikvision", "quantity": 4},
			{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "quantity": 2, "photo_ref": "IMG_0001.jpg"},
			{"model": "YS-NOPE-9", "brand": "Yoosee", "not_in_registry": true, "label_text": "YS-NOPE-9 WiFi 2MP"},
		}}
}

func TestInspectionsAndFindings(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)

		// Who may record an inspection; a refusal writes nothing.
		before := e.eventCount()
		for _, key := range []string{"", k.vendor, k.certifier, k.authority, k.procurement} {
			want := http.StatusForbidden
			if key == "" {
				want = http.StatusUnauthorized
			}
			e.do(http.MethodPost, "/v1/inspections", key, k.shelfBody()).want(want).problemFields()
		}
		bad := map[string]any{"trader_org_id": k.f.body, "inspected_on": "2099-01-01", "items": []map[string]any{{"model": "", "quantity": 0}}, "colour": 1}
		fields := e.do(http.MethodPost, "/v1/inspections", k.inspector, bad).want(http.StatusUnprocessableEntity).problemFields()
		slices.Sort(fields)
		if want := []string{"colour", "inspected_on", "items[0].model", "items[0].quantity", "trader_org_id"}; !slices.Equal(fields, want) {
			t.Errorf("fields %v, want %v", fields, want)
		}
		if e.eventCount() != before {
			t.Fatal("a refused inspection wrote to the change log")
		}

		// The inspector records the visit: verdicts on the spot, two findings.
		r := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Accept-Language", "en").want(http.StatusCreated)
		insp := r.json()
		id := insp["id"].(string)
		if r.Header().Get("Location") != "/v1/inspections/"+id || r.Header().Get("ETag") == "" {
			t.Errorf("Location %q ETag %q", r.Header().Get("Location"), r.Header().Get("ETag"))
		}
		if insp["office_org_id"] != k.office || insp["province_code"] != "48" {
			t.Errorf("office %v province %v", insp["office_org_id"], insp["province_code"])
		}
		items := insp["items"].([]any)
		wantItems := []struct{ match, verdict string }{{"exact", "warning"}, {"exact", "non_compliant"}, {"none", "unknown"}}
		for i, w := range wantItems {
			it := items[i].(map[string]any)
			if it["match"] != w.match || it["verdict"] != w.verdict {
				t.Errorf("item %d: %v %v, want %s %s", i, it["match"], it["verdict"], w.match, w.verdict)
			}
		}
		findings := insp["findings"].([]any)
		if len(findings) != 2 {
			t.Fatalf("findings %v", findings)
		}
		noCert, unknown := findings[0].(map[string]any), findings[1].(map[string]any)
		if noCert["violation"] != "no_conformity_certificate" || unknown["violation"] != "unregistered_model" || noCert["status"] != "open" {
			t.Errorf("findings %v / %v", noCert, unknown)
		}
		if items[1].(map[string]any)["finding_id"] != noCert["id"] || items[0].(map[string]any)["finding_id"] != nil {
			t.Errorf("items do not point at their findings: %v", items)
		}
		msg := unknown["evidence"].([]any)[0].(map[string]any)["message"].(string)
		if msg[:len("Not found in the registry")] != "Not found in the registry" {
			t.Errorf("unregistered evidence says %q", msg)
		}

		// Another trader's inspection, for visibility.
		other := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.importer, "inspected_on": "2026-03-02",
			"items": []map[string]any{{"model": "IPC-HFW1230S-S5"}}}).want(http.StatusCreated).json()
		otherFinding := other["findings"].([]any)[0].(map[string]any)["id"].(string)

		// Reading: inspectors, authorities and admins see everything; a
		// vendor its own; the public and other roles nothing.
		count := func(path, key string) int {
			t.Helper()
			return len(e.do(http.MethodGet, path, key, nil).want(http.StatusOK).json()["items"].([]any))
		}
		for _, key := range []string{k.inspector, k.authority, e.admin} {
			if n := count("/v1/findings", key); n != 3 {
				t.Errorf("%d findings seen, want 3", n)
			}
			if n := count("/v1/inspections", key); n != 2 {
				t.Errorf("%d inspections seen, want 2", n)
			}
		}
		if n := count("/v1/findings", k.vendor); n != 2 {
			t.Errorf("the vendor sees %d findings, want its own 2", n)
		}
		if n := count("/v1/findings?trader="+k.f.importer, k.vendor); n != 0 {
			t.Errorf("the vendor sees %d of another's findings", n)
		}
		if n := count("/v1/inspections", k.otherVendor); n != 1 {
			t.Errorf("the other vendor sees %d inspections, want 1", n)
		}
		e.do(http.MethodGet, "/v1/findings/"+otherFinding, k.vendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, "/v1/inspections/"+id, k.otherVendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, "/v1/inspections/"+id, k.vendor, nil).want(http.StatusOK)
		for _, path := range []string{"/v1/findings", "/v1/findings/" + otherFinding, "/v1/inspections", "/v1/inspections/" + id,
			"/v1/organizations/" + k.f.retailer + "/compliance"} {
			e.do(http.MethodGet, path, "", nil).want(http.StatusUnauthorized).problemFields()
			e.do(http.MethodGet, path, k.certifier, nil).want(http.StatusForbidden).problemFields()
			e.do(http.MethodGet, path, k.procurement, nil).want(http.StatusForbidden).problemFields()
		}
		filters := map[string]int{
			"?violation=unregistered_model":                         1,
			"?status=open&province=da+nang":                         2,
			"?inspection=" + id:                                     2,
			"?from=2026-03-02":                                      1,
			"?from=2026-03-01&to=2026-03-01&trader=" + k.f.retailer: 2,
		}
		for q, want := range filters {
			if n := count("/v1/findings"+q, k.inspector); n != want {
				t.Errorf("findings%s: %d, want %d", q, n, want)
			}
		}
		for q, want := range map[string][]string{"?when=now": {"when"}, "?violation=theft&status=closed": {"violation", "status"}, "?from=1/3/2026": {"from"}} {
			if got := e.do(http.MethodGet, "/v1/findings"+q, k.inspector, nil).want(http.StatusUnprocessableEntity).problemFields(); !slices.Equal(got, want) {
				t.Errorf("findings%s: fields %v, want %v", q, got, want)
			}
		}

		// The lifecycle, with If-Match, and who may move a finding.
		path := "/v1/findings/" + noCert["id"].(string)
		etag := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK).Header().Get("ETag")
		e.do(http.MethodPatch, path, "", map[string]any{"status": "confirmed", "note": "x"}).want(http.StatusUnauthorized)
		for _, key := range []string{k.procurement, k.certifier} {
			e.do(http.MethodPatch, path, key, map[string]any{"status": "confirmed", "note": "x"}).want(http.StatusForbidden)
		}
		e.do(http.MethodPatch, path, k.vendor, map[string]any{"status": "dismissed", "note": "không đồng ý"}).want(http.StatusForbidden)
		e.do(http.MethodPatch, path, k.authority, map[string]any{"status": "confirmed", "note": "x"}).want(http.StatusForbidden)
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "resolved", "note": "x"}).want(http.StatusConflict).problemFields()
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "confirmed"}).want(http.StatusUnprocessableEntity).problemFields()
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "confirmed", "note": "x"}, "If-Match", `"9"`).want(http.StatusPreconditionFailed)
		c := e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "confirmed", "note": "Biên bản 12/BB-QLTT"}, "If-Match", etag).want(http.StatusOK)
		if c.str("status") != "confirmed" || c.Header().Get("ETag") == etag {
			t.Errorf("confirm: %s", c.Body.String())
		}
		e.do(http.MethodPatch, path, e.admin, map[string]any{"status": "resolved", "note": "Đã gỡ 2 camera khỏi kệ"}).want(http.StatusOK)
		e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "dismissed", "note": "x"}).want(http.StatusConflict)
		e.do(http.MethodPatch, "/v1/findings/"+unknown["id"].(string), k.inspector, map[string]any{"status": "dismissed", "note": "Mẫu có trong sổ dưới tên khác"}).want(http.StatusOK)

		// The vendor reads its finding's history: who, when, why.
		h := e.do(http.MethodGet, path, k.vendor, nil).want(http.StatusOK).json()
		steps := h["history"].([]any)
		wantSteps := [][2]string{{"", "open"}, {"open", "confirmed"}, {"confirmed", "resolved"}}
		if len(steps) != len(wantSteps) {
			t.Fatalf("history %v", steps)
		}
		for i, w := range wantSteps {
			st := steps[i].(map[string]any)
			if st["from"] != w[0] || st["to"] != w[1] || st["actor"] == "" || st["at"] == "" {
				t.Errorf("step %d: %v", i, st)
			}
		}
		if steps[1].(map[string]any)["actor_role"] != "inspector" || steps[1].(map[string]any)["note"] != "Biên bản 12/BB-QLTT" ||
			steps[2].(map[string]any)["actor_role"] != "admin" {
			t.Errorf("steps %v", steps)
		}
		if h["status"] != "resolved" || h["status_reason"] != "Đã gỡ 2 camera khỏi kệ" {
			t.Errorf("finding %v", h)
		}
	})
}

func TestTraderComplianceEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated)
		path := "/v1/organizations/" + k.f.retailer + "/compliance"
		m := e.do(http.MethodGet, path, k.vendor, nil).want(http.StatusOK).json()
		listings := m["listings"].([]any)
		if len(listings) != 1 || listings[0].(map[string]any)["camera_model_id"] != k.f.model {
			t.Fatalf("listings %v", listings)
		}
		counts := m["counts"].(map[string]any)
		total := 0.0
		for _, n := range counts {
			total += n.(float64)
		}
		if total != 1 || counts[listings[0].(map[string]any)["verdict"].(string)] != 1.0 {
			t.Errorf("counts %v", counts)
		}
		if n := len(m["open_findings"].([]any)); n != 2 {
			t.Errorf("%d open findings, want 2", n)
		}
		if m["organization"].(map[string]any)["id"] != k.f.retailer {
			t.Errorf("organization %v", m["organization"])
		}
		e.do(http.MethodGet, path, k.otherVendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK)
		e.do(http.MethodGet, path, k.authority, nil).want(http.StatusOK)
		e.do(http.MethodGet, "/v1/organizations/nope/compliance", k.inspector, nil).want(http.StatusNotFound)
	})
}

func TestInspectionItemResolveEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		r := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{{"model": "DS-2CD1023GOE-I", "brand": "Hikvision"}, {"model": "IPC-HFW123OS-S5"}, {"model": "ZZ-NOPE-1"}}}).want(http.StatusCreated)
		insp := r.json()
		id := insp["id"].(string)
		if n, _ := insp["number"].(string); len(n) != len("KT-2026-000001") || n[:8] != "KT-2026-" {
			t.Errorf("number %v", insp["number"])
		}
		if insp["status"] != "needs_confirmation" || len(insp["findings"].([]any)) != 0 {
			t.Fatalf("unsure items raised findings: %s", r.Body)
		}
		it := insp["items"].([]any)[1].(map[string]any)
		cands := it["candidates"].([]any)
		if it["resolution"] != "needs_confirmation" || it["camera_model_id"] != nil || len(cands) != 1 ||
			cands[0].(map[string]any)["id"] != k.f.model2 || cands[0].(map[string]any)["model_number"] != "IPC-HFW1230S-S5" {
			t.Fatalf("item 1 %v", it)
		}
		path := "/v1/inspections/" + id + "/items/1/resolve"
		for _, key := range []string{k.vendor, k.authority, k.procurement} {
			e.do(http.MethodPost, path, key, map[string]any{"camera_model_id": k.f.model2}).want(http.StatusForbidden).problemFields()
		}
		e.do(http.MethodPost, path, k.inspector, map[string]any{"not_in_registry": true}).want(http.StatusUnprocessableEntity).problemFields()
		e.do(http.MethodPost, "/v1/inspections/"+id+"/items/x/resolve", k.inspector, map[string]any{"camera_model_id": k.f.model2}).want(http.StatusNotFound)
		got := e.do(http.MethodPost, path, k.inspector, map[string]any{"camera_model_id": k.f.model2}, "Idempotency-Key", "pick-1").want(http.StatusOK).json()
		fs := got["findings"].([]any)
		if len(fs) != 1 || fs[0].(map[string]any)["violation"] != "no_conformity_certificate" {
			t.Fatalf("chosen model's finding: %v", got["findings"])
		}
		// The page retries with the same key: the same answer, no second finding.
		again := e.do(http.MethodPost, path, k.inspector, map[string]any{"camera_model_id": k.f.model2}, "Idempotency-Key", "pick-1").want(http.StatusOK).json()
		if again["findings"].([]any)[0].(map[string]any)["id"] != fs[0].(map[string]any)["id"] {
			t.Error("a retried pick answered differently")
		}
		e.do(http.MethodPost, path, k.inspector, map[string]any{"camera_model_id": k.f.model2}).want(http.StatusConflict).problemFields()
		e.do(http.MethodPost, "/v1/inspections/"+id+"/items/2/resolve", k.inspector,
			map[string]any{"not_in_registry": true, "label_text": "ZZ-NOPE-1 4MP"}).want(http.StatusOK)
		e.do(http.MethodPost, "/v1/inspections/"+id+"/items/0/resolve", k.inspector,
			map[string]any{"camera_model_id": k.f.model}).want(http.StatusOK)
		done := e.do(http.MethodGet, "/v1/inspections/"+id, k.vendor, nil).want(http.StatusOK).json()
		if done["status"] != "complete" {
			t.Errorf("status %v", done["status"])
		}
		list := e.do(http.MethodGet, "/v1/inspections?status=complete&inspector=&number="+done["number"].(string), k.inspector, nil).want(http.StatusOK).json()
		if n := len(list["items"].([]any)); n != 1 {
			t.Errorf("%d inspections by number and status", n)
		}
		e.do(http.MethodGet, "/v1/inspections?status=needs_confirmation", k.inspector, nil).want(http.StatusOK)
		e.do(http.MethodGet, "/v1/inspections?status=bogus", k.inspector, nil).want(http.StatusUnprocessableEntity)
	})
}
