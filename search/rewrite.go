package search

import (
	"regexp"
	"strings"
	"unicode"

	"camreg/fold"
	"camreg/match"
	"camreg/models"
)

// Rewrite is the query text every backend searches for text: the same
// words, less what people type around them that no record holds. A tax
// code behind its label ("MST: 0101234567", "mã số thuế 0101234567") is
// the tax code; "cty" is "công ty" ("cty cp" is "công ty cổ phần"), and a
// query that starts with a trade's abbreviation ("CH", "TT", "HKD",
// "DNTN") has it written out. Beside a model number, what a listing or a
// box prints around it goes (the lens "2.8mm", the resolution "4MP",
// "camera", "IP", "wifi", "chính hãng"); in an address, the words that
// name no place ("số", "đường", the "P." or "X." before a ward, the old
// district "Q.1"). Any other text is returned as it is.
func Rewrite(text string) string {
	dropped := false
	if strings.Contains(text, ",") {
		text, dropped = withoutDistrict(text)
	}
	folded := fold.Text(text)
	ws := textWords(folded)
	if len(ws) > 0 && len(ws[0]) > 3 && strings.HasPrefix(ws[0], "mst") && allDigits(append([]string{ws[0][3:]}, ws[1:]...)) {
		return strings.Join(append([]string{ws[0][3:]}, ws[1:]...), "") // "MST0101234567", the label glued
	}
	for _, label := range [][]string{{"mst"}, {"ma", "so", "thue"}} {
		if len(ws) > len(label) && equalWords(ws[:len(label)], label) && allDigits(ws[len(label):]) {
			return strings.Join(ws[len(label):], "")
		}
	}
	address := len(ws) >= 3 && (houseNumber(ws[0]) || ws[0] == "so" && houseNumber(ws[1])) && lettered(ws) >= 2
	if !address {
		if toks, ok := modelTokens(folded); ok {
			return strings.Join(toks, " ")
		}
	}
	model := !address && modelWord(ws)
	changed := dropped
	var out []string
	for i := 0; i < len(ws); i++ {
		w, next, prev := ws[i], "", ""
		if i+1 < len(ws) {
			next = ws[i+1]
		}
		if i > 0 {
			prev = ws[i-1]
		}
		switch {
		case w == "cty":
			out, changed = append(out, "cong", "ty"), true
		case w == "cp" && (prev == "cty" || prev == "ty"):
			out, changed = append(out, "co", "phan"), true
		case i == 0 && !model && tradeAbbrevs[w] != nil && next != "" && lettered([]string{next}) == 1:
			out, changed = append(out, tradeAbbrevs[w]...), true
		case !model && gluedTrades[w] != nil:
			out, changed = append(out, gluedTrades[w]...), true
		case i == 1 && !model && slippedTrade(prev, w) != "":
			// "Cửa hàg": a trade's second word with a slip, too short
			// for bleve's and PostgreSQL's typos (five letters).
			out, changed = append(out, slippedTrade(prev, w)), true
		case address && (w == "so" && startsDigit(next) || (w == "duong" || w == "d") && startsDigit(prev) ||
			(w == "p" || w == "x") && i > 0 && next != "" && !startsDigit(next)):
			changed = true
		case address && i > 0 && (w == "q" || w == "quan") && allDigits([]string{next}):
			// An old district, "Q.1", "quận 3": the registry's addresses
			// name the ward and the province only.
			i, changed = i+1, true
		case address && i > 0 && len(w) >= 2 && len(w) <= 3 && w[0] == 'q' && allDigits([]string{w[1:]}):
			changed = true
		case address && i > 0 && w == "t" && i+1 < len(ws) && models.LookupProvince(strings.Join(ws[i+1:], " ")) != nil:
			// "T. Nghệ An" (tỉnh) at the end: the province, which the
			// searches rank by.
			changed = true
		default:
			out = append(out, w)
		}
	}
	if !changed || len(out) == 0 {
		return text
	}
	return strings.Join(out, " ")
}

// districtPrefixes start the part of an address that names its district
// (a quận, huyện or thị xã), which the registry's addresses, written after
// the 2025 reform, no longer hold.
var districtPrefixes = []string{"quan ", "q.", "q ", "huyen ", "h.", "thi xa ", "tx.", "tx "}

