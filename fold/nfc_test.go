package fold

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestNFCFastRunes: every rune NFC passes by is its own NFC, of combining
// class 0, and combines with nothing before it; so any string of them is
// in NFC.
func TestNFCFastRunes(t *testing.T) {
	for r := rune(0); r < 0x1F00; r++ {
		if !nfcInert(r) {
			continue
		}
		s := string(r)
		p := norm.NFC.PropertiesString(s)
		if !norm.NFC.IsNormalString(s) || p.CCC() != 0 || !p.BoundaryBefore() {
			t.Errorf("%U: normal %v, ccc %d, boundary before %v", r, norm.NFC.IsNormalString(s), p.CCC(), p.BoundaryBefore())
		}
	}
}

// TestNFCAsNorm: NFC returns what norm.NFC.String returns, for text of
// the inert runes, with combining marks, decomposed Vietnamese, other
// scripts and invalid UTF-8.
func TestNFCAsNorm(t *testing.T) {
	pool := []rune{'a', 'e', 'o', 'A', ' ', '\x00', 0xE2, 0xEA, 0x1A1, 0x1B0, 0x1EBF, 0x1EA0, 0x1EF9, 0x2FF,
		0x300, 0x301, 0x303, 0x309, 0x323, 0x340, 0x1E9B, 0x2000, 0x2126, 0xAC00, 0x1161, 0x11A8, 0xFFFD, 0x212B}
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", "Công ty TNHH Nhật Quang", norm.NFD.String("Công ty TNHH Nhật Quang"), "\xff\xfe", "e\u0301", "\u1ebf\u0301"}
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		if rng.IntN(10) == 0 {
			b.WriteByte(0xC3)
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		if got, want := NFC(s), norm.NFC.String(s); got != want {
			t.Fatalf("NFC(%q) = %q, norm says %q", s, got, want)
		}
	}
}

func BenchmarkNFC(b *testing.B) {
	s := "Công ty TNHH Thương mại Điện tử Nhật Quang, 12 Lê Lợi, Phường Bến Nghé"
	b.Run("fold", func(b *testing.B) {
		for b.Loop() {
			_ = NFC(s)
		}
	})
	b.Run("norm", func(b *testing.B) {
		for b.Loop() {
			_ = norm.NFC.String(s)
		}
	})
}
