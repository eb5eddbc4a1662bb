package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
	"gorm.io/gorm"
)

// The change log is also an RFC 6962 Merkle tree (golang.org/x/mod/sumdb/tlog):
// leaf n is the canonical bytes of the event seq n+1, the very bytes its
// chain hash covers. The tree's stored hashes (tlog's numbering) are kept
// in the events themselves: the event seq n+1 holds, in tree_hashes, the
// hashes its leaf completes (tlog.StoredHashes(n)), so the stored hash at
// level L, node k lives in the event of leaf (k+1)·2^L − 1, at offset L.
// appendEvents computes them under the append lock and inserts them with
// the event, in its own transaction, so the tree always covers exactly the
// committed events at the cost of a few bytes in a row already written.

// treeCache remembers the tree's frontier (the stored hashes the next
// append reads) after this process's last append, keyed by the head event
// it was computed for. An append whose head is another (a rolled-back
// append, another process's) finds the cache stale and reads the database.
type treeCache struct {
	mu     sync.Mutex
	size   int64
	head   string
	hashes map[int64]tlog.Hash
}

// take hands over the frontier for the head (size, hash), or nil. The
// cache is empty until put: an append that fails in between leaves it so.
func (c *treeCache) take(size int64, head string) map[int64]tlog.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hashes == nil || c.size != size || c.head != head {
		return nil
	}
	out := c.hashes
	c.hashes = nil
	return out
}

// put keeps the frontier of a tree of size leaves out of hashes (which it
// trims and keeps).
func (c *treeCache) put(size int64, head string, hashes map[int64]tlog.Hash) {
	keep := frontier(size)
	for _, x := range keep {
		if _, ok := hashes[x]; !ok {
			return
		}
	}
	if len(hashes) > len(keep) {
		for x := range hashes {
			if !slices.Contains(keep, x) {
				delete(hashes, x)
			}
		}
	}
	c.mu.Lock()
	c.size, c.head, c.hashes = size, head, hashes
	c.mu.Unlock()
}

// frontier lists the stored-hash indexes of the maximal complete subtrees
// of a tree of n leaves: what tlog.StoredHashes reads to append leaf n.
func frontier(n int64) []int64 {
	var out []int64
	for l := 0; n>>l > 0; l++ {
		if (n>>l)&1 == 1 {
			out = append(out, tlog.StoredHashIndex(l, n>>l-1))
		}
	}
	return out
}

// storedAt locates a stored hash: the seq of the event that holds it, and
// its offset (in hashes) in that event's tree_hashes.
func storedAt(index int64) (seq int64, offset int) {
	level, k := tlog.SplitStoredHashIndex(index)
	// Leaf (k+1)·2^level − 1 completes it: the event one seq later.
	return (k + 1) << level, level
}

// hashReader reads stored hashes from the events in tx, preferring those
// in mem.
type hashReader struct {
	tx  *gorm.DB
	mem map[int64]tlog.Hash
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var seqs []int64
	for _, x := range indexes {
		if _, ok := r.mem[x]; !ok {
			seq, _ := storedAt(x)
			seqs = append(seqs, seq)
		}
	}
	found := map[int64][]byte{}
	if len(seqs) > 0 {
		var rows []Event
		if err := r.tx.Select("seq", "tree_hashes").Where("seq IN ?", seqs).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("read log tree hashes: %w", err)
		}
		for _, row := range rows {
			found[row.Seq] = row.TreeHashes
		}
	}
	for i, x := range indexes {
		if h, ok := r.mem[x]; ok {
			out[i] = h
			continue
		}
		seq, off := storedAt(x)
		b := found[seq]
		if len(b) < (off+1)*tlog.HashSize {
			return nil, fmt.Errorf("log tree hash %d (event %d): %w", x, seq, errTreeBehind)
		}
		copy(out[i][:], b[off*tlog.HashSize:])
	}
	return out, nil
}

// errTreeBehind: a stored hash the tree needs is missing from its event.
var errTreeBehind = errors.New("the log tree does not cover the change log; run camreg migrate up")

// treeCovers returns how many leaves, from the first, have their stored
// hashes: the events before the first without them.
func treeCovers(tx *gorm.DB) (int64, error) {
	var first *int64
	if err := tx.Model(&Event{}).Select("MIN(seq)").Where("tree_hashes IS NULL").Scan(&first).Error; err != nil {
		return 0, fmt.Errorf("read log tree size: %w", err)
	}
	if first != nil {
		return *first - 1, nil
	}
	var n int64
	if err := tx.Model(&Event{}).Select("COALESCE(MAX(seq), 0)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("read change-log head: %w", err)
	}
	return n, nil
}

