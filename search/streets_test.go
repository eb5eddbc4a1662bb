package search

import (
	"slices"
	"testing"
)

func TestStreetKeys(t *testing.T) {
	for addr, want := range map[string][]string{
		"46 Hai Bà Trưng, Phường Tân Định":                {"hbt", "h3t", "2bt", "23t"},
		"272 Cách Mạng Tháng Tám, xã Vĩnh Ninh, Hưng Yên": {"cmtt", "cmt8"},
		"107 Phạm Văn Đồng, Xã Hòa Vang":                  {"pvd"},
		"12 30 Tháng 4, phường Tân An":                    {"30t4"},
		"46/2 Lý Thường Kiệt, Phường Hoàn Kiếm":           {"ltk"},
		"số 5 đường Tôn Đức Thắng":                        {"tdt"},
		"Lô H11, KCN Quang Minh":                          nil,
		"12 Huế, Phường Tân Định":                         nil,
		"":                                                nil,
	} {
		if got := streetKeys(addr); !slices.Equal(got, want) {
			t.Errorf("streetKeys(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestStreetByInitials checks that a street typed by its initials, in
// part at least, is written as the initials its document holds.
func TestStreetByInitials(t *testing.T) {
	for _, c := range []struct{ query, address string }{
		{"46 HBT P Tân Định", "46 Hai Bà Trưng, Phường Tân Định"},
		{"46 2 Bà Trưng, P. Tân Định", "46 Hai Bà Trưng, Phường Tân Định"},
		{"107 P.V.Đồng x.Hòa Vang", "107 Phạm Văn Đồng, Xã Hòa Vang"},
		{"120 Cach Mang T8, P. Ninh Kiều", "120 Cách Mạng Tháng Tám, Phường Ninh Kiều"},
		{"236 CMT 8 - P Hải Châu", "236 Cách Mạng Tháng Tám, Phường Hải Châu"},
		{"5 T.Đ.Thắng, X. Đức Hòa", "5 Tôn Đức Thắng, Xã Đức Hòa"},
		{"84 Vo V Kiet, P. Hoàn Kiếm", "84 Võ Văn Kiệt, Phường Hoàn Kiếm"},
		{"3 Ly T Kiet P Cầu Giấy", "3 Lý Thường Kiệt, Phường Cầu Giấy"},
	} {
		ws := textWords(Rewrite(c.query))
		if !slices.Contains(streetKeys(c.address), ws[1]) {
			t.Errorf("Rewrite(%q) = %q: its street %q is none of %q's %q", c.query, Rewrite(c.query), ws[1], c.address, streetKeys(c.address))
		}
	}
}
