package main

import (
	"bytes"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"camreg/models"
)

// run runs the camreg command line with args and returns what it printed.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	old := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = w
	cmd := rootCmd(slog.New(slog.NewTextHandler(io.Discard, nil)))
	cmd.SetArgs(args)
	cmd.SetErr(io.Discard)
	runErr := cmd.Execute()
	w.Close()
	os.Stdout = old
	var out bytes.Buffer
	_, _ = io.Copy(&out, r)
	return out.String(), runErr
}

// TestKeysAndAuditVerify drives the CLI as an operator would: keys are
// created (the key alone on the last line), listed without secrets and
// revoked; then an event altered in the database makes `audit verify` fail
// naming its seq.
func TestKeysAndAuditVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "camreg.db")
	out, err := run(t, "--db", db, "keys", "create", "--role", "admin", "--name", "ops")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "camreg_") || strings.Contains(key, " ") {
		t.Fatalf("last line %q is not a key alone", key)
	}
	if _, err := run(t, "--db", db, "keys", "create", "--role", "vendor"); err == nil {
		t.Fatal("a vendor key without --org was created")
	}
	out, err = run(t, "--db", db, "keys", "list")
	if err != nil || strings.Contains(out, key[20:]) || !strings.Contains(out, key[7:19]) {
		t.Fatalf("keys list: %v\n%s", err, out)
	}
	if _, err := run(t, "--db", db, "keys", "revoke", key[7:19]); err != nil {
		t.Fatal(err)
	}
	if out, err = run(t, "--db", db, "audit", "verify"); err != nil || !strings.Contains(out, "2 events verified") {
		t.Fatalf("audit verify on an intact log: %v\n%s", err, out)
	}

	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE events SET changes = replace(changes, 'ops', 'evil') WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	_, err = run(t, "--db", db, "audit", "verify")
	var ce *models.ChainError
	if !errors.As(err, &ce) || ce.Seq != 1 {
		t.Fatalf("audit verify after tampering: %v", err)
	}
}

// TestGenLoad generates a small custom set and loads it through the
// import path: every file imports whole, in order.
func TestGenLoad(t *testing.T) {
	dir := t.TempDir()
	out, err := run(t, "--db", filepath.Join(dir, "camreg.db"), "gen", "--seed", "2", "--traders", "40", "--models", "60",
		"--certificates", "20", "--origins", "10", "--warnings", "5", "--listings", "200", "--out", filepath.Join(dir, "gen"), "--load")
	if err != nil {
		t.Fatalf("gen --load: %v\n%s", err, out)
	}
	for _, want := range []string{"generated the custom set (seed 2)", "imported 60 models rows: 60 created",
		"imported 20 certificates rows: 20 created", "imported 200 listings rows: 200 created, 0 updated, 0 unchanged, 0 invalid"} {
		if !strings.Contains(out, want) {
			t.Errorf("gen --load printed no %q:\n%s", want, out)
		}
	}
	if _, err := run(t, "gen", "--scale", "huge", "--out", filepath.Join(dir, "x")); err == nil {
		t.Error("gen --scale huge succeeded")
	}
}
