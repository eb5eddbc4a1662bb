package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCompliantModelsAPI: the published list over HTTP agrees with verify,
// carries the certificate, pages, diffs two dates, exports a dated file with
// neutralised cells, and refuses bad filters.
func TestCompliantModelsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		// Dahua gets a certificate, and a name a spreadsheet would run.
		e.create("certificates", map[string]any{"number": "QCVN135-DH-1", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-05-01",
			"expires_on": "2028-04-30", "camera_model_ids": []string{f.model2}})
		e.do(http.MethodPatch, "/v1/models/"+f.model2, e.admin, map[string]any{"name": "=HYPERLINK(\"http://evil.example\")"}).want(http.StatusOK)
		// A pending registration with a certificate is never listed.
		pending := e.create("models", map[string]any{"brand": "Imou", "model_number": "IPC-A22EP", "status": "pending"})
		e.create("certificates", map[string]any{"number": "QCVN135-IM-1", "standard_code": "QCVN 135:2024/BTTTT",
			"certification_body_org_id": f.body, "method": 1, "holder_org_id": f.importer, "issued_on": "2025-05-01",
			"expires_on": "2028-04-30", "camera_model_ids": []string{pending}})

		for _, at := range []string{"2025-06-01", "2026-03-01", "2026-08-01"} {
			list := e.do(http.MethodGet, "/v1/compliant-models?at="+at, "", nil).want(http.StatusOK).json()
			listed := map[string]bool{}
			for _, it := range list["items"].([]any) {
				listed[it.(map[string]any)["model"].(map[string]any)["id"].(string)] = true
			}
			if listed[pending] {
				t.Fatalf("on %s the pending registration is listed", at)
			}
			for _, m := range []struct{ id, brand, number string }{{f.model, "Hikvision", "DS-2CD1023G0E-I"}, {f.model2, "Dahua", "IPC-HFW1230S-S5"}} {
				v := e.do(http.MethodGet, "/v1/verify?brand="+m.brand+"&model="+m.number+"&at="+at, "", nil).want(http.StatusOK).json()
				if want := v["verdict"] == "compliant"; listed[m.id] != want {
					t.Errorf("on %s %s: listed %v, verify says %v", at, m.number, listed[m.id], v["verdict"])
				}
			}
		}

		list := e.do(http.MethodGet, "/v1/compliant-models?at=2026-03-01&brand=dahua", "", nil).want(http.StatusOK).json()
		items := list["items"].([]any)
		if len(items) != 1 || list["at"] != "2026-03-01" {
			t.Fatalf("Dahua on 2026-03-01: %v", list)
		}
		cert := items[0].(map[string]any)["certificate"].(map[string]any)
		if cert["number"] != "QCVN135-DH-1" || cert["certification_body"] != "Quatest 1" || cert["expires_on"] != "2028-04-30" {
			t.Fatalf("the certificate behind Dahua: %v", cert)
		}

		// QCVN 135 stops counting on 2026-07-01: Dahua leaves the list, and why.
		ch := e.do(http.MethodGet, "/v1/compliant-models/changes?from=2026-03-01&to=2026-08-01", "", nil, "Accept-Language", "en").want(http.StatusOK).json()
		changes := ch["items"].([]any)
		if len(changes) != 1 {
			t.Fatalf("changes: %v", ch)
		}
		left := changes[0].(map[string]any)
		if left["change"] != "left" || left["from_verdict"] != "compliant" || left["to_verdict"] == "compliant" || len(left["reasons"].([]any)) == 0 {
			t.Fatalf("Dahua's change: %v", left)
		}

		csv := e.do(http.MethodGet, "/v1/export/compliant-models.csv?at=2026-03-01", "", nil).want(http.StatusOK)
		if cd := csv.Header().Get("Content-Disposition"); !strings.Contains(cd, "compliant-models-2026-03-01.csv") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		body := csv.Body.String()
		if !strings.Contains(body, "at,brand,model_number") || !strings.Contains(body, "QCVN135-DH-1") || strings.Contains(body, ",=HYPERLINK") {
			t.Fatalf("CSV:\n%s", body)
		}
		nd := e.do(http.MethodGet, "/v1/export/compliant-models.ndjson?at=2026-03-01&brand=dahua", "", nil).want(http.StatusOK)
		var row map[string]any
		if err := json.Unmarshal([]byte(strings.TrimSpace(nd.Body.String())), &row); err != nil || row["certificate_number"] != "QCVN135-DH-1" {
			t.Fatalf("NDJSON %q: %v", nd.Body.String(), err)
		}
		e.do(http.MethodGet, "/v1/export/compliant-models.xlsx?at=2026-03-01", "", nil).want(http.StatusOK)

		e.do(http.MethodGet, "/v1/compliant-models?at=2026-02-30", "", nil).want(http.StatusUnprocessableEntity)
		e.do(http.MethodGet, "/v1/compliant-models?kind=toaster", "", nil).want(http.StatusUnprocessableEntity)
		e.do(http.MethodGet, "/v1/compliant-models?stauts=valid", "", nil).want(http.StatusUnprocessableEntity)
		e.do(http.MethodGet, "/v1/compliant-models/changes?to=2026-08-01", "", nil).want(http.StatusUnprocessableEntity)
		e.do(http.MethodGet, "/v1/export/compliant-models.csv?at=nope", "", nil).want(http.StatusUnprocessableEntity)
		e.do(http.MethodGet, "/v1/export/compliant-models.json", "", nil).want(http.StatusNotFound)
	})
}
