package verdict

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"camreg/fold"
)

// Firmware versions come in the shapes vendors print on labels and in web
// interfaces: "V5.7.3 build 220112" (Hikvision), "2.800.0000000.16.R"
// (Dahua), "1.1.5 Build 230301" (TP-Link), "v2.3.1_250101". No one scheme
// (semver or otherwise) fits them all, so CompareFirmware reads each as a
// sequence of components and compares those.

// fwPart is one component of a firmware version: a number (digits, kept as
// text without leading zeros so that any length compares without overflow)
// or a word.
type fwPart struct {
	num  string
	word string
	isNm bool
}

// firmwareMarkers are words that only announce the next component ("build
// 220112", "b220112") and carry no order of their own.
var firmwareMarkers = map[string]bool{"build": true, "bld": true, "b": true}

// firmwarePrefixes are words that may open a version ("V5.7.3",
// "firmware 1.2") and are dropped there.
var firmwarePrefixes = map[string]bool{"v": true, "ver": true, "version": true, "fw": true, "firmware": true}

// parseFirmware splits a version into components: runs of digits become
// numbers, runs of letters words (lower case); everything else (dots,
// spaces, underscores, dashes) separates. A leading "v"/"version" and the
// "build" markers are dropped, so "V5.7.3 build 220112", "5.7.3_220112" and
// "v5.7.3.220112" are the same version.
//
// It reads s folded by fold.Firmware: a version typed in full-width forms
// ("Ｖ５.７.３") or with lookalike letters of other scripts is the ASCII one;
// read as it was, its full-width digits separated nothing and its "Ｖ" was a
// word, which orders before every number, so a warning's range judged it
// affected.
func parseFirmware(s string) []fwPart {
	s = fold.Firmware(s)
	var parts []fwPart
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := strings.TrimLeft(s[i:j], "0")
			parts = append(parts, fwPart{num: n, isNm: true})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += size2
			}
			w := strings.ToLower(s[i:j])
			if !(firmwareMarkers[w] || (len(parts) == 0 && firmwarePrefixes[w])) {
				parts = append(parts, fwPart{word: w})
			}
			i = j
		default:
			i += size
		}
	}
	// Trailing zero components do not change a version: 1.2 is 1.2.0.
	for len(parts) > 0 && parts[len(parts)-1].isNm && parts[len(parts)-1].num == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// comparePart orders two components: numbers numerically, words
// alphabetically, and any word before any number, so that "1.0.beta" comes
// before "1.0" and "1.0.1". A missing component counts as the number 0.
func comparePart(a, b fwPart) int {
	switch {
	case a.isNm && b.isNm:
		if len(a.num) != len(b.num) {
			return cmpInt(len(a.num), len(b.num))
		}
		return strings.Compare(a.num, b.num)
	case !a.isNm && !b.isNm:
		return strings.Compare(a.word, b.word)
	case a.isNm:
		return 1
	}
	return -1
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareFirmware compares two firmware versions and returns -1, 0 or 1.
// Components are compared left to right: numbers numerically ("5.10" is
// after "5.9", "0000000" is 0), words alphabetically and before numbers, and
// a missing component as 0, so that a build number is a later component
// ("V5.5.800" < "V5.5.800 build 210628" < "V5.5.800 build 210629"). Case,
// a leading "v" and the word "build" do not matter. It is a total order
// over the versions' canonical forms, so ranges [introduced_in, fixed_in)
// mean what they say.
func CompareFirmware(a, b string) int {
	pa, pb := parseFirmware(a), parseFirmware(b)
	zero := fwPart{isNm: true}
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := zero, zero
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := comparePart(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// FirmwareInRange reports whether version v lies in [introducedIn, fixedIn):
// at or after introducedIn (when given) and before fixedIn (when given).
// An empty range covers every version.
func FirmwareInRange(v, introducedIn, fixedIn string) bool {
	if introducedIn != "" && CompareFirmware(v, introducedIn) < 0 {
		return false
	}
	if fixedIn != "" && CompareFirmware(v, fixedIn) >= 0 {
		return false
	}
	return true
}

// CanonicalFirmware is the form under which CompareFirmware sees a version:
// two versions compare equal exactly when their canonical forms are equal.
func CanonicalFirmware(s string) string {
	parts := parseFirmware(s)
	out := make([]string, len(parts))
	for i, p := range parts {
		if p.isNm {
			out[i] = p.num
			if out[i] == "" {
				out[i] = "0"
			}
		} else {
			out[i] = p.word
		}
	}
	return strings.Join(out, ".")
}
