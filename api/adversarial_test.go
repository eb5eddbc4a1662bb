package api

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"camreg/importer"
	"camreg/models"
)

// paramRE matches a route's path parameters.
var paramRE = regexp.MustCompile(`:[a-z_]+`)

// The adversarial suite (issue #14): organization B keeps private things,
// each with a marker in every private field. Every actor that may not read
// them (the public, another vendor, procurement, a certifier of another
// body) then reads every read surface of the API: every GET route of the
// server (found from its route table, not from a list that could go stale),
// with every private object's id in its path parameters, every export file,
// the permalinks of the pending model, search, verify (single and bulk),
// feeds, the log's entries, B's import job and the errors of writes that
// name B's objects. No answer may hold a marker.
func TestAdversarialNoPrivateMarkerLeaks(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		_, ix := e.withSearch(t)
		f := e.fixture()
		// Organization B, a vendor, with contacts only it and privileged roles see.
		orgB := e.create("organizations", map[string]any{"name": "Công ty B", "kind": "importer", "tax_code": "0101243150",
			"email": "zqxmail@example.vn", "phone": "+84 24 9876 5432"})
		vendorB := e.key(models.RoleVendor, orgB)
		// B's pending registration: brand, model number and name are private until verified.
		pending := e.do(http.MethodPost, "/v1/models", vendorB, map[string]any{"brand": "Zqxbrand", "model_number": "ZQXPEND-77",
			"name": "zqxname camera", "kind": "ip", "origin_country": "CN", "gtins": []string{"8934567890120"}}).want(http.StatusCreated).str("id")
		// B's certificate submission: pending until its body confirms it.
		pendingCert := e.do(http.MethodPost, "/v1/certificates", vendorB, map[string]any{"number": "ZQXCERT-1",
			"standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body, "method": 1, "issued_on": "2025-03-01",
			"expires_on": "2028-02-28", "models": []map[string]any{{"camera_model_id": pending}}}).want(http.StatusCreated).str("id")
		// Public records that name the pending model beside a verified one: a
		// warning, a confirmed certificate and a C/O. They name it to no outsider.
		e.create("warnings", map[string]any{"authority_org_id": f.authority, "reference": "77/ADV", "title": "t", "severity": "low",
			"issued_on": "2025-04-10", "measure": "stop_sale",
			"affected": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})
		e.create("certificates", map[string]any{"number": "QCVN135-ADV-2", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": f.body, "method": 5, "holder_org_id": orgB, "issued_on": "2025-03-01",
			"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": f.model2}, {"camera_model_id": pending}}})
		e.create("origin-certificates", map[string]any{"number": "E25ADV", "form": "E", "issuer": "CCPIT",
			"exporting_country": "CN", "issued_on": "2025-09-12", "camera_model_ids": []string{f.model2, pending}})
		// B's listing of its pending model.
		listing := e.do(http.MethodPost, "/v1/listings", vendorB, map[string]any{"camera_model_id": pending, "channel": "online",
			"url": "https://zqxshop.example/cam"}).want(http.StatusCreated).str("id")
		// An inspection of B, with a finding: private trader data.
		inspector := e.key(models.RoleInspector, f.authority)
		insp := e.do(http.MethodPost, "/v1/inspections", inspector, map[string]any{"trader_org_id": orgB, "place": "zqxplace 1",
			"notes": "zqxnotes", "items": []map[string]any{{"model": "ZQXLABEL-9", "quantity": 3, "not_in_registry": true,
				"label_text": "ZQXLABEL-9 2MP"}}}).want(http.StatusCreated)
		inspection := insp.str("id")
		var finding string
		if fs, _ := insp.json()["findings"].([]any); len(fs) > 0 {
			finding, _ = fs[0].(map[string]any)["id"].(string)
		}
		// B's import job, whose report names its rows.
		job := e.upload(vendorB, map[string]string{"entity": "models", "dry_run": "true"}, "zqxfile.csv",
			[]byte("brand,model_number,kind\nZqxbrand,ZQXROW-1,zqxkind\n")).want(http.StatusAccepted).str("id")
		e.waitJob(vendorB, "/v1/imports/"+job)

		// B's fleet of installed cameras (an operator key of B): private to B,
		// admins and authorities.
		operatorB := e.key(models.RoleOperator, orgB)
		fleet := e.do(http.MethodPost, "/v1/fleets", operatorB, map[string]any{"name": "zqxfleet", "description": "zqxfdesc"}).
			want(http.StatusCreated).str("id")
		device := e.do(http.MethodPost, "/v1/fleets/"+fleet+"/devices", operatorB, map[string]any{"model": "DS-2CD1023G0E-I",
			"location": "zqxdevloc", "external_id": "ZQXTAG-1"}).want(http.StatusCreated).str("id")

		if _, err := ix.CatchUp(t.Context()); err != nil {
			t.Fatal(err)
		}
		markers := []string{"zqxmail", "9876 5432", "ZQXCERT", "zqxplace", "zqxnotes", "ZQXLABEL", "zqxfile", "ZQXROW", "zqxkind",
			"zqxfleet", "zqxfdesc", "zqxdevloc", "ZQXTAG"}
		// A listing of the pending model is private as the model is.
		modelMarkers := []string{"Zqxbrand", "ZQXPEND", "zqxname", "zqxshop", pending}
		privateIDs := []string{orgB, pending, pendingCert, listing, inspection, finding, job, fleet, device}

		// Every GET route, with every private id in its parameters.
		var paths []string
		for _, r := range e.srv.Echo().Routes() {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/swagger") || strings.HasPrefix(r.Path, "/static") {
				continue
			}
			switch {
			case strings.Contains(r.Path, ":file"):
				for _, ent := range importer.Entities {
					for _, format := range []string{"csv", "json", "ndjson"} {
						paths = append(paths, strings.Replace(r.Path, ":file", ent+"."+format, 1))
					}
				}
			case strings.Contains(r.Path, ":brand"):
				p := strings.Replace(r.Path, ":brand", "zqxbrand", 1)
				paths = append(paths, strings.Replace(p, ":model", "zqxpend77", 1))
			case strings.Contains(r.Path, ":index"):
				for i := 0; i < e.eventCount(); i++ {
					paths = append(paths, strings.Replace(r.Path, ":index", strconv.Itoa(i), 1))
				}
			case strings.Contains(r.Path, ":"):
				for _, id := range privateIDs {
					paths = append(paths, paramRE.ReplaceAllString(r.Path, id))
				}
			default:
				paths = append(paths, r.Path+"?limit=500")
			}
		}
		// The public warning and certificate that name the pending model, as
		// search hits: their hits named its id (the audit of 2026-12-07).
		paths = append(paths, "/v1/search?q=zqxbrand", "/v1/search?q=ZQXPEND-77", "/v1/search?q=zqxmail",
			"/v1/search?q=77%2FADV", "/v1/search?q=QCVN135-ADV-2", "/v1/search?q=77%2FADV&type=warning", "/v1/search?q=QCVN135-ADV-2&type=certificate",
			"/v1/verify?model=ZQXPEND-77", "/v1/verify?model=ZQXPEND-77&brand=Zqxbrand", "/v1/verify?gtin=8934567890120", "/v1/feed.json?brand=Zqxbrand",
			"/v1/listings?model="+pending, "/v1/certificates?model="+pending, "/v1/findings?trader="+orgB,
			"/v1/inspections?trader="+orgB, "/v1/audit?entity_id="+orgB)

		outsiders := []struct {
			name     string
			key      string
			seesModl bool // certifiers see pending registrations, by design
		}{
			{"public", "", false},
			{"vendor A", e.key(models.RoleVendor, f.importer), false},
			{"vendor A's other org", e.key(models.RoleVendor, f.retailer), false},
			{"procurement", e.key(models.RoleProcurement, ""), false},
			{"operator", e.key(models.RoleOperator, e.create("organizations",
				map[string]any{"name": "Nhà mạng A", "kind": "operator"})), false},
			{"certifier of another body", e.key(models.RoleCertifier, e.create("organizations",
				map[string]any{"name": "Quatest 3", "kind": "certification_body"})), true},
		}
		t.Logf("%d read requests (GET routes × private ids, exports, search, verify, feeds, log leaves) for each of %d outsiders", len(paths), len(outsiders))
		for _, o := range outsiders {
			look := markers
			if !o.seesModl {
				look = append(append([]string{}, markers...), modelMarkers...)
			}
			// what is the request as sent: a marker the caller sent itself
			// (an id in the path, a model number to verify) may be echoed.
			check := func(what string, r response) {
				body := r.Body.String()
				for _, m := range look {
					if strings.Contains(what, m) {
						continue
					}
					if strings.Contains(body, m) {
						t.Errorf("%s: %s answered %d with private marker %q", o.name, what, r.Code, m)
						return
					}
				}
				if r.Code >= 500 && !strings.Contains(what, "/v1/log/checkpoint") {
					t.Errorf("%s: %s answered %d", o.name, what, r.Code)
				}
			}
			for _, p := range paths {
				check("GET "+p, e.do(http.MethodGet, p, o.key, nil))
			}
			check("POST /v1/verify ZQXPEND-77 Zqxbrand ZQXLABEL-9", e.do(http.MethodPost, "/v1/verify", o.key, map[string]any{"items": []map[string]any{
				{"model": "ZQXPEND-77", "brand": "Zqxbrand"}, {"model": "ZQXLABEL-9"}}}))
			// The pending model's GTIN (on its box) names it to no one.
			check("POST /v1/verify gtin", e.do(http.MethodPost, "/v1/verify", o.key, map[string]any{"items": []map[string]any{
				{"gtin": "8934567890120"}, {"gtin": "08934567890120", "model": "x"}}}))
			// Errors of writes that name B's private objects.
			if o.key != "" {
				check("POST listing of B's pending model "+pending, e.do(http.MethodPost, "/v1/listings", o.key, map[string]any{
					"camera_model_id": pending, "channel": "online", "url": "https://x.example/"}))
				check("PATCH B's pending model "+pending, e.do(http.MethodPatch, "/v1/models/"+pending, o.key, map[string]any{"name": "x"}))
				check("PATCH B", e.do(http.MethodPatch, "/v1/organizations/"+orgB, o.key, map[string]any{"address": "x"}))
				check("PATCH B's listing", e.do(http.MethodPatch, "/v1/listings/"+listing, o.key, map[string]any{"url": "https://x.example/"}))
				check("PATCH B's certificate", e.do(http.MethodPatch, "/v1/certificates/"+pendingCert, o.key, map[string]any{"lot_ref": "x"}))
			}
		}
		// The suite can fail: B itself and an admin do see the markers.
		for _, who := range []string{vendorB, e.admin} {
			if b := e.do(http.MethodGet, "/v1/organizations/"+orgB, who, nil).Body.String(); !strings.Contains(b, "zqxmail") {
				t.Errorf("an entitled reader does not see B's e-mail: %s", b)
			}
			if b := e.do(http.MethodGet, "/v1/export/listings.csv", who, nil).Body.String(); !strings.Contains(b, "zqxshop") {
				t.Errorf("an entitled reader's export lacks B's listing")
			}
		}
	})
}

