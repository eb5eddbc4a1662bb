package api

// Tests named after the OWASP API Security Top 10 (2023). docs/api.md maps
// each risk to its tests.

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// API1:2023 Broken Object Level Authorization.
func TestOWASP_API1_BOLA(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newRoleWorld(t, e)
		ctx := t.Context()
		// A second vendor, of another organization, with a pending model of its own.
		other := e.create("organizations", map[string]any{"name": "Công ty B", "kind": "importer", "tax_code": "0100047516"})
		_, vendorB, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleVendor, OrgID: other})
		if err != nil {
			t.Fatal(err)
		}
		pendingB := e.do("POST", "/v1/models", vendorB, map[string]any{"brand": "Vantech", "model_number": "VP-6024DTV"}).want(201).str("id")
		vendorA := w.keys["vendor"]
		ownModelA := w.ids["vendor"]["{model}"]

		t.Run("vendor A cannot edit vendor B's model", func(t *testing.T) {
			e := e.with(t)
			before := e.eventCount()
			e.do("PATCH", "/v1/models/"+pendingB, vendorA, map[string]any{"name": "hijacked"}).want(404)
			e.do("PATCH", "/v1/models/"+ownModelA, vendorB, map[string]any{"name": "hijacked"}).want(403)
			if e.eventCount() != before {
				t.Fatal("a refused edit wrote")
			}
		})
		t.Run("another organization's pending model is invisible", func(t *testing.T) {
			e := e.with(t)
			e.do("GET", "/v1/models/"+pendingB, vendorA, nil).want(404)
			e.do("GET", "/v1/models/"+pendingB, "", nil).want(404)
			e.do("GET", "/v1/models/"+pendingB+"/history", "", nil).want(404)
			e.do("GET", "/v1/models/"+pendingB, vendorB, nil).want(200)
			e.do("GET", "/v1/models/"+pendingB, w.keys["inspector"], nil).want(200)
			for _, key := range []string{"", vendorA, w.keys["procurement"]} {
				if strings.Contains(e.do("GET", "/v1/models?limit=500", key, nil).want(200).Body.String(), pendingB) {
					t.Fatal("a list shows another organization's pending model")
				}
			}
		})
		t.Run("a vendor's submitted certificate is invisible to others", func(t *testing.T) {
			e := e.with(t)
			sub := w.ids["vendor"]["{cert}"]
			e.do("GET", "/v1/certificates/"+sub, vendorB, nil).want(404)
			e.do("GET", "/v1/certificates/"+sub, "", nil).want(404)
			e.do("GET", "/v1/certificates/"+sub, w.keys["certifier"], nil).want(200)
			e.do("PATCH", "/v1/certificates/"+sub, vendorB, map[string]any{"lot_ref": "x"}).want(404)
		})
		t.Run("a vendor cannot confirm its own certificate", func(t *testing.T) {
			e := e.with(t)
			sub := w.ids["vendor"]["{cert}"]
			e.do("PATCH", "/v1/certificates/"+sub, vendorA, map[string]any{"status": "valid"}).want(422)
			if got := e.do("GET", "/v1/certificates/"+sub, vendorA, nil).want(200).str("status"); got != "pending" {
				t.Fatalf("status %q", got)
			}
			// Its certification body confirms it, as it reviewed it (If-Match).
			reviewed := e.do("GET", "/v1/certificates/"+sub, w.keys["certifier"], nil).want(200).Header().Get("ETag")
			e.do("PATCH", "/v1/certificates/"+sub, w.keys["certifier"], map[string]any{"status": "valid"}, "If-Match", reviewed).want(200)
			// Now confirmed, the vendor cannot change it any more.
			e.do("PATCH", "/v1/certificates/"+sub, vendorA, map[string]any{"lot_ref": "x"}).want(403)
		})
		t.Run("a certifier cannot touch another body's certificate", func(t *testing.T) {
			e := e.with(t)
			otherBody := e.create("organizations", map[string]any{"name": "Quatest 3", "kind": "certification_body"})
			_, certB, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleCertifier, OrgID: otherBody})
			if err != nil {
				t.Fatal(err)
			}
			cert := w.ids["admin"]["{cert}"]
			// The certificate is public: refused (403), not hidden.
			e.do("PATCH", "/v1/certificates/"+cert, certB, map[string]any{"status": "revoked", "status_reason": "x"}).want(403)
			// A pending submission to another body is not its to know of: 404.
			e.do("PATCH", "/v1/certificates/"+w.fresh(t, "vendor", "{cert}")["{cert}"], certB, map[string]any{"lot_ref": "x"}).want(404)
			if got := e.do("GET", "/v1/certificates/"+cert, "", nil).want(200).str("status"); got != "valid" {
				t.Fatalf("status %q", got)
			}
		})
		t.Run("an authority cannot change another authority's warning", func(t *testing.T) {
			e := e.with(t)
			otherAuth := e.create("organizations", map[string]any{"name": "Sở KH&CN", "kind": "authority"})
			_, authB, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleAuthority, OrgID: otherAuth})
			if err != nil {
				t.Fatal(err)
			}
			e.do("PATCH", "/v1/warnings/"+w.ids["admin"]["{warning}"], authB, map[string]any{"status": "withdrawn", "status_reason": "x"}).want(403)
		})
		t.Run("a vendor cannot touch another trader's listing", func(t *testing.T) {
			e := e.with(t)
			e.do("DELETE", "/v1/listings/"+w.ids["admin"]["{listing}"], vendorB, nil).want(403)
			e.do("GET", "/v1/listings/"+w.ids["admin"]["{listing}"], "", nil).want(200)
		})
	})
}

