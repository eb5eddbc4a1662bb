package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"camreg/models"
	"camreg/translog"
)

// withLogKey gives the server a fresh signing key and returns its verifier.
func (e *testEnv) withLogKey(t *testing.T) note.Verifier {
	t.Helper()
	v, err := note.NewVerifier(e.withLogVKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// withLogVKey gives the server a fresh signing key and returns its verifier key.
func (e *testEnv) withLogVKey(t *testing.T) string {
	t.Helper()
	skey, vkey, err := translog.GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.logSigner = s
	return vkey
}

// checkpoint fetches and verifies the served checkpoint.
func (e *testEnv) checkpoint(t *testing.T, v note.Verifier) (translog.Checkpoint, []byte) {
	t.Helper()
	r := e.do(http.MethodGet, "/v1/log/checkpoint", "", nil).want(http.StatusOK)
	cp, _, err := translog.OpenCheckpoint(r.Body.Bytes(), v)
	if err != nil {
		t.Fatalf("served checkpoint: %v\n%s", err, r.Body.String())
	}
	return cp, r.Body.Bytes()
}

func (e *testEnv) proof(t *testing.T, path string) []tlog.Hash {
	t.Helper()
	var pr proofResponse
	r := e.do(http.MethodGet, path, "", nil).want(http.StatusOK)
	if err := json.Unmarshal(r.Body.Bytes(), &pr); err != nil {
		t.Fatal(err)
	}
	out := make([]tlog.Hash, len(pr.Proof))
	for i, s := range pr.Proof {
		h, err := translog.ParseHashString(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = h
	}
	return out
}

func TestLogCheckpointWithoutKey(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		r := e.do(http.MethodGet, "/v1/log/checkpoint", "", nil).want(http.StatusServiceUnavailable)
		r.problemFields()
		if !strings.Contains(r.Body.String(), "camreg log key create") {
			t.Errorf("the 503 does not say how to make a key: %s", r.Body.String())
		}
	})
}

// TestLogProofsOverHTTP checks every served leaf, inclusion proof and
// consistency proof with tlog's own checks against the signed checkpoint.
func TestLogProofsOverHTTP(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		v := e.withLogKey(t)
		e.fixture()
		old, _ := e.checkpoint(t, v)
		e.create("models", map[string]any{"brand": "Ezviz", "model_number": "CS-C6N", "status": "verified"})
		cp, _ := e.checkpoint(t, v)
		if cp.Size != int64(e.eventCount()) || cp.Size != old.Size+1 || cp.Origin != "test.camreg/log" {
			t.Fatalf("checkpoint %+v; %d events, earlier size %d", cp, e.eventCount(), old.Size)
		}
		for i := int64(0); i < cp.Size; i++ {
			leaf := e.do(http.MethodGet, fmt.Sprintf("/v1/log/entries/%d", i), e.admin, nil).want(http.StatusOK)
			if ct := leaf.Header().Get("Content-Type"); ct != "application/octet-stream" {
				t.Fatalf("entry Content-Type %q", ct)
			}
			h := tlog.RecordHash(leaf.Body.Bytes())
			p := e.proof(t, fmt.Sprintf("/v1/log/proof/inclusion?index=%d&size=%d", i, cp.Size))
			if err := tlog.CheckRecord(p, cp.Size, cp.Root, i, h); err != nil {
				t.Errorf("leaf %d: %v", i, err)
			}
			var lh leafHashResponse
			_ = json.Unmarshal(e.do(http.MethodGet, fmt.Sprintf("/v1/log/entries/%d/hash", i), "", nil).want(http.StatusOK).Body.Bytes(), &lh)
			if lh.LeafHash != translog.HashString(h) {
				t.Errorf("leaf %d: hash %s, bytes hash to %s", i, lh.LeafHash, translog.HashString(h))
			}
		}
		p := e.proof(t, fmt.Sprintf("/v1/log/proof/consistency?from=%d&to=%d", old.Size, cp.Size))
		if err := tlog.CheckTree(p, cp.Size, cp.Root, old.Size, old.Root); err != nil {
			t.Errorf("consistency %d→%d: %v", old.Size, cp.Size, err)
		}
		// A proof against the wrong root fails: the checks are real.
		if err := tlog.CheckTree(p, cp.Size, old.Root, old.Size, old.Root); err == nil {
			t.Error("a consistency proof checked against a wrong root")
		}
		for _, bad := range []struct{ path, field string }{
			{"/v1/log/proof/inclusion?index=0", "size"},
			{"/v1/log/proof/inclusion?index=x&size=2", "index"},
			{fmt.Sprintf("/v1/log/proof/inclusion?index=0&size=%d", cp.Size+1), "size"},
			{fmt.Sprintf("/v1/log/proof/inclusion?index=%d&size=%d", cp.Size, cp.Size), "index"},
			{"/v1/log/proof/consistency?from=0&to=2", "from"},
			{"/v1/log/proof/consistency?from=3&to=2", "from"},
			{"/v1/log/proof/consistency?from=1&to=2&extra=1", "extra"},
			{"/v1/log/entries/-1", "index"},
		} {
			fields := e.do(http.MethodGet, bad.path, "", nil).want(http.StatusUnprocessableEntity).problemFields()
			if len(fields) == 0 || fields[0] != bad.field {
				t.Errorf("%s: fields %v, want %s", bad.path, fields, bad.field)
			}
		}
		e.do(http.MethodGet, fmt.Sprintf("/v1/log/entries/%d", cp.Size+5), e.admin, nil).want(http.StatusNotFound)
	})
}

