package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
