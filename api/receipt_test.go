package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"camreg/translog"
)

func decodeReceipt(t *testing.T, raw json.RawMessage) translog.Receipt {
	t.Helper()
	var r translog.Receipt
	if err := json.Unmarshal(raw, &r); err != nil || r.Note == "" {
		t.Fatalf("no receipt: %v %s", err, raw)
	}
	return r
}

// TestVerifyReceipt: a receipt names the query, the answer and its
// evidence with their log entries, and checks offline; any change to it,
// or another key, fails the check.
func TestVerifyReceipt(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		path := "/v1/verify?brand=Hikvision&model=DS-2CD1023G0E-I&firmware=V5.5.0&at=2026-01-10&receipt=true"
		e.do(http.MethodGet, path, "", nil).want(http.StatusServiceUnavailable)
		vkey := e.withLogVKey(t)
		e.do(http.MethodGet, "/v1/verify?model=X&receipt=maybe", "", nil).want(http.StatusUnprocessableEntity)
		plain := e.do(http.MethodGet, "/v1/verify?brand=Hikvision&model=DS-2CD1023G0E-I", "", nil).want(http.StatusOK)
		if _, ok := plain.json()["receipt"]; ok {
			t.Fatal("a receipt nobody asked for")
		}

		var resp struct {
			Verdict string `json:"verdict"`
			Reasons []struct{ Code string }
			Receipt json.RawMessage `json:"receipt"`
		}
		if err := json.Unmarshal(e.do(http.MethodGet, path, "", nil).want(http.StatusOK).Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		r := decodeReceipt(t, resp.Receipt)
		st, cp, err := translog.VerifyReceipt(r, vkey)
		if err != nil {
			t.Fatalf("receipt: %v", err)
		}
		if cp.Size != int64(e.eventCount()) || len(st.Items) != 1 {
			t.Fatalf("checkpoint %d of %d events; %d items", cp.Size, e.eventCount(), len(st.Items))
		}
		it := st.Items[0]
		if it.Verdict != resp.Verdict || it.Query["model"] != "DS-2CD1023G0E-I" || it.Query["firmware"] != "V5.5.0" || it.At != "2026-01-10" {
			t.Errorf("statement item %+v; answer %s", it, resp.Verdict)
		}
		for i, rc := range resp.Reasons {
			if i >= len(it.Reasons) || it.Reasons[i] != rc.Code {
				t.Errorf("reason codes %v, answer's %+v", it.Reasons, resp.Reasons)
			}
		}
		var got []string
		for _, ev := range it.Evidence {
			got = append(got, ev.Entity+":"+ev.ID)
		}
		for _, want := range []string{"camera_model:" + f.model, "certificate:" + f.cert, "warning:" + f.warning} {
			if !slices.Contains(got, want) {
				t.Errorf("evidence %v lacks %s", got, want)
			}
		}

		// Tampering with any part, or checking with another key, fails.
		_, otherKey, _ := translog.GenerateKey("test.camreg/log")
		tampered := []struct {
			name string
			r    func() translog.Receipt
			vkey string
		}{
			{"another key", func() translog.Receipt { return r }, otherKey},
			{"verdict changed", func() translog.Receipt {
				x := r
				x.Note = strings.Replace(x.Note, `"verdict":"`+resp.Verdict+`"`, `"verdict":"compliant_x"`, 1)
				return x
			}, vkey},
			{"proof changed", func() translog.Receipt {
				x := r
				x.Proofs = slices.Clone(r.Proofs)
				p := x.Proofs[0]
				p.Proof = slices.Clone(p.Proof)
				if len(p.Proof) > 0 {
					p.Proof[0] = translog.HashString([32]byte{1})
				} else {
					p.Index++
				}
				x.Proofs[0] = p
				return x
			}, vkey},
			{"proofs dropped", func() translog.Receipt { x := r; x.Proofs = nil; return x }, vkey},
			{"another checkpoint", func() translog.Receipt {
				x := r
				e.create("models", map[string]any{"brand": "Later", "model_number": "L-1", "status": "verified"})
				x.Checkpoint = e.do(http.MethodGet, "/v1/log/checkpoint", "", nil).want(http.StatusOK).Body.String()
				return x
			}, vkey},
		}
		for _, tc := range tampered {
			if _, _, err := translog.VerifyReceipt(tc.r(), tc.vkey); err == nil {
				t.Errorf("%s: the receipt still verified", tc.name)
			}
		}

		// The bulk form: one receipt for every answer.
		var bulk struct {
			Items   []map[string]any `json:"items"`
			Receipt json.RawMessage  `json:"receipt"`
		}
		body := map[string]any{"items": []map[string]any{{"brand": "Dahua", "model": "IPC-HFW1230S-S5"}, {"model": "NOPE-1"}}}
		if err := json.Unmarshal(e.do(http.MethodPost, "/v1/verify?receipt=true", "", body).want(http.StatusOK).Body.Bytes(), &bulk); err != nil {
			t.Fatal(err)
		}
		st, _, err = translog.VerifyReceipt(decodeReceipt(t, bulk.Receipt), vkey)
		if err != nil || len(st.Items) != 2 || st.Items[1].Match != "none" || len(st.Items[1].Evidence) != 0 || len(st.Items[0].Evidence) == 0 {
			t.Fatalf("bulk receipt: %v %+v", err, st.Items)
		}
	})
}

