package api

// The permission matrix of docs/api.md, as data. permissions_test.go calls
// every cell; permissions_world_test.go makes the objects each cell acts on.

// roleOrder is the column order of the permission matrix.
var roleOrder = []string{"public", "procurement", "vendor", "operator", "inspector", "certifier", "authority", "admin"}

// permission is one row of the matrix: an endpoint, and for each role in
// roleOrder whether it may call it: "✓" (yes), "own" (yes, for its own
// organization's objects), "401" (no key: authentication required) or
// "403" (its role may not). body is sent to every cell: a JSON value whose
// strings may hold the placeholders of roleWorld.vars ({uniq} is unique per
// cell), a perRole of such values, or pngBody / importBody.
type permission struct {
	method, path string
	cells        [8]string
	body         any
}

// perRole is a body per role; "" is every other role's.
type perRole map[string]any

// pngBody sends a small PNG (the photo routes); importBody a multipart CSV
// import of models, or of devices into the operator's fleet (POST /v1/imports).
type (
	pngBody    struct{}
	importBody struct{ devices bool }
)

var (
	all         = [8]string{"✓", "✓", "✓", "✓", "✓", "✓", "✓", "✓"}
	adminOnly   = [8]string{"401", "403", "403", "403", "403", "403", "403", "✓"}
	fleetRead   = [8]string{"401", "403", "403", "own", "403", "403", "✓", "✓"}
	fleetKeep   = [8]string{"401", "403", "403", "own", "403", "403", "403", "✓"}
	traderRead  = [8]string{"401", "403", "own", "403", "✓", "403", "✓", "✓"}
	inspectWork = [8]string{"401", "403", "403", "403", "✓", "403", "403", "✓"}
	vendorOwn   = [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}
	listers     = [8]string{"401", "403", "own", "403", "✓", "403", "403", "✓"}
	certifiers  = [8]string{"401", "403", "own", "403", "403", "own", "403", "✓"}
	authorities = [8]string{"401", "403", "403", "403", "403", "403", "own", "✓"}
)

var certBody = map[string]any{"number": "QCVN135-{uniq}", "standard_code": "QCVN 135:2024/BTTTT", "method": 1,
	"issued_on": "2025-05-01", "expires_on": "2028-05-01", "models": []map[string]any{{"camera_model_id": "{m1}"}}}

