package models

import "strings"

// NormalizeGTIN checks a GTIN (GTIN-8, UPC-A's 12, EAN-13 or GTIN-14
// digits, spaces and hyphens ignored) by its GS1 mod-10 check digit, and
// returns it as 14 digits, zero-padded on the left, the form it is stored
// and compared in. ok is false for anything else.
func NormalizeGTIN(s string) (gtin string, ok bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	s = strings.Repeat("0", 14-len(s)) + s
	// GS1: from the right, excluding the check digit, weights 3,1,3,1...
	sum := 0
	for i := 12; i >= 0; i-- {
		d := int(s[i] - '0')
		if (12-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	if (10-sum%10)%10 != int(s[13]-'0') {
		return "", false
	}
	if s == "00000000000000" {
		return "", false
	}
	return s, true
}

// gtin checks a GTIN field and returns it as 14 digits.
func (v *ValidationError) gtin(field, s string) string {
	g, ok := NormalizeGTIN(s)
	if !ok {
		v.Add(field, "must be a GTIN of 8, 12, 13 or 14 digits with a valid GS1 check digit")
	}
	return g
}
