package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func TestCheckpointFormat(t *testing.T) {
	root := tlog.RecordHash([]byte("x"))
	c := Checkpoint{Origin: "example.vn/log", Size: 42, Root: root}
	want := "example.vn/log\n42\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	if c.Text() != want {
		t.Fatalf("text %q, want %q", c.Text(), want)
	}
	got, err := ParseCheckpoint(c.Text() + "extension line\n")
	if err != nil || got != c {
		t.Fatalf("parse: %+v %v", got, err)
	}
	if fp := c.Fingerprint(); !strings.HasPrefix(fp, "42@") || len(fp) != len("42@")+8 {
		t.Errorf("fingerprint %q", fp)
	}
	for _, bad := range []string{"", "o\n42\n", "o\n-1\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n",
		"o\n042\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n", "o\n1\nAAAA\n", "\n1\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"} {
		if _, err := ParseCheckpoint(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestSignAndOpenCheckpoint(t *testing.T) {
	skey, vkey, err := GenerateKey("example.vn/log")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	c := Checkpoint{Origin: "example.vn/log", Size: 7, Root: tlog.RecordHash([]byte("r"))}
	msg, err := SignCheckpoint(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := OpenCheckpoint(msg, v); err != nil || got != c {
		t.Fatalf("open: %+v %v", got, err)
	}
	if _, err := SignCheckpoint(Checkpoint{Origin: "other/log"}, s); err == nil {
		t.Error("signed a checkpoint of another origin")
	}
	_, other, _ := GenerateKey("example.vn/log")
	ov, _ := note.NewVerifier(other)
	if _, _, err := OpenCheckpoint(msg, ov); !errors.Is(err, ErrSignature) {
		t.Errorf("another key: %v", err)
	}
	altered := []byte(strings.Replace(string(msg), "\n7\n", "\n8\n", 1))
	if _, _, err := OpenCheckpoint(altered, v); !errors.Is(err, ErrSignature) {
		t.Errorf("altered size: %v", err)
	}
	if vk, err := VerifierKey(skey); err != nil || vk != vkey {
		t.Errorf("verifier key of the signer key: %q %v, want %q", vk, err, vkey)
	}
}

// TestCosignature checks the C2SP tlog-cosignature/v1 line against the
// specification, by hand: the key id, and an Ed25519 signature over
// "cosignature/v1\ntime <t>\n" and the checkpoint, after an 8-byte time.
func TestCosignature(t *testing.T) {
	skey, _, _ := GenerateKey("witness.example")
	cs, err := NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	cs.Now = func() time.Time { return at }
	text := "example.vn/log\n3\n" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"
	msg, err := note.Sign(&note.Note{Text: text}, cs)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(strings.SplitN(string(msg), "\n\n", 2)[1])
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "— witness.example "))
	if err != nil || len(raw) != 4+8+64 {
		t.Fatalf("signature line %q", line)
	}
	vkey := cs.VerifierKey()
	pub, _ := base64.StdEncoding.DecodeString(strings.SplitN(vkey, "+", 3)[2])
	if pub[0] != 0x04 || binary.BigEndian.Uint32(raw[:4]) != cosigKeyHash("witness.example", pub[1:]) {
		t.Fatalf("key id or type: %x", raw[:4])
	}
	if ts := binary.BigEndian.Uint64(raw[4:12]); ts != uint64(at.Unix()) {
		t.Errorf("timestamp %d", ts)
	}
	signed := "cosignature/v1\ntime " + strconv.FormatInt(at.Unix(), 10) + "\n" + text
	if !ed25519.Verify(ed25519.PublicKey(pub[1:]), []byte(signed), raw[12:]) {
		t.Error("the signature is not over the cosignature/v1 message")
	}
	v, err := NewCosignatureVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Errorf("open with the witness key: %v", err)
	}
	parts := strings.SplitN(vkey, "+", 3)
	flipped := []byte(parts[1])
	if flipped[0] == '1' {
		flipped[0] = '0'
	} else {
		flipped[0] = '1'
	}
	for _, bad := range []string{parts[0] + "+0" + parts[1] + "+" + parts[2], parts[0] + "+" + string(flipped) + "+" + parts[2]} {
		if _, err := NewCosignatureVerifier(bad); err == nil {
			t.Errorf("a key with a wrong id was accepted: %s", bad)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log.key")
	if _, _, err := LoadKey(path); !errors.Is(err, ErrNoKey) {
		t.Fatalf("missing key: %v", err)
	}
	vkey, err := WriteKey(path, "example.vn/log")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteKey(path, "example.vn/log"); err == nil {
		t.Fatal("a key was overwritten")
	}
	s, got, err := LoadKey(path)
	if err != nil || got != vkey || s.Name() != "example.vn/log" {
		t.Fatalf("load: %v %q", err, got)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key others may read: %v", err)
	}
}

func TestMemTreeAgreesWithTlog(t *testing.T) {
	var tree MemTree
	for i := range 37 {
		if err := tree.Append([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for n := int64(1); n <= 37; n++ {
		root, err := tree.Root(n)
		if err != nil {
			t.Fatal(err)
		}
		p, err := tlog.ProveRecord(n, n-1, &tree)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, n, root, n-1, tlog.RecordHash([]byte{byte(n - 1)})); err != nil {
			t.Errorf("leaf %d in %d: %v", n-1, n, err)
		}
	}
	if _, err := tree.Root(38); err == nil {
		t.Error("a root beyond the tree")
	}
}