// API2:2023 Broken Authentication.
func TestOWASP_API2_BrokenAuthentication(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		now := time.Now()
		e.store.SetClock(func() time.Time { return now })
		exp := now.Add(time.Hour)
		_, expiring, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleAdmin, ExpiresAt: &exp})
		if err != nil {
			t.Fatal(err)
		}
		e.do("GET", "/v1/keys", expiring, nil).want(200)
		e.store.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
		e.do("GET", "/v1/keys", expiring, nil).want(401)
		e.do("GET", "/v1/models", expiring, nil).want(401)

		t.Run("keys are stored only as hashes", func(t *testing.T) {
			rows, err := e.store.DB().Query("SELECT prefix, hash FROM api_keys")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var prefix, hash string
				if err := rows.Scan(&prefix, &hash); err != nil {
					t.Fatal(err)
				}
				if len(hash) != 64 || strings.Contains(expiring, hash) || strings.Contains(e.admin, hash) {
					t.Fatalf("stored hash %q looks like a secret", hash)
				}
			}
		})
		t.Run("the secret is shown once", func(t *testing.T) {
			r := e.do("POST", "/v1/keys", e.admin, map[string]any{"role": "procurement"}).want(201)
			secret := r.str("key")
			for _, path := range []string{"/v1/keys", "/v1/audit?entity=api_key"} {
				if strings.Contains(e.do("GET", path, e.admin, nil).want(200).Body.String(), secret[20:]) {
					t.Fatalf("%s shows a secret", path)
				}
			}
		})
	})
}

