package main

import (
	"runtime/debug"
	"testing"
)

func TestParseMemTotal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"MemTotal:       24683772 kB\nMemFree: 1 kB\n", 24683772 << 10},
		{"MemFree: 1 kB\nMemTotal: 2048 kB\n", 2 << 20},
		{"MemFree: 1 kB\n", 0},
		{"MemTotal: x kB\n", 0},
		{"MemTotal: 5 MB\n", 0},
	} {
		if got := parseMemTotal([]byte(c.in)); got != c.want {
			t.Errorf("parseMemTotal(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestServeGCPolicyKeepsTheOperatorsSettings(t *testing.T) {
	old, oldLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(old); debug.SetMemoryLimit(oldLimit) }()

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	if gogc, limit := serveGCPolicy(); gogc != 0 || limit != 0 {
		t.Errorf("with GOGC and GOMEMLIMIT set: serveGCPolicy() = %d, %d, want 0, 0", gogc, limit)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GC percent changed to %d", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<30 {
		t.Errorf("memory limit changed to %d", l)
	}

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	gogc, limit := serveGCPolicy()
	if gogc != serveGOGC {
		t.Errorf("gogc = %d, want %d", gogc, serveGOGC)
	}
	if p := debug.SetGCPercent(100); p != serveGOGC {
		t.Errorf("GC percent = %d, want %d", p, serveGOGC)
	}
	if total := availableMemory(); total > 0 && limit != total/2 {
		t.Errorf("limit = %d, want half of %d", limit, total)
	}
}
