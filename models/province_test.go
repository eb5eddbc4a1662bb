package models_test

import (
	"testing"

	"camreg/models"
)

func TestProvincesList(t *testing.T) {
	if n := len(models.Provinces); n != 34 {
		t.Fatalf("%d provinces, want 34", n)
	}
	codes, names, cities := map[string]bool{}, map[string]bool{}, 0
	for _, p := range models.Provinces {
		if len(p.Code) != 2 || p.Code[0] < '0' || p.Code[0] > '9' || p.Code[1] < '0' || p.Code[1] > '9' {
			t.Errorf("province %s has code %q, want two digits", p.Name, p.Code)
		}
		if codes[p.Code] {
			t.Errorf("code %s used twice", p.Code)
		}
		if names[p.Name] {
			t.Errorf("name %s used twice", p.Name)
		}
		codes[p.Code], names[p.Name] = true, true
		if p.City {
			cities++
		}
	}
	if cities != 6 {
		t.Errorf("%d centrally-run cities, want 6", cities)
	}
}

// Every name and alias finds its own province: no spelling of one province
// is shadowed by another's.
func TestLookupProvinceEveryNameAndAlias(t *testing.T) {
	for i := range models.Provinces {
		p := &models.Provinces[i]
		for _, s := range append([]string{p.Code, p.Name}, p.Aliases...) {
			got := models.LookupProvince(s)
			if got == nil || got.Code != p.Code {
				t.Errorf("LookupProvince(%q) = %v, want %s %s", s, got, p.Code, p.Name)
			}
		}
	}
}

func TestLookupProvince(t *testing.T) {
	tests := []struct {
		in, want string // want "" means nil
	}{
		{"01", "01"},
		{"1", "01"},
		{"79", "79"},
		{" 48 ", "48"},
		{"8", "08"},
		{"Hà Nội", "01"},
		{"ha noi", "01"},
		{"HA NOI", "01"},
		{"Hanoi", "01"},
		{"HN", "01"},
		{"hn", "01"},
		{"Thành phố Hà Nội", "01"},
		{"TP Hà Nội", "01"},
		{"Hồ Chí Minh", "79"},
		{"ho chi minh", "79"},
		{"TPHCM", "79"},
		{"tp.hcm", "79"},
		{"TP. Hồ Chí Minh", "79"},
		{"TP HCM", "79"},
		{"Thành phố Hồ Chí Minh", "79"},
		{"Sài Gòn", "79"},
		{"Đà Nẵng", "48"},
		{"da nang", "48"},
		{"Đắk Lắk", "66"},
		{"dak lak", "66"},
		{"Tỉnh Đồng Nai", "75"},
		{"tinh dong nai", "75"},
		{"Thừa Thiên Huế", "46"},
		{"Huế", "46"},
		{"Khánh Hoà", "56"},
		{"Khánh Hòa", "56"},
		// Provinces merged on 1/7/2025 resolve to the new unit.
		{"Bình Dương", "79"},
		{"binh duong", "79"},
		{"Tỉnh Bình Dương", "79"},
		{"Bà Rịa - Vũng Tàu", "79"},
		{"Quảng Nam", "48"},
		{"Hà Giang", "08"},
		{"Bắc Giang", "24"},
		{"Hải Dương", "31"},
		{"Long An", "80"},
		{"Kiên Giang", "91"},
		{"Bạc Liêu", "96"},
		// Unknown.
		{"", ""},
		{"   ", ""},
		{"Atlantis", ""},
		{"00", ""},
		{"99", ""},
		{"0", ""},
		{"tp", ""},
		{"tinh", ""},
		{"!!!", ""},
	}
	for _, tc := range tests {
		got := models.LookupProvince(tc.in)
		switch {
		case tc.want == "" && got != nil:
			t.Errorf("LookupProvince(%q) = %s %s, want nil", tc.in, got.Code, got.Name)
		case tc.want != "" && got == nil:
			t.Errorf("LookupProvince(%q) = nil, want %s", tc.in, tc.want)
		case tc.want != "" && got.Code != tc.want:
			t.Errorf("LookupProvince(%q) = %s %s, want %s", tc.in, got.Code, got.Name, tc.want)
		}
	}
	if p := models.LookupProvince("binh duong"); p == nil || p.Name != "Hồ Chí Minh" {
		t.Errorf("Bình Dương resolves to %v, want the canonical name Hồ Chí Minh", p)
	}
}
