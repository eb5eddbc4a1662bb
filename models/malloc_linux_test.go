//go:build linux && cgo

package models

import (
	"os"
	"runtime"
	"strconv"
	"strings"
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

// ReleaseFreeCMemory gives back the pages of C heap freed below a chunk
// still in use, which glibc keeps otherwise.
func TestReleaseFreeCMemory(t *testing.T) {
	if _, glibc := mallocArenasCapped(); !glibc {
		t.Skip("not glibc")
	}
	runtime.LockOSThread() // one thread, one malloc arena
	defer runtime.UnlockOSThread()
	const n, size = 512, 64 << 10 // 32 MiB, each chunk below the mmap threshold
	ReleaseFreeCMemory()
	base := residentBytes(t)
	release := freeBelowTop(n, size)
	defer release()
	held := residentBytes(t)
	ReleaseFreeCMemory()
	after := residentBytes(t)
	// glibc may have spread the chunks over two arenas, and given back at
	// once those next to an arena's top: what matters is what is left.
	if after-base > n*size/2 {
		t.Fatalf("resident %d, %d with %d bytes freed below a chunk in use, %d after: more than half of it is kept", base, held, n*size, after)
	}
}

// residentBytes is the process's resident set, from /proc/self/statm.
func residentBytes(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return pages * os.Getpagesize()
}
