package models

import (
	"context"
	"path/filepath"
	"testing"
)

// InBulkTx on SQLite runs on a connection whose foreign-key checks are
// off (connWithoutForeignKeys), and that connection never returns to the
// pool: every connection after it checks foreign keys again.
func TestInBulkTxForeignKeys(t *testing.T) {
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "camreg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var inside int
	err = st.InBulkTx(ctx, func(tx *Store) error {
		return tx.db.Raw("PRAGMA foreign_keys").Scan(&inside).Error
	})
	if err != nil || inside != 0 {
		t.Fatalf("PRAGMA foreign_keys in the bulk transaction = %d (%v), want 0", inside, err)
	}
	st.DB().SetMaxIdleConns(8)
	for i := 0; i < 3; i++ {
		var after int
		if err := st.db.Raw("PRAGMA foreign_keys").Scan(&after).Error; err != nil || after != 1 {
			t.Fatalf("PRAGMA foreign_keys after it = %d (%v), want 1", after, err)
		}
	}
}
