package postgres

import (
	"fmt"
	"slices"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		want string
	}{
		{3, 2, "[[0 1] [0 2] [1 2]]"},
		{3, 3, "[[0 1 2]]"},
		{4, 1, "[[0] [1] [2] [3]]"},
	} {
		got := choose(tc.n, tc.k)
		if fmt.Sprint(got) != tc.want {
			t.Errorf("choose(%d, %d) = %v, want %s", tc.n, tc.k, got, tc.want)
		}
		if len(got) != combinations(tc.n, tc.k) {
			t.Errorf("combinations(%d, %d) = %d, choose made %d", tc.n, tc.k, combinations(tc.n, tc.k), len(got))
		}
	}
	if c := combinations(8, 6); c != 28 {
		t.Errorf("8 choose 6 = %d, want 28", c)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"hikvison", "hikvision", 1},
		{"hanwa", "hanwha", 1},
		{"dahuaa", "dahua", 1},
		{"kbvison", "kbvision", 1},
		{"hikvision", "hikvision", 0},
		{"questeck", "questek", 1},
		{"camera", "kamera", 1},
		{"tapo", "tplink", 5},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSpacedAndLongest(t *testing.T) {
	if got := spaced("QCVN 135:2024/BTTTT · Đà Nẵng, Wi-Fi"); got != "QCVN 135 2024 BTTTT   Đà Nẵng  Wi Fi" {
		t.Errorf("spaced: %q", got)
	}
	got := longest([]string{"ds2cd1023g0ei", "s2cd1023g0ei", "ei", "ds2cd1023g0e1", "g0e1"})
	if !slices.Equal(got, []string{"ds2cd1023g0ei", "ds2cd1023g0e1"}) {
		t.Errorf("longest: %v", got)
	}
}
