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
// name no place ("số", "đường", the old district "Q.1") go, the "P." or
// "X." before a ward is written out ("phường", "xã"), and a street typed
// by its initials is written as them (abbreviatedStreet). Any other text
// is returned as it is.
func Rewrite(text string) string {
	dropped := false
	if strings.Contains(text, ",") {
		text, dropped = withoutDistrict(text)
	}
	folded := fold.Text(text)
	ws := textWords(folded)
	if code, ok := taxCode(ws); ok {
		return code
	}
	address := len(ws) >= 3 && (houseNumber(ws[0]) || ws[0] == "so" && houseNumber(ws[1])) && lettered(ws) >= 2
	if !address {
		if toks, ok := modelTokens(folded); ok {
			return strings.Join(toks, " ")
		}
	}
	model := !address && modelWord(ws)
	changed := dropped
	if address {
		var abbreviated bool
		ws, abbreviated = abbreviatedStreet(folded, ws)
		ws, changed = joinedHouseNumber(folded, ws), changed || abbreviated
	}
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
		case i == 0 && !model && initialTraded(w, next):
			// "C.ty", "C.hàng", "T.Tâm", "TTâm", "hộ KD": the trade's
			// first word cut to its initial.
			t, n := initialTrade(w, next)
			out, i, changed = append(out, t...), i+n-1, true
		case i == 0 && !model && len(w) == 1 && dottedTrade(ws) != nil:
			// "H.K.D", "D.N.T.N": the abbreviation with its dots.
			t := dottedTrade(ws)
			out, i, changed = append(out, tradeAbbrevs[t[0]]...), i+len(t[0])-1, true
		case !model && w == "mtv" && prev == "tnhh":
			// "CTY TNHH MTV" (một thành viên): the paperwork's, which
			// the registry's names mostly leave out.
			changed = true
		case !model && w == "ng" && next != "" && lettered([]string{next}) == 1:
			// "Ng. Huệ": Nguyễn cut short, in a street's or a shop's name.
			out, changed = append(out, "nguyen"), true
		case !model && gluedTrades[w] != nil:
			out, changed = append(out, gluedTrades[w]...), true
		case i == 1 && !model && slippedTrade(prev, w) != "":
			// "Cửa hàg": a trade's second word with a slip, too short
			// for bleve's and PostgreSQL's typos (five letters).
			out, changed = append(out, slippedTrade(prev, w)), true
		case address && (w == "so" && startsDigit(next) || (w == "duong" || w == "d") && startsDigit(prev)):
			changed = true
		case address && (w == "p" || w == "x") && i > 0 && next != "" && !startsDigit(next):
			// "P. Bến Thành", "X.Hòa Vang": the ward's "phường" or "xã",
			// which tells "272 Điện Biên Phủ, phường Vĩnh Ninh" from the
			// same number and street in a "xã Vĩnh Ninh".
			out, changed = append(out, wardMarkers[w]), true
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

// taxLabels are the labels written before a tax code: the mã số thuế, and
// the mã số doanh nghiệp, the same number since 2015.
var taxLabels = [][]string{{"mst"}, {"msdn"}, {"ma", "so", "thue"}, {"ma", "so", "doanh", "nghiep"}, {"ma", "so", "dn"}}

// taxCode is the tax code ws, a query's words, write: its digits behind a
// label (glued to it or not: "MST0101234567", "MSDN: 0101234567"), or
// followed by words saying it is a branch's ("0101234567-001 (chi
// nhánh)", "CN"), joined.
func taxCode(ws []string) (string, bool) {
	n := len(ws)
	branch := false
	switch {
	case n >= 3 && ws[n-2] == "chi" && ws[n-1] == "nhanh":
		ws, branch = ws[:n-2], true
	case n >= 2 && ws[n-1] == "cn":
		ws, branch = ws[:n-1], true
	}
	if branch && allDigits(ws) {
		return strings.Join(ws, ""), true
	}
	for _, label := range taxLabels {
		if len(ws) > 0 && len(label) == 1 && len(ws[0]) > len(label[0]) && strings.HasPrefix(ws[0], label[0]) &&
			allDigits(append([]string{ws[0][len(label[0]):]}, ws[1:]...)) {
			return strings.Join(append([]string{ws[0][len(label[0]):]}, ws[1:]...), ""), true // the label glued
		}
		if len(ws) > len(label) && equalWords(ws[:len(label)], label) && allDigits(ws[len(label):]) {
			return strings.Join(ws[len(label):], ""), true
		}
	}
	return "", false
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
// "-2.8MM"; a resolution "4MP", "1080p"; "camera", "cam", "IP", "wifi",
// productPhrases; "giá" in front), when that leaves a model number and takes something. A
// resolution joined to a model number by a dash is the model number's
// ("YC-2830-5MP"), and the tokens keep their dashes, so that the result
// rewrites to itself.
func modelTokens(folded string) ([]string, bool) {
	if !strings.Contains(folded, "mm") && !strings.Contains(folded, "mp") && !strings.Contains(folded, "0p") &&
		!strings.Contains(folded, "cam") && !strings.Contains(folded, "ip") && !strings.Contains(folded, "wifi") &&
		!strings.HasPrefix(folded, "gia ") && !strings.Contains(folded, "chinh") &&
		!strings.Contains(folded, "ngoai troi") && !strings.Contains(folded, "trong nha") && !strings.Contains(folded, "khong day") {
		return nil, false // most queries: nothing to take
	}
	toks := strings.Fields(folded)
	kept := make([]string, 0, len(toks))
	changed := false
	for i := 0; i < len(toks); i++ {
		t := strings.Trim(toks[i], "(),;")
		switch {
		case productWords[t], i == 0 && t == "gia" && i+1 < len(toks) && modelWord([]string{toks[i+1]}):
			// "giá" (price) leads an inspector's note of a model.
			changed = true
		case i+1 < len(toks) && productPhrases[[2]string{t, strings.Trim(toks[i+1], "(),;")}]:
			i, changed = i+1, true
		case !startsDigit(t) && specSuffixRE.MatchString(t) && modelWord([]string{specSuffixRE.ReplaceAllString(t, "")}):
			// "ds-2ce16d0t-it5f/5MP", "HC62W(2.8mm)": a lens or a
			// resolution glued on after a slash or in brackets, which no
			// model number ends with.
			kept, changed = append(kept, specSuffixRE.ReplaceAllString(t, "")), true
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
	if !changed || !modelWord(kept) && !modelWord(textWords(strings.Join(kept, " "))) {
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
	// specSuffixRE is a lens or a resolution glued to a model number
	// after a slash or in brackets ("/5mp", "(2.8mm)", "/1080p"); after a
	// dash, a resolution is the model number's ("YC-2830-5MP").
	specSuffixRE = regexp.MustCompile(`[/(]\d+(?:[.,]\d+)?(?:mm|mp|megapixel)\)?$|[/(](?:720|960|1080|1440|2160)p\)?$`)
)

// productPhrases are the two words, beside a model number, that say what
// the product is or that it is genuine: "chính hãng", "ngoài trời"
// (outdoor), "trong nhà" (indoor), "không dây" (wireless), as an
// inspector's note or a listing adds them.
var productPhrases = map[[2]string]bool{{"chinh", "hang"}: true, {"ngoai", "troi"}: true, {"trong", "nha"}: true, {"khong", "day"}: true}

// productWords are the words, beside a model number, that say what the
// product is rather than which: every model is a camera.
var productWords = map[string]bool{"camera": true, "cam": true, "ip": true, "wifi": true}

// tradeAbbrevs are the trades people abbreviate at the start of a shop's
// name.
var tradeAbbrevs = map[string][]string{
	"ch": {"cua", "hang"}, "tt": {"trung", "tam"}, "hkd": {"ho", "kinh", "doanh"}, "dntn": {"doanh", "nghiep", "tu", "nhan"},
	"ctcp": {"cong", "ty", "co", "phan"},
}

// initialTrade is the trade w, a query's first word, and next write with
// the trade's first word cut to its initial ("c" "ty", "t" "tam", "ttam"),
// or "hộ KD", and how many of the two words write it; nil if none.
func initialTrade(w, next string) ([]string, int) {
	if w == "ho" && next == "kd" {
		return tradeAbbrevs["hkd"], 2
	}
	for _, p := range tradePairs {
		switch {
		case len(w) == 1 && w[0] == p[0][0] && next == p[1]:
			return []string{p[0], p[1]}, 2
		case w == p[0][:1]+p[1] && !Syllable(w):
			return []string{p[0], p[1]}, 1
		}
	}
	return nil, 0
}

func initialTraded(w, next string) bool { t, _ := initialTrade(w, next); return t != nil }

// dottedTrade is, for words starting with single letters ("h" "k" "d"),
// the abbreviation of a trade they spell, as a one-element slice, or nil.
func dottedTrade(ws []string) []string {
	var b strings.Builder
	for _, w := range ws {
		if len(w) != 1 {
			break
		}
		b.WriteString(w)
		if t := b.String(); len(t) >= 2 && tradeAbbrevs[t] != nil {
			return []string{t}
		}
	}
	return nil
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