// TestLogInFeedsAndPermalink: the feeds carry the signed checkpoint and the
// permalink page names its size and fingerprint.
func TestLogInFeedsAndPermalink(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		if strings.Contains(e.do(http.MethodGet, "/m/hikvision/ds2cd1023g0ei", "", nil).want(http.StatusOK).Body.String(), "dấu vân tay") {
			t.Error("a permalink names a checkpoint without a key")
		}
		v := e.withLogKey(t)
		cp, _ := e.checkpoint(t, v)
		var feed struct {
			Log *feedLog `json:"_camreg_log"`
		}
		if err := json.Unmarshal(e.do(http.MethodGet, "/v1/feed.json", "", nil).want(http.StatusOK).Body.Bytes(), &feed); err != nil || feed.Log == nil {
			t.Fatalf("feed.json: %v %+v", err, feed)
		}
		if got, _, err := translog.OpenCheckpoint([]byte(feed.Log.Checkpoint), v); err != nil || got != cp || feed.Log.Fingerprint != cp.Fingerprint() {
			t.Errorf("feed.json checkpoint %+v %v, want %+v", got, err, cp)
		}
		atom := e.do(http.MethodGet, "/v1/feed.atom", "", nil).want(http.StatusOK).Body.String()
		if !strings.Contains(atom, `<checkpoint xmlns="urn:camreg:log" size="`) || !strings.Contains(atom, "/v1/log/checkpoint") {
			t.Errorf("feed.atom carries no checkpoint:\n%s", atom)
		}
		page := e.do(http.MethodGet, "/m/hikvision/ds2cd1023g0ei", "", nil).want(http.StatusOK).Body.String()
		if !strings.Contains(page, cp.Fingerprint()) || !strings.Contains(page, "receipt=true") {
			t.Errorf("the permalink page does not name checkpoint %s", cp.Fingerprint())
		}
	})
}

// TestReceiptCommitsToGTIN: a receipt states the box's GTIN the verdict
// depended on (v2), and a receipt whose GTIN is changed fails the check.
func TestReceiptCommitsToGTIN(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		e.do(http.MethodPatch, "/v1/models/"+k.f.model, e.admin, map[string]any{"gtins": []string{"8936012345674"}}).want(http.StatusOK)
		vkey := e.withLogVKey(t)
		const gtin = "08936012345674"
		var resp struct {
			Verdict string          `json:"verdict"`
			Receipt json.RawMessage `json:"receipt"`
		}
		path := "/v1/verify?model=IPC-HFW1230S-S5&brand=Dahua&firmware=V5.5.800&at=2026-03-01&gtin=8936012345674&receipt=true"
		if err := json.Unmarshal(e.do(http.MethodGet, path, "", nil).want(http.StatusOK).Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		r := decodeReceipt(t, resp.Receipt)
		if !strings.HasPrefix(r.Note, translog.ReceiptHeader+"\n") {
			t.Fatalf("not a v2 receipt: %q", r.Note)
		}
		st, _, err := translog.VerifyReceipt(r, vkey)
		if err != nil {
			t.Fatalf("receipt: %v", err)
		}
		it := st.Items[0]
		if st.Version != 2 || it.Query["gtin"] != gtin || it.Query["model"] != "IPC-HFW1230S-S5" || it.Verdict != resp.Verdict ||
			!slices.Contains(it.Reasons, "gtin_model_mismatch") {
			t.Errorf("statement v%d item %+v, answer %s", st.Version, it, resp.Verdict)
		}
		// The evidence holds both models: the typed number's and the one
		// that lists the GTIN, whose record the mismatch rests on.
		var models []string
		for _, ev := range it.Evidence {
			if ev.Entity == "camera_model" {
				models = append(models, ev.ID)
			}
		}
		if !slices.Contains(models, k.f.model) || !slices.Contains(models, k.f.model2) {
			t.Errorf("evidence models %v, want %s (the GTIN's) and %s (typed)", models, k.f.model, k.f.model2)
		}
		for name, to := range map[string]string{"another GTIN": `"gtin":"08936012345681"`, "no GTIN": `"gtin":""`} {
			x := r
			x.Note = strings.Replace(r.Note, `"gtin":"`+gtin+`"`, to, 1)
			if x.Note == r.Note {
				t.Fatalf("%s: the note names no gtin %s: %s", name, gtin, r.Note)
			}
			if _, _, err := translog.VerifyReceipt(x, vkey); err == nil {
				t.Errorf("%s: a receipt with its GTIN changed verified", name)
			}
		}

		// Without a GTIN, a v2 query states "" (bulk too, item by item).
		var bulk struct {
			Receipt json.RawMessage `json:"receipt"`
		}
		body := map[string]any{"items": []map[string]any{{"model": "DS-2CD1023G0E-I", "gtin": gtin, "at": "2026-03-01"}, {"model": "NOPE-1"}}}
		if err := json.Unmarshal(e.do(http.MethodPost, "/v1/verify?receipt=true", "", body).want(http.StatusOK).Body.Bytes(), &bulk); err != nil {
			t.Fatal(err)
		}
		st, _, err = translog.VerifyReceipt(decodeReceipt(t, bulk.Receipt), vkey)
		if err != nil || len(st.Items) != 2 {
			t.Fatalf("bulk receipt: %v %+v", err, st.Items)
		}
		if g, ok := st.Items[1].Query["gtin"]; st.Items[0].Query["gtin"] != gtin || !ok || g != "" {
			t.Errorf("bulk receipt queries %v, %v", st.Items[0].Query, st.Items[1].Query)
		}
	})
}
