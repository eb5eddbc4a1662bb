package models

import (
	"strings"
	"testing"
)

func checkTextAgrees(t *testing.T, in string) {
	t.Helper()
	for _, required := range []bool{false, true} {
		for _, max := range []int{0, 3, 8, 200} {
			var got, want ValidationError
			a, b := in, in
			// The reference: every value through the five scans.
			gs, ws := got.text("f", &a, required, max), want.textScans("f", strings.TrimSpace(b), required, max)
			b = ws
			if gs != ws || a != b || got.Error() != want.Error() {
				t.Fatalf("text(%q, required %v, max %d) = %q, %q, %v; five scans: %q, %q, %v", in, required, max, gs, a, got.Errors, ws, b, want.Errors)
			}
		}
	}
}

// TestTextOneScanAgrees: text's one-scan path (plainText) stores and
// reports exactly what the five scans did, for plain, Vietnamese,
// decomposed, invalid, control and bidirectional text at the length limit.
func TestTextOneScanAgrees(t *testing.T) {
	for _, s := range []string{
		"", " ", "  \t ", "abc", "abcd", "  abc  ", "Công ty TNHH An Phát", "Cong\u0302 ty", "e\u0301", "Đà Nẵng",
		"ab\x00c", "a\tb", "a\nb\r", "a\x7fb", "a\x01", "a\u0085b", "a\u202eb", "a\u2066", "a\u200bb", "\xff", "ab\xc3",
		"ÀÁÂ", "日本語", "Ω", "ǅ", "x\u0300", "ﬁ", "\u00a0x\u00a0", "a\u2028b", "ẞ", "Ç", strings.Repeat("ệ", 8), strings.Repeat("ệ", 9),
	} {
		checkTextAgrees(t, s)
	}
}

func FuzzTextOneScanAgrees(f *testing.F) {
	for _, s := range []string{"Công ty", "e\u0301", "a\x00", "\xff", "a\u202e", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkTextAgrees(t, s) })
}
