package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"camreg/fold"
	"camreg/search/searchtest"
)

// redteamQueries makes redteam.json: shapes of query the other files
// lack, as the public, an inspector or a procurement officer types them,
// from a random stream of its own (the other files stay as they were).
// Each kind's wanted records are every record that answers it by its rule
// (searchtest.RedAnswers for traders; the model's key for models; for two
// slips in one number, the nearest models, as for typos.json).
func redteamQueries(c *searchtest.Corpus, fams [][]searchtest.CorpusModel) []searchtest.RelevanceQuery {
	r := rand.New(rand.NewPCG(20261207, 930))
	qm := newQueryMaker(c, fams, r, searchtest.RedAnswers)
	addModel, addOrg, pick := qm.addModel, qm.addOrg, qm.pick
	repeatModel, repeatOrg := qm.repeatModel, qm.repeatOrg
	// Two slips in a long model number (a key of 10 characters or more):
	// two substitutions, or a substitution and a swap, at different places.
	repeatModel(30, func(m searchtest.CorpusModel) bool {
		s := []rune(m.ModelNumber)
		if len(fold.Key(m.ModelNumber)) < 10 {
			return false
		}
		var pos []int
		for i, ch := range s {
			if unicode.IsLetter(ch) || unicode.IsDigit(ch) {
				pos = append(pos, i)
			}
		}
		a := pos[r.IntN(len(pos))]
		b := pos[r.IntN(len(pos))]
		if a == b || a+1 == b || b+1 == a {
			return false
		}
		sub := func(ch rune) rune {
			for {
				var n rune
				if unicode.IsDigit(ch) {
					n = rune('0' + r.IntN(10))
				} else {
					n = rune('A' + r.IntN(26))
				}
				if n != ch && !strings.ContainsRune(string(confusables[unicode.ToUpper(ch)]), n) {
					return n
				}
			}
		}
		s[a] = sub(s[a])
		if r.IntN(2) == 0 && b+1 < len(s) && unicode.IsLetter(s[b+1]) != unicode.IsLetter(s[b]) && b+1 != a {
			s[b], s[b+1] = s[b+1], s[b]
		} else {
			s[b] = sub(s[b])
		}
		typed := string(s)
		want := nearest(c, m, typed)
		if want == nil || qm.seen[typed] {
			return false
		}
		q := typed
		switch r.IntN(3) {
		case 1:
			q = strings.ToLower(typed)
		case 2:
			q = m.Brand + " " + typed
		}
		qm.seen[q] = true
		qm.out = append(qm.out, searchtest.RelevanceQuery{Q: q, Kind: "typo_two", Want: want})
		return true
	})
	// A dash dropped, a space or a dash put in the middle of a model
	// number, as one reads it off a box.
	repeatModel(30, func(m searchtest.CorpusModel) bool {
		mn := m.ModelNumber
		rs := []rune(mn)
		if len(rs) < 6 {
			return false
		}
		at := 2 + r.IntN(len(rs)-3)
		var q string
		switch r.IntN(4) {
		case 0:
			q = string(rs[:at]) + " " + string(rs[at:])
		case 1:
			q = string(rs[:at]) + "-" + string(rs[at:])
		case 2:
			if !strings.Contains(mn, "-") {
				return false
			}
			q = strings.Replace(mn, "-", "", 1)
		default:
			q = strings.ToLower(string(rs[:at]) + " " + string(rs[at:]))
		}
		q = strings.ReplaceAll(strings.ReplaceAll(q, "- ", " "), " -", " ")
		if r.IntN(3) == 0 {
			q = m.Brand + " " + q
		}
		return addModel("model_midspace", q, m)
	})
	// A brand misspelt before the whole model number.
	misspelt := map[string][]string{
		"Hikvision": {"Hikvison", "Hikvisson", "Hickvision", "Hikivision", "hik vison"},
		"Dahua":     {"Dahau", "Dahuaa", "Đahua", "Dahwa", "Da hua"},
		"TP-Link":   {"TPlink", "Tp-lnk", "TP Linh", "Tplinks"},
		"KBVision":  {"KB Vison", "Kbvisoin", "KB-Vision"},
		"EZVIZ":     {"Ezvis", "Ezivz", "Ez-viz"},
		"Imou":      {"Imuo", "Imow", "I-mou"},
		"Xiaomi":    {"Xiaomy", "Xioami", "Xiao mi"},
		"Panasonic": {"Panasonik", "Panasonnic", "Pana"},
		"Uniview":   {"Univew", "Uni view", "Unv"},
		"Hanwha":    {"Hanhwa", "Hanwa", "Hanwha Vison"},
		"Vantech":   {"Vantec", "Van tech", "Vantek"},
		"Yoosee":    {"Yosee", "Yoose", "Yoo see"},
	}
	repeatModel(30, func(m searchtest.CorpusModel) bool {
		ms := misspelt[m.Brand]
		if ms == nil {
			return false
		}
		mn := m.ModelNumber
		if r.IntN(3) == 0 {
			mn = strings.ToLower(mn)
		}
		return addModel("brand_misspelt", pick(ms)+" "+mn, m)
	})
	// A marketplace listing's address, pasted whole.
	repeatModel(25, func(m searchtest.CorpusModel) bool {
		slug := strings.ToLower(strings.ReplaceAll(fold.Text(m.Name), " ", "-"))
		mn := strings.ToLower(strings.ReplaceAll(m.ModelNumber, " ", "-"))
		brand := strings.ToLower(strings.ReplaceAll(m.Brand, " ", "-"))
		dashed := strings.NewReplacer(" ", "-")
		id := func() string { return strconv.Itoa(100000 + r.IntN(899999)) }
		forms := []string{
			"https://shopee.vn/Camera-" + dashed.Replace(m.Brand+"-"+m.ModelNumber) + "-i." + id() + "." + id(),
			"https://www.lazada.vn/products/" + brand + "-" + mn + "-" + slug + "-i" + id() + ".html",
			"https://tiki.vn/camera-" + brand + "-" + mn + "-p" + id() + ".html",
			"shopee.vn/" + slug + "-" + strings.ToLower(fold.Key(m.ModelNumber)) + "-i." + id(),
		}
		return addModel("model_url", pick(forms), m)
	})
	// A model number in a question, as the public asks it.
	repeatModel(25, func(m searchtest.CorpusModel) bool {
		forms := []string{
			"camera " + m.ModelNumber + " có hợp chuẩn không",
			"kiểm tra " + m.ModelNumber,
			m.ModelNumber + " giá bao nhiêu",
			"tra cứu chứng nhận " + m.ModelNumber,
			m.Brand + " " + m.ModelNumber + " có được phép bán không",
			"mã " + strings.ToLower(m.ModelNumber) + " là camera gì",
		}
		return addModel("model_question", pick(forms), m)
	})
	// A shop's name typed with the input method off: Telex or VNI keys
	// left in one or two of its words.
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		core := searchtest.CoreName(o.Name)
		if core == "" {
			return false
		}
		words := strings.Fields(o.Name)
		nc := len(strings.Fields(core))
		ws := words[len(words)-nc:]
		ws = ws[:min(len(ws), 2+r.IntN(2))]
		if r.IntN(3) == 0 {
			ws = append(words[:len(words)-nc:len(words)-nc], ws...)
		}
		vni := r.IntN(3) == 0
		changed := 0
		for i, w := range ws {
			if changed < 2 && fold.Text(w) != strings.ToLower(w) && r.IntN(3) > 0 {
				if vni {
					ws[i] = vniWord(w)
				} else {
					ws[i] = telexWord(w)
				}
				changed++
			}
		}
		if changed == 0 {
			return false
		}
		q := strings.Join(ws, " ")
		if r.IntN(2) == 0 {
			q = strings.ToLower(q)
		}
		return addOrg("shop_telex", q)
	})
	// A shop's name glued into one word, as in a web address or a
	// social-media handle.
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		core := searchtest.CoreName(o.Name)
		if core == "" {
			return false
		}
		ws := strings.Fields(core)
		ws = ws[:min(len(ws), 2+r.IntN(2))]
		q := strings.Join(ws, "")
		switch r.IntN(3) {
		case 0:
			q = "camera" + q
		case 1:
			q += "camera"
		}
		if !strings.Contains(strings.ReplaceAll(fold.Text(o.Name), " ", ""), fold.Key(q)) {
			return false
		}
		return addOrg("shop_glued", q)
	})
	// A shop's name and the province it was in before the 2025 mergers.
	oldNames := map[string][]string{"79": {"Bình Dương", "Bà Rịa Vũng Tàu", "binh duong", "vung tau"}, "01": {"Hà Tây"},
		"31": {"Hải Dương", "hai duong"}, "48": {"Quảng Nam", "quang nam"}, "25": {"Vĩnh Phúc", "Hòa Bình", "vinh phuc"},
		"24": {"Bắc Giang", "bac giang"}, "37": {"Nam Định", "Hà Nam", "nam dinh"}, "33": {"Thái Bình", "thai binh"},
		"52": {"Bình Định", "binh dinh"}, "56": {"Ninh Thuận"}, "66": {"Phú Yên", "phu yen"}, "68": {"Bình Thuận", "Đắk Nông"},
		"75": {"Bình Phước"}, "80": {"Long An", "long an"}, "82": {"Tiền Giang", "tien giang"}, "86": {"Bến Tre", "Trà Vinh", "ben tre"},
		"91": {"Kiên Giang", "kien giang"}, "92": {"Sóc Trăng", "Hậu Giang", "soc trang"}, "96": {"Bạc Liêu", "bac lieu"},
		"15": {"Yên Bái"}, "19": {"Bắc Kạn"}, "08": {"Hà Giang"}, "44": {"Quảng Bình"}, "51": {"Kon Tum"}}
	delete(oldNames, "01") // Hà Tây is no alias the registry knows
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		core := searchtest.CoreName(o.Name)
		olds := oldNames[o.ProvinceCode]
		if core == "" || olds == nil {
			return false
		}
		return addOrg("shop_old_province", core+" "+pick(olds))
	})
	// A tax code with one digit wrong, or two neighbours swapped.
	repeatOrg(25, func(o searchtest.CorpusOrganization) bool {
		t := []byte(o.TaxCode)
		if len(t) != 10 {
			return false
		}
		i := r.IntN(10)
		if r.IntN(3) == 0 && i < 9 && t[i] != t[i+1] {
			t[i], t[i+1] = t[i+1], t[i]
		} else {
			t[i] = byte('0' + (int(t[i]-'0')+1+r.IntN(9))%10)
		}
		q := string(t)
		if r.IntN(3) == 0 {
			q = "MST " + q
		}
		for _, other := range c.Organizations {
			if other.TaxCode == string(t) {
				return false
			}
		}
		return addOrg("tax_code_typo", q)
	})
	// An address with the district it had before the 2025 reform.
	districts := []string{"Quận Bình Thạnh", "Q. Tân Bình", "Quận Gò Vấp", "Q.3", "Quận Cầu Giấy", "Q. Đống Đa", "Huyện Củ Chi",
		"H. Hóc Môn", "Quận Ngô Quyền", "Quận Lê Chân", "Quận Hải Châu", "Q. Ninh Kiều", "TX. Thuận An", "Thị xã Dĩ An", "Quận 12"}
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		street, ward, ok := strings.Cut(o.Address, ", ")
		if !ok {
			return false
		}
		q := street + ", " + ward + ", " + pick(districts)
		if r.IntN(3) > 0 {
			q += ", " + o.ProvinceName
		}
		if r.IntN(2) == 0 {
			q = fold.Text(q)
		}
		return addOrg("address_district", q)
	})
	return qm.out
}

