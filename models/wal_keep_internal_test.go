package models

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// CloseKeepingWAL leaves the committed pages in the WAL, uncopied, and a
// store opened after it reads them; the next plain Close checkpoints them.
func TestCloseKeepingWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "camreg.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db := st.DB()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000) INSERT INTO t SELECT n FROM c"); err != nil {
		t.Fatal(err)
	}
	// Several connections in the pool: none of them may checkpoint.
	c1, _ := db.Conn(ctx)
	c2, _ := db.Conn(ctx)
	for _, c := range []interface{ Close() error }{c1, c2} {
		c.Close()
	}
	if err := st.RefreshStatistics(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CloseKeepingWAL(ctx); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the WAL after CloseKeepingWAL: %v, %v; want it kept, not empty", fi, err)
	}
	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 5000 {
		t.Fatalf("rows after reopening: %d (%v), want 5000", n, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("the WAL after a plain Close: %v; want it checkpointed and removed", err)
	}
}
