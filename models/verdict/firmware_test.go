package verdict_test

import (
	"testing"

	"camreg/models/verdict"
)

func TestCompareFirmware(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		// Hikvision: numeric components, then the build date.
		{"V5.7.3 build 220112", "V5.7.3 build 220112", 0},
		{"V5.5.800 build 210628", "V5.7.3 build 220112", -1},
		{"V5.5.53 build 190618", "V5.5.800 build 210628", -1}, // 53 < 800 numerically, not as text
		{"V5.7.15 build 230201", "V5.7.3 build 220112", 1},    // 15 > 3
		{"V5.5.800", "V5.5.800 build 210628", -1},             // a build is a later component
		{"V5.5.800 build 210628", "V5.5.800 build 210629", -1},
		{"v5.5.800 BUILD 210628", "V5.5.800 build 210628", 0}, // case and the marker do not matter
		{"V5.5.800_210628", "V5.5.800 build 210628", 0},
		// Dahua: zero-padded components.
		{"2.800.0000000.16.R", "2.800.0000000.16.R", 0},
		{"2.800.0000000.16.R", "2.820.0000000.12.R", -1},
		{"2.800.0000000.8.R", "2.800.0000000.16.R", -1},
		{"2.800.0000000.16.R", "2.800.0.16.R", 0}, // leading zeros do not count
		// TP-Link.
		{"1.1.5 Build 230301", "1.3.9 Build 231019", -1},
		{"1.1.5 Build 230301", "1.1.5 Build 230302", -1},
		{"1.1.5", "1.1.5 Build 230301", -1},
		// Underscore builds and a leading v.
		{"v2.3.1_250101", "2.3.1_250101", 0},
		{"v2.3.1_250101", "v2.3.2", -1},
		{"v2.3.1_250101", "v2.3.1", 1},
		// Missing trailing components are zeros.
		{"1.2", "1.2.0", 0},
		{"1.2", "1.2.0.0", 0},
		{"1.2", "1.2.1", -1},
		{"1.10", "1.9", 1},
		// Words come before numbers: pre-releases precede the release.
		{"1.0.beta", "1.0", -1},
		{"1.0.rc1", "1.0.0.1", -1},
		{"1.0.alpha", "1.0.beta", -1},
		// Very long numbers compare without overflow.
		{"1.99999999999999999999999", "1.100000000000000000000000", -1},
		// Typed in full-width forms, with a roman numeral, lookalike
		// letters of other scripts or invisible characters: the same version.
		{"Ｖ５.７.３", "V5.7.3", 0},
		{"Ｖ５．７．３　ｂｕｉｌｄ　２２０１１２", "V5.7.3 build 220112", 0},
		{"Ｖ５.５.８００", "V5.7.3", -1},
		{"Ⅴ5.7.3", "V5.7.3", 0},
		{"V5.7​.3", "V5.7.3", 0},
		{"1.0.bеta", "1.0.beta", 0}, // a Cyrillic е
		{"", "", 0},
		{"", "0", 0},
		{"", "1", -1},
	}
	for _, tt := range tests {
		if got := verdict.CompareFirmware(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareFirmware(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := verdict.CompareFirmware(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareFirmware(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestFirmwareInRange(t *testing.T) {
	tests := []struct {
		v, intro, fixed string
		want            bool
	}{
		{"V5.5.53 build 190618", "", "V5.5.800", true},
		{"V5.5.800", "", "V5.5.800", false}, // fixed_in itself is fixed
		{"V5.5.800 build 210628", "", "V5.5.800", false},
		{"V5.5.799", "", "V5.5.800", true},
		{"V5.4.0", "V5.4.0", "V5.5.800", true}, // introduced_in itself is affected
		{"V5.3.9", "V5.4.0", "V5.5.800", false},
		{"V5.7.3", "V5.4.0", "", true},
		{"anything", "", "", true},
		// A full-width version after the fix is not affected: it was read
		// as one word, which orders before every number.
		{"Ｖ５.７.３", "", "V5.7.3", false},
		{"Ｖ５.７.３", "V5.4.0", "V5.7.3", false},
		{"Ｖ５.５.５３", "V5.4.0", "V5.5.800", true},
	}
	for _, tt := range tests {
		if got := verdict.FirmwareInRange(tt.v, tt.intro, tt.fixed); got != tt.want {
			t.Errorf("FirmwareInRange(%q, [%q, %q)) = %v, want %v", tt.v, tt.intro, tt.fixed, got, tt.want)
		}
	}
}

func TestCanonicalFirmware(t *testing.T) {
	for in, want := range map[string]string{
		"V5.7.3 build 220112": "5.7.3.220112",
		"2.800.0000000.16.R":  "2.800.0.16.r",
		"1.1.5 Build 230301":  "1.1.5.230301",
		"v2.3.1_250101":       "2.3.1.250101",
		"1.2.0":               "1.2",
		"Ｖ５.７.３　ｂｕｉｌｄ　２２０１１２": "5.7.3.220112",
		"": "",
	} {
		if got := verdict.CanonicalFirmware(in); got != want {
			t.Errorf("CanonicalFirmware(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCompareFirmware checks that CompareFirmware is a total order on any
// input: reflexive, antisymmetric, transitive, and equal exactly when the
// canonical forms are equal.
func FuzzCompareFirmware(f *testing.F) {
	seeds := []string{"V5.7.3 build 220112", "V5.5.800 build 210628", "2.800.0000000.16.R", "1.1.5 Build 230301",
		"v2.3.1_250101", "1.0.beta", "1.2", "", "0", "v", "build", "1..2", "đ1.2", "\xff1.2", "Ｖ５.７.３", "Ⅴ1\u200b.2"}
	for i, a := range seeds {
		f.Add(a, seeds[(i+1)%len(seeds)], seeds[(i+2)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba := verdict.CompareFirmware(a, b), verdict.CompareFirmware(b, a)
		if verdict.CompareFirmware(a, a) != 0 {
			t.Fatalf("%q is not equal to itself", a)
		}
		if ab != -ba || ab < -1 || ab > 1 {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if (ab == 0) != (verdict.CanonicalFirmware(a) == verdict.CanonicalFirmware(b)) {
			t.Fatalf("Compare(%q, %q) = %d, canonical forms %q and %q", a, b, ab,
				verdict.CanonicalFirmware(a), verdict.CanonicalFirmware(b))
		}
		bc, ac := verdict.CompareFirmware(b, c), verdict.CompareFirmware(a, c)
		if ab <= 0 && bc <= 0 && ac > 0 {
			t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
		if ab >= 0 && bc >= 0 && ac < 0 {
			t.Fatalf("not transitive: %q >= %q >= %q but %q < %q", a, b, c, a, c)
		}
	})
}
