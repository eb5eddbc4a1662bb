package main

import (
	"math/rand/v2"
	"strings"

	"camreg/fold"
	"camreg/search/searchtest"
)

// fieldQueries makes field.json: what an inspector or a procurement
// officer types from a box, an invoice, a shop's sign or a marketplace
// listing, which the other files lack, from a random stream of its own
// (so the other files stay as they were). Model queries come from dense
// families of siblings as much as from the rest; each kind's wanted
// records are every record that answers it by its rule
// (searchtest.FieldAnswers for traders, the model's own key for models).
func fieldQueries(c *searchtest.Corpus, fams [][]searchtest.CorpusModel) []searchtest.RelevanceQuery {
	r := rand.New(rand.NewPCG(20261207, 1307))
	qm := newQueryMaker(c, fams, r, searchtest.FieldAnswers)
	addModel, addOrg, pick := qm.addModel, qm.addOrg, qm.pick
	repeatModel, repeatOrg := qm.repeatModel, qm.repeatOrg
	// A model number with what a listing or a box prints beside it: the
	// lens, the resolution, "camera", the brand, "chính hãng".
	repeatModel(40, func(m searchtest.CorpusModel) bool {
		mn := m.ModelNumber
		if r.IntN(3) == 0 {
			mn = strings.ToLower(mn)
		}
		lens := pick([]string{"2.8mm", "3.6mm", "4mm", "6mm", "2.8 mm", "4 mm"})
		forms := []string{mn + " " + lens, mn + " (" + lens + ")", mn + "-" + strings.ToUpper(lens),
			"camera " + mn + " " + lens, "camera ip " + m.Brand + " " + mn, mn + " " + pick([]string{"2MP", "4MP", "5MP", "8MP", "1080p"}),
			m.Brand + " " + mn + " " + lens, mn + " chính hãng", "camera " + m.Brand + " " + mn + " chính hãng", mn + " wifi"}
		return addModel("model_spec", forms[r.IntN(len(forms))], m)
	})
	// A model number as its maker's own catalogue or a Chinese invoice
	// writes it: Dahua's "DH-" prefix, the brand in Chinese, "HIK-VISION".
	repeatModel(25, func(m searchtest.CorpusModel) bool {
		var forms []string
		switch m.Brand {
		case "Dahua":
			forms = []string{"DH-" + m.ModelNumber, "dh-" + strings.ToLower(m.ModelNumber), "大华 " + m.ModelNumber, "Dahua DH-" + m.ModelNumber}
		case "Hikvision":
			forms = []string{"海康威视 " + m.ModelNumber, "海康 " + m.ModelNumber, "HIK-VISION " + m.ModelNumber, "HIKVISION " + m.ModelNumber}
		case "Imou":
			forms = []string{"乐橙 " + m.ModelNumber, "IMOU " + m.ModelNumber}
		case "Xiaomi":
			forms = []string{"小米 " + m.ModelNumber, "Mi " + m.ModelNumber}
		default:
			return false
		}
		return addModel("model_vendor_form", forms[r.IntN(len(forms))], m)
	})
	// A model number pasted from a document or typed with another
	// keyboard: en dashes, full-width letters, underscores, slashes,
	// no-break spaces.
	repeatModel(25, func(m searchtest.CorpusModel) bool {
		mn := m.ModelNumber
		if !strings.Contains(mn, "-") {
			return false
		}
		var q string
		switch r.IntN(5) {
		case 0:
			q = strings.ReplaceAll(mn, "-", "–")
		case 1:
			var b strings.Builder
			for _, ch := range mn {
				switch {
				case ch >= '!' && ch <= '~':
					b.WriteRune(ch - '!' + '！')
				default:
					b.WriteRune(ch)
				}
			}
			q = b.String()
		case 2:
			q = strings.ReplaceAll(mn, "-", "_")
		case 3:
			q = strings.ReplaceAll(mn, "-", "/")
		default:
			q = strings.ReplaceAll(mn, "-", "\u00a0")
		}
		return addModel("model_unicode", q, m)
	})
	// A branch's tax code (the head office's and a three-digit suffix)
	// typed for a trader the registry holds without a branch.
	repeatOrg(20, func(o searchtest.CorpusOrganization) bool {
		t := o.TaxCode
		if len(t) != 10 {
			return false
		}
		sfx := pick([]string{"001", "002", "003"})
		forms := []string{t + "-" + sfx, t + " - " + sfx, "MST " + t + "-" + sfx, t + sfx, "MST: " + t + " " + sfx}
		return addOrg("tax_code_branch", forms[r.IntN(len(forms))])
	})
	// An address as written on an invoice: "số", "đường", "P." or "X."
	// for the ward, the province abbreviated, with or without diacritics.
	provAbbrev := map[string][]string{"01": {"HN", "Hà Nội", "TP. Hà Nội"}, "79": {"TP.HCM", "TPHCM", "HCM", "Sài Gòn", "TP. Hồ Chí Minh"},
		"31": {"HP", "TP. Hải Phòng"}, "48": {"ĐN", "TP. Đà Nẵng", "Da Nang"}, "92": {"CT", "TP. Cần Thơ"}}
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		num, rest, ok := strings.Cut(o.Address, " ")
		if !ok {
			return false
		}
		street, ward, ok := strings.Cut(rest, ", ")
		if !ok {
			return false
		}
		kind, wardName, ok := strings.Cut(ward, " ")
		if !ok {
			return false
		}
		abbr := map[string]string{"Phường": "P.", "Xã": "X."}[kind]
		if abbr == "" {
			return false
		}
		prov := o.ProvinceName
		if as := provAbbrev[o.ProvinceCode]; as != nil && r.IntN(3) > 0 {
			prov = pick(as)
		}
		forms := []string{
			num + " " + street + ", " + abbr + " " + wardName + ", " + prov,
			"số " + num + " đường " + street + ", " + abbr + wardName,
			num + " " + street + " " + abbr + wardName + " " + prov,
			"Số " + num + " " + street + ", " + kind + " " + wardName + ", " + prov,
		}
		q := forms[r.IntN(len(forms))]
		if r.IntN(2) == 0 {
			q = fold.Text(q)
		}
		return addOrg("address_abbrev", q)
	})
	// A shop's name behind its trade's abbreviation ("CH", "TT", "HKD",
	// "Cty"), perhaps with its province abbreviated.
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		core := searchtest.CoreName(o.Name)
		if core == "" {
			return false
		}
		name := fold.Text(o.Name)
		abbr := ""
		for _, a := range []string{"ch", "tt", "hkd", "cty"} {
			for _, t := range searchtestTrades(a) {
				if name == t+" "+core {
					abbr = a
				}
			}
		}
		if abbr == "" {
			return false
		}
		q := strings.ToUpper(abbr[:1]) + abbr[1:]
		if abbr != "cty" {
			q = strings.ToUpper(abbr)
		}
		q += " " + core
		if as := provAbbrev[o.ProvinceCode]; as != nil && r.IntN(2) == 0 {
			q += " " + pick(as)
		}
		return addOrg("shop_abbrev", q)
	})
	// A shop's name and its ward, as an inspector who knows the street
	// remembers it.
	repeatOrg(30, func(o searchtest.CorpusOrganization) bool {
		core := searchtest.CoreName(o.Name)
		_, ward, ok := strings.Cut(o.Address, ", ")
		if core == "" || !ok {
			return false
		}
		_, wardName, _ := strings.Cut(ward, " ")
		q := core + " " + fold.Text(wardName)
		if r.IntN(3) == 0 {
			q = core + " " + fold.Text(ward)
		}
		return addOrg("shop_ward", q)
	})
	return qm.out
}

// searchtestTrades are the trades abbreviation a stands for.
func searchtestTrades(a string) []string { return searchtest.ShopAbbrev(a) }
