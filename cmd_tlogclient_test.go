package main

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"camreg/translog"
)

// buildClient builds tools/tlogclient, its own module that imports only
// x/mod's note and tlog, into a temporary directory.
func buildClient(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tlogclient")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("tools", "tlogclient")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build tools/tlogclient: %v\n%s", err, out)
	}
	return bin
}

func runClient(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// TestIndependentClient runs a program written outside camreg against a
// live registry, a forked one and a wrong key: it verifies checkpoints,
// leaves, inclusion and consistency proofs with tlog.CheckRecord and
// tlog.CheckTree alone.
func TestIndependentClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module")
	}
	bin := buildClient(t)
	skey, vkey, err := translog.GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := startRegistry(t, filepath.Join(t.TempDir(), "camreg.db"), skey)
	a.write(t, "Cục", 6)
	saved := filepath.Join(dir, "a.checkpoint")
	out, err := runClient(t, bin, "-url", a.url, "-vkey", vkey, "-save", saved)
	if err != nil || !strings.Contains(out, "leaf 5: included") || !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("live registry: %v\n%s", err, out)
	}
	b := a.fork(t, skey)
	a.write(t, "Nhánh A", 3)
	b.write(t, "Nhánh B", 1)
	// A key's registry checks leaf bytes it may read, and private hashes.
	out, err = runClient(t, bin, "-url", a.url, "-vkey", vkey, "-old", saved, "-index", "0,3,8")
	if err != nil || !strings.Contains(out, "consistent with the older checkpoint of 6 leaves") {
		t.Fatalf("grown registry: %v\n%s", err, out)
	}
	// The fork shares the first six events, then differs: fine alone...
	if out, err = runClient(t, bin, "-url", b.url, "-vkey", vkey); err != nil {
		t.Fatalf("fork alone: %v\n%s", err, out)
	}
	// ...but not against what A showed after those six.
	newer := filepath.Join(dir, "a9.checkpoint")
	if out, err = runClient(t, bin, "-url", a.url, "-vkey", vkey, "-save", newer); err != nil {
		t.Fatal(err, out)
	}
	b.write(t, "Nhánh B", 3)
	out, err = runClient(t, bin, "-url", b.url, "-vkey", vkey, "-old", newer)
	if err == nil || !strings.Contains(out, "fork") {
		t.Fatalf("forked registry: %v\n%s", err, out)
	}
	// Another key of the same name.
	_, other, _ := translog.GenerateKey("test.camreg/log")
	out, err = runClient(t, bin, "-url", a.url, "-vkey", other)
	if err == nil || !strings.Contains(out, "checkpoint signature") {
		t.Fatalf("wrong key: %v\n%s", err, out)
	}
	// The client reads the key from a file too.
	vfile := filepath.Join(dir, "vkey")
	_ = os.WriteFile(vfile, []byte(vkey), 0o644)
	if out, err = runClient(t, bin, "-url", a.url, "-vkey", vfile); err != nil {
		t.Fatalf("vkey file: %v\n%s", err, out)
	}
}

// TestIndependentClientReceipt: the same program checks a verdict receipt
// offline, v2 as issued today and v1 as issued before 2026-12-07, and
// refuses a receipt whose statement was changed, or a v2 one whose query
// lacks the GTIN.
func TestIndependentClientReceipt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module")
	}
	bin := buildClient(t)
	skey, vkey, err := translog.GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	a := startRegistry(t, filepath.Join(t.TempDir(), "camreg.db"), skey)
	a.createVerifiedModel(t, "Acme", "AC-100")
	a.write(t, "Cục", 2)
	body := a.receipt(t, "brand=Acme&model=AC-100")
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out, err := runClient(t, bin, "-vkey", vkey, "-receipt", write("v2.json", body))
	if err != nil || !strings.Contains(out, "(camreg verdict receipt v2)") || !strings.Contains(out, "1 evidence leaves included") {
		t.Fatalf("v2 receipt: %v\n%s", err, out)
	}
	// Re-sign the statement with other text, as the registry's key would.
	var answer struct {
		Receipt map[string]any `json:"receipt"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(vkey)
	n, err := note.Open([]byte(answer.Receipt["note"].(string)), note.VerifierList(v))
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	resign := func(name, text string) string {
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			t.Fatal(err)
		}
		r := maps.Clone(answer.Receipt)
		r["note"] = string(msg)
		b, _ := json.Marshal(r)
		return write(name, b)
	}
	if !strings.Contains(n.Text, `"gtin":""`) {
		t.Fatalf("the v2 query has no gtin: %s", n.Text)
	}
	v1 := strings.Replace(strings.Replace(n.Text, "receipt v2", "receipt v1", 1), `,"gtin":""`, "", 1)
	if out, err := runClient(t, bin, "-vkey", vkey, "-receipt", resign("v1.json", v1)); err != nil || !strings.Contains(out, "(camreg verdict receipt v1)") {
		t.Fatalf("v1 receipt: %v\n%s", err, out)
	}
	noGTIN := strings.Replace(n.Text, `,"gtin":""`, "", 1)
	if out, err := runClient(t, bin, "-vkey", vkey, "-receipt", resign("nogtin.json", noGTIN)); err == nil || !strings.Contains(out, `lacks "gtin"`) {
		t.Fatalf("a v2 receipt without gtin: %v\n%s", err, out)
	}
	forged := strings.Replace(string(body), `\"verdict\":\"`, `\"verdict\":\"x`, 1)
	if out, err := runClient(t, bin, "-vkey", vkey, "-receipt", write("forged.json", []byte(forged))); err == nil || !strings.Contains(out, "receipt signature") {
		t.Fatalf("a changed receipt: %v\n%s", err, out)
	}
}
