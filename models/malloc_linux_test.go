//go:build linux && cgo

package models

import (
	"os"
	"testing"
)

// The constructor that caps glibc's malloc arenas ran before the tests, as
// it runs before camreg's main: the binary is linked with it.
func TestMallocArenasCapped(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Skip("MALLOC_ARENA_MAX is set: glibc's own setting is kept")
	}
	capped, glibc := mallocArenasCapped()
	if !glibc {
		t.Skip("not glibc: no malloc arenas to cap")
	}
	if !capped {
		t.Fatal("the malloc arena cap was not set at start-up")
	}
}
