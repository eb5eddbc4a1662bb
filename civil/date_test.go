package civil

import (
	"fmt"
	"testing"
	"time"
)

// TestDateStringAndOrderByHand: the hand-made String and the comparisons
// agree with fmt and with comparing the strings, over every day of four
// centuries' edges and the zero Date.
func TestDateStringAndOrderByHand(t *testing.T) {
	days := []Date{{}}
	for _, y := range []int{1, 999, 1000, 1999, 2000, 2024, 2026, 9999} {
		for d := NewDate(y, time.January, 1); d.Year() == y; d = d.AddDays(1) {
			days = append(days, d)
		}
	}
	for i, d := range days {
		if !d.IsZero() {
			if want := fmt.Sprintf("%04d-%02d-%02d", d.Year(), d.Month(), d.Day()); d.String() != want {
				t.Fatalf("String() = %q, want %q", d.String(), want)
			}
		}
		for _, e := range []Date{days[0], days[(i*7919)%len(days)], days[(i+1)%len(days)], d} {
			if d.Before(e) != (d.String() < e.String()) || d.After(e) != (d.String() > e.String()) {
				t.Fatalf("%q and %q compare unlike their strings", d, e)
			}
		}
	}
}
