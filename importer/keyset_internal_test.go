package importer

import (
	"strconv"
	"testing"
)

// TestKeySet: every repeated key is found with the line that had it first,
// across the table's growth, and no new key is taken for a repeat.
func TestKeySet(t *testing.T) {
	var s keySet
	defer s.free()
	const n = 50_000
	for i := 0; i < n; i++ {
		if first, dup := s.add("key "+strconv.Itoa(i), i+2); dup {
			t.Fatalf("new key %d taken for a repeat of line %d", i, first)
		}
	}
	for _, i := range []int{0, 1, 1023, 1024, 49_999} {
		first, dup := s.add("key "+strconv.Itoa(i), n+10)
		if !dup || first != i+2 {
			t.Errorf("key %d: got (%d, %v), want (%d, true)", i, first, dup, i+2)
		}
	}
	if s.n != n {
		t.Errorf("%d keys held, want %d", s.n, n)
	}
}
