package translog

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// oldReceipt reads testdata/receipt-v1.json: a receipt signed by the code
// of before v2 (commit 4240c50), kept byte for byte, and its verifier key.
func oldReceipt(t *testing.T) (Receipt, string) {
	t.Helper()
	b, err := os.ReadFile("testdata/receipt-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		VKey    string  `json:"vkey"`
		Receipt Receipt `json:"receipt"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Receipt, doc.VKey
}

// A v1 receipt issued before GTINs were recorded still verifies, as
// version 1; changed, it fails.
func TestReceiptV1StillVerifies(t *testing.T) {
	r, vkey := oldReceipt(t)
	st, cp, err := VerifyReceipt(r, vkey)
	if err != nil {
		t.Fatalf("the old receipt: %v", err)
	}
	if st.Version != 1 || cp.Size != 5 || len(st.Items) != 1 || st.Items[0].Query["model"] != "DS-2CD1023G0E-I" {
		t.Errorf("version %d, checkpoint %d, items %+v", st.Version, cp.Size, st.Items)
	}
	x := r
	x.Note = strings.Replace(r.Note, `"verdict":"compliant"`, `"verdict":"unknown"`, 1)
	if _, _, err := VerifyReceipt(x, vkey); err == nil {
		t.Error("a changed old receipt verified")
	}
}

// A v2 statement must state its GTIN (if only ""): one signed without the
// key is refused, one with it verifies as version 2.
func TestReceiptV2StatesGTIN(t *testing.T) {
	skey, vkey, err := GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	var tr MemTree
	for _, e := range []string{"a", "b"} {
		if err := tr.Append([]byte(e)); err != nil {
			t.Fatal(err)
		}
	}
	root, _ := tr.Root(2)
	cpMsg, err := SignCheckpoint(Checkpoint{Origin: "test.camreg/log", Size: 2, Root: root}, s)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(q map[string]string) Receipt {
		st := Statement{IssuedAt: "2026-12-07T00:00:00Z", Checkpoint: StatementCheckpoint{Size: 2, Root: HashString(root)},
			Items: []StatementItem{{Query: q, At: "2026-12-07", Match: "none", Verdict: "unknown", Reasons: []string{}, Evidence: []EvidenceEntry{}}}}
		n, err := SignStatement(st, s)
		if err != nil {
			t.Fatal(err)
		}
		return Receipt{Note: n, Checkpoint: string(cpMsg)}
	}
	st, _, err := VerifyReceipt(sign(map[string]string{"model": "X", "gtin": "08936012345674"}), vkey)
	if err != nil || st.Version != 2 || st.Items[0].Query["gtin"] != "08936012345674" {
		t.Errorf("v2 with a GTIN: %v %+v", err, st)
	}
	if !strings.HasPrefix(sign(map[string]string{"gtin": ""}).Note, ReceiptHeader+"\n") {
		t.Error("not signed as v2")
	}
	if _, _, err := VerifyReceipt(sign(map[string]string{"model": "X"}), vkey); err == nil {
		t.Error("a v2 item with no gtin verified")
	}
}
