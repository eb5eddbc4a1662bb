package translog

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// GenerateKey makes an Ed25519 key pair named origin, in the note
// package's text forms: the signer key (secret) and the verifier key
// (public, "origin+hash+base64").
func GenerateKey(origin string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, origin)
}

// parseSignerKey splits a note signer key: "PRIVATE+KEY+name+hash+base64"
// whose key bytes are the algorithm (1, Ed25519) and the 32-byte seed.
func parseSignerKey(skey string) (name string, priv ed25519.PrivateKey, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(skey), "PRIVATE+KEY+")
	parts := strings.SplitN(rest, "+", 3)
	if !ok || len(parts) != 3 {
		return "", nil, errors.New("not a signer key (want PRIVATE+KEY+name+hash+key)")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", nil, errors.New("not an Ed25519 signer key")
	}
	return parts[0], ed25519.NewKeyFromSeed(raw[1:]), nil
}

// VerifierKey derives the verifier key of a signer key.
func VerifierKey(skey string) (string, error) {
	name, priv, err := parseSignerKey(skey)
	if err != nil {
		return "", err
	}
	return note.NewEd25519VerifierKey(name, priv.Public().(ed25519.PublicKey))
}

// ErrNoKey is returned by LoadKey when the key file does not exist.
var ErrNoKey = errors.New("no log signing key")

// LoadKey reads a signer key file and returns its signer and verifier
// key. A missing file is ErrNoKey; a file that others may read is refused,
// since whoever reads it can sign checkpoints in the registry's name.
func LoadKey(path string) (note.Signer, string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%w at %s", ErrNoKey, path)
	}
	if err != nil {
		return nil, "", err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("log key %s may be read by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	skey := strings.TrimSpace(string(b))
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("log key %s: %w", path, err)
	}
	vkey, err := VerifierKey(skey)
	if err != nil {
		return nil, "", fmt.Errorf("log key %s: %w", path, err)
	}
	return s, vkey, nil
}

// WriteKey creates a new key file with mode 0600 holding a fresh key
// named origin, and returns its verifier key. It never overwrites a key:
// checkpoints signed with the old one would no longer verify.
func WriteKey(path, origin string) (string, error) {
	skey, vkey, err := GenerateKey(origin)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("a key already exists at %s: remove it first only if you mean to start a new log identity", path)
	}
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return "", err
	}
	return vkey, f.Close()
}

// The C2SP tlog-cosignature/v1 signature: a witness states that it saw a
// checkpoint at a time, and that it was consistent with every earlier
// checkpoint of the log it saw.
const cosigAlg = 0x04

// Cosigner signs checkpoints as a witness (tlog-cosignature/v1). It is a
// note.Signer, so note.Sign adds its line to a checkpoint.
type Cosigner struct {
	name string
	priv ed25519.PrivateKey
	hash uint32
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

func cosigKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', cosigAlg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// NewCosigner makes a witness's cosigner from a note signer key.
func NewCosigner(skey string) (*Cosigner, error) {
	name, priv, err := parseSignerKey(skey)
	if err != nil {
		return nil, err
	}
	return &Cosigner{name: name, priv: priv, hash: cosigKeyHash(name, priv.Public().(ed25519.PublicKey))}, nil
}

// Name is the witness's name.
func (c *Cosigner) Name() string { return c.name }

// KeyHash is the cosignature key id.
func (c *Cosigner) KeyHash() uint32 { return c.hash }

// VerifierKey is the witness's public key, "name+hash+base64(0x04||key)".
func (c *Cosigner) VerifierKey() string {
	return fmt.Sprintf("%s+%08x+%s", c.name, c.hash,
		base64.StdEncoding.EncodeToString(append([]byte{cosigAlg}, c.priv.Public().(ed25519.PublicKey)...)))
}

func cosignedMessage(t uint64, msg []byte) []byte {
	return append([]byte("cosignature/v1\ntime "+strconv.FormatUint(t, 10)+"\n"), msg...)
}

// Sign cosigns a checkpoint's text: the timestamp, then the Ed25519
// signature of the cosignature/v1 message.
func (c *Cosigner) Sign(msg []byte) ([]byte, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := uint64(now().Unix())
	sig := binary.BigEndian.AppendUint64(nil, t)
	return append(sig, ed25519.Sign(c.priv, cosignedMessage(t, msg))...), nil
}

// cosigVerifier checks a witness's cosignature.
type cosigVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

// NewCosignatureVerifier reads a witness's verifier key.
func NewCosignatureVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(strings.TrimSpace(vkey), "+", 3)
	if len(parts) != 3 {
		return nil, errors.New("not a cosignature verifier key (want name+hash+key)")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != cosigAlg {
		return nil, errors.New("not a cosignature/v1 Ed25519 key")
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	pub := ed25519.PublicKey(raw[1:])
	if err != nil || len(parts[1]) != 8 || uint32(h) != cosigKeyHash(parts[0], pub) {
		return nil, errors.New("cosignature key: the hash does not match the key")
	}
	return &cosigVerifier{name: parts[0], hash: uint32(h), pub: pub}, nil
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(v.pub, cosignedMessage(binary.BigEndian.Uint64(sig), msg), sig[8:])
}
