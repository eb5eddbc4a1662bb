// Command heldout3gen writes search/testdata/heldout3.json: a third
// independent relevance probe for issue #13, written apart from corpusgen
// and from tools/heldoutgen (another language, another seed, other habits).
// Its queries are what an inspector copies off a box, a label photo or a
// trader's paperwork: OCR misreads (M read as RN, W as VV, D as CL, 8 as B,
// 6 as G), a model's suffix dropped or added, a lens or resolution written
// after the number, a misspelt brand, the words an inspector adds ("camera",
// "wifi", "ngoai troi"), Cyrillic and full-width lookalikes, trader names in
// paperwork abbreviations (Cty, CTY TNHH MTV, CTCP, HKD), names in capitals
// without marks, ward and street abbreviations (P., X., CMT8) with the
// province abbreviated (TP.HCM, HN), and tax codes with a branch suffix or
// spaces.
//
// Each query carries the rule its wanted records were chosen by ("same", see
// search/searchtest/heldout.go), so the national distractors are widened by
// the same rule. A query whose wanted record is not unambiguous is skipped:
// a slip that lands on another model's key, or nearer another model than its
// target.
//
//	go run ./tools/heldout3gen [-seed N] [-out search/testdata/heldout3.json]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"camreg/fold"
	"camreg/match"
	"camreg/search/searchtest"
)

type query = searchtest.RelevanceQuery

type gen struct {
	rng   *rand.Rand
	c     *searchtest.Corpus
	keys  []string            // fold.Key of each model's number
	byKey map[string][]string // model ids by key
	seen  map[string]bool     // queries written
	out   []query
}