// TestAdversarialForwardedForTrustsOnlyTheProxies: with a reverse proxy
// configured, X-Forwarded-For is believed from that proxy only. A client of
// the same private network (or of loopback) that sends the header itself
// must not pass for 127.0.0.1 (and read /metrics) nor take a fresh address
// per request to escape the public rate limit. Echo trusts loopback,
// link-local and private networks by default: a deployment on an intranet
// would have believed any of its clients.
func TestAdversarialForwardedForTrustsOnlyTheProxies(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		srv := New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: []string{"10.9.9.9/32"},
			Rates: map[string]Rate{"public": {PerSecond: 0.001, Burst: 2}}})
		send := func(remote, xff, path string) int {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.RemoteAddr = remote
			if xff != "" {
				req.Header.Set("X-Forwarded-For", xff)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			return rec.Code
		}
		// A neighbour on the intranet claims to be the host itself.
		if got := send("192.168.1.5:40000", "127.0.0.1", "/metrics"); got == http.StatusOK {
			t.Fatal("a private-network client read /metrics by sending X-Forwarded-For: 127.0.0.1")
		}
		// The same neighbour rotates forged addresses: still one client.
		limited := false
		for i := range 10 {
			if send("192.168.1.5:40000", fmt.Sprintf("203.0.113.%d", i+1), "/v1/provinces") == http.StatusTooManyRequests {
				limited = true
			}
		}
		if !limited {
			t.Fatal("forged X-Forwarded-For addresses escaped the public rate limit")
		}
		// Through the real proxy, the client's own address counts.
		if got := send("10.9.9.9:5000", "198.51.100.7", "/v1/provinces"); got != http.StatusOK {
			t.Fatalf("a client through the trusted proxy: %d", got)
		}
		if got := send("10.9.9.9:5000", "127.0.0.1, 198.51.100.8", "/metrics"); got == http.StatusOK {
			t.Fatal("a client through the proxy read /metrics by prepending 127.0.0.1")
		}
	})
}

