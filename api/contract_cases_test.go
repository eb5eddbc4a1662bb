package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"

	"camreg/models"
)

// cases are the contract test's calls that need knowledge of an operation:
// good input that answers 2xx, per role, and the refusals that only a
// known object or a known role can provoke (403, 404, 409, 412, 422).
func (c *contract) cases() {
	f := c.e.fixture()
	c.f = f
	e := c.e
	office := e.create("organizations", map[string]any{"name": "Chi cục QLTT Đà Nẵng", "kind": "market_surveillance", "province": "48"})
	carrier := e.create("organizations", map[string]any{"name": "Nhà mạng Sông Hàn", "kind": "operator"})
	for role, org := range map[models.Role]string{models.RoleVendor: f.importer, models.RoleCertifier: f.body,
		models.RoleAuthority: f.authority, models.RoleInspector: office, models.RoleProcurement: "", models.RoleOperator: carrier} {
		_, secret, err := e.store.CreateKey(c.t.Context(), models.System("test"), models.NewKeyInput{Role: role, OrgID: org, Name: string(role)})
		if err != nil {
			c.t.Fatal(err)
		}
		c.keys[string(role)] = secret
	}
	c.ids = map[string]string{"organizations": f.importer, "models": f.model, "certificates": f.cert,
		"origin-certificates": f.origin, "warnings": f.warning, "listings": f.listing,
		"standards": "0190a000-0000-7000-8000-000000000135", "{brand}": "hikvision", "{model}": "ds2cd1023g0ei",
		"{file}": "models.csv", "problems": "not-found"}
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete

	// Organizations: created by an admin or an inspector, changed by their vendor.
	org := c.do(call{method: post, path: "/v1/organizations", role: "admin", want: 201,
		body: map[string]any{"name": "Công ty TNHH Camera Sông Hàn", "kind": "distributor", "tax_code": "0100047516", "province": "Đà Nẵng"}}).str("id")
	c.do(call{method: post, path: "/v1/organizations", role: "inspector", want: 201,
		body: map[string]any{"name": "Cửa hàng Camera Hải Châu", "kind": "retailer"}})
	c.do(call{method: post, path: "/v1/organizations", role: "vendor", want: 403, body: map[string]any{"name": "X", "kind": "retailer"}})
	c.do(call{method: post, path: "/v1/organizations", role: "admin", want: 409,
		body: map[string]any{"name": "Trùng mã số thuế", "kind": "retailer", "tax_code": "0100047516"}})
	c.do(call{method: post, path: "/v1/organizations", role: "admin", want: 422, body: map[string]any{"name": "", "kind": "nope"}})
	c.do(call{method: patch, path: "/v1/organizations/" + f.importer, role: "vendor", want: 200, body: map[string]any{"phone": "024 3826 1234"}})
	c.do(call{method: patch, path: "/v1/organizations/" + f.body, role: "vendor", want: 403, body: map[string]any{"phone": "1"}})
	c.do(call{method: patch, path: "/v1/organizations/" + org, role: "admin", want: 412, body: map[string]any{"phone": "1"}, headers: []string{"If-Match", `"99"`}})
	c.do(call{method: get, path: "/v1/organizations/" + f.retailer + "/compliance", role: "admin", want: 200})
	c.do(call{method: get, path: "/v1/organizations/" + f.retailer + "/compliance", role: "public", want: 401})

	// Models: registered by an admin (verified) or a vendor (pending).
	model := c.do(call{method: post, path: "/v1/models", role: "admin", want: 201,
		body: map[string]any{"brand": "Imou", "model_number": "IPC-A22EP", "kind": "wifi", "firmware_versions": []string{"2.840.0"}}}).str("id")
	c.do(call{method: post, path: "/v1/models", role: "vendor", want: 201,
		body: map[string]any{"brand": "Ezviz", "model_number": "CS-C6N", "kind": "wifi", "registrant_org_id": f.importer}})
	c.do(call{method: post, path: "/v1/models", role: "certifier", want: 403, body: map[string]any{"brand": "A", "model_number": "B"}})
	c.do(call{method: post, path: "/v1/models", role: "admin", want: 409, body: map[string]any{"brand": "Imou", "model_number": "IPC-A22EP", "kind": "wifi"}})
	c.do(call{method: patch, path: "/v1/models/" + model, role: "admin", want: 200, body: map[string]any{"name": "Camera Wi-Fi 2MP"}})
	c.do(call{method: get, path: "/v1/models?brand=Hikvision&limit=1", role: "public", want: 200})

	// Standards.
	std := c.do(call{method: post, path: "/v1/standards", role: "admin", want: 201,
		body: map[string]any{"code": "QCVN 999:2026/BTTTT", "title": "Thử nghiệm", "effective_from": "2026-01-01"}}).str("id")
	c.do(call{method: patch, path: "/v1/standards/" + std, role: "admin", want: 200, body: map[string]any{"issued_by": "Bộ KH&CN"}})
	c.do(call{method: patch, path: "/v1/standards/" + std, role: "vendor", want: 403, body: map[string]any{"issued_by": "x"}})

	// Certificates: an admin's, a certifier's own, a vendor's pending submission.
	cert := func(number string, extra map[string]any) map[string]any {
		b := map[string]any{"number": number, "standard_code": "QCVN 135:2024/BTTTT", "method": 5, "issued_on": "2025-03-01",
			"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": f.model2}}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	cid := c.do(call{method: post, path: "/v1/certificates", role: "admin", want: 201,
		body: cert("QCVN135-C-0001", map[string]any{"certification_body_org_id": f.body, "holder_org_id": f.importer})}).str("id")
	c.do(call{method: post, path: "/v1/certificates", role: "certifier", want: 201,
		body: cert("QCVN135-C-0002", map[string]any{"holder_org_id": f.importer})})
	c.do(call{method: post, path: "/v1/certificates", role: "vendor", want: 201,
		body: cert("QCVN135-C-0003", map[string]any{"certification_body_org_id": f.body})})
	c.do(call{method: post, path: "/v1/certificates", role: "admin", want: 409,
		body: cert("QCVN135-C-0001", map[string]any{"certification_body_org_id": f.body, "holder_org_id": f.importer})})
	c.do(call{method: patch, path: "/v1/certificates/" + cid, role: "admin", want: 200,
		body: map[string]any{"status": "suspended", "status_reason": "kiểm tra lại"}})
	c.do(call{method: patch, path: "/v1/certificates/" + cid, role: "authority", want: 403, body: map[string]any{"lot_ref": "x"}})

	// Certificates of origin.
	oid := c.do(call{method: post, path: "/v1/origin-certificates", role: "admin", want: 201,
		body: map[string]any{"number": "E2599999999", "form": "E", "issuer": "CCPIT", "exporting_country": "CN",
			"issued_on": "2025-10-01", "holder_org_id": f.importer, "camera_model_ids": []string{f.model2}}}).str("id")
	c.do(call{method: post, path: "/v1/origin-certificates", role: "vendor", want: 201,
		body: map[string]any{"number": "E2599999998", "form": "E", "issuer": "CCPIT", "exporting_country": "CN",
			"issued_on": "2025-10-02", "camera_model_ids": []string{f.model}}})
	c.do(call{method: patch, path: "/v1/origin-certificates/" + oid, role: "admin", want: 200, body: map[string]any{"invoice_ref": "INV-1"}})

	// Warnings: an authority's own.
	wid := c.do(call{method: post, path: "/v1/warnings", role: "authority", want: 201,
		body: map[string]any{"reference": "12/CATTT", "title": "Ngừng bán", "severity": "critical", "issued_on": "2025-05-01",
			"measure": "stop_sale", "affected": []map[string]any{{"camera_model_id": f.model2}}}}).str("id")
	c.do(call{method: patch, path: "/v1/warnings/" + wid, role: "authority", want: 200, body: map[string]any{"summary": "Cập nhật"}})
	c.do(call{method: post, path: "/v1/warnings", role: "vendor", want: 403, body: map[string]any{"title": "x"}})

	// Listings: a vendor's own, changed and deleted.
	lid := c.do(call{method: post, path: "/v1/listings", role: "vendor", want: 201,
		body: map[string]any{"trader_org_id": f.importer, "camera_model_id": f.model, "channel": "online",
			"url": "https://shop.example.vn/camera-1", "price_vnd": 990000}}).str("id")
	c.do(call{method: patch, path: "/v1/listings/" + lid, role: "vendor", want: 200, body: map[string]any{"price_vnd": 890000}})
	c.do(call{method: del, path: "/v1/listings/" + lid, role: "vendor", want: 204})
	c.do(call{method: del, path: "/v1/listings/" + lid, role: "vendor", want: 404})

	// Inspections and their findings.
	insp := c.do(call{method: post, path: "/v1/inspections", role: "inspector", want: 201,
		body: map[string]any{"trader_org_id": f.retailer, "inspected_on": "2026-03-01", "place": "45 Lê Duẩn, Đà Nẵng",
			"items": []map[string]any{{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "quantity": 2}, {"model": "YS-NOPE-9", "brand": "Yoosee"}}}})
	c.ids["inspections"] = insp.str("id")
	c.do(call{method: post, path: "/v1/inspections", role: "vendor", want: 403, body: map[string]any{"trader_org_id": f.retailer}})
	findings := c.do(call{method: get, path: "/v1/findings?inspection=" + insp.str("id"), role: "inspector", want: 200}).json()
	if items, _ := findings["items"].([]any); len(items) > 0 {
		fid, _ := items[0].(map[string]any)["id"].(string)
		c.ids["findings"] = fid
		c.do(call{method: get, path: "/v1/findings/" + fid, role: "inspector", want: 200})
		c.do(call{method: patch, path: "/v1/findings/" + fid, role: "inspector", want: 200, body: map[string]any{"status": "confirmed", "note": "đã lập biên bản"}})
		// Photos: of the inspection, then of the finding, then read back.
		photo := c.do(call{method: post, path: "/v1/inspections/" + insp.str("id") + "/photos", role: "inspector", want: 201,
			body: testImage(c.t, "png"), contentType: "image/png"}).str("id")
		c.ids["photos"] = photo
		c.do(call{method: get, path: "/v1/photos/" + photo, role: "inspector", want: 200})
		c.do(call{method: get, path: "/v1/photos/" + photo, role: "public", want: 401})
		c.do(call{method: get, path: "/v1/inspections/" + insp.str("id") + "/photos", role: "inspector", want: 200})
		c.do(call{method: get, path: "/v1/inspections/" + insp.str("id") + "/photos", role: "procurement", want: 403})
		c.do(call{method: post, path: "/v1/findings/" + fid + "/photos", role: "inspector", want: 201,
			body: testImage(c.t, "png"), contentType: "image/png"})
		c.do(call{method: post, path: "/v1/findings/" + fid + "/photos", role: "inspector", want: 415,
			body: "not an image", contentType: "text/plain"})
		c.do(call{method: post, path: "/v1/inspections/" + insp.str("id") + "/findings", role: "inspector", want: 201,
			body: map[string]any{"violation": "no_vietnamese_label", "notes": "Hộp không có nhãn phụ tiếng Việt", "photo_ids": []string{photo}}})
		c.do(call{method: post, path: "/v1/inspections/" + insp.str("id") + "/findings", role: "vendor", want: 403,
			body: map[string]any{"violation": "other"}})
	} else {
		c.t.Errorf("the inspection raised no finding: %v", findings)
	}

	// An unsure item, settled by the inspector's choice (once: then 409).
	unsure := c.do(call{method: post, path: "/v1/inspections", role: "inspector", want: 201,
		body: map[string]any{"trader_org_id": f.retailer, "inspected_on": "2026-03-02",
			"items": []map[string]any{{"model": "IPC-HFW123OS-S5"}, {"model": "ZZ-NOPE-1"}}}}).str("id")
	resolve := "/v1/inspections/" + unsure + "/items/0/resolve"
	c.do(call{method: post, path: resolve, role: "vendor", want: 403, body: map[string]any{"camera_model_id": f.model2}})
	c.do(call{method: post, path: resolve, role: "inspector", want: 200, body: map[string]any{"camera_model_id": f.model2},
		headers: []string{"Idempotency-Key", "contract-pick-1"}})
	c.do(call{method: post, path: resolve, role: "inspector", want: 200, body: map[string]any{"camera_model_id": f.model2},
		headers: []string{"Idempotency-Key", "contract-pick-1"}})
	c.do(call{method: post, path: resolve, role: "inspector", want: 409, body: map[string]any{"camera_model_id": f.model2}})
	c.do(call{method: post, path: "/v1/inspections/" + unsure + "/items/1/resolve", role: "inspector", want: 200,
		body: map[string]any{"not_in_registry": true, "label_text": "ZZ-NOPE-1 4MP"}})
	c.ids["{n}"] = "0"

	// Fleets: an operator's own, and an admin's for an organization; devices
	// one at a time and in bulk; the report as JSON, CSV and XLSX.
	fleet := c.do(call{method: post, path: "/v1/fleets", role: "operator", want: 201,
		body: map[string]any{"name": "Thuê bao Đà Nẵng", "security_level": 2}}).str("id")
	c.ids["fleets"] = fleet
	c.do(call{method: post, path: "/v1/fleets", role: "operator", want: 201, body: map[string]any{"name": "Trụ sở", "org_id": carrier}})
	c.do(call{method: post, path: "/v1/fleets", role: "operator", want: 403, body: map[string]any{"name": "X", "org_id": f.importer}})
	spareFleet := c.do(call{method: post, path: "/v1/fleets", role: "admin", want: 201, body: map[string]any{"name": "Kho", "org_id": carrier}}).str("id")
	c.do(call{method: patch, path: "/v1/fleets/" + fleet, role: "operator", want: 200, body: map[string]any{"description": "camera thuê bao"}})
	c.do(call{method: get, path: "/v1/fleets/" + fleet, role: "vendor", want: 403})
	device := c.do(call{method: post, path: "/v1/fleets/" + fleet + "/devices", role: "operator", want: 201,
		body: map[string]any{"model": "DS-2CD1023G0E-I", "location": "Trạm 1"}}).json()
	c.ids["devices"], _ = device["id"].(string)
	c.do(call{method: post, path: "/v1/fleets/" + fleet + "/devices", role: "operator", want: 201,
		body: map[string]any{"items": []map[string]any{{"brand": "Dahua", "model": "IPC-HFW1230S-S5", "quantity": 3}, {"model": "ZZ-NOPE-1"}}}})
	for _, r := range []string{"/report", "/report.csv", "/report.xlsx", "/devices"} {
		c.do(call{method: get, path: "/v1/fleets/" + fleet + r, role: "operator", want: 200})
	}

	// Alerts and webhooks: a webhook on the fleet, then a warning on the
	// model of its device makes an alert and a delivery (the alert
	// processor runs by hand here; no sender runs, so it stays pending).
	hook := c.do(call{method: post, path: "/v1/webhooks", role: "operator", want: 201,
		body:    map[string]any{"url": "https://93.184.215.14/camreg", "events": []string{"*"}, "fleet_id": fleet},
		headers: []string{"Idempotency-Key", "contract-hook-1"}}).str("id")
	c.ids["webhooks"] = hook
	c.do(call{method: post, path: "/v1/webhooks", role: "operator", want: 422,
		body: map[string]any{"url": "http://93.184.215.14/camreg", "events": []string{"*"}, "fleet_id": fleet}})
	c.do(call{method: post, path: "/v1/webhooks", role: "operator", want: 422,
		body: map[string]any{"url": "https://10.0.0.7/camreg", "events": []string{"warning.issued"}, "fleet_id": fleet}})
	c.do(call{method: post, path: "/v1/webhooks", role: "authority", want: 403,
		body: map[string]any{"url": "https://93.184.215.14/camreg", "events": []string{"*"}, "fleet_id": fleet}})
	alertStep := func() {
		for {
			r, err := e.store.AlertStep(c.t.Context(), 500)
			if err != nil {
				c.t.Fatalf("alert step: %v", err)
			}
			if r.Events == 0 {
				return
			}
		}
	}
	alertStep()
	c.do(call{method: post, path: "/v1/warnings", role: "authority", want: 201, body: map[string]any{
		"authority_org_id": f.authority, "reference": "77/CATTT-HOOK", "title": "Cập nhật firmware", "severity": "medium",
		"issued_on": "2026-02-01", "measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": f.model}}}})
	alertStep()
	for _, r := range []string{"/alerts", "/feed.json", "/feed.atom"} {
		c.do(call{method: get, path: "/v1/fleets/" + fleet + r, role: "operator", want: 200})
		c.do(call{method: get, path: "/v1/fleets/" + fleet + r, role: "vendor", want: 403})
	}
	c.do(call{method: get, path: "/v1/webhooks", role: "operator", want: 200})
	c.do(call{method: get, path: "/v1/webhooks/" + hook, role: "operator", want: 200})
	deliveries := c.do(call{method: get, path: "/v1/webhooks/" + hook + "/deliveries", role: "operator", want: 200}).json()
	if items, _ := deliveries["items"].([]any); len(items) == 1 {
		c.ids["deliveries"], _ = items[0].(map[string]any)["id"].(string)
		c.do(call{method: post, path: "/v1/webhooks/" + hook + "/deliveries/" + c.ids["deliveries"] + "/resend", role: "operator", want: 202})
	} else {
		c.t.Errorf("the warning made %d deliveries, want 1: %v", len(items), deliveries)
	}

	// Imports: a multipart upload, then its job.
	var up bytes.Buffer
	mw := multipart.NewWriter(&up)
	_ = mw.WriteField("entity", "organizations")
	fw, _ := mw.CreateFormFile("file", "orgs.csv")
	_, _ = fw.Write([]byte("Mã số thuế;Tên doanh nghiệp;Loại hình;Tỉnh/Thành phố\n0314409058;Trùng;retailer;Hà Nội\n"))
	_ = mw.Close()
	job := c.do(call{method: post, path: "/v1/imports", role: "admin", body: up.Bytes(), contentType: mw.FormDataContentType(), want: 202})
	c.ids["imports"] = job.str("id")
	c.do(call{method: post, path: "/v1/imports", role: "admin", body: "not multipart", contentType: "text/plain"})

	// Keys.
	k := c.do(call{method: post, path: "/v1/keys", role: "admin", want: 201, body: map[string]any{"role": "vendor", "org_id": f.importer, "name": "shop"}})
	c.do(call{method: post, path: "/v1/keys", role: "vendor", want: 403, body: map[string]any{"role": "admin"}})
	c.ids["keys"] = k.str("id")

	// Reads that need a query or a file name.
	c.do(call{method: get, path: "/v1/verify?brand=Hikvision&model=DS-2CD1023G0E-I", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/verify?model=DS-2CD1023G0E-I&at=2026-13-45", role: "public", want: 422})

	// Problem types: the page a problem's type resolves to, and an unknown one.
	for _, pt := range problemTypes {
		c.do(call{method: get, path: problemTypeURI(pt.Slug), role: "public", want: 200})
	}
	c.do(call{method: get, path: "/problems/validation-error", role: "vendor", want: 200})
	c.do(call{method: get, path: "/problems/no-such-type", role: "public", want: 404})
	c.do(call{method: post, path: "/v1/verify", role: "public", want: 200,
		body: map[string]any{"items": []map[string]any{{"brand": "Dahua", "model": "IPC-HFW1230S-S5"}, {"model": "NOPE-1"}}}})
	c.do(call{method: get, path: "/v1/search?q=hikvision", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/compliant-models?brand=Hikvision", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/compliant-models/changes?from=2025-01-01&to=2026-03-01", role: "public", want: 200})
	c.do(call{method: get, path: "/v1/compliant-models/changes", role: "public", want: 422})
	for _, file := range []string{"models.csv", "listings.json", "certificates.ndjson", "warnings.xlsx"} {
		c.do(call{method: get, path: "/v1/export/" + file, role: "admin", want: 200})
	}
	c.do(call{method: get, path: "/v1/export/nothing.pdf", role: "public", want: 404})
	c.do(call{method: get, path: "/v1/audit?entity=certificate", role: "authority", want: 200})
	c.do(call{method: get, path: "/v1/audit", role: "vendor", want: 403})

	// Bad bodies on every write this test knows: each refusal by its status.
	for _, w := range [][2]string{{post, "/v1/organizations"}, {patch, "/v1/organizations/" + org}, {post, "/v1/models"},
		{patch, "/v1/models/" + model}, {post, "/v1/standards"}, {patch, "/v1/standards/" + std}, {post, "/v1/certificates"},
		{patch, "/v1/certificates/" + cid}, {post, "/v1/origin-certificates"}, {patch, "/v1/origin-certificates/" + oid},
		{post, "/v1/warnings"}, {patch, "/v1/warnings/" + wid}, {post, "/v1/listings"}, {patch, "/v1/listings/" + f.listing},
		{post, "/v1/inspections"}, {post, "/v1/keys"}, {post, "/v1/verify"}} {
		c.do(call{method: w[0], path: w[1], role: "admin", body: "{", want: http.StatusBadRequest})
		c.do(call{method: w[0], path: w[1], role: "admin", body: "name=x", contentType: "text/plain", want: http.StatusUnsupportedMediaType})
		c.do(call{method: w[0], path: w[1], role: "admin", body: `{"no_such_field":1}`, want: http.StatusUnprocessableEntity})
		c.do(call{method: w[0], path: w[1], role: "admin", body: `{"x":"` + strings.Repeat("a", maxBodyBytes) + `"}`, want: http.StatusRequestEntityTooLarge})
	}

	c.logCases()

	// Deletions last, of objects made above.
	if dev := c.ids["devices"]; dev != "" {
		c.do(call{method: del, path: "/v1/fleets/" + fleet + "/devices/" + dev, role: "operator", want: 204})
	} else {
		c.t.Errorf("adding a device answered no id: %v", device)
	}
	c.do(call{method: del, path: "/v1/webhooks/" + hook, role: "operator", want: 204})
	c.do(call{method: del, path: "/v1/fleets/" + spareFleet, role: "admin", want: 204})
	c.do(call{method: del, path: "/v1/models/" + model, role: "admin", want: 204})
	c.do(call{method: del, path: "/v1/organizations/" + org, role: "admin", want: 204})
	c.do(call{method: del, path: "/v1/organizations/" + f.importer, role: "admin", want: 409})
	spare := c.do(call{method: post, path: "/v1/keys", role: "admin", want: 201, body: map[string]any{"role": "procurement", "name": "spare"}}).str("id")
	c.do(call{method: del, path: "/v1/keys/" + spare, role: "admin", want: 200})
}