// API3:2023 Broken Object Property Level Authorization: no mass
// assignment, and no private properties in public answers.
func TestOWASP_API3_BOPLA(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newRoleWorld(t, e)
		vendor, certifier, authority := w.keys["vendor"], w.keys["certifier"], w.keys["authority"]
		vid := w.ids["vendor"]
		tests := []struct {
			name, method, path, key string
			body                    map[string]any
			field                   string
		}{
			{"vendor sets a model's status", "POST", "/v1/models", vendor, map[string]any{"brand": "Imou", "model_number": "C22", "status": "verified"}, "status"},
			{"vendor sets a model's registrant", "POST", "/v1/models", vendor, map[string]any{"brand": "Imou", "model_number": "C23", "registrant_org_id": w.ids["admin"]["{org}"]}, "registrant_org_id"},
			{"vendor verifies its model", "PATCH", "/v1/models/" + vid["{model}"], vendor, map[string]any{"status": "verified"}, "status"},
			{"vendor submits a valid certificate", "POST", "/v1/certificates", vendor, map[string]any{"number": "Z-1", "status": "valid"}, "status"},
			{"vendor submits another's certificate", "POST", "/v1/certificates", vendor, map[string]any{"number": "Z-2", "holder_org_id": w.ids["admin"]["{org}"]}, "holder_org_id"},
			{"certifier issues in another body's name", "POST", "/v1/certificates", certifier, map[string]any{"number": "Z-3", "certification_body_org_id": vid["{org}"]}, "certification_body_org_id"},
			{"vendor revokes... its C/O's status", "PATCH", "/v1/origin-certificates/" + vid["{origin}"], vendor, map[string]any{"status": "revoked", "status_reason": "x"}, "status"},
			{"vendor moves a C/O to another holder", "PATCH", "/v1/origin-certificates/" + vid["{origin}"], vendor, map[string]any{"holder_org_id": w.ids["admin"]["{org}"]}, "holder_org_id"},
			{"authority warns in another's name", "POST", "/v1/warnings", authority, map[string]any{"reference": "9/X", "authority_org_id": vid["{org}"]}, "authority_org_id"},
			{"vendor lists for another trader", "POST", "/v1/listings", vendor, map[string]any{"channel": "shop", "trader_org_id": w.ids["admin"]["{org}"]}, "trader_org_id"},
			{"vendor renames its organization", "PATCH", "/v1/organizations/" + vid["{org}"], vendor, map[string]any{"name": "Tên mới"}, "name"},
			{"vendor changes its tax code", "PATCH", "/v1/organizations/" + vid["{org}"], vendor, map[string]any{"tax_code": "0314409058"}, "tax_code"},
			{"vendor sets a version", "PATCH", "/v1/models/" + vid["{model}"], vendor, map[string]any{"version": 99}, "version"},
			{"vendor sets timestamps", "PATCH", "/v1/models/" + vid["{model}"], vendor, map[string]any{"created_at": "2020-01-01T00:00:00Z"}, "created_at"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.with(t)
				before := e.eventCount()
				r := e.do(tt.method, tt.path, tt.key, tt.body)
				if r.Code != 422 && r.Code != 403 {
					t.Fatalf("status %d, want 422 or 403: %s", r.Code, r.Body.String())
				}
				fields := r.problemFields()
				if r.Code == 422 && !slices_contains(fields, tt.field) {
					t.Fatalf("fields %v do not name %s", fields, tt.field)
				}
				if e.eventCount() != before {
					t.Fatal("a refused request wrote to the change log")
				}
			})
		}
		t.Run("the public export holds nothing private", func(t *testing.T) {
			e := e.with(t)
			org := vid["{org}"]
			e.do("PATCH", "/v1/organizations/"+org, vendor, map[string]any{"phone": "+84 24 3825 9999"}).want(200)
			pending := e.do("POST", "/v1/models", vendor, map[string]any{"brand": "Vantech", "model_number": "VP-SECRET-1"}).want(201).str("id")
			if pending == "" {
				t.Fatal("no pending model")
			}
			sub := e.do("GET", "/v1/certificates/"+w.ids["vendor"]["{cert}"], e.admin, nil).want(200).str("number")
			for _, tc := range []struct {
				path, key, secret string
				visible           bool
			}{
				{"/v1/export/organizations.csv", "", "3825 9999", false},
				{"/v1/export/organizations.csv", e.admin, "3825 9999", true},
				{"/v1/export/models.ndjson", "", "VP-SECRET-1", false},
				{"/v1/export/models.ndjson", w.keys["procurement"], "VP-SECRET-1", false},
				{"/v1/export/models.ndjson", vendor, "VP-SECRET-1", true},
				{"/v1/export/certificates.csv", "", sub, false},
				{"/v1/export/certificates.csv", w.keys["certifier"], sub, true},
			} {
				body := e.do("GET", tc.path, tc.key, nil).want(200).Body.String()
				if strings.Contains(body, tc.secret) != tc.visible {
					t.Errorf("%s: %q visible=%v, want %v", tc.path, tc.secret, !tc.visible, tc.visible)
				}
			}
		})
		t.Run("contact details are private", func(t *testing.T) {
			e := e.with(t)
			org := vid["{org}"]
			e.do("PATCH", "/v1/organizations/"+org, vendor, map[string]any{"phone": "+84 24 3825 1234", "email": "a@b.vn"}).want(200)
			for key, visible := range map[string]bool{"": false, w.keys["procurement"]: false, w.keys["inspector"]: true, vendor: true, e.admin: true} {
				body := e.do("GET", "/v1/organizations/"+org, key, nil).want(200).Body.String()
				if strings.Contains(body, "3825 1234") != visible {
					t.Fatalf("phone visible=%v for a key, want %v: %s", !visible, visible, body)
				}
			}
		})
	})
}

