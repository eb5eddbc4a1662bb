package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// serveGOGC is the collector's target while serving, when the operator's
// environment sets no GOGC: the heap may grow to three times the live heap
// between collections rather than twice. The server's live heap is mostly
// long-lived caches (verify's snapshot, the matcher: ~320 MB on the
// national registry) that every cycle marks again, so fewer cycles is less
// CPU (BENCHMARKS.md, "The soak's collector").
const serveGOGC = 200

// serveGCPolicy sets the collector for `camreg serve`: GOGC=serveGOGC and a
// soft memory limit of half the memory the process may use (its cgroup's
// memory.max, else the machine's), so that the larger target gives way
// to more frequent collections before the process nears its memory. An
// operator's own GOGC or GOMEMLIMIT is kept as it is. It returns what it
// set (0: left alone), for the log.
func serveGCPolicy() (gogc int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGOGC)
		gogc = serveGOGC
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := availableMemory(); total > 0 {
			limit = total / 2
			debug.SetMemoryLimit(limit)
		}
	}
	return gogc, limit
}

// availableMemory is the memory this process may use: the smaller of its
// cgroup's (v2 memory.max, v1 memory.limit_in_bytes) limit and the
// machine's MemTotal; 0 when neither can be read.
func availableMemory() int64 {
	total := memTotal()
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	return total
}

// memTotal is /proc/meminfo's MemTotal in bytes, 0 when not read.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	return parseMemTotal(b)
}

func parseMemTotal(b []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || n <= 0 {
				return 0
			}
			if len(f) >= 3 && f[2] != "kB" {
				return 0
			}
			return n << 10
		}
	}
	return 0
}
