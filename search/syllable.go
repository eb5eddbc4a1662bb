package search

import (
	"strings"
	"unicode"

	"camreg/fold"
)

// Vietnamese syllables, folded (no marks, đ as d): what a word typed with
// the input method off decodes to, and what a shop's name glued into one
// word splits into.

// initials are the consonants a folded syllable may start with, longest
// first.
var initials = []string{"ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
	"b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}

// rhymes are the folded rhymes (the vowels and the final) a syllable may
// end with.
var rhymes = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range strings.Fields(`a ai ao au ay am an ang anh ap at ac ach
		e eo eu em en eng enh ep et ec ech
		i ia iu im in inh ip it ich ieu iem ien ieng iep iet iec
		o oa oai oao oay oam oan oang oanh oap oat oac oach oe oeo oen oet oi om on ong oong op ot oc
		u ua uan uang uat uay uc ue uen uenh uet ui um un ung up ut uoi uom uon uong uop uot uoc uu uy uya uyen uyet uynh uych uyu
		y yen yet yeu yem`) {
		m[r] = true
	}
	return m
}()

// Syllable says whether w, folded, is a Vietnamese syllable.
func Syllable(w string) bool {
	if w == "" || len(w) > 7 {
		return false
	}
	for _, in := range initials {
		rest, ok := strings.CutPrefix(w, in)
		if !ok {
			continue
		}
		if rhymes[rest] && rest != "" {
			switch in {
			case "gh", "ngh", "k":
				if rest[0] != 'e' && rest[0] != 'i' && rest[0] != 'y' {
					continue
				}
			case "qu":
				if rest[0] == 'u' {
					continue
				}
			}
			return true
		}
		if in == "gi" && (rest == "" || rhymes["i"+rest]) {
			return true // "gì", "giếng": the i is the initial's and the rhyme's
		}
	}
	return false
}

// telexWord is w (folded) decoded from Telex or VNI keys typed with the
// input method off ("cuwar" → "cua", "hoa2" → "hoa", "ddieenj" → "dien"),
// and how sure that is: strong when it holds a key no Vietnamese or
// English word does (a w after a vowel, "aa", "ee", "oo", "dd", a VNI
// digit, a last f or j), weak when only its last letter (s, r, x) is the
// key ("phus" → "phu": "box" and "max" read the same way).
func telexWord(w string) (decoded string, strong, ok bool) {
	if len(w) < 2 || w[0] < 'a' || w[0] > 'z' {
		return "", false, false
	}
	digits, tones := 0, 0
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '1' && c <= '9':
			// VNI: a mark's digit right after its letter (6 after a, e,
			// o; 7 after o, u; 8 after a; 9 after d), a tone's (1 to 5)
			// after a vowel or a mark, or at the word's end; one tone.
			prev := w[i-1]
			switch {
			case c == '6' && strings.IndexByte("aeo", prev) >= 0, c == '7' && (prev == 'o' || prev == 'u'),
				c == '8' && prev == 'a', c == '9' && prev == 'd':
			case c <= '5' && (vowel(prev) || prev >= '6' && prev <= '9' || i == len(w)-1) && tones == 0:
				tones++
			default:
				return "", false, false
			}
			digits++
			strong = true
			continue
		case c == '0' || c < 'a' || c > 'z':
			return "", false, false
		case c == 'w':
			if i == 0 || !vowel(w[i-1]) {
				return "", false, false
			}
			strong = true
			continue
		case (c == 'a' || c == 'e' || c == 'o' || c == 'd') && i+1 < len(w) && w[i+1] == c:
			strong = true
			continue
		}
		b.WriteByte(c)
	}
	s := b.String()
	if n := len(s); n > 1 && digits == 0 && strings.IndexByte("sfrxj", s[n-1]) >= 0 {
		strong = strong || s[n-1] == 'f' || s[n-1] == 'j'
		s = s[:n-1]
	} else if !strong {
		return "", false, false
	}
	// "d9u7o7ng2" (đường) holds four digits: đ, two marks and a tone.
	if digits > 4 || digits > 0 && len(s) < 2 || s == w || !Syllable(s) {
		return "", false, false
	}
	return s, strong, true
}

// telexSigns says, without folding, whether text may hold a word typed
// with Telex or VNI keys: a w, a doubled a, e, o or d, a digit after a
// letter, or a word ending with s, f, r, x or j. Most text has none.
func telexSigns(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i] | 0x20 // ASCII letters lower-cased; others do not matter
		switch {
		case c == 'w':
			return true
		case (c == 'a' || c == 'e' || c == 'o' || c == 'd') && i+1 < len(text) && text[i+1]|0x20 == c:
			return true
		case text[i] >= '1' && text[i] <= '9' && i > 0 && (text[i-1]|0x20 >= 'a' && text[i-1]|0x20 <= 'z' || text[i-1] >= 0x80):
			return true
		case strings.IndexByte("sfrxj", c) >= 0 && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == ','):
			return true
		}
	}
	return false
}

func vowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

// Telex is text with its words typed in Telex or VNI with the input
// method off decoded ("cuwar hangf quang huy" → "cua hang quang huy"),
// when it holds one: a word with a strong sign of it, or a weak one whose
// other words are all Vietnamese syllables. Words with a digit and no
// VNI key stay as they are, and text with a dash, a slash, a dot or an
// underscore (a model number, a link) is none.
func Telex(text string) (string, bool) {
	if strings.ContainsAny(withoutAbbrevDots(text), "-/._") || !telexSigns(text) {
		return "", false // a model number's, an address's, a link's; no key's
	}
	ws := textWords(fold.Text(text))
	if len(ws) == 0 {
		return "", false
	}
	out := make([]string, len(ws))
	strong, weak := false, false
	others := 0 // words that are syllables already, or numbers
	for i, w := range ws {
		out[i] = w
		d, s, ok := telexWord(w)
		switch {
		case ok:
			out[i] = d
			strong, weak = strong || s, weak || !s
		case Syllable(w) || allDigits([]string{w}):
			others++
		default:
			if !strong {
				// A word neither Vietnamese nor a key's: weak signs
				// count for nothing ("camera box").
				weak = false
			}
			others = -len(ws)
		}
	}
	if strong || weak && others > 0 {
		return strings.Join(out, " "), true
	}
	return "", false
}

// loanwords are the words that are no Vietnamese syllable that shops'
// names glue to their own.
var loanwords = []string{"camera", "tech", "shop", "store", "mobile", "digital", "smart", "home", "vision", "computer", "telecom"}

// Unglue splits a word of text that glues several Vietnamese syllables
// together ("camerahungthinh", "ngoclangia") into them, a number glued to
// its end kept apart ("binhminh11"). It returns up to n readings, the
// likeliest first (fewest pieces; fewer pieces starting with a vowel),
// or none when no word is glued.
func Unglue(text string, n int) []string {
	ws := textWords(fold.Text(text))
	glued := -1
	for i, w := range ws {
		if len(w) >= 6 && !Syllable(w) && !allDigits([]string{w}) {
			if glued >= 0 {
				return nil // one glued word a query
			}
			glued = i
		}
	}
	if glued < 0 {
		return nil
	}
	w := ws[glued]
	var tail string
	if i := strings.IndexAny(w, "0123456789"); i > 0 {
		if !allDigits([]string{w[i:]}) {
			return nil
		}
		w, tail = w[:i], w[i:]
	}
	type reading struct {
		pieces []string
		cost   int
	}
	var found []reading
	var walk func(rest string, pieces []string, cost int)
	walk = func(rest string, pieces []string, cost int) {
		if len(found) >= 64 {
			return
		}
		if rest == "" {
			if len(pieces) >= 2 {
				found = append(found, reading{append([]string(nil), pieces...), cost})
			}
			return
		}
		for l := min(7, len(rest)); l >= 1; l-- {
			p := rest[:l]
			if Syllable(p) {
				walk(rest[l:], append(pieces, p), cost+10+b2i(vowel(p[0])))
			}
		}
		for _, lw := range loanwords {
			if strings.HasPrefix(rest, lw) {
				walk(rest[len(lw):], append(pieces, lw), cost+10)
			}
		}
	}
	walk(w, nil, 0)
	if len(found) == 0 {
		return nil
	}
	// The cheapest first, in the order found among equals (longer
	// first pieces first).
	for i := 1; i < len(found); i++ {
		for j := i; j > 0 && found[j].cost < found[j-1].cost; j-- {
			found[j], found[j-1] = found[j-1], found[j]
		}
	}
	var out []string
	for _, r := range found[:min(n, len(found))] {
		parts := append([]string(nil), ws[:glued]...)
		parts = append(parts, r.pieces...)
		if tail != "" {
			parts = append(parts, tail)
		}
		parts = append(parts, ws[glued+1:]...)
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// withoutAbbrevDots is text less the dots of an address's abbreviations
// ("P.Bến Thành", "T. Nghệ An", "TP.HCM", "Q.10"): a dot after a word of
// one or two letters, before a letter or a space (or after one letter,
// before a number), is no model number's.
func withoutAbbrevDots(text string) string {
	if !strings.Contains(text, ".") {
		return text
	}
	rs := []rune(text)
	for i, r := range rs {
		if r != '.' || i == 0 {
			continue
		}
		n := 0
		for n < i && unicode.IsLetter(rs[i-1-n]) {
			n++
		}
		// After one letter a number may follow ("Q.10", "P.12").
		after := i+1 == len(rs) || unicode.IsLetter(rs[i+1]) || unicode.IsSpace(rs[i+1]) || n == 1 && unicode.IsDigit(rs[i+1])
		if after && n >= 1 && n <= 2 && (n == i || !unicode.IsLetter(rs[i-1-n]) && !unicode.IsDigit(rs[i-1-n])) {
			rs[i] = ' '
		}
	}
	return string(rs)
}
