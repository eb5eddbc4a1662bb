package main

import (
	"syscall"
	"time"
	"unsafe"
)

// processCPU is the CPU time process pid has spent, every thread's,
// those that have ended too, in nanoseconds: the process's CPU clock
// (clock_getcpuclockid(3), read with clock_gettime), which the kernel
// keeps from the scheduler's own accounting. Summing the threads' schedstat
// (as this tool did) lost the time of a thread that ended between two
// readings, and more than the search's: Meilisearch ends threads of its
// own, and the summed time went back, so that a query's CPU time came out
// negative and the means spoilt. ok is false when the clock cannot be read.
func processCPU(pid int) (d time.Duration, ok bool) {
	// MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) of linux/posix-timers.h.
	clock := (^int64(pid))<<3 | 2
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, uintptr(clock), uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
