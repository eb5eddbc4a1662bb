package bleve

import (
	"context"
	"path/filepath"
	"testing"
)

// An index another build wrote, with documents of another format, keeps
// its cursor under that format's key: this build reads no cursor from it
// (0, the whole log behind), so serve's catch-up rebuilds it from the rows
// as it does a new index; its own cursor it reads back.
func TestCursorOfAnotherFormat(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	idx, done, err := ix.live()
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal([]byte("camreg_cursor"), []byte("500")); err != nil { // as builds before DocumentFormat wrote it
		t.Fatal(err)
	}
	done()
	if got, err := ix.Cursor(ctx); err != nil || got != 0 {
		t.Fatalf("cursor of another format's index: %d, %v; want 0", got, err)
	}
	if err := ix.SetCursor(ctx, 700); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, err := ix.Cursor(ctx); err != nil || got != 700 {
		t.Fatalf("cursor after reopening: %d, %v; want 700", got, err)
	}
}
