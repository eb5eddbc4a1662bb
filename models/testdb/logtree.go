package testdb

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"camreg/models"
	"camreg/translog"
)

// FillLogTree gives an empty registry a log of n synthetic events, for
// benchmarks of proofs at scale: each event row carries its leaf's stored
// tree hashes as camreg writes them (its content is a placeholder: the
// leaves are synthetic, so the chain does not verify). It returns the
// tree, held in memory, to check the store's answers against.
func FillLogTree(tb testing.TB, st *models.Store, n int64) *translog.MemTree {
	tb.Helper()
	var tree translog.MemTree
	tx, err := st.DB().Begin()
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Now().UTC().Format("2006-01-02 15:04:05")
	const rows = 500
	var leaf [8]byte
	for lo := int64(0); lo < n; lo += rows {
		hi := min(lo+rows, n)
		var q strings.Builder
		args := make([]any, 0, 2*(hi-lo))
		q.WriteString("INSERT INTO events (seq, at, actor, actor_role, action, entity, entity_id, changes, prev_hash, hash, tree_hashes) VALUES ")
		for i := lo; i < hi; i++ {
			binary.BigEndian.PutUint64(leaf[:], uint64(i))
			sum := sha256.Sum256(leaf[:])
			hs, err := tree.AppendHashes(sum[:])
			if err != nil {
				tb.Fatal(err)
			}
			b := make([]byte, 0, 32*len(hs))
			for _, h := range hs {
				b = append(b, h[:]...)
			}
			if i > lo {
				q.WriteString(",")
			}
			j := 2 * (i - lo)
			if st.Dialect() == models.Postgres {
				fmt.Fprintf(&q, "($%d,'%s','system:bench','admin','create','standard','bench','{}','','',$%d)", j+1, at, j+2)
			} else {
				fmt.Fprintf(&q, "(?,'%s','system:bench','admin','create','standard','bench','{}','','',?)", at)
			}
			args = append(args, i+1, b)
		}
		if _, err := tx.Exec(q.String(), args...); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return &tree
}
