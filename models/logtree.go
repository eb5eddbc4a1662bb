package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
	"gorm.io/gorm"
)

// The change log is also an RFC 6962 Merkle tree (golang.org/x/mod/sumdb/tlog):
// leaf n is the canonical bytes of the event seq n+1, the very bytes its
// chain hash covers. The tree's stored hashes live in log_hashes and are
// written by appendEvents in the event's own transaction, under the append
// lock, so the tree always covers exactly the committed events.

// logHash is one stored hash of the tree.
type logHash struct {
	Idx  int64 `gorm:"primaryKey;autoIncrement:false"`
	Hash []byte
}

func (logHash) TableName() string { return "log_hashes" }

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

// take returns the frontier for the head (size, hash), or nil.
func (c *treeCache) take(size int64, head string) map[int64]tlog.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hashes == nil || c.size != size || c.head != head {
		return nil
	}
	out := make(map[int64]tlog.Hash, len(c.hashes)+8)
	for k, v := range c.hashes {
		out[k] = v
	}
	return out
}

// put keeps the frontier of a tree of size leaves out of hashes.
func (c *treeCache) put(size int64, head string, hashes map[int64]tlog.Hash) {
	keep := make(map[int64]tlog.Hash, 64)
	for _, x := range frontier(size) {
		h, ok := hashes[x]
		if !ok {
			return
		}
		keep[x] = h
	}
	c.mu.Lock()
	c.size, c.head, c.hashes = size, head, keep
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

// hashReader reads stored hashes from tx, preferring those in mem.
type hashReader struct {
	tx  *gorm.DB
	mem map[int64]tlog.Hash
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, x := range indexes {
		if h, ok := r.mem[x]; ok {
			out[i] = h
		} else {
			missing = append(missing, x)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	var rows []logHash
	if err := r.tx.Where("idx IN ?", missing).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read log hashes: %w", err)
	}
	found := make(map[int64][]byte, len(rows))
	for _, row := range rows {
		found[row.Idx] = row.Hash
	}
	for i, x := range indexes {
		if _, ok := r.mem[x]; ok {
			continue
		}
		b, ok := found[x]
		if !ok || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("log hash %d: %w", x, errTreeBehind)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// errTreeBehind: a stored hash the tree needs is not in log_hashes.
var errTreeBehind = errors.New("the log tree does not cover the change log; run camreg migrate up")

// treeCovers returns how many leaves log_hashes covers.
func treeCovers(tx *gorm.DB) (int64, error) {
	var maxIdx *int64
	if err := tx.Model(&logHash{}).Select("MAX(idx)").Scan(&maxIdx).Error; err != nil {
		return 0, fmt.Errorf("read log tree size: %w", err)
	}
	if maxIdx == nil {
		return 0, nil
	}
	count := *maxIdx + 1
	// StoredHashCount grows with n: find the n whose count it is.
	n := int64(sort.Search(int(count)+1, func(n int) bool { return tlog.StoredHashCount(int64(n)) >= count }))
	if tlog.StoredHashCount(n) != count {
		return 0, fmt.Errorf("log_hashes holds %d hashes, which is no tree's count: %w", count, errTreeBehind)
	}
	return n, nil
}

// appendLeaves computes the stored hashes of events (the leaves from
// events[0].Seq-1 on) and inserts them in tx; mem holds the frontier
// before them and, on return, the hashes written.
func (s *Store) appendLeaves(tx *gorm.DB, mem map[int64]tlog.Hash, events []Event) error {
	r := hashReader{tx: tx, mem: mem}
	rows := make([]logHash, 0, 2*len(events)+2)
	for i := range events {
		n := events[i].Seq - 1
		hs, err := tlog.StoredHashes(n, events[i].canonical(), r)
		if err != nil {
			return err
		}
		base := tlog.StoredHashCount(n)
		for j, h := range hs {
			mem[base+int64(j)] = h
			rows = append(rows, logHash{Idx: base + int64(j), Hash: append([]byte(nil), h[:]...)})
		}
	}
	return s.insertHashes(tx, rows)
}

// insertHashes writes stored hashes with plain multi-row INSERTs: an append
// writes one or two, and gorm's Create costs more than the statement.
func (s *Store) insertHashes(tx *gorm.DB, rows []logHash) error {
	for _, part := range chunks(rows, max(1, s.bindVars()/2)) {
		var q strings.Builder
		q.Grow(40 + 8*len(part))
		q.WriteString("INSERT INTO log_hashes (idx, hash) VALUES ")
		args := make([]any, 0, 2*len(part))
		for i := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?)")
			args = append(args, part[i].Idx, part[i].Hash)
		}
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("append to log tree: %w", err)
		}
	}
	return nil
}

// growTree adds the leaves of a batch appended after a head of size
// leaves (head is that event's hash), in tx, under the append lock.
func (s *Store) growTree(tx *gorm.DB, size int64, head string, events []Event) error {
	mem := s.tree.take(size, head)
	if mem == nil {
		covered, err := treeCovers(tx)
		if err != nil {
			return err
		}
		if covered < size {
			// An older database, or one written by an older camreg: build
			// the missing leaves first.
			if err := s.buildTree(tx, covered, size); err != nil {
				return err
			}
		}
		mem = map[int64]tlog.Hash{}
	}
	if err := s.appendLeaves(tx, mem, events); err != nil {
		return err
	}
	last := events[len(events)-1]
	s.tree.put(last.Seq, last.Hash, mem)
	return nil
}

// buildTree adds the leaves from..to-1 from the events in tx.
func (s *Store) buildTree(tx *gorm.DB, from, to int64) error {
	mem := map[int64]tlog.Hash{}
	for from < to {
		var batch []Event
		if err := tx.Where("seq > ? AND seq <= ?", from, to).Order("seq").Limit(5000).Find(&batch).Error; err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		if len(batch) == 0 || batch[0].Seq != from+1 {
			return fmt.Errorf("build log tree: event seq %d is missing", from+1)
		}
		for i := range batch {
			if batch[i].Seq != from+int64(i)+1 {
				return fmt.Errorf("build log tree: event seq %d is missing", from+int64(i)+1)
			}
		}
		if err := s.appendLeaves(tx, mem, batch); err != nil {
			return err
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

// BuildLogTree makes log_hashes cover every event, for databases written
// before the tree existed, in transactions of up to 50,000 events under
// the append lock. It returns how many leaves it added. Writers running
// beside it wait for the lock, or build the rest themselves.
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
