package fold

import (
	"slices"
	"testing"
)

// Lookalike letters of other scripts key as the Latin letters they imitate
// (UTS #39 skeletons), so a brand or model number written with them
// collides with the real one; Vietnamese and ASCII keys are unchanged.
func TestConfusablesCollide(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hikvision", "hikvision"},
		{"Hіkvision", "hikvision"},           // Cyrillic і
		{"DS-2СD1023G0E-I", "ds2cd1023g0ei"}, // Cyrillic С
		{"Υ33-1080Ρ", "y331080p"},            // Greek Υ and Ρ
		{"Công ty Điện Quang", "congtydienquang"},
		{"DS-2CD1023G0E-I", "ds2cd1023g0ei"},
		{"ｄｓ２ｃｄ", "ds2cd"}, // full-width
	} {
		if got := Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Hikvision", []string{"Latin"}},
		{"Công ty Điện Quang", []string{"Latin"}},
		{"Hіkvision", []string{"Latin", "Cyrillic"}},
		{"DS-2СD", []string{"Latin", "Cyrillic"}},
		{"1080-23", nil},
	} {
		if got := Scripts(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Scripts(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
