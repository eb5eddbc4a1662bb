//go:build linux && cgo

package models

/*
#include <stdlib.h>
#include <malloc.h>
#include <unistd.h>
#include <string.h>

static int camreg_arenas_capped;

// SQLite's C code allocates with malloc on whichever thread runs the
// goroutine that called it, and glibc gives the threads of a busy process
// up to eight malloc arenas per core, each keeping what was freed in it:
// the national listings' import peaked at 386 MiB with the default and 315
// MiB with MALLOC_ARENA_MAX=2 (BENCHMARKS.md). The cap is set here, in a
// constructor, before the Go runtime starts a thread: glibc fixes its
// arena limit the first time a second thread needs an arena, so a mallopt
// made later (from a Go init) may come too late. One arena per core (two
// at least): on the two cores measured, the cap of MALLOC_ARENA_MAX=2; a
// server with more cores keeps one per core against contention. An
// operator's own MALLOC_ARENA_MAX is left to glibc.
__attribute__((constructor)) static void camreg_cap_malloc_arenas(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 2) {
		n = 2;
	}
	if (getenv("MALLOC_ARENA_MAX") == NULL && mallopt(M_ARENA_MAX, (int)n) == 1) {
		camreg_arenas_capped = 1;
	}
	// A big allocation (a listings import's reached 6 MB, malloc_stats
	// says) is mapped and unmapped whole, as glibc does by default until
	// the first such block is freed: glibc then raises its threshold to
	// that block's size, and later ones come from an arena, whose free
	// memory stays in the process. Setting the threshold keeps it at its
	// default.
	if (getenv("MALLOC_MMAP_THRESHOLD_") == NULL) {
		mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	}
#endif
}

// camreg_big_blocks_from_arenas(1) has blocks up to 32 MiB (glibc's
// largest threshold) come from the arenas and a freed one stay there until
// 64 MiB are free at an arena's top; (0) restores the start-up setting and
// hands the free pages back. An operator's MALLOC_MMAP_THRESHOLD_ or
// MALLOC_TRIM_THRESHOLD_ is left to glibc.
static void camreg_big_blocks_from_arenas(int on) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
	if (getenv("MALLOC_MMAP_THRESHOLD_") != NULL || getenv("MALLOC_TRIM_THRESHOLD_") != NULL) {
		return;
	}
	if (on) {
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
	} else {
		mallopt(M_MMAP_THRESHOLD, 128 * 1024);
		mallopt(M_TRIM_THRESHOLD, 128 * 1024);
		malloc_trim(0);
	}
#endif
}

// 1: capped; 0: not (MALLOC_ARENA_MAX set); -1: not glibc.
static int camreg_malloc_arenas_capped(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	return camreg_arenas_capped;
#else
	return -1;
#endif
}
// camreg_free_below_top leaves n chunks of size bytes, written to, free
// below a chunk still in use, as SQLite's freed allocations are left, and
// returns that chunk (for the test of ReleaseFreeCMemory).
static void *camreg_free_below_top(int n, size_t size) {
	void **chunks = malloc(n * sizeof(void *));
	for (int i = 0; i < n; i++) {
		chunks[i] = malloc(size);
		memset(chunks[i], 1, size);
	}
	void *top = malloc(64);
	for (int i = 0; i < n; i++) {
		free(chunks[i]);
	}
	free(chunks);
	return top;
}
*/
import "C"

import "unsafe"

// mallocArenasCapped reports whether the cap was set at start-up (false
// when MALLOC_ARENA_MAX is in the environment), and glibc whether the C
// library is glibc, whose arenas these are.
func mallocArenasCapped() (capped, glibc bool) {
	r := C.camreg_malloc_arenas_capped()
	return r == 1, r >= 0
}

// ReleaseFreeCMemory hands the pages the C heap holds free back to the
// system (glibc's malloc_trim). glibc returns an arena's free memory only
// from its top, so what SQLite freed below a chunk still in use stays in
// the process: a national listings import held 126 MB of C heap with 39 MB
// of it in use (malloc_stats, 824,000 rows into its writing pass).
func ReleaseFreeCMemory() { C.malloc_trim(0) }

// ReuseBigCBlocks has the C heap keep the big blocks SQLite and the driver
// free, for the next statement to reuse, until the returned restore is
// called. A batch's statements bind JSON arrays of megabytes, which the
// driver copies into C memory and SQLite converts to its binary JSON: with
// start-up's threshold (128 KiB, for listings' flat memory) each such
// block was mapped fresh and unmapped after its statement, and every page
// of it was a page fault the kernel zeroed (national certificates: some
// 40,000 of 105,000 faults; BENCHMARKS.md). The 2-second malloc_trim of a
// running import still hands free pages back.
func ReuseBigCBlocks() (restore func()) {
	C.camreg_big_blocks_from_arenas(1)
	return func() { C.camreg_big_blocks_from_arenas(0) }
}

// freeBelowTop leaves n chunks of size bytes free in the C heap below a
// chunk in use, and returns the function that frees that one too.
func freeBelowTop(n, size int) (release func()) {
	top := C.camreg_free_below_top(C.int(n), C.size_t(size))
	return func() { C.free(unsafe.Pointer(top)) }
}
