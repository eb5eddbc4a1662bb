package search

import (
	"strings"

	"camreg/fold"
)

// Streets by their initials. People write a street by its initials
// ("46 HBT" for Hai Bà Trưng, "CMT8" for Cách Mạng Tháng Tám) or partly
// so ("P.V.Đồng", "Vo V Kiet", "Cach Mang T8", "2 Bà Trưng"). An
// organization's document carries the initials of its own address's
// street (streetKeys), and Rewrite writes a street typed so as its
// initials (abbreviatedStreet): every street of the registry is found by
// its initials, not only the ones a list would name. Dropping them, as
// Rewrite did, left the house number and the ward to tell the street
// apart, and a national registry holds a dozen traders at the same number
// in a ward of that name.

// numberWords are the numbers a street's name may spell ("Tháng Tám",
// "Hai Bà Trưng"), which people write as digits ("CMT8", "2 Bà Trưng").
var numberWords = map[string]string{"mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4", "nam": "5",
	"sau": "6", "bay": "7", "tam": "8", "chin": "9", "muoi": "10"}

// maxStreetWords bounds the words of a street's name.
const maxStreetWords = 6

// streetKeys are the initials of the street of address, a registry's
// address that starts with its house number ("46 Hai Bà Trưng, Phường Tân
// Định"): its words' initials, a number word's either as its initial or
// as its digits ("cmtt", "cmt8" for Cách Mạng Tháng Tám), a number as it
// is ("30t4"); none for an address that starts otherwise, or a street of
// one word.
func streetKeys(address string) []string {
	first, _, _ := strings.Cut(address, ",")
	folded := fold.Text(first)
	ws := textWords(folded)
	s := streetStart(folded, ws)
	if s == 0 || len(ws)-s < 2 || len(ws)-s > maxStreetWords {
		return nil
	}
	keys := []string{""}
	for _, w := range ws[s:] {
		alts := []string{w}
		if !allDigits([]string{w}) {
			if lettered([]string{w}) != 1 {
				return nil // "Lô H11": no street's name
			}
			alts = []string{w[:1]}
			if d, ok := numberWords[w]; ok && len(keys) < 8 {
				alts = append(alts, d)
			}
		}
		next := make([]string, 0, len(keys)*len(alts))
		for _, k := range keys {
			for _, a := range alts {
				next = append(next, k+a)
			}
		}
		keys = next
	}
	out := keys[:0]
	for _, k := range keys {
		if !Syllable(k) { // "ac" (Âu Cơ) is a word of its own
			out = append(out, k)
		}
	}
	return out
}

// streetStart is where the street begins in ws, the words of folded, an
// address: after its house number ("46", "29C", "46/2", "số 46") and an
// "đường" after it; 0 when folded starts with no house number.
func streetStart(folded string, ws []string) int {
	fs := strings.Fields(folded)
	s := 0
	if len(fs) > 1 && fs[0] == "so" {
		fs, s = fs[1:], 1
	}
	if len(fs) == 0 || !startsDigit(fs[0]) {
		return 0
	}
	for _, w := range textWords(fs[0]) {
		if !houseNumber(w) {
			return 0
		}
		s++
	}
	for s < len(ws) && (ws[s] == "duong" || ws[s] == "d") {
		s++
	}
	return s
}

// joinedHouseNumber is ws, an address's words (folded its folded text),
// with a house number of several numbers ("46/2") as one word again, so
// that the street after it is read as a street when Rewrite reads its
// own text again.
func joinedHouseNumber(folded string, ws []string) []string {
	fs := strings.Fields(folded)
	i := 0
	if len(fs) > 1 && fs[0] == "so" {
		i = 1
	}
	if i >= len(fs) {
		return ws
	}
	hw := textWords(fs[i])
	if len(hw) < 2 || len(ws) < i+len(hw) || !equalWords(ws[i:i+len(hw)], hw) {
		return ws
	}
	return append(append(append(make([]string, 0, len(ws)), ws[:i]...), strings.Join(hw, "/")), ws[i+len(hw):]...)
}

// wardMarkers are the words that say a ward's name follows: "P." and "X."
// as people write them, "phường" and "xã" in full.
var wardMarkers = map[string]string{"p": "phuong", "x": "xa", "phuong": "phuong", "xa": "xa"}

// abbreviatedStreet is ws, an address's words (folded its folded text),
// with its street written as its initials (see streetKeys) when it was
// typed by them, in part at least: a word of letters without a vowel
// ("hbt", "pvd", "v"), with a number after them ("cmt8", "t8"), or a
// number ("2 bà trưng"). The street ends at the ward's "P." or "X.", or,
// with no ward named, is the initials alone ("58 LTK", "236 CMT 8").
// Whether it changed anything is returned too.
func abbreviatedStreet(folded string, ws []string) ([]string, bool) {
	s := streetStart(folded, ws)
	if s == 0 || s >= len(ws) {
		return ws, false
	}
	e := 0
	for j := s + 1; j < len(ws) && j <= s+maxStreetWords; j++ {
		if wardMarkers[ws[j]] != "" && j+1 < len(ws) && !startsDigit(ws[j+1]) {
			e = j
			break
		}
	}
	if e == 0 {
		// No ward named: only initials that need no words around them.
		if !initialsBlock(ws[s]) || len(ws[s]) < 2 {
			return ws, false
		}
		e = s + 1
		if e < len(ws) && len(ws[e]) <= 2 && allDigits(ws[e:e+1]) && (e+1 == len(ws) || !startsDigit(ws[e+1])) {
			e++ // "CMT 8"
		}
	}
	var key strings.Builder
	abbreviated := false
	for _, w := range ws[s:e] {
		switch {
		case w == "ng":
			key.WriteString("n") // Nguyễn cut short, not initials
		case initialsBlock(w) || allDigits([]string{w}):
			key.WriteString(w)
			abbreviated = true
		case lettered([]string{w}) == 1:
			key.WriteString(w[:1])
		default:
			return ws, false // a word of letters and digits of another kind
		}
	}
	if !abbreviated || key.Len() < 2 {
		return ws, false
	}
	out := append(append(append(make([]string, 0, len(ws)), ws[:s]...), key.String()), ws[e:]...)
	return out, !equalWords(out, ws)
}

// initialsBlock says whether w reads as initials: letters without a
// vowel ("hbt", "v", "đ" folded), perhaps with a number after them
// ("cmt8", "t8"); a single letter of any kind is one.
func initialsBlock(w string) bool {
	l := strings.TrimRightFunc(w, func(r rune) bool { return r >= '0' && r <= '9' })
	if l == "" || strings.IndexFunc(l, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return false
	}
	return len(l) == 1 || !strings.ContainsAny(l, "aeiouy")
}
