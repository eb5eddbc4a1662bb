package models

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"camreg/fold"
)

// isoCountries are the ISO 3166-1 alpha-2 codes.
var isoCountries = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW`)

// ValidCountry reports whether c is an ISO 3166-1 alpha-2 code (upper case).
func ValidCountry(c string) bool {
	_, ok := slices.BinarySearch(isoCountries, c)
	return ok
}

// text checks a free-text field: trimmed, valid UTF-8, within max runes, and
// present when required. It returns the trimmed value.
func (v *ValidationError) text(field string, p *string, required bool, max int) string {
	if p == nil {
		if required {
			v.Add(field, "is required")
		}
		return ""
	}
	s := strings.TrimSpace(*p)
	if n, plain := plainText(s); plain {
		// Valid, NFC already, nothing hidden: only emptiness and length
		// are left to check (the other checks would pass).
		switch {
		case required && s == "":
			v.Add(field, "must not be empty")
		case n > max:
			v.Add(field, "must be at most %d characters", max)
		}
	} else {
		s = v.textScans(field, s, required, max)
	}
	*p = s
	return s
}

// textScans is text's check of a trimmed value that is not plain text
// (plainText), one scan a check; it returns the value in NFC.
func (v *ValidationError) textScans(field, s string, required bool, max int) string {
	// Stored text is NFC: "Công ty" typed in decomposed form (Unikey's
	// "Unicode tổ hợp", macOS) is the same name as in composed form.
	s = fold.NFC(s)
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case required && s == "":
		v.Add(field, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "must be at most %d characters", max)
	case strings.ContainsAny(s, "\x00"):
		v.Add(field, "must not contain NUL characters")
	case strings.ContainsFunc(s, hiddenControl):
		v.Add(field, "must not contain control characters or bidirectional overrides")
	}
	return s
}

// enum checks that *p is one of allowed.
func (v *ValidationError) enum(field string, p *string, required bool, allowed ...string) {
	if p == nil {
		if required {
			v.Add(field, "is required; one of %s", strings.Join(allowed, ", "))
		}
		return
	}
	if !slices.Contains(allowed, *p) {
		v.Add(field, "must be one of %s", strings.Join(allowed, ", "))
	}
}

// date parses *p as YYYY-MM-DD.
func (v *ValidationError) date(field string, p *string, required bool) Date {
	if p == nil || *p == "" {
		if required {
			v.Add(field, "is required, as YYYY-MM-DD")
		}
		return Date{}
	}
	d, err := ParseDate(*p)
	if err != nil {
		v.Add(field, "must be a date of the form YYYY-MM-DD")
	}
	return d
}

// country checks an ISO 3166-1 alpha-2 code, accepting lower case.
func (v *ValidationError) country(field string, p *string, required bool) string {
	if p == nil || *p == "" {
		if required {
			v.Add(field, "is required, as an ISO 3166-1 alpha-2 code such as VN")
		}
		return ""
	}
	c := strings.ToUpper(strings.TrimSpace(*p))
	v.Check(ValidCountry(c), field, "must be an ISO 3166-1 alpha-2 code such as VN, CN or KR")
	return c
}

// webURL checks an http(s) URL.
func (v *ValidationError) webURL(field string, p *string) string {
	s := v.text(field, p, false, 2000)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.Add(field, "must be an http or https URL")
	}
	return s
}

// email checks an e-mail address.
func (v *ValidationError) email(field string, p *string) string {
	s := v.text(field, p, false, 254)
	if s == "" {
		return ""
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		v.Add(field, "must be an e-mail address such as info@example.vn")
	}
	return s
}

// refID checks that an id field has the shape of an id.
func (v *ValidationError) refID(field string, p *string, required bool) string {
	if p == nil || *p == "" {
		if required {
			v.Add(field, "is required")
		}
		return ""
	}
	if !ValidID(*p) {
		v.Add(field, "must be an id")
	}
	return *p
}

var (
	phonePattern  = regexp.MustCompile(`^\+?[0-9 .()-]{6,20}$`)
	hsCodePattern = regexp.MustCompile(`^[0-9]{4}(\.[0-9]{2}){0,3}$`)
	cvePattern    = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,7}$`)
)

// province resolves a province field to its canonical entry.
func (v *ValidationError) province(field string, p *string, required bool) *Province {
	if p == nil || strings.TrimSpace(*p) == "" {
		if required {
			v.Add(field, "is required: a province name or code such as \"Hà Nội\", \"ha noi\" or \"01\"")
		}
		return nil
	}
	pr := LookupProvince(*p)
	if pr == nil {
		v.Add(field, "%q is not one of Vietnam's 34 provinces and cities; use a name such as \"Đà Nẵng\" or a code such as \"48\"", *p)
	}
	return pr
}

// oneScript refuses an identifier whose letters mix scripts, such as a
// brand written with a Cyrillic і among Latin letters: a lookalike made to
// pass for another registration, never a real name.
func (v *ValidationError) oneScript(field, s string) {
	if sc := fold.Scripts(s); len(sc) > 1 {
		v.Add(field, "mixes letters of the %s scripts; write it in one script", strings.Join(sc, " and "))
	}
}

// letterSigns refuses, in an identifier, a sign that compatibility folding
// spells as letters (™ as "TM", ℠ as "SM", № as "No", ㎜ as "mm"): a brand
// "Hikvision™" was keyed "hikvisiontm", a brand of its own beside
// Hikvision, so a decoy registered under it shadowed the real model's
// verdict (the red team's pass of 2026-12-07). ® and ©, which fold to no
// letter, are dropped from the key as punctuation already. It refuses a
// digit of another script too (Arabic-Indic ٢, Devanagari २): keys keep
// ASCII digits only, so "DS-٢CD1023G0E-I" was keyed without its digit, a
// model of its own (digits have no script, so oneScript let it pass).
// Full-width and mathematical digits fold to ASCII ones, and are taken.
func (v *ValidationError) letterSigns(field, s string) {
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		switch {
		case unicode.IsSymbol(r) && strings.ContainsFunc(norm.NFKC.String(string(r)), func(c rune) bool { return c < 0x80 && unicode.IsLetter(c) }):
			v.Add(field, "holds the sign %q, which reads as letters; leave it out", string(r))
			return
		case unicode.IsDigit(r) && !asciiDigits(norm.NFKC.String(string(r))):
			v.Add(field, "holds the digit %q of another script; write it as 0-9", string(r))
			return
		}
	}
}

func asciiDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// hiddenControl reports a character stored text may not hold: a control
// character other than a tab or a line break (an escape sequence in a name
// recolours an admin's terminal when exported to it; U+0001 in a number
// made a second document), or a bidirectional embedding, override or
// isolate, which shows a name's letters in another order than they are
// stored ("Trojan Source"). The marks U+200E and U+200F are allowed.
// plainText reports, in one scan, whether s is text that text's checks
// pass by and NFC leaves as it is: valid UTF-8, every rune one NFC passes
// by (fold.NFC's), no NUL, no hidden control; and then its rune count.
// text made five scans of every field (NFC, UTF-8, the count, NUL, the
// controls): 5 % of a national organizations import's CPU.
func plainText(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				return 0, false
			}
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !fold.NFCInert(r) || hiddenControl(r) {
			return 0, false
		}
		i += size
		n++
	}
	return n, true
}

func hiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// indexedField is the field name of a list's i-th item, "name[i]": built
// for every item of every row an import checks (national certificates'
// 117,809 covered models), where fmt.Sprintf cost several times as much.
func indexedField(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}
