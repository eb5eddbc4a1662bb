// Package translog holds what camreg's verifiable log shares with anyone
// who checks it: C2SP tlog-checkpoint notes signed with Ed25519 through
// golang.org/x/mod/sumdb/note, C2SP tlog-cosignature for witnesses, an
// in-memory RFC 6962 tree over golang.org/x/mod/sumdb/tlog for auditors,
// and the signed verdict receipt. It is a leaf package: it imports nothing
// of camreg's, so the tree hashing and proofs are the tlog package's own.
package translog

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head: the log's origin, its size in leaves and the
// RFC 6962 root hash over them.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the checkpoint's note body in the C2SP tlog-checkpoint format:
// the origin line, the decimal tree size and the base64 root hash, each
// ending in a newline.
func (c Checkpoint) Text() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
}

// Fingerprint is a short form of the checkpoint for people: the size and
// the first eight hex digits of the root, as in "1234@3fa9c2b0".
func (c Checkpoint) Fingerprint() string {
	return fmt.Sprintf("%d@%x", c.Size, c.Root[:4])
}

// ParseCheckpoint reads a checkpoint's note body. Extension lines after
// the root are allowed, as C2SP allows them, and ignored.
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: want an origin line, a size line and a root hash line")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint: tree size %q is not a decimal number", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint: root hash %q is not 32 bytes of base64", lines[2])
	}
	c := Checkpoint{Origin: lines[0], Size: size}
	copy(c.Root[:], raw)
	return c, nil
}

// SignCheckpoint signs the checkpoint with the log's key; the signer's name
// must be the checkpoint's origin, as C2SP requires.
func SignCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	if s.Name() != c.Origin {
		return nil, fmt.Errorf("checkpoint: the key is named %q but the log's origin is %q", s.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: c.Text()}, s)
}

// ErrSignature is wrapped by OpenCheckpoint's error when the note carries
// no valid signature by the given key: it was forged, altered, or signed by
// another log.
var ErrSignature = errors.New("the checkpoint's signature does not verify with the log's key")

// OpenCheckpoint verifies a signed checkpoint with the log's verifier and
// parses it. Other signatures on the note (a witness's cosignature) are
// kept in the returned note and not required.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, *note.Note, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var inv *note.InvalidSignatureError
		var unv *note.UnverifiedNoteError
		if errors.As(err, &inv) || errors.As(err, &unv) {
			return Checkpoint{}, nil, fmt.Errorf("%w (%v)", ErrSignature, err)
		}
		return Checkpoint{}, nil, fmt.Errorf("checkpoint: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, nil, fmt.Errorf("checkpoint: origin %q is not the key's name %q", c.Origin, v.Name())
	}
	return c, n, nil
}

// SameNoteText reports whether two signed notes carry the same text.
func SameNoteText(a, b []byte) bool {
	ia, ib := bytes.Index(a, []byte("\n\n")), bytes.Index(b, []byte("\n\n"))
	return ia >= 0 && ib >= 0 && bytes.Equal(a[:ia], b[:ib])
}
