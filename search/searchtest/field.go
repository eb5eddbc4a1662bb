package searchtest

import (
	"slices"
	"strings"
	"sync"

	"camreg/fold"
	"camreg/search"
)

// The rules the field kinds of query (field.json) are made and widened
// with: what an inspector or a procurement officer types from a box, an
// invoice, a shop's sign or a marketplace listing, which the other files
// lack.

// FieldModelKinds are the field kinds that look for a model: the typed
// model number is the model's, with what people type around it.
var FieldModelKinds = []string{"model_spec", "model_vendor_form", "model_unicode"}

// IsFieldOrgKind says whether kind is a field kind that looks for a trader.
func IsFieldOrgKind(kind string) bool {
	switch kind {
	case "tax_code_branch", "address_abbrev", "shop_abbrev", "shop_ward":
		return true
	}
	return false
}

// addressNoise are the folded words an address is written with that name
// no place: "số", "đường", and the abbreviated or full kinds of ward.
var addressNoise = map[string]bool{"so": true, "duong": true, "d": true, "p": true, "phuong": true, "x": true, "xa": true}

// placeWords is text's folded words less addressNoise, and the code of
// the province its last words name ("" if none), remembered (widen asks
// it of every distractor's address for every query); ws is shared, not
// to be changed.
func placeWords(text string) (ws []string, province string) {
	if v, ok := placeMemo.Load(text); ok {
		p := v.(places)
		return p.ws, p.province
	}
	ws, province = readPlaces(text)
	placeMemo.Store(text, places{ws, province})
	return ws, province
}

type places struct {
	ws       []string
	province string
}

var placeMemo sync.Map

func readPlaces(text string) (ws []string, province string) {
	for _, w := range strings.FieldsFunc(foldText(text), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}) {
		if !addressNoise[w] {
			ws = append(ws, w)
		}
	}
	if code, from, to, ok := search.ProvinceWords(ws); ok && to == len(ws) && from > 0 {
		return ws[:from], code
	}
	return ws, ""
}

// shopAbbrevs are the abbreviations of a trade people write before a
// shop's name, and the trades (folded) each stands for.
var shopAbbrevs = map[string][]string{
	"ch":  {"cua hang", "cua hang dien tu", "cua hang camera"},
	"tt":  {"trung tam", "trung tam camera"},
	"hkd": {"ho kinh doanh"},
	"cty": {"cong ty", "cong ty tnhh", "cong ty co phan", "cong ty tnhh thiet bi an ninh", "cong ty co phan cong nghe", "cong ty tnhh thuong mai dien tu"},
}

// FieldAnswers says whether organization o answers query q of a field
// kind.
func FieldAnswers(kind, q string, o CorpusOrganization) bool {
	switch kind {
	case "tax_code_branch":
		// A branch's code typed for its head office, which the registry
		// holds without one: the first ten digits are the head office's.
		k := fold.Key(strings.TrimPrefix(strings.TrimPrefix(q, "MST"), "mst"))
		return len(k) == 13 && o.TaxCode == k[:10]
	case "address_abbrev":
		ws, code := placeWords(q)
		ow, _ := placeWords(o.Address)
		return slices.Equal(ws, ow) && (code == "" || code == o.ProvinceCode)
	case "shop_abbrev":
		// A trade's abbreviation, the shop's name, and perhaps its
		// province.
		ws := strings.Fields(foldText(q))
		if len(ws) < 2 {
			return false
		}
		cores := []string{strings.Join(ws[1:], " ")}
		if code, from, to, ok := search.ProvinceWords(ws[1:]); ok && to == len(ws)-1 && from > 0 && code == o.ProvinceCode {
			cores = append(cores, strings.Join(ws[1:1+from], " "))
		}
		name := foldText(o.Name)
		for _, t := range shopAbbrevs[ws[0]] {
			for _, core := range cores {
				if strings.HasPrefix(name, t+" ") && strings.Contains(" "+name+" ", " "+core+" ") {
					return true
				}
			}
		}
		return false
	case "shop_ward":
		ws := strings.Fields(foldText(q))
		aw, _ := placeWords(o.Address)
		for i := 1; i < len(ws); i++ {
			core, ward := strings.Join(ws[:i], " "), slices.DeleteFunc(slices.Clone(ws[i:]), func(w string) bool { return addressNoise[w] })
			if strings.Contains(" "+foldText(o.Name)+" ", " "+core+" ") && len(ward) > 0 && len(aw) >= len(ward) && slices.Equal(aw[len(aw)-len(ward):], ward) {
				return true
			}
		}
		return false
	}
	return false
}

// ShopAbbrev is the trades (folded) abbreviation a stands for.
func ShopAbbrev(a string) []string { return shopAbbrevs[a] }