func slices_contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// API4:2023 Unrestricted Resource Consumption.
func TestOWASP_API4_ResourceConsumption(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		_, admin, err := st.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: models.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		srv := New(st, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Rates: map[string]Rate{"public": {PerSecond: 1, Burst: 3}, "admin": {PerSecond: 1, Burst: 5}}})
		get := func(path, key, ip string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", path, nil)
			req.RemoteAddr = ip + ":40000"
			if key != "" {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			return rec
		}
		t.Run("public bursts get 429 with Retry-After", func(t *testing.T) {
			codes := map[int]int{}
			for i := 0; i < 10; i++ {
				rec := get("/v1/models", "", "198.51.100.7")
				codes[rec.Code]++
				if rec.Code == 429 {
					if rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
						t.Fatalf("429 without Retry-After or problem+json: %v", rec.Header())
					}
				}
			}
			if codes[200] != 3 || codes[429] != 7 {
				t.Fatalf("codes %v, want 3×200 then 7×429", codes)
			}
			// Another client is not affected, nor are health probes.
			if rec := get("/v1/models", "", "198.51.100.8"); rec.Code != 200 {
				t.Fatalf("another IP got %d", rec.Code)
			}
			if rec := get("/healthz", "", "198.51.100.7"); rec.Code != 200 {
				t.Fatalf("healthz got %d", rec.Code)
			}
		})
		t.Run("a forged X-Forwarded-For does not dodge the limit", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				req := httptest.NewRequest("GET", "/v1/models", nil)
				req.RemoteAddr = "198.51.100.9:40000"
				req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, req)
				if i >= 3 && rec.Code != 429 {
					t.Fatalf("request %d got %d", i, rec.Code)
				}
			}
		})
		// The red team's pass of 2026-12-07: one host holds a whole IPv6
		// /64 (a home line, a VPS), and each of its 2^64 addresses had a
		// bucket of its own: a new source address a request never met the
		// limit, and every address grew the limiter's map.
		t.Run("one IPv6 /64 is one client", func(t *testing.T) {
			codes := map[int]int{}
			for i := 0; i < 6; i++ {
				codes[get("/v1/models", "", fmt.Sprintf("[2001:db8:7:1::%x]", i+1)).Code]++
			}
			if codes[200] != 3 || codes[429] != 3 {
				t.Fatalf("codes %v, want 3×200 then 3×429", codes)
			}
			if rec := get("/v1/models", "", "[2001:db8:7:2::1]"); rec.Code != 200 {
				t.Fatalf("another /64 got %d", rec.Code)
			}
			codes = map[int]int{}
			for i := 0; i < 6; i++ {
				codes[get("/v1/models", fmt.Sprintf("camreg_%012d_guess", i), fmt.Sprintf("[2001:db8:7:3::%x]", i+1)).Code]++
			}
			if codes[401] != 3 || codes[429] != 3 {
				t.Fatalf("key guesses from one /64: codes %v, want 3×401 then 3×429", codes)
			}
		})
		t.Run("keys have their own bucket, in their role's tier", func(t *testing.T) {
			codes := map[int]int{}
			for i := 0; i < 8; i++ {
				codes[get("/v1/models", admin, "198.51.100.7").Code]++
			}
			if codes[200] != 5 || codes[429] != 3 {
				t.Fatalf("codes %v, want 5×200 then 3×429", codes)
			}
		})
		t.Run("failed key guesses are rate limited", func(t *testing.T) {
			codes := map[int]int{}
			for i := 0; i < 6; i++ {
				codes[get("/v1/models", "camreg_000000000000_guess", "198.51.100.20").Code]++
			}
			if codes[401] != 3 || codes[429] != 3 {
				t.Fatalf("codes %v, want 3×401 then 3×429", codes)
			}
		})
		t.Run("server timeouts are set", func(t *testing.T) {
			s := srv.Echo().Server
			if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
				t.Fatalf("timeouts %v %v %v %v, header limit %d", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes)
			}
		})
	})
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.do("POST", "/v1/organizations", e.admin, `{"name":"`+strings.Repeat("x", 2<<20)+`"}`).want(413).problemFields()
		e.do("GET", "/v1/models?limit=100000", "", nil).want(422).problemFields()
		many := make([]map[string]any, 1001)
		for i := range many {
			many[i] = map[string]any{"camera_model_id": "0190a000-0000-7000-8000-000000000001"}
		}
		r := e.do("POST", "/v1/certificates", e.admin, map[string]any{"models": many}).want(422)
		if !slices_contains(r.problemFields(), "models") {
			t.Fatal("an over-long list is not reported on its field")
		}
	})
}

// API5:2023 Broken Function Level Authorization: every administrative
// function refuses every other role. TestPermissionMatrix covers every
// endpoint; this names the administrative ones.
func TestOWASP_API5_BFLA(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		w := newRoleWorld(t, e)
		admin := []struct{ method, path string }{
			{"GET", "/v1/keys"}, {"POST", "/v1/keys"}, {"DELETE", "/v1/keys/" + w.ids["admin"]["{key}"]},
			{"POST", "/v1/standards"}, {"PATCH", "/v1/standards/" + w.ids["admin"]["{standard}"]},
			{"DELETE", "/v1/models/" + w.ids["admin"]["{model}"]}, {"DELETE", "/v1/organizations/" + w.ids["admin"]["{org}"]},
		}
		for _, ep := range admin {
			for _, role := range roleOrder[1:6] {
				e.do(ep.method, ep.path, w.keys[role], map[string]any{}).want(http.StatusForbidden)
			}
			e.do(ep.method, ep.path, "", map[string]any{}).want(http.StatusUnauthorized)
		}
		// Vendors cannot verify registrations, the admin's function.
		e.do("PATCH", "/v1/models/"+w.ids["vendor"]["{model}"], w.keys["vendor"], map[string]any{"status": "verified"}).want(422)
	})
}
