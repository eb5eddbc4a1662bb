package fold

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cửa hàng điện tử Đà Nẵng", "cua hang dien tu da nang"},
		{"  CAMERA   Không dây ", "camera khong day"},
		{"TP. Hồ Chí Minh", "tp. ho chi minh"},
		{"Đắk Lắk", "dak lak"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DS-2CD1023G0E-I", "ds2cd1023g0ei"},
		{"ds2cd1023g0ei", "ds2cd1023g0ei"},
		{"IPC-HFW1230S-S5", "ipchfw1230ss5"},
		{"Tapo C200", "tapoc200"},
		{"EUR.1", "eur1"},
		{"Hãng Đông Á", "hangdonga"},
		{"--", ""},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLooseKey(t *testing.T) {
	tests := []struct {
		a, b string
		near bool
	}{
		{"DS-2CD1023G0E-I", "ds2cd1023goei", true},
		{"IPC-HFW1230S", "IPC-HFWI23OS", true},
		{"KX-A2111N2", "KX-A2lllN2", true},
		{"C6N", "C6M", false},
	}
	for _, tt := range tests {
		if got := LooseKey(tt.a) == LooseKey(tt.b); got != tt.near {
			t.Errorf("LooseKey(%q) == LooseKey(%q) is %v, want %v", tt.a, tt.b, got, tt.near)
		}
		if Key(tt.a) == Key(tt.b) {
			t.Errorf("%q and %q have the same Key: a near match must not be exact", tt.a, tt.b)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"DS-2CD1023G0E-I", "Tapo C200", "Đà Nẵng", "\xff\xfe", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Fatalf("Key(%q) = %q has %q", s, k, r)
			}
		}
		if lk := LooseKey(s); LooseKey(lk) != lk || strings.ContainsAny(lk, "oil") || len(lk) != len(k) {
			t.Fatalf("LooseKey(%q) = %q is not a stable loose form of %q", s, lk, k)
		}
		if Key(k) != k {
			t.Fatalf("Key is not idempotent on %q: %q then %q", s, k, Key(k))
		}
		ft := Text(s)
		if utf8.ValidString(s) && !utf8.ValidString(ft) {
			t.Fatalf("Text(%q) = %q is not valid UTF-8", s, ft)
		}
		if Text(ft) != ft {
			t.Fatalf("Text is not idempotent on %q: %q then %q", s, ft, Text(ft))
		}
		if strings.ContainsAny(ft, "đĐ") {
			t.Fatalf("Text(%q) = %q keeps đ", s, ft)
		}
	})
}

// The table's fast path folds as the Unicode pipeline does, rune by rune
// over every rune it covers, and on mixed text.
func TestLatinTextIsSlowText(t *testing.T) {
	for r := rune(0); r < latinEnd; r++ {
		for _, s := range []string{string(r), "Ab " + string(r) + "  Đ", string(r) + "\u0301x"} {
			if f, ok := latinText(s); ok && f != slowText(s) {
				t.Errorf("%U in %q: fast %q, pipeline %q", r, s, f, slowText(s))
			}
		}
	}
	for _, s := range []string{"  Công ty TNHH Điện Quang\tHà Nội ", "Cửa hàng Thử Nghiệm", "e\u0301 A\u0300", "Nguyễn Thị Ánh Tuyết", ""} {
		f, ok := latinText(s)
		if !ok || f != slowText(s) {
			t.Errorf("%q: fast %q (%v), pipeline %q", s, f, ok, slowText(s))
		}
	}
}

// TestLatinTable checks that foldRune, which builds the Latin table, makes
// of every rune below latinEnd what foldCore's transform chain makes of it,
// and that Text through the table folds each such rune as slowText does.
func TestLatinTable(t *testing.T) {
	for r := rune(0); r < latinEnd; r++ {
		want := foldCore(string(r))
		if got := string(foldRune(r)); got != want {
			t.Errorf("foldRune(%U) = %q, foldCore gives %q", r, got, want)
		}
		s := "Đà " + string(r) + " x"
		if got, ok := latinText(s); ok && got != slowText(s) {
			t.Errorf("latinText(%q) = %q, slowText gives %q", s, got, slowText(s))
		}
	}
}

// TestPunctuationTable checks that a General Punctuation rune folds
// through the table as through slowText next to the combining marks and
// the Vietnamese letters that might compose or reorder with it.
func TestPunctuationTable(t *testing.T) {
	next := []rune{'a', 'Đ', 'ệ', ' '}
	for m := rune(0x0300); m < 0x0370; m++ {
		next = append(next, m)
	}
	for r := rune(0x2000); r < latinEnd; r++ {
		for _, n := range next {
			for _, s := range []string{string(r) + string(n), "x" + string(n) + string(r) + string(n) + "y"} {
				if got, ok := latinText(s); ok && got != slowText(s) {
					t.Errorf("latinText(%q) = %q, slowText gives %q", s, got, slowText(s))
				}
			}
		}
	}
	if _, ok := latinText("Cục An toàn thông tin – Trung tâm"); !ok {
		t.Error("the en dash still needs slowText")
	}
}

func TestFirmware(t *testing.T) {
	for in, want := range map[string]string{
		"V5.7.3 build 220112": "V5.7.3 build 220112", // ASCII as it is
		"Ｖ５.７.３":              "V5.7.3",
		"Ｖ５．７．３　ｂｕｉｌｄ":        "V5.7.3 build",
		"Ⅴ5.7.3":              "V5.7.3",
		"V5.7\u200b.3\u202e":  "V5.7.3",
		"1.0.bеta":            "1.0.beta", // a Cyrillic е
		"1.1.5–230301":        "1.1.5-230301",
		"v1\x00.2":            "v1.2",
	} {
		if got := Firmware(in); got != want {
			t.Errorf("Firmware(%q) = %q, want %q", in, got, want)
		}
	}
}
