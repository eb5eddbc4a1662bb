//go:build linux && cgo

package models

/*
#include <stdlib.h>
#include <malloc.h>
#include <unistd.h>

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
*/
import "C"

// mallocArenasCapped reports whether the cap was set at start-up (false
// when MALLOC_ARENA_MAX is in the environment), and glibc whether the C
// library is glibc, whose arenas these are.
func mallocArenasCapped() (capped, glibc bool) {
	r := C.camreg_malloc_arenas_capped()
	return r == 1, r >= 0
}
