package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"camreg/models"
)

func TestCRUDEveryEntity(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		spare := e.create("organizations", map[string]any{"name": "Công ty chưa giao dịch", "kind": "distributor"})
		entities := []struct {
			collection string
			id         string
			patch      map[string]any
			field      string // a field the patch changes, and its new value
			want       any
			deletable  bool
		}{
			{"organizations", spare, map[string]any{"address": "99 Bạch Đằng"}, "address", "99 Bạch Đằng", true},
			{"models", f.model2, map[string]any{"name": "Camera thân trụ 2MP"}, "name", "Camera thân trụ 2MP", true},
			{"standards", "0190a000-0000-7000-8000-000000000135", map[string]any{"issued_by": "Bộ TT&TT"}, "issued_by", "Bộ TT&TT", false},
			{"certificates", f.cert, map[string]any{"lot_ref": "LOT-1"}, "lot_ref", "LOT-1", false},
			{"origin-certificates", f.origin, map[string]any{"invoice_ref": "INV-9"}, "invoice_ref", "INV-9", false},
			{"warnings", f.warning, map[string]any{"summary": "Cập nhật firmware"}, "summary", "Cập nhật firmware", false},
			{"listings", f.listing, map[string]any{"price_vnd": 700000}, "price_vnd", float64(700000), true},
		}
		for _, en := range entities {
			t.Run(en.collection, func(t *testing.T) {
				e := e.with(t)
				path := "/v1/" + en.collection + "/" + en.id
				list := e.do(http.MethodGet, "/v1/"+en.collection, "", nil).want(http.StatusOK).json()
				if items, _ := list["items"].([]any); len(items) == 0 {
					t.Fatalf("list is empty: %v", list)
				}
				if _, ok := list["next_cursor"]; !ok {
					t.Fatal("list has no next_cursor")
				}
				got := e.do(http.MethodGet, path, "", nil).want(http.StatusOK)
				etag := got.Header().Get("ETag")
				if etag == "" || got.str("id") != en.id {
					t.Fatalf("GET: ETag %q, body %s", etag, got.Body.String())
				}
				e.do(http.MethodGet, path, "", nil, "If-None-Match", etag).want(http.StatusNotModified)
				// RFC 9110 §13.1.2: "*", a list of tags and a weak tag match
				// too, and the 304 carries the ETag (the audit of
				// 2026-12-07 got 200 for the first two, and no ETag).
				for _, inm := range []string{"*", `"999", ` + etag, "W/" + etag} {
					if r := e.do(http.MethodGet, path, "", nil, "If-None-Match", inm).want(http.StatusNotModified); r.Header().Get("ETag") != etag {
						t.Errorf("If-None-Match %s: 304 with ETag %q", inm, r.Header().Get("ETag"))
					}
				}
				e.do(http.MethodGet, path, "", nil, "If-None-Match", `"999", W/"998"`).want(http.StatusOK)

				// A stale If-Match is refused, and nothing changes.
				before := e.eventCount()
				p := e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", `"999"`).want(http.StatusPreconditionFailed)
				p.problemFields()
				if e.eventCount() != before {
					t.Fatal("a refused PATCH wrote an event")
				}
				// RFC 9110 §13.1.1: If-Match compares strongly, so the
				// current ETag marked weak never matches (the audit of
				// 2026-12-07 got 200), nor does a list of weak tags.
				for _, weak := range []string{"W/" + etag, " W/" + etag + " ", `W/"999", W/` + etag} {
					p := e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", weak).want(http.StatusPreconditionFailed)
					p.problemFields()
					if e.eventCount() != before {
						t.Fatalf("If-Match %s wrote an event", weak)
					}
				}
				if en.deletable {
					e.do(http.MethodDelete, path, e.admin, nil, "If-Match", "W/"+etag).want(http.StatusPreconditionFailed).problemFields()
				}
				// A matching If-Match goes through and yields a new ETag.
				p = e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", etag).want(http.StatusOK)
				if p.json()[en.field] != en.want {
					t.Fatalf("PATCH did not set %s: %s", en.field, p.Body.String())
				}
				if p.Header().Get("ETag") == etag {
					t.Fatal("PATCH kept the old ETag")
				}
				// The old ETag is now stale.
				e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", etag).want(http.StatusPreconditionFailed)
				// RFC 9110 §13.1.1: a list matches when any of its tags does
				// (the red team's pass of 2026-12-07 got 412), in one header
				// or several, and "*" matches any current version; a list of
				// stale and foreign tags does not, and writes nothing.
				current := p.Header().Get("ETag")
				before = e.eventCount()
				for _, stale := range [][]string{{"If-Match", `"998", ` + etag + `, "x,y"`}, {"If-Match", `"998"`, "If-Match", etag}} {
					e.do(http.MethodPatch, path, e.admin, en.patch, stale...).want(http.StatusPreconditionFailed).problemFields()
				}
				if e.eventCount() != before {
					t.Fatal("a list of stale tags wrote an event")
				}
				p = e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", etag+`, "x,y", W/`+current+", "+current).want(http.StatusOK)
				p = e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", etag, "If-Match", p.Header().Get("ETag")).want(http.StatusOK)
				e.do(http.MethodPatch, path, e.admin, en.patch, "If-Match", "*").want(http.StatusOK)
				// Without If-Match the write goes through (last writer wins).
				e.do(http.MethodPatch, path, e.admin, en.patch).want(http.StatusOK)

				if en.deletable {
					e.do(http.MethodDelete, path, e.admin, nil, "If-Match", etag+`, "999"`).want(http.StatusPreconditionFailed)
				}
				del := e.do(http.MethodDelete, path, e.admin, nil, "If-Match", etag+", "+e.do(http.MethodGet, path, "", nil).Header().Get("ETag"))
				if en.deletable {
					del.want(http.StatusNoContent)
					e.do(http.MethodGet, path, "", nil).want(http.StatusNotFound).problemFields()
				} else {
					del.want(http.StatusMethodNotAllowed).problemFields()
					e.do(http.MethodGet, path, "", nil).want(http.StatusOK)
				}
			})
		}
	})
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		big := `{"name":"` + strings.Repeat("a", maxBodyBytes) + `"}`
		tests := []struct {
			name       string
			method     string
			path       string
			body       any
			header     []string
			wantStatus int
			wantFields []string
		}{
			{"bad tax code", "POST", "/v1/organizations", map[string]any{"name": "X", "kind": "retailer", "tax_code": "0100233489"}, nil, 422, []string{"tax_code"}},
			{"tax code sequence 0000000", "POST", "/v1/organizations", map[string]any{"name": "X", "kind": "retailer", "tax_code": "0100000000"}, nil, 422, []string{"tax_code"}},
			{"duplicate tax code", "POST", "/v1/organizations", map[string]any{"name": "X", "kind": "retailer", "tax_code": "0100233488"}, nil, 409, nil},
			{"unknown fields, all reported", "POST", "/v1/organizations", map[string]any{"name": "X", "kind": "retailer", "status": "verified", "colour": "red"}, nil, 422, []string{"colour", "status"}},
			{"wrong types and missing fields, all reported", "POST", "/v1/certificates", map[string]any{"number": 12, "method": "five", "models": "all"}, nil, 422, []string{"certification_body_org_id", "holder_org_id", "issued_on", "method", "models", "number", "standard_code"}},
			{"unknown field and domain errors together", "POST", "/v1/organizations", map[string]any{"name": "X", "kind": "shop", "tax_code": "0100233489", "colour": "red"}, nil, 422, []string{"colour", "kind", "tax_code"}},
			{"unknown field on PATCH with domain errors", "PATCH", "/v1/models/" + f.model, map[string]any{"kind": "robot", "verified": true}, nil, 422, []string{"kind", "verified"}},
			{"nested unknown field", "POST", "/v1/certificates", map[string]any{"number": "N-9", "standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2028-03-01", "models": []map[string]any{{"camera_model_id": f.model, "colour": 1}}}, nil, 422, []string{"models.colour"}},
			{"every field error at once", "POST", "/v1/organizations", map[string]any{"kind": "shop", "tax_code": "123", "province": "Atlantis", "email": "nope", "country": "XX"}, nil, 422, []string{"country", "email", "kind", "name", "province", "tax_code"}},
			{"invalid enums and dates", "POST", "/v1/warnings", map[string]any{"authority_org_id": f.authority, "reference": "1/X", "title": "t", "severity": "severe", "measure": "burn", "issued_on": "10/04/2025", "affected": []map[string]any{{"camera_model_id": f.model}}}, nil, 422, []string{"issued_on", "measure", "severity"}},
			{"certificate rules", "POST", "/v1/certificates", map[string]any{"number": "N-1", "standard_code": "QCVN 999", "certification_body_org_id": f.retailer, "method": 7, "holder_org_id": f.importer, "issued_on": "2025-03-01", "models": []map[string]any{}}, nil, 422, []string{"certification_body_org_id", "lot_ref", "models", "standard_code"}},
			{"expiry before issue", "POST", "/v1/certificates", map[string]any{"number": "N-2", "standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2024-03-01", "models": []map[string]any{{"camera_model_id": f.model}}}, nil, 422, []string{"expires_on"}},
			{"missing covered model", "POST", "/v1/certificates", map[string]any{"number": "N-3", "standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2028-03-01", "models": []map[string]any{{"camera_model_id": "0190a000-0000-7000-8000-00000000dead"}}}, nil, 422, []string{"models[0].camera_model_id"}},
			{"duplicate model key in brand", "POST", "/v1/models", map[string]any{"brand": "HIKVISION", "model_number": "ds2cd1023g0ei"}, nil, 409, nil},
			{"duplicate certificate number", "POST", "/v1/certificates", map[string]any{"number": "qcvn135-q1-2025-0012", "standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2028-03-01", "models": []map[string]any{{"camera_model_id": f.model}}}, nil, 409, nil},
			{"bad CVE id", "PATCH", "/v1/warnings/" + f.warning, map[string]any{"cve_ids": []string{"CVE-21-1"}}, nil, 422, []string{"cve_ids[0]"}},
			{"revoke without reason", "PATCH", "/v1/certificates/" + f.cert, map[string]any{"status": "revoked"}, nil, 422, []string{"status_reason"}},
			{"unknown status", "PATCH", "/v1/certificates/" + f.cert, map[string]any{"status": "expired"}, nil, 422, []string{"status"}},
			{"online listing without url", "POST", "/v1/listings", map[string]any{"trader_org_id": f.retailer, "camera_model_id": f.model, "channel": "online"}, nil, 422, []string{"url"}},
			{"malformed JSON", "POST", "/v1/models", `{"brand": "Hikvision",`, nil, 400, nil},
			{"trailing data", "POST", "/v1/models", `{"brand": "A", "model_number": "B"} {"x": 1}`, nil, 400, nil},
			{"empty body", "POST", "/v1/models", ``, nil, 400, nil},
			{"not an object", "POST", "/v1/models", `[1, 2]`, nil, 400, nil},
			{"null body", "POST", "/v1/models", `null`, nil, 400, nil},
			{"body too large", "POST", "/v1/organizations", big, nil, 413, nil},
			{"wrong content type", "POST", "/v1/models", `brand=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, nil},
			{"malformed If-Match", "PATCH", "/v1/models/" + f.model, map[string]any{"name": "x"}, []string{"If-Match", "3"}, 412, nil},
			{"malformed id", "GET", "/v1/models/42", nil, nil, 404, nil},
			{"unknown id", "PATCH", "/v1/models/0190a000-0000-7000-8000-00000000dead", map[string]any{"name": "x"}, nil, 404, nil},
			{"referenced model cannot be deleted", "DELETE", "/v1/models/" + f.model, nil, nil, 409, nil},
			{"referenced organization cannot be deleted", "DELETE", "/v1/organizations/" + f.importer, nil, nil, 409, nil},
			{"unknown query parameter", "GET", "/v1/models?brnd=hikvision", nil, nil, 422, []string{"brnd"}},
			{"limit too large", "GET", "/v1/models?limit=501", nil, nil, 422, []string{"limit"}},
			{"limit zero", "GET", "/v1/models?limit=0", nil, nil, 422, []string{"limit"}},
			{"limit not a number", "GET", "/v1/models?limit=ten", nil, nil, 422, []string{"limit"}},
			{"bad cursor", "GET", "/v1/models?cursor=xyz", nil, nil, 422, []string{"cursor"}},
			{"bad filter enum", "GET", "/v1/certificates?status=expired", nil, nil, 422, []string{"status"}},
			{"bad province filter", "GET", "/v1/listings?province=Atlantis", nil, nil, 422, []string{"province"}},
			{"bad id filter", "GET", "/v1/listings?trader=42", nil, nil, 422, []string{"trader"}},
			{"unknown route", "GET", "/v1/cameras", nil, nil, 404, nil},
			{"no such method", "PUT", "/v1/models/" + f.model, map[string]any{}, nil, 405, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.with(t)
				before := e.eventCount()
				r := e.do(tt.method, tt.path, e.admin, tt.body, tt.header...).want(tt.wantStatus)
				fields := r.problemFields()
				slices.Sort(fields)
				fields = slices.Compact(fields)
				if tt.wantFields != nil && !slices.Equal(fields, tt.wantFields) {
					t.Fatalf("fields %v, want %v; body %s", fields, tt.wantFields, r.Body.String())
				}
				if e.eventCount() != before {
					t.Fatal("a refused request wrote to the change log")
				}
			})
		}
		// Nothing of the refused requests is stored.
		got := e.do("GET", "/v1/organizations?limit=500", "", nil).want(200).json()
		if n := len(got["items"].([]any)); n != 4 {
			t.Fatalf("%d organizations after refused writes, want 4", n)
		}
		c := e.do("GET", "/v1/certificates/"+f.cert, "", nil).want(200).json()
		if c["status"] != "valid" || c["version"] != float64(1) {
			t.Fatalf("certificate changed by refused writes: %v", c)
		}
	})
}

func TestAuthentication(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		org := e.create("organizations", map[string]any{"name": "Quatest 3", "kind": "certification_body"})
		_, certifier, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleCertifier, OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		revokedKey, revoked, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.RevokeKey(ctx, models.System("test"), revokedKey.Prefix); err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"brand": "Imou", "model_number": "IPC-A22EP"}
		forged := strings.Replace(e.admin, e.admin[len(e.admin)-4:], "AAAA", 1)
		tests := []struct {
			name, method, path, auth string
			body                     any
			want                     int
		}{
			{"write without key", "POST", "/v1/models", "", body, 401},
			{"write with unknown key", "POST", "/v1/models", "Bearer camreg_000000000000_nope", body, 401},
			{"write with forged secret", "POST", "/v1/models", "Bearer " + forged, body, 401},
			{"write with revoked key", "POST", "/v1/models", "Bearer " + revoked, body, 401},
			{"read with revoked key", "GET", "/v1/models", "Bearer " + revoked, nil, 401},
			{"basic auth instead of bearer", "POST", "/v1/models", "Basic YWRtaW46YWRtaW4=", body, 401},
			{"non-admin write", "POST", "/v1/models", "Bearer " + certifier, body, 403},
			{"non-admin lists keys", "GET", "/v1/keys", "Bearer " + certifier, nil, 403},
			{"public lists keys", "GET", "/v1/keys", "", nil, 401},
			{"public read", "GET", "/v1/models", "", nil, 200},
			{"certifier read", "GET", "/v1/models", "Bearer " + certifier, nil, 200},
			{"admin write", "POST", "/v1/models", "Bearer " + e.admin, body, 201},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.with(t)
				before := e.eventCount()
				r := e.do(tt.method, tt.path, "", tt.body, "Authorization", tt.auth).want(tt.want)
				if tt.want >= 400 {
					r.problemFields()
					if e.eventCount() != before {
						t.Fatal("a refused request wrote to the change log")
					}
				}
				if tt.want == 401 && r.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
				// RFC 6750 §3.1: a key that was sent but is not good says
				// error="invalid_token"; a request with no key says no error.
				if sent := strings.HasPrefix(tt.auth, "Bearer "); tt.want == 401 &&
					strings.Contains(r.Header().Get("WWW-Authenticate"), `error="invalid_token"`) != sent {
					t.Fatalf("WWW-Authenticate %q", r.Header().Get("WWW-Authenticate"))
				}
			})
		}
	})
}

func TestKeysEndpoints(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		r := e.do("POST", "/v1/keys", e.admin, map[string]any{"role": "procurement", "name": "Sở Tài chính"}).want(201)
		key := r.str("key")
		if !strings.HasPrefix(key, "camreg_") {
			t.Fatalf("key %q", key)
		}
		e.do("GET", "/v1/models", key, nil).want(200)
		list := e.do("GET", "/v1/keys", e.admin, nil).want(200)
		if strings.Contains(list.Body.String(), key) || strings.Contains(list.Body.String(), "hash") {
			t.Fatal("key list leaks a secret or hash")
		}
		e.do("DELETE", "/v1/keys/"+r.str("id"), e.admin, nil).want(200)
		e.do("GET", "/v1/models", key, nil).want(401)
		e.do("POST", "/v1/keys", e.admin, map[string]any{"role": "vendor"}).want(422)
		e.do("POST", "/v1/keys", e.admin, map[string]any{"role": "root"}).want(422)
	})
}

func TestPagingWalksEveryRowOnce(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		for _, m := range []string{"C6N", "C3TN", "H6C", "BC1C", "CB3", "C8C", "H8C"} {
			e.create("models", map[string]any{"brand": "EZVIZ", "model_number": m, "status": "verified"})
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			r := e.do("GET", "/v1/models?brand=ezviz&limit=3&cursor="+cursor, "", nil).want(200).json()
			for _, it := range r["items"].([]any) {
				id := it.(map[string]any)["id"].(string)
				if seen[id] {
					t.Fatalf("id %s seen twice", id)
				}
				seen[id] = true
			}
			pages++
			cursor = r["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if len(seen) != 7 || pages != 3 {
			t.Fatalf("%d rows in %d pages, want 7 in 3", len(seen), pages)
		}
	})
}

func TestFilters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		count := func(path string) int {
			t.Helper()
			return len(e.do("GET", path, "", nil).want(200).json()["items"].([]any))
		}
		tests := []struct {
			path string
			want int
		}{
			{"/v1/models?brand=HIKVISION", 1},
			{"/v1/models?model=ds-2cd", 1},
			{"/v1/models?model=DS2CD1023G0EI", 1},
			{"/v1/models?status=verified", 2},
			{"/v1/models?kind=ptz", 0},
			{"/v1/organizations?province=%C4%90%C3%A0+N%E1%BA%B5ng", 1},
			{"/v1/organizations?province=DA+NANG", 1},
			{"/v1/organizations?trader=true", 2},
			{"/v1/organizations?kind=certification_body", 1},
			{"/v1/organizations?name=cua+hang+dien+tu", 1},
			{"/v1/certificates?standard=QCVN+135:2024/BTTTT", 1},
			{"/v1/certificates?model=" + f.model, 1},
			{"/v1/certificates?model=" + f.model2, 0},
			{"/v1/certificates?status=revoked", 0},
			{"/v1/warnings?authority=" + f.authority, 1},
			{"/v1/warnings?cve=CVE-2021-36260", 1},
			{"/v1/warnings?reference=383/cattt-ncsc", 1},
			{"/v1/listings?province=48", 1},
			{"/v1/listings?trader=" + f.retailer, 1},
			{"/v1/listings?trader=" + f.importer, 0},
			{"/v1/origin-certificates?exporting_country=cn", 1},
			{"/v1/standards?code=QCVN+11:2026/BCA", 1},
		}
		for _, tt := range tests {
			if got := count(tt.path); got != tt.want {
				t.Errorf("%s: %d items, want %d", tt.path, got, tt.want)
			}
		}
	})
}

func TestCertificateStatusHistory(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		path := "/v1/certificates/" + f.cert
		r := e.do("PATCH", path, e.admin, map[string]any{"status": "suspended", "status_reason": "Không duy trì", "status_changed_on": "2026-05-01"}).want(200).json()
		if r["status"] != "suspended" || r["status_changed_on"] != "2026-05-01" {
			t.Fatalf("suspend: %v", r)
		}
		e.do("PATCH", path, e.admin, map[string]any{"status": "revoked", "status_reason": "Vi phạm"}).want(200)
		e.do("PATCH", path, e.admin, map[string]any{"status": "valid"}).want(422)
		events, err := e.store.FindEvents(t.Context(), models.EventFilter{Entity: "certificate", EntityID: f.cert})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range events {
			actions = append(actions, ev.Action)
		}
		if !slices.Equal(actions, []string{"create", "status", "status"}) {
			t.Fatalf("history %v", actions)
		}
		if n, err := e.store.VerifyChain(t.Context()); err != nil || n == 0 {
			t.Fatalf("chain: %d, %v", n, err)
		}
	})
}

func TestOperations(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.do("GET", "/healthz", "", nil).want(200)
		r := e.do("GET", "/readyz", "", nil).want(200).json()
		if r["status"] != "ok" {
			t.Fatalf("readyz %v", r)
		}
		m := e.do("GET", "/metrics", e.admin, nil).want(200)
		if !strings.Contains(m.Body.String(), "camreg_http_request_duration_seconds") {
			t.Fatal("metrics lack the request histogram")
		}
		h := e.do("GET", "/v1/models", "", nil).want(200).Header()
		if h.Get("X-Request-Id") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers %v", h)
		}
		e.do("GET", "/v1/provinces", "", nil).want(200)
	})
}

// TestOpenAPIDescribesEveryRoute checks that /openapi.json has a path and
// method for each route the server registers.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		var doc struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		r := e.do("GET", "/openapi.json", "", nil).want(200)
		if err := json.Unmarshal(r.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, rt := range e.srv.Echo().Routes() {
			if !strings.HasPrefix(rt.Path, "/v1/") && rt.Path != "/healthz" && rt.Path != "/readyz" {
				continue
			}
			p := rt.Path
			for _, seg := range strings.Split(p, "/") {
				if strings.HasPrefix(seg, ":") {
					p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
				}
			}
			if _, ok := doc.Paths[p][strings.ToLower(rt.Method)]; !ok {
				t.Errorf("openapi.json lacks %s %s", rt.Method, p)
			}
		}
	})
}

func TestAuditAndHistory(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		e.do("PATCH", "/v1/certificates/"+f.cert, e.admin, map[string]any{"status": "suspended", "status_reason": "Chưa đánh giá giám sát"}).want(200)
		h := e.do("GET", "/v1/certificates/"+f.cert+"/history", "", nil).want(200).json()
		items := h["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("history %v", h)
		}
		last := items[1].(map[string]any)
		changes := last["changes"].(map[string]any)
		if last["action"] != "status" || changes["status"].(map[string]any)["to"] != "suspended" || last["actor_role"] != "admin" {
			t.Fatalf("last history entry %v", last)
		}
		if _, ok := last["actor"]; ok {
			t.Fatal("public history names the actor")
		}
		e.do("GET", "/v1/certificates/0190a000-0000-7000-8000-00000000dead/history", "", nil).want(404)

		all := e.do("GET", "/v1/audit?entity=certificate&entity_id="+f.cert, e.admin, nil).want(200).json()
		if n := len(all["items"].([]any)); n != 2 {
			t.Fatalf("audit has %d certificate events", n)
		}
		first := all["items"].([]any)[0].(map[string]any)
		if first["hash"] == "" || first["prev_hash"] == "" || first["actor"] != "system:test" && !strings.HasPrefix(first["actor"].(string), "key:") {
			t.Fatalf("audit event %v", first)
		}
		// Paging by seq walks every event once.
		seen, cursor := 0, ""
		for {
			p := e.do("GET", "/v1/audit?limit=3&cursor="+cursor, e.admin, nil).want(200).json()
			seen += len(p["items"].([]any))
			if cursor = p["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if seen != e.eventCount() {
			t.Fatalf("paged %d events of %d", seen, e.eventCount())
		}
		e.do("GET", "/v1/audit?since=yesterday", e.admin, nil).want(422)
		e.do("GET", "/v1/audit?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z", e.admin, nil).want(200)
	})
}

// The audit trail gives an authority no key's and no webhook's events:
// their log leaves are the admin's alone, and a webhook's URL may carry its
// receiver's token. The audit of 2026-12-07 read every webhook URL and key
// prefix with an authority key.
func TestAuditHidesKeysAndWebhooksFromAuthorities(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		org := e.create("organizations", map[string]any{"name": "Nhà mạng Z", "kind": "operator"})
		fleet := e.create("fleets", map[string]any{"name": "Z", "org_id": org})
		e.do("POST", "/v1/webhooks", e.admin, map[string]any{"url": "https://93.184.215.14/camreg/zqxtoken", "events": []string{"*"},
			"fleet_id": fleet}).want(201)
		e.do("POST", "/v1/keys", e.admin, map[string]any{"role": "procurement", "name": "zqxholder"}).want(201)
		authority := e.key(models.RoleAuthority, f.authority)
		for _, q := range []string{"?limit=500", "?entity=webhook", "?entity=api_key"} {
			b := e.do("GET", "/v1/audit"+q, authority, nil).want(200).Body.String()
			if strings.Contains(b, "zqxtoken") || strings.Contains(b, "zqxholder") || strings.Contains(b, `"entity":"api_key"`) {
				t.Errorf("an authority's /v1/audit%s shows keys' or webhooks' events", q)
			}
		}
		b := e.do("GET", "/v1/audit?limit=500", e.admin, nil).want(200).Body.String()
		if !strings.Contains(b, "zqxtoken") || !strings.Contains(b, "zqxholder") {
			t.Error("an admin's /v1/audit misses the webhook's or the key's events")
		}
	})
}
