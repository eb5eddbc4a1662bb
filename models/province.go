package models

import (
	"strings"
	"sync"
	"sync/atomic"

	"camreg/fold"
)

// Province is one of Vietnam's 34 provincial-level units in force since
// 1/7/2025 (28 provinces and 6 centrally-run cities), with its
// administrative code.
type Province struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// City is true for the six centrally-run cities.
	City bool `json:"city"`
	// Aliases are other spellings users type, including the names of the
	// provinces merged into this one in 2025, so old addresses still resolve.
	Aliases []string `json:"-"`
}

// Provinces is the reference list. It is data: when the map changes, change
// it here (and in a migration for stored rows).
var Provinces = []Province{
	{Code: "01", Name: "Hà Nội", City: true, Aliases: []string{"HN", "Ha Noi", "Hanoi"}},
	{Code: "04", Name: "Cao Bằng"},
	{Code: "08", Name: "Tuyên Quang", Aliases: []string{"Hà Giang"}},
	{Code: "11", Name: "Điện Biên"},
	{Code: "12", Name: "Lai Châu"},
	{Code: "14", Name: "Sơn La"},
	{Code: "15", Name: "Lào Cai", Aliases: []string{"Yên Bái"}},
	{Code: "19", Name: "Thái Nguyên", Aliases: []string{"Bắc Kạn", "Bắc Cạn"}},
	{Code: "20", Name: "Lạng Sơn"},
	{Code: "22", Name: "Quảng Ninh"},
	{Code: "24", Name: "Bắc Ninh", Aliases: []string{"Bắc Giang"}},
	{Code: "25", Name: "Phú Thọ", Aliases: []string{"Vĩnh Phúc", "Hòa Bình", "Hoà Bình"}},
	{Code: "31", Name: "Hải Phòng", City: true, Aliases: []string{"HP", "Hải Dương"}},
	{Code: "33", Name: "Hưng Yên", Aliases: []string{"Thái Bình"}},
	{Code: "37", Name: "Ninh Bình", Aliases: []string{"Hà Nam", "Nam Định"}},
	{Code: "38", Name: "Thanh Hóa", Aliases: []string{"Thanh Hoá"}},
	{Code: "40", Name: "Nghệ An"},
	{Code: "42", Name: "Hà Tĩnh"},
	{Code: "44", Name: "Quảng Trị", Aliases: []string{"Quảng Bình"}},
	{Code: "46", Name: "Huế", City: true, Aliases: []string{"Thừa Thiên Huế", "Thừa Thiên - Huế"}},
	{Code: "48", Name: "Đà Nẵng", City: true, Aliases: []string{"DN", "Danang", "Quảng Nam"}},
	{Code: "51", Name: "Quảng Ngãi", Aliases: []string{"Kon Tum"}},
	{Code: "52", Name: "Gia Lai", Aliases: []string{"Bình Định"}},
	{Code: "56", Name: "Khánh Hòa", Aliases: []string{"Khánh Hoà", "Ninh Thuận"}},
	{Code: "66", Name: "Đắk Lắk", Aliases: []string{"Đắc Lắc", "Dak Lak", "Phú Yên"}},
	{Code: "68", Name: "Lâm Đồng", Aliases: []string{"Đắk Nông", "Bình Thuận"}},
	{Code: "75", Name: "Đồng Nai", Aliases: []string{"Bình Phước"}},
	{Code: "79", Name: "Hồ Chí Minh", City: true, Aliases: []string{"TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "TPHCM", "TP HCM", "HCM", "HCMC", "Sài Gòn", "Saigon", "Bình Dương", "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu"}},
	{Code: "80", Name: "Tây Ninh", Aliases: []string{"Long An"}},
	{Code: "82", Name: "Đồng Tháp", Aliases: []string{"Tiền Giang"}},
	{Code: "86", Name: "Vĩnh Long", Aliases: []string{"Bến Tre", "Trà Vinh"}},
	{Code: "91", Name: "An Giang", Aliases: []string{"Kiên Giang"}},
	{Code: "92", Name: "Cần Thơ", City: true, Aliases: []string{"CT", "Sóc Trăng", "Hậu Giang"}},
	{Code: "96", Name: "Cà Mau", Aliases: []string{"Bạc Liêu"}},
}

var provinceIndex = func() map[string]*Province {
	idx := map[string]*Province{}
	for i := range Provinces {
		p := &Provinces[i]
		idx[p.Code] = p
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			k := fold.Key(name)
			idx[k] = p
			idx["tinh"+k] = p
			if p.City {
				idx["tp"+k] = p
				idx["thanhpho"+k] = p
			}
		}
	}
	return idx
}()

// LookupProvince finds a province by code ("79"), by name with or without
// diacritics ("Hồ Chí Minh", "ho chi minh"), with a "Tỉnh"/"TP." prefix, or by
// a common abbreviation ("TPHCM", "HN"). It also accepts the names of the
// provinces merged in 2025. It returns nil when nothing matches.
func LookupProvince(s string) *Province {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if p, ok := provinceIndex[s]; ok {
		return p
	}
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		if p, ok := provinceIndex["0"+s]; ok {
			return p
		}
	}
	if p, ok := provinceMemo.Load(s); ok {
		return p.(*Province)
	}
	p := provinceIndex[fold.Key(s)]
	if provinceMemoSize.Add(1) <= maxProvinceMemo {
		provinceMemo.Store(s, p)
	}
	return p
}

// provinceMemo remembers how LookupProvince folded the spellings it met
// ("Hà Nội", "TP. Hồ Chí Minh"): folding Vietnamese costs a Unicode
// normalisation, and an import of a million listings names the same few
// provinces a million times. At most maxProvinceMemo spellings are kept.
var (
	provinceMemo     sync.Map
	provinceMemoSize atomic.Int64
)

const maxProvinceMemo = 4096