// The Telex and VNI keys of a Vietnamese letter's marks.
var (
	telexTone = map[rune]string{'\u0301': "s", '\u0300': "f", '\u0309': "r", '\u0303': "x", '\u0323': "j"}
	vniTone   = map[rune]string{'\u0301': "1", '\u0300': "2", '\u0309': "3", '\u0303': "4", '\u0323': "5"}
	telexMark = map[rune]map[rune]string{'\u0302': {'a': "aa", 'e': "ee", 'o': "oo"}, '\u0306': {'a': "aw"}, '\u031b': {'o': "ow", 'u': "uw"}}
	vniMark   = map[rune]string{'\u0302': "6", '\u0306': "8", '\u031b': "7"}
)

// telexWord is w as typed in Telex with the input method off: the vowel
// keys in place, the tone key at the end ("Cửa" → "Cuwar").
func telexWord(w string) string {
	var b strings.Builder
	tone := ""
	for _, r := range norm.NFD.String(w) {
		lower := unicode.ToLower(r)
		switch {
		case lower == 'đ':
			b.WriteString(map[bool]string{true: "Dd", false: "dd"}[r == 'Đ'])
		case telexTone[r] != "":
			tone = telexTone[r]
		case telexMark[r] != nil:
			// The base letter is written already: write the key after it.
			s := b.String()
			base := unicode.ToLower(rune(s[len(s)-1]))
			b.WriteString(telexMark[r][base][1:])
		default:
			b.WriteRune(r)
		}
	}
	return b.String() + tone
}

// vniWord is w as typed in VNI with the input method off: each mark's
// digit after its vowel ("Hòa" → "Hoa2", "Cửa" → "Cu73a").
func vniWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.ToLower(r) == 'đ':
			b.WriteString(map[bool]string{true: "D9", false: "d9"}[r == 'Đ'])
		case vniTone[r] != "":
			b.WriteString(vniTone[r])
		case vniMark[r] != "":
			b.WriteString(vniMark[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
