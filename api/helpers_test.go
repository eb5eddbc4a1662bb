package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// testEnv is a server over a fresh registry, with an admin key.
type testEnv struct {
	t     *testing.T
	store *models.Store
	srv   *Server
	admin string
}

func newEnv(t *testing.T, st *models.Store) *testEnv {
	t.Helper()
	_, secret, err := st.CreateKey(context.Background(), models.System("test"), models.NewKeyInput{Role: models.RoleAdmin, Name: "test admin"})
	if err != nil {
		t.Fatal(err)
	}
	// Tests send bursts from one address; the rate limits have tests of their own.
	generous := map[string]Rate{}
	for tier := range DefaultRates {
		generous[tier] = Rate{PerSecond: 1e6, Burst: 1e6}
	}
	srv := New(st, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous})
	return &testEnv{t: t, store: st, srv: srv, admin: secret}
}

// with returns a copy of e that reports to t, for subtests.
func (e *testEnv) with(t *testing.T) *testEnv {
	c := *e
	c.t = t
	return &c
}

// eachEnv runs fn on every database backend.
func eachEnv(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	testdb.Each(t, func(t *testing.T, st *models.Store) { fn(t, newEnv(t, st)) })
}

// response is a recorded answer with helpers to read it.
type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// do sends a request; body may be a string (sent as is) or a value
// (marshalled). headers are name, value pairs.
func (e *testEnv) do(method, path, key string, body any, headers ...string) response {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	given := map[string]bool{} // a name given twice is two header lines
	for i := 0; i+1 < len(headers); i += 2 {
		if given[headers[i]] {
			req.Header.Add(headers[i], headers[i+1])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
		given[headers[i]] = true
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return response{rec, e.t}
}

// json decodes the body into a map.
func (r response) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body.Bytes(), &m); err != nil {
		r.t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body.String())
	}
	return m
}

// str reads a top-level string field.
func (r response) str(field string) string {
	r.t.Helper()
	s, _ := r.json()[field].(string)
	return s
}

// want checks the status, showing the body when it differs.
func (r response) want(status int) response {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d; body: %s", r.Code, status, r.Body.String())
	}
	return r
}

// problemFields checks a problem+json body and returns its error fields.
func (r response) problemFields() []string {
	r.t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, r.Body.String())
	}
	m := r.json()
	for _, k := range []string{"type", "title", "status", "instance"} {
		if _, ok := m[k]; !ok {
			r.t.Fatalf("problem lacks %q: %s", k, r.Body.String())
		}
	}
	if int(m["status"].(float64)) != r.Code {
		r.t.Fatalf("problem status %v differs from HTTP status %d", m["status"], r.Code)
	}
	var fields []string
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		fields = append(fields, e.(map[string]any)["field"].(string))
	}
	return fields
}

// create posts body as admin, expects 201 and returns the new id.
func (e *testEnv) create(collection string, body any) string {
	e.t.Helper()
	r := e.do(http.MethodPost, "/v1/"+collection, e.admin, body).want(http.StatusCreated)
	id := r.str("id")
	if loc := r.Header().Get("Location"); loc != "/v1/"+collection+"/"+id {
		e.t.Fatalf("Location %q for id %s", loc, id)
	}
	return id
}

// eventCount counts change-log events, to show that a refused request wrote nothing.
func (e *testEnv) eventCount() int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fixture is a small registry built through the API.
type fixture struct {
	importer, body, authority, retailer string
	model, model2                       string
	cert, warning, origin, listing      string
}

func (e *testEnv) fixture() fixture {
	e.t.Helper()
	var f fixture
	f.importer = e.create("organizations", map[string]any{"name": "Công ty TNHH Nhập khẩu Camera Hà Nội", "kind": "importer", "tax_code": "0100233488", "province": "Hà Nội"})
	f.body = e.create("organizations", map[string]any{"name": "Quatest 1", "kind": "certification_body"})
	f.authority = e.create("organizations", map[string]any{"name": "Cục An toàn thông tin", "kind": "authority"})
	f.retailer = e.create("organizations", map[string]any{"name": "Cửa hàng Điện tử Đà Nẵng", "kind": "retailer", "tax_code": "0314409058", "province": "da nang"})
	f.model = e.create("models", map[string]any{"brand": "Hikvision", "model_number": "DS-2CD1023G0E-I", "kind": "ip", "registrant_org_id": f.importer, "status": "verified"})
	f.model2 = e.create("models", map[string]any{"brand": "Dahua", "model_number": "IPC-HFW1230S-S5", "status": "verified"})
	f.cert = e.create("certificates", map[string]any{"number": "QCVN135-Q1-2025-0012", "standard_code": "QCVN 135:2024/BTTTT",
		"certification_body_org_id": f.body, "method": 5, "holder_org_id": f.importer, "issued_on": "2025-03-01",
		"expires_on": "2028-02-29", "models": []map[string]any{{"camera_model_id": f.model}}})
	f.warning = e.create("warnings", map[string]any{"authority_org_id": f.authority, "reference": "383/CATTT-NCSC",
		"title": "Lỗ hổng camera", "severity": "high", "issued_on": "2025-04-10", "measure": "update_firmware",
		"cve_ids": []string{"cve-2021-36260"}, "affected": []map[string]any{{"camera_model_id": f.model, "fixed_in": "V5.5.800"}}})
	f.origin = e.create("origin-certificates", map[string]any{"number": "E2512345678", "form": "E", "issuer": "CCPIT",
		"exporting_country": "CN", "issued_on": "2025-09-12", "camera_model_ids": []string{f.model}})
	f.listing = e.create("listings", map[string]any{"trader_org_id": f.retailer, "camera_model_id": f.model,
		"channel": "shop", "shop_address": "45 Lê Duẩn", "province": "48", "price_vnd": 650000})
	return f
}
