package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"camreg/translog"
)

// TestNearMatchAgreesEverywhere: a near match (possible) is unknown, with
// possible_match first, on every surface that gives a verdict, not only
// GET /v1/verify: the bulk form, the signed receipt, and an inspection
// item typed with the near number (held for the inspector, no finding).
// DS-2CD1023GOE-I (O for 0) is one letter from the certified
// DS-2CD1023G0E-I, whose own verdict with firmware V5.7.3 is compliant,
// and without a firmware a warning.
func TestNearMatchAgreesEverywhere(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		vkey := e.withLogVKey(t)
		near := []map[string]any{
			{"model": "DS-2CD1023GOE-I", "firmware": "V5.7.3", "at": "2026-03-01"},
			{"model": "DS-2CD1023GOE-I", "at": "2026-03-01"},
			{"model": "DS-2CD1023G0E-I", "brand": "Dahua", "firmware": "V5.7.3", "at": "2026-03-01"},
		}
		type answer struct {
			Match, Verdict, Summary string
			Reasons                 []struct{ Code, Effect string }
			Receipt                 json.RawMessage
		}
		var bulk struct {
			Items   []answer
			Receipt json.RawMessage
		}
		if err := json.Unmarshal(e.do(http.MethodPost, "/v1/verify?receipt=true", "", map[string]any{"items": near}, "Accept-Language", "en").want(http.StatusOK).Body.Bytes(), &bulk); err != nil {
			t.Fatal(err)
		}
		st, _, err := translog.VerifyReceipt(decodeReceipt(t, bulk.Receipt), vkey)
		if err != nil || len(st.Items) != len(near) || len(bulk.Items) != len(near) {
			t.Fatalf("bulk receipt: %v, %d statement items, %d answers", err, len(st.Items), len(bulk.Items))
		}
		for i, q := range near {
			path := "/v1/verify?receipt=true&model=" + q["model"].(string) + "&at=2026-03-01"
			if fw, ok := q["firmware"]; ok {
				path += "&firmware=" + fw.(string)
			}
			if b, ok := q["brand"]; ok {
				path += "&brand=" + b.(string)
			}
			var one answer
			if err := json.Unmarshal(e.do(http.MethodGet, path, "", nil, "Accept-Language", "en").want(http.StatusOK).Body.Bytes(), &one); err != nil {
				t.Fatal(err)
			}
			if one.Match != "possible" || one.Verdict != "unknown" || len(one.Reasons) == 0 || one.Reasons[0].Code != "possible_match" || one.Reasons[0].Effect != "unknown" {
				t.Errorf("%v: GET says %s %s %+v", q, one.Match, one.Verdict, one.Reasons)
			}
			b := bulk.Items[i]
			if fmt.Sprint(b.Match, b.Verdict, b.Summary, b.Reasons) != fmt.Sprint(one.Match, one.Verdict, one.Summary, one.Reasons) {
				t.Errorf("%v: bulk says %s %s %q %+v, GET %s %s %q %+v", q, b.Match, b.Verdict, b.Summary, b.Reasons, one.Match, one.Verdict, one.Summary, one.Reasons)
			}
			for _, s := range []struct {
				name string
				it   translog.StatementItem
			}{{"bulk receipt", st.Items[i]}, {"receipt", receiptItem(t, one.Receipt, vkey)}} {
				if s.it.Match != "possible" || s.it.Verdict != "unknown" || len(s.it.Reasons) == 0 || s.it.Reasons[0] != "possible_match" {
					t.Errorf("%v: the %s signs %s %s %v", q, s.name, s.it.Match, s.it.Verdict, s.it.Reasons)
				}
			}
		}

		// An inspection item typed with the near number: unknown, held for
		// the inspector's pick among the candidates (no reasons: they would
		// be the candidate's), no finding.
		items := make([]map[string]any, len(near))
		for i, q := range near {
			items[i] = map[string]any{"model": q["model"], "quantity": 1}
			for _, f := range []string{"brand", "firmware"} {
				if v, ok := q[f]; ok {
					items[i][f] = v
				}
			}
		}
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": items}).want(http.StatusCreated).json()
		if insp["status"] != "needs_confirmation" || len(insp["findings"].([]any)) != 0 {
			t.Errorf("near matches: status %v, findings %v", insp["status"], insp["findings"])
		}
		for i, x := range insp["items"].([]any) {
			it := x.(map[string]any)
			if it["match"] != "possible" || it["verdict"] != "unknown" || it["resolution"] != "needs_confirmation" ||
				len(it["candidates"].([]any)) != 1 || it["finding_id"] != nil {
				t.Errorf("item %d: %v %v %v %v %v", i, it["match"], it["verdict"], it["resolution"], it["candidates"], it["finding_id"])
			}
		}
	})
}

func receiptItem(t *testing.T, raw json.RawMessage, vkey string) translog.StatementItem {
	t.Helper()
	st, _, err := translog.VerifyReceipt(decodeReceipt(t, raw), vkey)
	if err != nil || len(st.Items) != 1 {
		t.Fatalf("receipt: %v", err)
	}
	return st.Items[0]
}
