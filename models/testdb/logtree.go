package testdb

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"camreg/models"
	"camreg/translog"
)

// FillLogTree gives an empty registry a log tree of n synthetic leaves,
// for benchmarks of proofs at scale: the stored hashes of n leaves in
// log_hashes, and one event at seq n, which makes the log's size n. It
// returns the tree, held in memory, to check the store's answers against.
func FillLogTree(tb testing.TB, st *models.Store, n int64) *translog.MemTree {
	tb.Helper()
	var tree translog.MemTree
	var leaf [8]byte
	for i := int64(0); i < n; i++ {
		binary.BigEndian.PutUint64(leaf[:], uint64(i))
		sum := sha256.Sum256(leaf[:])
		if err := tree.Append(sum[:]); err != nil {
			tb.Fatal(err)
		}
	}
	db := st.DB()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	total := tlog.StoredHashCount(n)
	const rows = 400
	for lo := int64(0); lo < total; lo += rows {
		hi := min(lo+rows, total)
		idx := make([]int64, 0, hi-lo)
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		hs, err := tree.ReadHashes(idx)
		if err != nil {
			tb.Fatal(err)
		}
		var q strings.Builder
		args := make([]any, 0, 2*len(idx))
		q.WriteString("INSERT INTO log_hashes (idx, hash) VALUES ")
		for j, x := range idx {
			if j > 0 {
				q.WriteString(",")
			}
			if st.Dialect() == models.Postgres {
				fmt.Fprintf(&q, "($%d,$%d)", 2*j+1, 2*j+2)
			} else {
				q.WriteString("(?,?)")
			}
			args = append(args, x, hs[j][:])
		}
		if _, err := tx.Exec(q.String(), args...); err != nil {
			tb.Fatal(err)
		}
	}
	ph := "?"
	if st.Dialect() == models.Postgres {
		ph = "$1"
	}
	if _, err := tx.Exec(`INSERT INTO events (seq, at, actor, actor_role, action, entity, entity_id, changes, prev_hash, hash)
		VALUES (`+ph+`, '`+time.Now().UTC().Format("2006-01-02 15:04:05")+`', 'system:bench', 'admin', 'create', 'standard', 'bench', '{}', '', '')`, n); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return &tree
}
