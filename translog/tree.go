package translog

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// MemTree is an RFC 6962 tree held in memory: the stored hashes of the
// tlog package, in order (about two hashes, 64 bytes, a leaf). Auditors
// rebuild a registry's tree from its events with it, independently of the
// hashes the registry stored.
type MemTree struct {
	hashes []tlog.Hash
	n      int64
}

// Size is the number of leaves.
func (t *MemTree) Size() int64 { return t.n }

// Append adds a leaf's bytes.
func (t *MemTree) Append(leaf []byte) error {
	_, err := t.AppendHashes(leaf)
	return err
}

// AppendHashes adds a leaf's bytes and returns the stored hashes it
// completed (tlog.StoredHashes), to compare with a registry's own.
func (t *MemTree) AppendHashes(leaf []byte) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashes(t.n, leaf, t)
	if err != nil {
		return nil, err
	}
	t.hashes = append(t.hashes, hs...)
	t.n++
	return hs, nil
}

// ReadHashes reads stored hashes by index (tlog.HashReader).
func (t *MemTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("stored hash %d is beyond the tree", x)
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

// Root is the tree hash over the first n leaves.
func (t *MemTree) Root(n int64) (tlog.Hash, error) {
	if n > t.n {
		return tlog.Hash{}, fmt.Errorf("the tree has %d leaves, not %d", t.n, n)
	}
	return tlog.TreeHash(n, t)
}

// LeafHash is the hash of leaf n.
func (t *MemTree) LeafHash(n int64) (tlog.Hash, error) {
	hs, err := t.ReadHashes([]int64{tlog.StoredHashIndex(0, n)})
	if err != nil {
		return tlog.Hash{}, err
	}
	return hs[0], nil
}