// withoutDistrict is text, an address starting with its house number,
// less the comma-separated part that names a district ("12 Lê Lợi, P.
// Bến Thành, Quận 1, TP.HCM"), and whether there was one.
func withoutDistrict(text string) (string, bool) {
	parts := strings.Split(text, ",")
	if len(parts) < 3 || !houseNumber(strings.ToLower(strings.SplitN(strings.TrimSpace(parts[0]), " ", 2)[0])) {
		return text, false
	}
	kept := parts[:1]
	for _, p := range parts[1:] {
		f := strings.TrimSpace(fold.Text(p))
		drop := false
		for _, pre := range districtPrefixes {
			drop = drop || strings.HasPrefix(f, pre)
		}
		if !drop {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ","), len(kept) < len(parts)
}

// modelTokens is folded's white-space separated tokens less what a
// listing prints beside a model number (a lens "2.8mm", "4 mm", "(4mm)",
// "-2.8MM"; a resolution "4MP", "1080p"; "camera", "IP", "wifi",
// "chính hãng"), when that leaves a model number and takes something. A
// resolution joined to a model number by a dash is the model number's
// ("YC-2830-5MP"), and the tokens keep their dashes, so that the result
// rewrites to itself.
func modelTokens(folded string) ([]string, bool) {
	if !strings.Contains(folded, "mm") && !strings.Contains(folded, "mp") && !strings.Contains(folded, "0p") &&
		!strings.Contains(folded, "camera") && !strings.Contains(folded, "ip") && !strings.Contains(folded, "wifi") &&
		!strings.Contains(folded, "chinh") {
		return nil, false // most queries: nothing to take
	}
	toks := strings.Fields(folded)
	kept := make([]string, 0, len(toks))
	changed := false
	for i := 0; i < len(toks); i++ {
		t := strings.Trim(toks[i], "(),;")
		switch {
		case productWords[t]:
			changed = true
		case t == "chinh" && i+1 < len(toks) && toks[i+1] == "hang":
			i, changed = i+1, true
		case !startsDigit(t) && !strings.HasSuffix(t, "mm") && !strings.HasSuffix(t, "mm)"):
			// Neither a spec nor a model number with a lens joined.
			kept = append(kept, toks[i])
		case specRE.MatchString(t):
			changed = true
		case numberRE.MatchString(t) && i+1 < len(toks) && unitWords[strings.Trim(toks[i+1], "(),;")]:
			i, changed = i+1, true
		default:
			cut := lensSuffixRE.ReplaceAllString(toks[i], "")
			changed = changed || cut != toks[i]
			if cut != "" {
				kept = append(kept, cut)
			}
		}
	}
	if !changed || !modelWord(textWords(strings.Join(kept, " "))) {
		return nil, false
	}
	return kept, true
}

var (
	// specRE is a lens, or a resolution, as a token of its own.
	specRE = regexp.MustCompile(`^(?:\d+(?:[.,]\d+)?(?:mm|mp|megapixel)|(?:720|960|1080|1440|2160)p)$`)
	// numberRE and unitWords are a lens or a resolution in two tokens.
	numberRE  = regexp.MustCompile(`^\d+(?:[.,]\d+)?$`)
	unitWords = map[string]bool{"mm": true, "mp": true}
	// lensSuffixRE is a lens joined to a model number ("-2.8mm", "(4mm)").
	lensSuffixRE = regexp.MustCompile(`[-_(]\d+(?:[.,]\d+)?mm\)?$`)
)

// productWords are the words, beside a model number, that say what the
// product is rather than which: every model is a camera.
var productWords = map[string]bool{"camera": true, "ip": true, "wifi": true}

// tradeAbbrevs are the trades people abbreviate at the start of a shop's
// name.
var tradeAbbrevs = map[string][]string{
	"ch": {"cua", "hang"}, "tt": {"trung", "tam"}, "hkd": {"ho", "kinh", "doanh"}, "dntn": {"doanh", "nghiep", "tu", "nhan"},
}

// gluedTrades are the words of a trade typed without their space
// ("Cửahàng", "Côngty"), as a phone's keyboard drops it.
var gluedTrades = map[string][]string{
	"cuahang": {"cua", "hang"}, "congty": {"cong", "ty"}, "trungtam": {"trung", "tam"}, "sieuthi": {"sieu", "thi"},
	"dienmay": {"dien", "may"}, "dientu": {"dien", "tu"}, "hokinhdoanh": {"ho", "kinh", "doanh"},
}

// tradePairs are the trades of two words shops' names start with.
var tradePairs = [][2]string{{"cua", "hang"}, {"cong", "ty"}, {"trung", "tam"}, {"sieu", "thi"}, {"dien", "may"}, {"dien", "tu"}}

// slippedTrade is the trade's second word that w, typed after first at a
// query's start, is with one slip (and is no syllable itself), or "".
func slippedTrade(first, w string) string {
	for _, p := range tradePairs {
		if first == p[0] && w != p[1] && len(w) >= 2 && !Syllable(w) && match.Distance(w, p[1]) <= 1 {
			return p[1]
		}
	}
	return ""
}

// modelWord says whether ws hold a word that reads as a model number: of
// three characters or more, with a letter and a digit.
func modelWord(ws []string) bool {
	for _, w := range ws {
		if len(w) >= 3 && strings.IndexFunc(w, unicode.IsLetter) >= 0 && strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			return true
		}
	}
	return false
}

// houseNumber says whether w reads as a house's number: digits, perhaps
// with a letter ("29C").
func houseNumber(w string) bool {
	n := len(w)
	if n > 1 && w[n-1] >= 'a' && w[n-1] <= 'z' {
		n--
	}
	return n > 0 && allDigits([]string{w[:n]})
}

// lettered is how many of ws are letters only.
func lettered(ws []string) int {
	n := 0
	for _, w := range ws {
		if strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			n++
		}
	}
	return n
}

func startsDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// textWords splits folded text into words of letters and digits.
func textWords(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func allDigits(ws []string) bool {
	for _, w := range ws {
		if w == "" || strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return false
		}
	}
	return len(ws) > 0
}