func main() {
	seed := flag.Uint64("seed", 3031, "random seed (another draw: a fresh probe)")
	per := flag.Int("per", 50, "queries per kind")
	out := flag.String("out", filepath.Join(searchtest.TestdataDir(), "heldout3.json"), "output file")
	flag.Parse()
	c, err := searchtest.LoadCorpus(filepath.Join(searchtest.TestdataDir(), "corpus.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	g := &gen{rng: rand.New(rand.NewPCG(*seed, 0x13)), c: c, byKey: map[string][]string{}, seen: map[string]bool{}}
	for _, m := range c.Models {
		k := fold.Key(m.ModelNumber)
		g.keys = append(g.keys, k)
		g.byKey[k] = append(g.byKey[k], m.ID)
	}
	kinds := []struct {
		kind string
		make func() (query, bool)
	}{
		{"h3_ocr_split", g.ocrSplit},
		{"h3_ocr_glyph", g.ocrGlyph},
		{"h3_suffix_slip", g.suffixSlip},
		{"h3_suffix_lens", g.suffixLens},
		{"h3_brand_misspelt", g.brandMisspelt},
		{"h3_inspector_words", g.inspectorWords},
		{"h3_lookalike_model", g.lookalikeModel},
		{"h3_lookalike_name", g.lookalikeName},
		{"h3_caps_name", g.capsName},
		{"h3_trader_abbrev", g.traderAbbrev},
		{"h3_ward_abbrev", g.wardAbbrev},
		{"h3_tax_branch", g.taxBranch},
	}
	for _, k := range kinds {
		n := 0
		for tries := 0; n < *per && tries < *per*200; tries++ {
			q, ok := k.make()
			if !ok || g.seen[q.Q] {
				continue
			}
			q.Kind = k.kind
			g.seen[q.Q] = true
			g.out = append(g.out, q)
			n++
		}
		fmt.Fprintf(os.Stderr, "%-20s %d\n", k.kind, n)
	}
	g.rng.Shuffle(len(g.out), func(i, j int) { g.out[i], g.out[j] = g.out[j], g.out[i] })
	var b strings.Builder
	b.WriteString("[\n")
	for i, q := range g.out {
		line, _ := json.Marshal(q)
		b.Write(line)
		if i < len(g.out)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func (g *gen) model() (int, searchtest.CorpusModel) {
	i := g.rng.IntN(len(g.c.Models))
	return i, g.c.Models[i]
}

// nearest is the query q for a slip of model i: the models nearest its key
// (with and without the target's brand in front, as widen weighs them),
// the target first; not ok when the slip did nothing, lands on another
// model's key, is nearer another model, or lies beyond two edits.
func (g *gen) nearest(q string, i int) (query, bool) {
	k := fold.Key(q)
	rest := k
	if b := fold.Key(g.c.Models[i].Brand); strings.HasPrefix(k, b) {
		rest = k[len(b):]
	}
	if k == g.keys[i] || rest == g.keys[i] {
		return query{}, false
	}
	best, want := -1.0, []string{}
	for j, mk := range g.keys {
		d := min(match.Distance(k, mk), match.Distance(rest, mk))
		switch {
		case best < 0 || d < best:
			best, want = d, []string{g.c.Models[j].ID}
		case d == best:
			want = append(want, g.c.Models[j].ID)
		}
	}
	id := g.c.Models[i].ID
	if best == 0 || best > 2 || !slices.Contains(want, id) {
		return query{}, false
	}
	want = slices.DeleteFunc(want, func(s string) bool { return s == id })
	return query{Q: q, Want: append([]string{id}, want...), Same: "nearest"}, true
}

// byKeyQuery is q answered by every model with model i's key.
func (g *gen) byKeyQuery(q string, i int) (query, bool) {
	ids := slices.Clone(g.byKey[g.keys[i]])
	id := g.c.Models[i].ID
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == id })
	return query{Q: q, Want: append([]string{id}, ids...), Same: "key"}, true
}

// withBrand writes a model number as a label shows it: alone, after the
// brand, or in lower case.
func (g *gen) withBrand(m searchtest.CorpusModel, num string) string {
	switch g.rng.IntN(4) {
	case 0:
		return m.Brand + " " + num
	case 1:
		return strings.ToLower(num)
	}
	return num
}

// replaceAt replaces the n-th occurrence (0-based) of from in s by to.
func replaceAt(s, from, to string, n int) string {
	off := 0
	for ; n >= 0; n-- {
		j := strings.Index(s[off:], from)
		if j < 0 {
			return s
		}
		off += j
		if n > 0 {
			off += len(from)
		}
	}
	return s[:off] + to + s[off+len(from):]
}

// slip replaces one randomly chosen occurrence of one of pairs' keys in s.
func (g *gen) slip(s string, pairs [][2]string) (string, bool) {
	type at struct {
		from, to string
		n        int
	}
	var cands []at
	for _, p := range pairs {
		for n := range strings.Count(s, p[0]) {
			cands = append(cands, at{p[0], p[1], n})
		}
	}
	if len(cands) == 0 {
		return s, false
	}
	c := cands[g.rng.IntN(len(cands))]
	return replaceAt(s, c.from, c.to, c.n), true
}

// ocrSplit: one glyph read as two, or two as one, by a label's OCR.
func (g *gen) ocrSplit() (query, bool) {
	i, m := g.model()
	num, ok := g.slip(m.ModelNumber, [][2]string{{"M", "RN"}, {"W", "VV"}, {"D", "CL"}, {"RN", "M"}, {"VV", "W"}, {"CL", "D"}, {"m", "rn"}, {"w", "vv"}})
	if !ok {
		return query{}, false
	}
	return g.nearest(g.withBrand(m, num), i)
}

// ocrGlyph: one glyph read as its lookalike.
func (g *gen) ocrGlyph() (query, bool) {
	i, m := g.model()
	num, ok := g.slip(m.ModelNumber, [][2]string{{"8", "B"}, {"B", "8"}, {"6", "G"}, {"G", "6"}, {"5", "S"}, {"S", "5"},
		{"0", "O"}, {"O", "0"}, {"2", "Z"}, {"U", "V"}, {"V", "U"}, {"1", "I"}, {"I", "1"}, {"E", "F"}, {"H", "N"}, {"C", "G"}})
	if !ok {
		return query{}, false
	}
	return g.nearest(g.withBrand(m, num), i)
}

// suffixSlip: the letters after the last dash one short, one long, or
// another ("-I" for "-IU", "-IU" for "-I", "-IS" for "-IU").
func (g *gen) suffixSlip() (query, bool) {
	i, m := g.model()
	d := strings.LastIndexByte(m.ModelNumber, '-')
	if d < 0 || d == len(m.ModelNumber)-1 {
		return query{}, false
	}
	head, suf := m.ModelNumber[:d+1], m.ModelNumber[d+1:]
	if len(suf) > 4 {
		return query{}, false
	}
	extra := g.pick([]string{"U", "S", "W", "Z", "H", "F"})
	switch {
	case len(suf) >= 2 && g.rng.IntN(3) == 0:
		suf = suf[:len(suf)-1]
	case g.rng.IntN(2) == 0:
		suf += extra
	default:
		suf = suf[:len(suf)-1] + extra
	}
	return g.nearest(g.withBrand(m, head+suf), i)
}

// megapixels is the resolution a model's name gives ("... 4MP"), or one.
func (g *gen) megapixels(m searchtest.CorpusModel) string {
	for _, w := range strings.Fields(m.Name) {
		if strings.HasSuffix(w, "MP") && len(w) <= 4 {
			return w
		}
	}
	return g.pick([]string{"2MP", "4MP", "5MP"})
}

// suffixLens: the lens or resolution written after the number, as a
// listing does.
func (g *gen) suffixLens() (query, bool) {
	i, m := g.model()
	mp := g.megapixels(m)
	tail := g.pick([]string{" (2.8mm)", " (3.6mm)", " 2.8mm", " / " + mp, "/" + mp, " - " + mp, " (" + strings.ToLower(mp) + ")",
		" 3.6MM " + mp, " " + mp + " 2.8mm"})
	return g.byKeyQuery(g.withBrand(m, m.ModelNumber)+tail, i)
}

var misspelt = map[string][]string{
	"Hikvision": {"Hikvison", "Hikvsion", "Hik vision", "HIKVISON", "Hikvisio", "Hikvission"},
	"Dahua":     {"Dahau", "Dauha", "DAHAU", "Dahuaa", "Dhua"},
	"EZVIZ":     {"Ezvis", "EZVIS", "Ezviz", "Ezwiz", "Ezvi"},
	"Imou":      {"IMOU", "imou", "Imuo", "Imou.", "Iimou"},
	"TP-Link":   {"TPLink", "Tp link", "TP Linh", "TPlink", "Tplnk"},
	"KBVision":  {"KB Vison", "KBvison", "Kbvission", "KB-Vision", "KBVison"},
	"Vantech":   {"Vantec", "Vanteck", "VanTech", "Vantesh"},
	"Panasonic": {"Panasonik", "Panasnic", "Panasonix"},
	"Xiaomi":    {"Xiomi", "Xaomi", "Xiaomy", "XIAOMI"},
	"Uniview":   {"Univew", "Uniwiew", "Univiev", "UNV"},
	"Hanwha":    {"Hanhwa", "Hanwah", "Hawha"},
	"Yoosee":    {"Yosee", "Yoose", "Yoseee", "YOOSEE"},
	"Questek":   {"Questeck", "Questech", "Qestek"},
	"Axis":      {"Axxis", "Axsis", "AXIS"},
	"BKAV":      {"Bkav", "Bkaw", "BKAVV"},
	"Viettel":   {"Vietel", "Viettell", "Viettl"},
	"Ebitcam":   {"Ebitcom", "Ebit cam", "Ebitcamm", "Ebicam"},
}

// brandMisspelt: a misspelt brand before the exact model number.
func (g *gen) brandMisspelt() (query, bool) {
	i, m := g.model()
	bs, ok := misspelt[m.Brand]
	if !ok {
		return query{}, false
	}
	num := m.ModelNumber
	if g.rng.IntN(3) == 0 {
		num = strings.ToLower(num)
	}
	return g.byKeyQuery(g.pick(bs)+" "+num, i)
}

// inspectorWords: the exact number among the words an inspector adds.
func (g *gen) inspectorWords() (query, bool) {
	i, m := g.model()
	mp := strings.ToLower(g.megapixels(m))
	num := m.ModelNumber
	if g.rng.IntN(3) == 0 {
		num = strings.ToLower(num)
	}
	forms := []string{"camera " + num, num + " wifi", "cam " + num + " " + mp, num + " ngoai troi", "camera " + m.Brand + " " + num + " chinh hang",
		num + " trong nha", "mat camera " + num, num + " " + mp + " wifi ngoai troi", "camera ip " + num, "dau ghi " + num + "?", "gia " + num}
	return g.byKeyQuery(g.pick(forms), i)
}

var cyrillic = map[rune]rune{'A': 'А', 'B': 'В', 'E': 'Е', 'K': 'К', 'M': 'М', 'H': 'Н', 'O': 'О', 'P': 'Р', 'C': 'С', 'T': 'Т', 'X': 'Х',
	'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у'}

// lookalike writes up to n of s's Latin letters in Cyrillic, or its digits
// full-width; ok when it changed something.
func (g *gen) lookalike(s string, n int, digits bool) (string, bool) {
	rs := []rune(s)
	var at []int
	for j, r := range rs {
		if _, ok := cyrillic[r]; ok || (digits && r >= '0' && r <= '9') {
			at = append(at, j)
		}
	}
	if len(at) == 0 {
		return s, false
	}
	g.rng.Shuffle(len(at), func(a, b int) { at[a], at[b] = at[b], at[a] })
	for _, j := range at[:min(n, len(at))] {
		if r, ok := cyrillic[rs[j]]; ok {
			rs[j] = r
		} else {
			rs[j] = rs[j] - '0' + '０'
		}
	}
	return string(rs), true
}

// lookalikeModel: Cyrillic letters or full-width digits in a model number
// pasted from a listing.
func (g *gen) lookalikeModel() (query, bool) {
	i, m := g.model()
	num, ok := g.lookalike(m.ModelNumber, 1+g.rng.IntN(3), true)
	if !ok {
		return query{}, false
	}
	return g.byKeyQuery(g.withBrand(m, num), i)
}

// byName is q answered by the traders with organization o's name.
func (g *gen) byRule(q, same string, o searchtest.CorpusOrganization) (query, bool) {
	rq := query{Q: q, Same: same, Want: []string{o.ID}}
	for _, x := range g.c.Organizations {
		if x.ID != o.ID && searchtest.HeldoutAnswers(rq, o, x) {
			rq.Want = append(rq.Want, x.ID)
		}
	}
	return rq, true
}

func (g *gen) org() searchtest.CorpusOrganization {
	return g.c.Organizations[g.rng.IntN(len(g.c.Organizations))]
}

// lookalikeName: a trader's name pasted with Cyrillic letters in it.
func (g *gen) lookalikeName() (query, bool) {
	o := g.org()
	name, ok := g.lookalike(o.Name, 1+g.rng.IntN(3), false)
	if !ok {
		return query{}, false
	}
	return g.byRule(name, "name", o)
}

// plainCaps is s in capitals without marks, as a form typed on an old
// keyboard ("CONG TY TNHH ...").
func plainCaps(s string) string {
	var b strings.Builder
	for _, r := range fold.Text(s) {
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// capsName: a trader's name in capitals without marks.
func (g *gen) capsName() (query, bool) {
	o := g.org()
	name := plainCaps(o.Name)
	if g.rng.IntN(3) == 0 {
		name = strings.ToUpper(o.Name) // capitals with their marks
	}
	return g.byRule(name, "name", o)
}

var traderAbbrevs = []struct {
	long  string
	short []string
}{
	{"Công ty TNHH", []string{"Cty TNHH", "CTY TNHH MTV", "Cty TNHH MTV", "C.ty TNHH", "CTY TNHH", "Cty. TNHH"}},
	{"Công ty Cổ phần", []string{"CTCP", "Cty CP", "CTY CP", "Cty Cổ phần", "C.ty CP"}},
	{"Công ty", []string{"Cty", "CTY", "C.ty", "Cty."}},
	{"Hộ kinh doanh", []string{"HKD", "Hkd", "H.K.D", "hộ KD", "HKD."}},
	{"Trung tâm", []string{"TT", "T.Tâm", "TTâm"}},
	{"Cửa hàng", []string{"CH", "C.hàng", "Ch.", "cửa hàg"}},
}

// traderAbbrev: a trader's name with its form of business as paperwork
// abbreviates it.
func (g *gen) traderAbbrev() (query, bool) {
	o := g.org()
	for _, a := range traderAbbrevs {
		if strings.HasPrefix(o.Name, a.long+" ") {
			name := g.pick(a.short) + o.Name[len(a.long):]
			if g.rng.IntN(3) == 0 {
				name = plainCaps(name)
			}
			return g.byRule(name, "name", o)
		}
	}
	return query{}, false
}

var streetAbbrevs = map[string][]string{
	"Cách Mạng Tháng Tám": {"CMT8", "CM Tháng 8", "CMT 8", "Cach Mang T8"},
	"Điện Biên Phủ":       {"ĐBP", "Dien Bien Phu"},
	"Nguyễn Văn Linh":     {"NVL", "Ng Văn Linh"},
	"Hai Bà Trưng":        {"HBT", "2 Bà Trưng"},
	"Lý Thường Kiệt":      {"LTK", "Ly T Kiet"},
	"Phạm Văn Đồng":       {"PVĐ", "P.V.Đồng"},
	"Tôn Đức Thắng":       {"TĐT", "T.Đ.Thắng"},
	"Nguyễn Huệ":          {"Ng Huệ", "Ng. Huệ"},
	"Nguyễn Trãi":         {"Ng Trãi", "Ng. Trãi"},
	"Võ Văn Kiệt":         {"VVK", "Vo V Kiet"},
}

var provinceAbbrevs = map[string][]string{
	"Hồ Chí Minh": {"TP.HCM", "Tp HCM", "TPHCM", "tp.hcm", "HCM", "TP. HCM", "Sài Gòn"},
	"Hà Nội":      {"HN", "Ha Noi", "TP.HN", "Tp Hà Nội"},
	"Đà Nẵng":     {"ĐN", "TP.ĐN", "Tp Da Nang"},
	"Hải Phòng":   {"HP", "TP.HP", "Tp Hai Phong"},
	"Cần Thơ":     {"CT", "TP.Cần Thơ", "Tp Can Tho"},
}

// wardAbbrev: a trader's address with the ward written "P." or "X.", the
// street perhaps abbreviated ("CMT8") or led by "Đ.", and perhaps the
// province after it, abbreviated as people write it ("TP.HCM", "HN").
func (g *gen) wardAbbrev() (query, bool) {
	o := g.org()
	num, rest, ok := strings.Cut(o.Address, " ")
	if !ok {
		return query{}, false
	}
	street, ward, ok := strings.Cut(rest, ", ")
	if !ok {
		return query{}, false
	}
	if ab, ok := streetAbbrevs[street]; ok && g.rng.IntN(3) > 0 {
		street = g.pick(ab)
	} else if g.rng.IntN(4) == 0 {
		street = g.pick([]string{"Đ.", "đường ", "Đ "}) + street
	}
	for _, p := range [][2]string{{"Phường ", "P."}, {"Xã ", "X."}} {
		if strings.HasPrefix(ward, p[0]) {
			short := g.pick([]string{p[1], p[1] + " ", strings.ToLower(p[1]), strings.TrimSuffix(p[1], ".") + " "})
			ward = short + ward[len(p[0]):]
		}
	}
	addr := num + " " + street + g.pick([]string{", ", " ", " - ", ","}) + ward
	same := "address"
	if ab, ok := provinceAbbrevs[o.ProvinceName]; ok && g.rng.IntN(4) > 0 {
		addr += g.pick([]string{", ", " ", " - "}) + g.pick(ab)
		same = "address_province"
	} else if g.rng.IntN(3) == 0 {
		addr += ", " + g.pick([]string{"T.", "tỉnh ", "Tỉnh "}) + o.ProvinceName
		same = "address_province"
	}
	if g.rng.IntN(4) == 0 {
		addr = plainCaps(addr)
	}
	return g.byRule(addr, same, o)
}

// taxBranch: a trader's tax code with a branch suffix, in groups, or after
// the words of a form.
func (g *gen) taxBranch() (query, bool) {
	o := g.org()
	t := o.TaxCode
	if len(t) != 10 {
		return query{}, false
	}
	branch := fmt.Sprintf("%03d", 1+g.rng.IntN(12))
	forms := []string{t + "-" + branch, t + " - " + branch, "MST " + t + "-" + branch, "MST: " + t[:4] + " " + t[4:7] + " " + t[7:],
		t[:3] + " " + t[3:6] + " " + t[6:], "ma so thue " + t, "Mã số thuế: " + t + " - " + branch, t + "/" + branch, t[:5] + "." + t[5:],
		"MSDN " + t, t + "-" + branch + " (chi nhánh)"}
	return g.byRule(g.pick(forms), "tax", o)
}