// treeHashes computes the stored hashes of events (the leaves from
// events[0].Seq-1 on) into each event's TreeHashes; mem holds the frontier
// before them and, on return, the hashes computed.
func treeHashes(tx *gorm.DB, mem map[int64]tlog.Hash, events []Event, leaves [][]byte) error {
	r := hashReader{tx: tx, mem: mem}
	for i := range events {
		n := events[i].Seq - 1
		var leaf []byte
		if leaves != nil {
			leaf = leaves[i]
		} else {
			leaf = events[i].canonical()
		}
		hs, err := tlog.StoredHashes(n, leaf, r)
		if err != nil {
			return err
		}
		base := tlog.StoredHashCount(n)
		b := make([]byte, 0, len(hs)*tlog.HashSize)
		for j, h := range hs {
			mem[base+int64(j)] = h
			b = append(b, h[:]...)
		}
		events[i].TreeHashes = b
	}
	return nil
}

// growTree gives a batch of events, about to be appended after the head
// last, their stored hashes, in tx, under the append lock.
func (s *Store) growTree(tx *gorm.DB, last *Event, events []Event, leaves [][]byte) error {
	mem := s.tree.take(last.Seq, last.Hash)
	if mem == nil {
		if last.Seq > 0 && last.TreeHashes == nil {
			// An older database, or one written by an older camreg: build
			// the missing leaves first.
			covered, err := treeCovers(tx)
			if err != nil {
				return err
			}
			if err := s.buildTree(tx, covered, last.Seq); err != nil {
				return err
			}
		}
		mem = map[int64]tlog.Hash{}
	}
	err := treeHashes(tx, mem, events, leaves)
	if errors.Is(err, errTreeBehind) {
		// Events without their hashes inside the log (written behind
		// camreg's back): rebuild from the first, and try again.
		covered, cerr := treeCovers(tx)
		if cerr != nil {
			return cerr
		}
		if cerr := s.buildTree(tx, covered, last.Seq); cerr != nil {
			return cerr
		}
		mem = map[int64]tlog.Hash{}
		err = treeHashes(tx, mem, events, leaves)
	}
	if err != nil {
		return err
	}
	end := events[len(events)-1]
	s.tree.put(end.Seq, end.Hash, mem)
	return nil
}

// buildTree stores the hashes of the leaves from..to-1, from the events in tx.
func (s *Store) buildTree(tx *gorm.DB, from, to int64) error {
	mem := map[int64]tlog.Hash{}
	for from < to {
		var batch []Event
		if err := tx.Where("seq > ? AND seq <= ?", from, to).Order("seq").Limit(5000).Find(&batch).Error; err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		for i := range batch {
			if batch[i].Seq != from+int64(i)+1 {
				return fmt.Errorf("build log tree: event seq %d is missing", from+int64(i)+1)
			}
		}
		if len(batch) == 0 {
			return fmt.Errorf("build log tree: event seq %d is missing", from+1)
		}
		if err := treeHashes(tx, mem, batch, nil); err != nil {
			return err
		}
		for i := range batch {
			if err := tx.Model(&Event{}).Where("seq = ?", batch[i].Seq).Update("tree_hashes", batch[i].TreeHashes).Error; err != nil {
				return fmt.Errorf("store log tree hashes: %w", err)
			}
		}
		from = batch[len(batch)-1].Seq
		keep := map[int64]tlog.Hash{}
		for _, x := range frontier(from) {
			if h, ok := mem[x]; ok {
				keep[x] = h
			}
		}
		mem = keep
	}
	return nil
}

// lockLog takes the change log's append lock in tx (PostgreSQL; SQLite's
// write transaction already is one).
func (s *Store) lockLog(tx *gorm.DB) error {
	if s.dialect == Postgres {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", eventLockKey).Error; err != nil {
			return fmt.Errorf("lock change log: %w", err)
		}
	}
	return nil
}

// BuildLogTree gives every event its stored tree hashes, for databases
// written before the tree existed, in transactions of up to 50,000 events
// under the append lock. It returns how many leaves it added. Writers
// running beside it wait for the lock, or build the rest themselves.
func (s *Store) BuildLogTree(ctx context.Context) (int64, error) {
	var added int64
	for {
		var done bool
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := s.lockLog(tx); err != nil {
				return err
			}
			covered, err := treeCovers(tx)
			if err != nil {
				return err
			}
			var head int64
			if err := tx.Model(&Event{}).Select("COALESCE(MAX(seq), 0)").Scan(&head).Error; err != nil {
				return fmt.Errorf("read change-log head: %w", err)
			}
			to := min(head, covered+50000)
			if to <= covered {
				done = true
				return nil
			}
			added += to - covered
			return s.buildTree(tx, covered, to)
		})
		if err != nil || done {
			return added, err
		}
	}
}