func merged(base map[string]any, extra map[string]any) map[string]any {
	m := map[string]any{}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// permissionMatrix is the matrix of docs/api.md; TestPermissionMatrixInREADME
// keeps the two the same, TestPermissionMatrixCoversEveryRoute keeps it
// whole, and TestPermissionMatrix calls every cell.
var permissionMatrix = []permission{
	{"GET", "/v1/organizations", all, nil},
	{"GET", "/v1/organizations/{org}", all, nil},
	{"POST", "/v1/organizations", [8]string{"401", "403", "403", "403", "✓", "403", "403", "✓"}, map[string]any{"name": "Cửa hàng mới {uniq}", "kind": "retailer"}},
	{"PATCH", "/v1/organizations/{org}", [8]string{"401", "403", "own", "403", "403", "403", "403", "✓"}, map[string]any{"phone": "+84 24 3825 1234"}},
	{"DELETE", "/v1/organizations/{org}", adminOnly, nil},
	{"GET", "/v1/organizations/{org}/history", all, nil},
	{"GET", "/v1/organizations/{org}/compliance", traderRead, nil},
	{"GET", "/v1/models", all, nil},
	{"GET", "/v1/models/{model}", all, nil},
	{"POST", "/v1/models", vendorOwn, map[string]any{"brand": "Imou", "model_number": "IPC-A22EP-{uniq}"}},
	{"PATCH", "/v1/models/{model}", vendorOwn, map[string]any{"name": "Camera"}},
	{"DELETE", "/v1/models/{model}", adminOnly, nil},
	{"GET", "/v1/models/{model}/history", all, nil},
	{"GET", "/v1/standards", all, nil},
	{"GET", "/v1/standards/{standard}", all, nil},
	{"POST", "/v1/standards", adminOnly, map[string]any{"code": "QCVN X{uniq}", "title": "X", "effective_from": "2027-01-01"}},
	{"PATCH", "/v1/standards/{standard}", adminOnly, map[string]any{"issued_by": "Bộ Công an"}},
	{"GET", "/v1/standards/{standard}/history", all, nil},
	{"GET", "/v1/certificates", all, nil},
	{"GET", "/v1/certificates/{cert}", all, nil},
	{"POST", "/v1/certificates", certifiers, perRole{
		"vendor":    merged(certBody, map[string]any{"certification_body_org_id": "{body}"}),
		"certifier": merged(certBody, map[string]any{"holder_org_id": "{importer}"}),
		"":          merged(certBody, map[string]any{"certification_body_org_id": "{body}", "holder_org_id": "{importer}"})}},
	{"PATCH", "/v1/certificates/{cert}", certifiers, map[string]any{"lot_ref": "L-2"}},
	{"GET", "/v1/certificates/{cert}/history", all, nil},
	{"GET", "/v1/origin-certificates", all, nil},
	{"GET", "/v1/origin-certificates/{origin}", all, nil},
	{"POST", "/v1/origin-certificates", vendorOwn, perRole{
		"vendor": map[string]any{"number": "E-{uniq}", "form": "E", "issuer": "CCPIT", "exporting_country": "CN",
			"issued_on": "2025-09-01", "camera_model_ids": []string{"{m1}"}},
		"": map[string]any{"number": "E-{uniq}", "form": "E", "issuer": "CCPIT", "exporting_country": "CN",
			"issued_on": "2025-09-01", "holder_org_id": "{importer}", "camera_model_ids": []string{"{m1}"}}}},
	{"PATCH", "/v1/origin-certificates/{origin}", vendorOwn, map[string]any{"invoice_ref": "INV-2"}},
	{"GET", "/v1/origin-certificates/{origin}/history", all, nil},
	{"GET", "/v1/warnings", all, nil},
	{"GET", "/v1/warnings/{warning}", all, nil},
	{"POST", "/v1/warnings", authorities, perRole{
		"authority": map[string]any{"reference": "{uniq}/CATTT", "title": "Cảnh báo", "severity": "low", "issued_on": "2025-05-01",
			"measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": "{m1}"}}},
		"": map[string]any{"authority_org_id": "{authority}", "reference": "{uniq}/CATTT", "title": "Cảnh báo", "severity": "low",
			"issued_on": "2025-05-01", "measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": "{m1}"}}}}},
	{"PATCH", "/v1/warnings/{warning}", authorities, map[string]any{"summary": "Cập nhật"}},
	{"GET", "/v1/warnings/{warning}/history", all, nil},
	{"GET", "/v1/listings", all, nil},
	{"GET", "/v1/listings/{listing}", all, nil},
	{"POST", "/v1/listings", listers, map[string]any{"trader_org_id": "{trader}", "camera_model_id": "{m1}", "channel": "online",
		"url": "https://shopee.vn/camera-{uniq}"}},
	{"PATCH", "/v1/listings/{listing}", listers, map[string]any{"price_vnd": 1000}},
	{"DELETE", "/v1/listings/{listing}", listers, nil},
	{"GET", "/v1/listings/{listing}/history", all, nil},
	{"GET", "/v1/provinces", all, nil},
	{"GET", "/v1/audit", [8]string{"401", "403", "403", "403", "403", "403", "✓", "✓"}, nil},
	{"GET", "/v1/log/checkpoint", all, nil},
	{"GET", "/v1/log/entries/{index}", all, nil},
	{"GET", "/v1/log/entries/{index}/hash", all, nil},
	{"GET", "/v1/log/proof/inclusion?index=0&size=2", all, nil},
	{"GET", "/v1/log/proof/consistency?from=1&to=2", all, nil},
	{"GET", "/v1/search?q=hikvision", all, nil},
	{"GET", "/v1/verify?model=DS-2CD1023G0E-I", all, nil},
	{"POST", "/v1/verify", all, map[string]any{"items": []map[string]any{{"model": "DS-2CD1023G0E-I"}}}},
	{"GET", "/v1/feed.atom", all, nil},
	{"GET", "/v1/feed.json", all, nil},
	{"GET", "/v1/compliant-models", all, nil},
	{"GET", "/v1/compliant-models/changes?from=2025-01-01&to=2026-03-01", all, nil},
	{"GET", "/m/{brand}/{model_key}", all, nil},
	{"GET", "/m/{brand}/{model_key}/qr.png", all, nil},
	{"GET", "/m/{brand}/{model_key}/qr.svg", all, nil},
	{"GET", "/problems/{type}", all, nil},
	{"POST", "/v1/inspections", inspectWork, map[string]any{"trader_org_id": "{retailer}", "place": "1 Lê Lợi",
		"items": []map[string]any{{"model": "IPC-HFW1230S-S5", "brand": "Dahua", "quantity": 1}}}},
	{"GET", "/v1/inspections", traderRead, nil},
	{"GET", "/v1/inspections/{inspection}", traderRead, nil},
	{"GET", "/v1/inspections/{inspection}/photos", traderRead, nil},
	{"GET", "/v1/inspections/{inspection}/record.pdf", traderRead, nil},
	{"POST", "/v1/inspections/{inspection}/findings", inspectWork, map[string]any{"violation": "no_vietnamese_label", "notes": "Không có nhãn phụ"}},
	{"POST", "/v1/inspections/{inspection}/photos", inspectWork, pngBody{}},
	{"POST", "/v1/inspections/{inspection}/items/{n}/resolve", inspectWork, map[string]any{"camera_model_id": "{m2}"}},
	{"GET", "/v1/findings", traderRead, nil},
	{"GET", "/v1/findings/{finding}", traderRead, nil},
	{"PATCH", "/v1/findings/{finding}", inspectWork, map[string]any{"status": "confirmed", "note": "Biên bản 12/BB-QLTT"}},
	{"POST", "/v1/findings/{finding}/photos", inspectWork, pngBody{}},
	{"GET", "/v1/photos/{photo}", traderRead, nil},
	{"POST", "/v1/imports", [8]string{"401", "403", "own", "own", "403", "403", "403", "✓"}, perRole{"operator": importBody{devices: true}, "": importBody{}}},
	{"GET", "/v1/imports/{import}", [8]string{"401", "own", "own", "own", "own", "own", "own", "✓"}, nil},
	{"GET", "/v1/export/{export}", all, nil},
	{"GET", "/v1/fleets", [8]string{"401", "403", "403", "✓", "403", "403", "✓", "✓"}, nil},
	{"POST", "/v1/fleets", [8]string{"401", "403", "403", "✓", "403", "403", "403", "✓"}, perRole{
		"operator": map[string]any{"name": "Camera trụ sở {uniq}"},
		"":         map[string]any{"name": "Camera trụ sở {uniq}", "org_id": "{isp}"}}},
	{"GET", "/v1/fleets/{fleet}", fleetRead, nil},
	{"PATCH", "/v1/fleets/{fleet}", fleetKeep, map[string]any{"security_level": 3}},
	{"GET", "/v1/fleets/{fleet}/devices", fleetRead, nil},
	{"POST", "/v1/fleets/{fleet}/devices", fleetKeep, map[string]any{"model": "DS-2CD1023G0E-I", "quantity": 2}},
	{"DELETE", "/v1/fleets/{fleet}/devices/{device}", fleetKeep, nil},
	{"GET", "/v1/fleets/{fleet}/report", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/report.csv", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/report.xlsx", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/alerts", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/feed.json", fleetRead, nil},
	{"GET", "/v1/fleets/{fleet}/feed.atom", fleetRead, nil},
	{"GET", "/v1/webhooks", [8]string{"401", "403", "403", "✓", "403", "403", "403", "✓"}, nil},
	{"POST", "/v1/webhooks", fleetKeep, map[string]any{"url": "https://93.184.215.14/camreg/{uniq}", "events": []string{"*"}, "fleet_id": "{ispfleet}"}},
	{"GET", "/v1/webhooks/{webhook}", fleetKeep, nil},
	{"GET", "/v1/webhooks/{webhook}/deliveries", fleetKeep, nil},
	{"POST", "/v1/webhooks/{webhook}/deliveries/{delivery}/resend", fleetKeep, nil},
	{"DELETE", "/v1/webhooks/{webhook}", fleetKeep, nil},
	{"DELETE", "/v1/fleets/{fleet}", fleetKeep, nil},
	{"GET", "/", all, nil},
	{"GET", "/v1/keys", adminOnly, nil},
	{"POST", "/v1/keys", adminOnly, map[string]any{"role": "procurement"}},
	{"DELETE", "/v1/keys/{key}", adminOnly, nil},
}