// TestAdversarialLookalikeNaturalKeys: every natural key written with
// lookalike letters, full-width forms or invisible marks meets the real one
// (409), so a vendor cannot make a second certificate, warning or model
// under the same name that the importer's upserts and the lookups by number
// would tell apart. Certificate numbers and warning references were keyed
// by case and spaces only: a zero-width joiner or a Cyrillic С made a new key.
func TestAdversarialLookalikeNaturalKeys(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		cert := func(number string) map[string]any {
			return map[string]any{"number": number, "standard_code": "QCVN 135:2024/BTTTT", "certification_body_org_id": f.body,
				"method": 5, "holder_org_id": f.importer, "issued_on": "2025-03-01", "expires_on": "2028-02-29",
				"models": []map[string]any{{"camera_model_id": f.model2}}}
		}
		for _, n := range []string{"QCVN135-Q1-2025-0012\u200d", "\u200fQCVN135-Q1-2025-0012", "QСVN135-Q1-2025-0012", "ＱＣＶＮ１３５-Q1-2025-0012",
			// the audit of 2026-12-07: lookalike dashes and default-ignorables made second certificates
			"QCVN135\u2013Q1\u20132025\u20130012", "QCVN135\u2212Q1-2025-0012", "QCVN\u034f135-Q1-2025-0012", "QCVN135-Q1-2025-0012\u3164"} {
			e.do(http.MethodPost, "/v1/certificates", e.admin, cert(n)).want(http.StatusConflict).problemFields()
		}
		warning := func(ref string) map[string]any {
			return map[string]any{"authority_org_id": f.authority, "reference": ref, "title": "x", "severity": "low",
				"issued_on": "2025-04-10", "measure": "update_firmware", "affected": []map[string]any{{"camera_model_id": f.model}}}
		}
		for _, ref := range []string{"383/СATTT-NCSC", "383/CATTT\u2060-NCSC", "３８３/CATTT-NCSC", "383\u2044CATTT-NCSC", "383/CATTT\u2013NCSC"} {
			e.do(http.MethodPost, "/v1/warnings", e.admin, warning(ref)).want(http.StatusConflict).problemFields()
		}
		vendor := e.key(models.RoleVendor, f.importer)
		for _, brand := range []string{"Hikvision\u200d", "Ｈikvision", "Hіkvision"} {
			if r := e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": brand, "model_number": "DS-2CD1023G0E-I"}); r.Code != http.StatusConflict && r.Code != http.StatusUnprocessableEntity {
				t.Errorf("brand %q: %d %s", brand, r.Code, r.Body.String())
			}
		}
		// A tax code in full-width digits is refused, not stored beside the real one.
		e.do(http.MethodPost, "/v1/organizations", e.admin, map[string]any{"name": "Trùng", "kind": "retailer",
			"tax_code": "０１００２３３４８８"}).want(http.StatusUnprocessableEntity)
		// Verify reads a model number with invisible marks or full-width letters as the real one.
		for _, q := range []string{"DS-2CD1023G0E-I%E2%80%8F", "%EF%BC%A4S-2CD1023G0E-I", "DS-2CD1023G0E%E2%80%8D-I"} {
			if m := e.do(http.MethodGet, "/v1/verify?model="+q, "", nil).want(http.StatusOK).str("match"); m != "exact" {
				t.Errorf("verify %s: match %q", q, m)
			}
		}
	})
}
