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

// TestNumberKeyLookalikes: a document number written with lookalike
// letters, full-width digits or invisible marks keys as the real one, and
// punctuation still tells numbers apart.
func TestNumberKeyLookalikes(t *testing.T) {
	real := NumberKey("QCVN135-Q1-2025-0012")
	for _, s := range []string{
		"qcvn135-q1-2025-0012",
		"QCVN 135-Q1-2025-0012",
		"QСVN135-Q1-2025-0012",            // Cyrillic С
		"QCVN１３５-Q1-2025-0012",            // full-width digits
		"QCVN135\u200d-Q1-2025-0012",      // zero-width joiner
		"\u200fQCVN135-Q1-2025-0012",      // right-to-left mark
		"QCVN135-Q1-2025-0012\u200b",      // zero-width space
		"ＱＣＶＮ135-Q1-2025-0012",            // full-width letters
		"QCVN135-Q1-2025-0012\u2060",      // word joiner
		"QCVN135-\u0051\u200c1-2025-0012", // zero-width non-joiner
		// Found by the audit of 2026-12-07: each was a second document.
		"QCVN135-Q1-2025-0012\u0001",          // a control character
		"QCVN\u034f135-Q1-2025-0012",          // combining grapheme joiner
		"QCVN135-Q1-2025-0012\u3164",          // Hangul filler
		"QCVN135-Q1-2025-0012\u115f",          // Hangul choseong filler
		"QCVN135-Q1-2025-0012\ufe0f",          // variation selector
		"QCVN135-Q1-2025-0012\u180b",          // Mongolian free variation selector
		"QCVN135-Q1-2025-0012\u2800",          // blank Braille pattern
		"QCVN135\u2013Q1\u20132025\u20130012", // en dashes
		"QCVN135\u2212Q1\u22122025\u22120012", // minus signs
		"QCVN135\u2010Q1\u20112025\u20120012", // hyphen, non-breaking hyphen, figure dash
		"QCVN135\uff0dQ1-2025-0012",           // full-width hyphen-minus
	} {
		if got := NumberKey(s); got != real {
			t.Errorf("NumberKey(%q) = %q, want %q", s, got, real)
		}
	}
	for _, s := range []string{"383\u2215CATTT-NCSC", "383\u2044CATTT-NCSC", "383\uff0fCATTT-NCSC", "383/CATTT\u2013NCSC"} {
		if got, want := NumberKey(s), NumberKey("383/CATTT-NCSC"); got != want {
			t.Errorf("NumberKey(%q) = %q, want %q", s, got, want)
		}
	}
	if NumberKey("12/2025") == NumberKey("122025") || NumberKey("12-2025") == NumberKey("12/2025") {
		t.Error("punctuation no longer tells numbers apart")
	}
}

// Text folds lookalike letters of other scripts as Key does, word by word
// and in mixed words, so a name pasted with them reads as its own words.
func TestTextLookalikes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Сửa hàng Вình Мinh", "cua hang binh minh"}, // Cyrillic С, В, М
		{"Нộ kinh doаnh Hồng Нà", "ho kinh doanh hong ha"},
		{"Сао", "cao"},           // a word wholly of lookalikes
		{"Điện máу", "dien may"}, // Cyrillic у
		{"Công ty Điện Quang", "cong ty dien quang"},
	} {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
