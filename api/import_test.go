package api

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"camreg/models"
)

// upload posts a multipart import: fields, and a file part when filename
// is not empty.
func (e *testEnv) upload(key string, fields map[string]string, filename string, content []byte, headers ...string) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return response{rec, e.t}
}

// key makes a key of the role for the organization.
func (e *testEnv) key(role models.Role, org string) string {
	e.t.Helper()
	_, secret, err := e.store.CreateKey(context.Background(), models.System("test"), models.NewKeyInput{Role: role, OrgID: org, Name: string(role)})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// job is the wire form of an import job, as the tests read it.
type job struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Invalid   int    `json:"invalid"`
	Error     string `json:"error"`
	Errors    []struct {
		Line   int `json:"line"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	} `json:"errors"`
}

// waitJob polls a job until it has finished.
func (e *testEnv) waitJob(key, location string) job {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j job
		r := e.do(http.MethodGet, location, key, nil).want(http.StatusOK)
		if err := json.Unmarshal(r.Body.Bytes(), &j); err != nil {
			e.t.Fatal(err)
		}
		if j.Status == models.JobSucceeded || j.Status == models.JobFailed {
			return j
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s", location, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (j job) lines() []string {
	var out []string
	for _, e := range j.Errors {
		for _, f := range e.Errors {
			out = append(out, strconv.Itoa(e.Line)+":"+f.Field)
		}
	}
	return out
}

func TestImportsEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		orgs := []byte("\ufeffMã số thuế;Tên doanh nghiệp;Loại hình;Tỉnh/Thành phố\n" +
			"0100047516;Công ty TNHH Camera Tây Hồ;retailer;Hà Nội\n" +
			"0100233489;Công ty Sai Mã;retailer;Hà Nội\n")

		// Admin: all or nothing by default; the report names line and field.
		before := e.eventCount()
		r := e.upload(e.admin, map[string]string{"entity": "organizations"}, "orgs.csv", orgs).want(http.StatusAccepted)
		loc := r.Header().Get("Location")
		if !strings.HasPrefix(loc, "/v1/imports/") || r.str("id") == "" {
			t.Fatalf("Location %q, body %s", loc, r.Body.String())
		}
		j := e.waitJob(e.admin, loc)
		if j.Status != models.JobFailed || j.Invalid != 1 || len(j.lines()) != 1 || j.lines()[0] != "3:tax_code" || e.eventCount() != before {
			t.Fatalf("all-or-nothing job: %+v %v, %d events written", j, j.lines(), e.eventCount()-before)
		}
		// Dry run, then skip-invalid.
		j = e.waitJob(e.admin, e.upload(e.admin, map[string]string{"entity": "organizations", "dry_run": "true"}, "orgs.csv", orgs).
			want(http.StatusAccepted).Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 1 || j.Invalid != 1 || e.eventCount() != before {
			t.Fatalf("dry-run job: %+v", j)
		}
		j = e.waitJob(e.admin, e.upload(e.admin, map[string]string{"entity": "organizations", "skip_invalid": "true"}, "orgs.csv", orgs).
			want(http.StatusAccepted).Header().Get("Location"))
		if j.Status != models.JobSucceeded || j.Created != 1 || j.Invalid != 1 || e.eventCount() != before+1 {
			t.Fatalf("skip-invalid job: %+v", j)
		}

		// A vendor imports listings of its own organization only.
		vendor := e.key(models.RoleVendor, f.retailer)
		listings := []byte("Mã số thuế,Hãng sản xuất,Model,Kênh,Đường dẫn\n" +
			",Hikvision,DS-2CD1023G0E-I,online,https://shop.example.vn/a\n" +
			"0100233488,Dahua,IPC-HFW1230S-S5,online,https://shop.example.vn/b\n")
		vloc := e.upload(vendor, map[string]string{"entity": "listings", "skip_invalid": "true"}, "l.csv", listings).
			want(http.StatusAccepted).Header().Get("Location")
		j = e.waitJob(vendor, vloc)
		if j.Created != 1 || j.Invalid != 1 || len(j.lines()) != 1 || j.lines()[0] != "3:trader" {
			t.Fatalf("vendor job: %+v %v", j, j.lines())
		}
		e.upload(vendor, map[string]string{"entity": "certificates"}, "c.csv", []byte("number\nX\n")).want(http.StatusForbidden).problemFields()
		e.upload(e.key(models.RoleInspector, f.authority), map[string]string{"entity": "listings"}, "l.csv", listings).want(http.StatusForbidden)
		e.upload("", map[string]string{"entity": "listings"}, "l.csv", listings).want(http.StatusUnauthorized)

		// Only the creator and admins read a job; others get 404.
		e.do(http.MethodGet, vloc, e.admin, nil).want(http.StatusOK)
		e.do(http.MethodGet, loc, vendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, vloc, e.key(models.RoleVendor, f.retailer), nil).want(http.StatusNotFound)
		e.do(http.MethodGet, vloc, e.key(models.RoleProcurement, ""), nil).want(http.StatusNotFound)
		e.do(http.MethodGet, vloc, "", nil).want(http.StatusUnauthorized)
		e.do(http.MethodGet, "/v1/imports/0190a000-0000-7000-8000-00000000dead", e.admin, nil).want(http.StatusNotFound)

		// Bad requests: every field error at once; an oversized upload is 413.
		fields := e.upload(e.admin, map[string]string{"format": "pdf", "dry_run": "maybe", "colour": "red"}, "", nil).
			want(http.StatusUnprocessableEntity).problemFields()
		if strings.Join(fields, ",") != "colour,dry_run,entity,file,format" {
			t.Errorf("fields %v", fields)
		}
		e.upload(e.admin, map[string]string{"entity": "models"}, "big.csv", bytes.Repeat([]byte("a,b\n"), (defaultUploadBytes/4)+1)).
			want(http.StatusRequestEntityTooLarge).problemFields()
		req := httptest.NewRequest(http.MethodPost, "/v1/imports", strings.NewReader("not multipart"))
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.Header.Set("Content-Type", "text/plain")
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		response{rec, t}.want(http.StatusBadRequest).problemFields()
	})
}

func TestExportEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		r := e.do(http.MethodGet, "/v1/export/organizations.csv", "", nil).want(http.StatusOK)
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type %q", ct)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.Body.String(), "\ufeff")), "\n")
		if !strings.HasPrefix(lines[0], "tax_code,name,kind") || len(lines) != 5 {
			t.Fatalf("organizations.csv:\n%s", r.Body.String())
		}
		r = e.do(http.MethodGet, "/v1/export/listings.ndjson", "", nil).want(http.StatusOK)
		var l map[string]any
		if err := json.Unmarshal(bytes.TrimSpace(r.Body.Bytes()), &l); err != nil || l["trader"] != "0314409058" ||
			l["model_number"] != "DS-2CD1023G0E-I" || l["price_vnd"] != float64(650000) {
			t.Fatalf("listings.ndjson: %s (%v)", r.Body.String(), err)
		}
		r = e.do(http.MethodGet, "/v1/export/origin-certificates.xlsx", "", nil).want(http.StatusOK)
		if !bytes.HasPrefix(r.Body.Bytes(), []byte("PK")) || !strings.Contains(r.Header().Get("Content-Disposition"), "origin-certificates.xlsx") {
			t.Fatalf("xlsx: %q", r.Header())
		}
		r = e.do(http.MethodGet, "/v1/export/warnings.json", "", nil).want(http.StatusOK)
		var ws []map[string]any
		if err := json.Unmarshal(r.Body.Bytes(), &ws); err != nil || len(ws) != 1 || ws[0]["reference"] != "383/CATTT-NCSC" {
			t.Fatalf("warnings.json: %s", r.Body.String())
		}
		for _, bad := range []string{"keys.csv", "models.pdf", "models", "standards.csv"} {
			e.do(http.MethodGet, "/v1/export/"+bad, "", nil).want(http.StatusNotFound).problemFields()
		}
	})
}