// TestLogEntriesPrivacy: private events are leaves too, but their bytes go
// only to those who may read them; the public gets their hashes.
func TestLogEntriesPrivacy(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		f := e.fixture()
		vendorOrg := e.create("organizations", map[string]any{"name": "Công ty Camera Riêng", "kind": "importer",
			"tax_code": "0101243150", "email": "secret@example.vn"})
		_, vendor, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleVendor, OrgID: vendorOrg, Name: "v"})
		if err != nil {
			t.Fatal(err)
		}
		_, other, err := e.store.CreateKey(ctx, models.System("test"), models.NewKeyInput{Role: models.RoleVendor, OrgID: f.retailer, Name: "o"})
		if err != nil {
			t.Fatal(err)
		}
		pending := e.do(http.MethodPost, "/v1/models", vendor, map[string]any{"brand": "Riêng", "model_number": "PRIV-1"}).want(http.StatusCreated).str("id")
		index := func(entity, id string) int64 {
			t.Helper()
			ev, err := e.store.FindEvents(ctx, models.EventFilter{Entity: entity, EntityID: id})
			if err != nil || len(ev) == 0 {
				t.Fatalf("no event of %s %s: %v", entity, id, err)
			}
			return ev[0].Seq - 1
		}
		keyEvents, _ := e.store.FindEvents(ctx, models.EventFilter{Entity: "api_key"})
		cases := []struct {
			name              string
			index             int64
			public, own, peer bool
		}{
			{"a verified model", index("camera_model", f.model), true, true, true},
			{"a pending registration", index("camera_model", pending), false, true, false},
			{"an organization with an e-mail", index("organization", vendorOrg), false, true, false},
			{"an organization without contacts", index("organization", f.body), true, true, true},
			{"an API key", keyEvents[0].Seq - 1, false, false, false},
		}
		for _, c := range cases {
			for _, who := range []struct {
				key  string
				want bool
			}{{"", c.public}, {vendor, c.own}, {other, c.peer}, {e.admin, true}} {
				path := fmt.Sprintf("/v1/log/entries/%d", c.index)
				r := e.do(http.MethodGet, path, who.key, nil)
				if got := r.Code == http.StatusOK; got != who.want {
					t.Errorf("%s, key %.12s: status %d, want readable %v", c.name, who.key, r.Code, who.want)
				}
				if r.Code != http.StatusOK {
					if r.Code != http.StatusForbidden || strings.Contains(r.Body.String(), "secret@example.vn") || strings.Contains(r.Body.String(), "PRIV-1") {
						t.Errorf("%s: refusal %d %s", c.name, r.Code, r.Body.String())
					}
				}
				e.do(http.MethodGet, path+"/hash", who.key, nil).want(http.StatusOK)
			}
		}
	})
}
