package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"camreg/models"
	"camreg/translog"
)

// wantExit3 checks a command failed with status 3 and a message naming what.
func wantExit3(t *testing.T, err error, what string) {
	t.Helper()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 3 || !strings.Contains(err.Error(), what) {
		t.Fatalf("got %v, want exit 3 naming %q", err, what)
	}
}

// rewriteEvents changes event seq's actor and recomputes every later hash,
// as whoever holds the database file could.
func rewriteEvents(t *testing.T, raw *sql.DB, st *models.Store, seq int64) {
	t.Helper()
	ev, err := st.FindEvents(t.Context(), models.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	prev := ev[seq-2].Hash
	for _, e := range ev[seq-1:] {
		if e.Seq == seq {
			e.Actor = "system:rewriter"
		}
		e.PrevHash = prev
		sum := sha256.Sum256(e.Leaf())
		e.Hash = hex.EncodeToString(sum[:])
		if _, err := raw.Exec(`UPDATE events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Actor, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
}

// TestLogKeyAndAuditVerifyCheckpoint drives the key commands and audit
// verify --checkpoint through truncation, a rewrite with recomputed hashes,
// a single edited event and a forged checkpoint.
func TestLogKeyAndAuditVerifyCheckpoint(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "keys", "log.key")
	t.Setenv("CAMREG_LOG_KEY", keyPath)
	if _, err := run(t, "log", "vkey"); err == nil || !strings.Contains(err.Error(), "camreg log key create") {
		t.Fatalf("vkey without a key: %v", err)
	}
	vkey, err := run(t, "log", "key", "create", "--origin", "test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	vkey = strings.TrimSpace(vkey)
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if _, err := run(t, "log", "key", "create"); err == nil {
		t.Fatal("a second key create overwrote the key")
	}
	if out, err := run(t, "log", "vkey"); err != nil || strings.TrimSpace(out) != vkey {
		t.Fatalf("log vkey: %q %v, want %q", out, err, vkey)
	}

	setup := func(t *testing.T) (db string, cp string) {
		db = filepath.Join(t.TempDir(), "camreg.db")
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			if _, err := run(t, "--db", db, "keys", "create", "--role", "admin", "--name", name); err != nil {
				t.Fatal(err)
			}
		}
		out, err := run(t, "--db", db, "log", "checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		cp = filepath.Join(t.TempDir(), "checkpoint")
		if err := os.WriteFile(cp, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey); err != nil || !strings.Contains(out, "consistent with checkpoint 5@") {
			t.Fatalf("intact: %v\n%s", err, out)
		}
		return db, cp
	}
	sqlOf := func(t *testing.T, db string) *sql.DB {
		raw, err := sql.Open("sqlite3", db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return raw
	}

	t.Run("plain verify says what it cannot see", func(t *testing.T) {
		db, _ := setup(t)
		out, err := run(t, "--db", db, "audit", "verify")
		if err != nil || !strings.Contains(out, "not detected by this check: events removed from the end") {
			t.Fatalf("%v\n%s", err, out)
		}
	})
	t.Run("grown since", func(t *testing.T) {
		db, cp := setup(t)
		if _, err := run(t, "--db", db, "keys", "create", "--role", "admin", "--name", "f"); err != nil {
			t.Fatal(err)
		}
		if out, err := run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey); err != nil || !strings.Contains(out, "6 events verified") {
			t.Fatalf("%v\n%s", err, out)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		db, cp := setup(t)
		if _, err := sqlOf(t, db).Exec(`DELETE FROM events WHERE seq > 3`); err != nil {
			t.Fatal(err)
		}
		// Plain verify is fooled, as it says it would be.
		if _, err := run(t, "--db", db, "audit", "verify"); err != nil {
			t.Fatalf("plain verify: %v", err)
		}
		_, err := run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey)
		wantExit3(t, err, "truncated")
	})
	t.Run("rewritten with recomputed hashes", func(t *testing.T) {
		db, cp := setup(t)
		st, err := models.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		raw := sqlOf(t, db)
		rewriteEvents(t, raw, st, 2)
		if _, err := raw.Exec(`UPDATE events SET tree_hashes = NULL`); err != nil {
			t.Fatal(err)
		}
		if _, err := run(t, "--db", db, "migrate", "up"); err != nil { // rebuilds the tree over the rewritten events
			t.Fatal(err)
		}
		if _, err := run(t, "--db", db, "audit", "verify"); err != nil {
			t.Fatalf("plain verify: %v", err)
		}
		_, err = run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey)
		wantExit3(t, err, "rewritten")
	})
	t.Run("one event edited", func(t *testing.T) {
		db, cp := setup(t)
		if _, err := sqlOf(t, db).Exec(`UPDATE events SET actor = 'system:evil' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		_, err := run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey)
		wantExit3(t, err, "edited")
	})
	t.Run("forged checkpoint", func(t *testing.T) {
		db, cp := setup(t)
		msg, _ := os.ReadFile(cp)
		body := string(msg[:strings.Index(string(msg), "\n\n")+1])
		// The same text signed by another key of the same name.
		skey, _, err := translog.GenerateKey("test.camreg/log")
		if err != nil {
			t.Fatal(err)
		}
		forged := signText(t, skey, body)
		if err := os.WriteFile(cp, forged, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = run(t, "--db", db, "audit", "verify", "--checkpoint", cp, "--vkey", vkey)
		wantExit3(t, err, "forged signature")
	})
}

// signText signs a note's text with a signer key.
func signText(t *testing.T, skey, text string) []byte {
	t.Helper()
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}
