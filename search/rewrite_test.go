package search

import "testing"

func TestRewrite(t *testing.T) {
	for in, want := range map[string]string{
		"MST: 0865088668":           "0865088668",
		"mst 0865-088-668":          "0865088668",
		"Mã số thuế 0101234567-001": "0101234567001",
		"MST Camera":                "MST Camera",
		"cty tnhh anh duong":        "cong ty tnhh anh duong",
		"Cty CP Công nghệ Sao Mai":  "cong ty co phan cong nghe sao mai",
		"cua hang cp camera":        "cua hang cp camera",
		"DS-2CD2143G2-IU":           "DS-2CD2143G2-IU",
		"ma so 12":                  "ma so 12",
		// What a listing prints beside a model number goes.
		"DS-2CD2143G2-IU 2.8mm":            "ds-2cd2143g2-iu",
		"DS-2CD2143G2-IU(2.8mm)":           "ds-2cd2143g2-iu",
		"DS-2CD2143G2-IU (2.8 mm)":         "ds-2cd2143g2-iu",
		"ipc-hdw3431t-s-2.8MM":             "ipc-hdw3431t-s",
		"camera ip Viettel HC72":           "viettel hc72",
		"Tapo C310 chính hãng":             "tapo c310",
		"EBF933 wifi":                      "ebf933",
		"XNV-6080R 1080p":                  "xnv-6080r",
		"Camera Hikvision DS-2CE16D0T 2MP": "hikvision ds-2ce16d0t",
		"YC-2830-5MP 2.8mm":                "yc-2830-5mp",
		"YC-2830-5MP":                      "YC-2830-5MP",
		"YC-2830-5MP 4MP 1080p":            "yc-2830-5mp",
		// ... but not without one: the words are then what is looked for.
		"hikvision 4mp":              "hikvision 4mp",
		"camera 360":                 "camera 360",
		"cua hang camera hung thinh": "cua hang camera hung thinh",
		// A trade's abbreviation at the start is written out.
		"CH Đông Á":              "cua hang dong a",
		"TT camera quang huy":    "trung tam camera quang huy",
		"HKD Minh Phát":          "ho kinh doanh minh phat",
		"minh phat ch":           "minh phat ch",
		"CH-D3 ":                 "CH-D3 ",
		"DNTN Hoàng Gia Cần Thơ": "doanh nghiep tu nhan hoang gia can tho",
		// In an address, the words that name no place go.
		"số 95 đường Hùng Vương, P.Bến Thành":  "95 hung vuong phuong ben thanh",
		"29C Nguyễn Văn Cừ, X. Hòa Vang":       "29c nguyen van cu xa hoa vang",
		"12 Nguyễn Huệ, Q.1, TP.HCM":           "12 nguyen hue tp hcm",
		"12 nguyen hue quan 3 tphcm":           "12 nguyen hue tphcm",
		"40 Phan Đình Phùng, Xã Hòa Vang":      "40 Phan Đình Phùng, Xã Hòa Vang",
		"120 Hùng Vương, Phường Tân Định, HCM": "120 Hùng Vương, Phường Tân Định, HCM",
		// "T." before the province at the end (tỉnh); the label glued to a
		// tax code; a trade typed without its space.
		"153 Phan Đình Phùng,P. Đống Đa, T. Hưng Yên": "153 phan dinh phung phuong dong da hung yen",
		"MST1902540397":                  "1902540397",
		"mst0119297037-001":              "0119297037001",
		"Cửahàng Camera Quang Huy":       "cua hang camera quang huy",
		"Côngty TNHH An ninh Hưng Thịnh": "cong ty tnhh an ninh hung thinh",
		"Cửa hàg Kim Ngân 12":            "cua hang kim ngan 12",
		"cua han sao mai":                "cua han sao mai",
		// The mã số doanh nghiệp is the tax code; a branch's suffix with
		// "chi nhánh" after it.
		"MSDN 1243672527":                "1243672527",
		"Mã số doanh nghiệp: 1243672527": "1243672527",
		"msdn1243672527":                 "1243672527",
		"1415575409-004 (chi nhánh)":     "1415575409004",
		"MST 1415575409-004 CN":          "1415575409004",
		"Camera chi nhánh":               "Camera chi nhánh",
		// A trade's first word cut to its initial, the abbreviation with
		// dots, "MTV" after "TNHH", "Ng." for Nguyễn.
		"C.ty CP Công nghệ Việt Tiến": "cong ty co phan cong nghe viet tien",
		"C.hàng Điện tử An Khang":     "cua hang dien tu an khang",
		"T.Tâm Camera Đức Thịnh":      "trung tam camera duc thinh",
		"TTâm Camera Đức Thịnh":       "trung tam camera duc thinh",
		"hộ KD Trường Sơn":            "ho kinh doanh truong son",
		"H.K.D Trường Sơn":            "ho kinh doanh truong son",
		"CTCP Công nghệ Ngọc Lan":     "cong ty co phan cong nghe ngoc lan",
		"CTY TNHH MTV Hưng Thịnh":     "cong ty tnhh hung thinh",
		"295 Ng. Huệ - P. Đống Đa":    "295 nguyen hue phuong dong da",
		"chang trai camera":           "chang trai camera",
		"T 1000":                      "T 1000",
		// "giá" and "cam" beside a model number.
		"gia qnv-9477":        "qnv-9477",
		"camera QNV-9477":     "qnv-9477",
		"QNV-4753 ngoai troi": "qnv-4753",
		// A street by its initials, in part at least, in an address: as
		// its initials, which its document holds (streetKeys).
		"58 LTK P. Ninh Kiều":            "58 ltk phuong ninh kieu",
		"236 CMT 8 - P Hải Châu":         "236 cmt8 phuong hai chau",
		"102 HBT, P.CAU GIAY - HCM":      "102 hbt phuong cau giay hcm",
		"5 TĐT,X. Đức Hòa":               "5 tdt xa duc hoa",
		"107 P.V.Đồng x.Hòa Vang":        "107 pvd xa hoa vang",
		"84 Vo V Kiet, P. Hoàn Kiếm":     "84 vvk phuong hoan kiem",
		"120 Cach Mang T8, P. Ninh Kiều": "120 cmt8 phuong ninh kieu",
		"222 CM Tháng 8,P CAU GIAY":      "222 cmt8 phuong cau giay",
		"46 2 Bà Trưng P Tân Định":       "46 2bt phuong tan dinh",
		"59 Ng Trãi - P. Lê Chân":        "59 nguyen trai phuong le chan",
		"46/2 Lê Lợi, P. Bến Thành":      "46/2 le loi phuong ben thanh",
		"390 D HOANG DIEU - P. CAU GIAY": "390 hoang dieu phuong cau giay",
		"58 LTK Ninh Kiều":               "58 LTK Ninh Kiều",
		"12 Lê Lợi, P. Bến Thành":        "12 le loi phuong ben thanh",
		"12 Lê Lợi, Phường Bến Thành":    "12 Lê Lợi, Phường Bến Thành",
		"camera ngoài trời":              "camera ngoài trời",
		"Tapo C310 không dây":            "tapo c310",
		"cam KX-C4213SN wifi":            "kx-c4213sn",
		// A lens or a resolution glued on after a slash or in brackets.
		"ds-2ce16d0t-it5f/5MP":   "ds-2ce16d0t-it5f",
		"Vantech VP-6153DTV/5MP": "vantech vp-6153dtv",
		"HC62W(2.8mm)":           "hc62w",
		"IPC-HFW1230S/1080p":     "ipc-hfw1230s",
		"gia lai camera":         "gia lai camera",
	} {
		if got := Rewrite(in); got != want {
			t.Errorf("Rewrite(%q) = %q, want %q", in, got, want)
		}
		if got := Rewrite(Rewrite(in)); got != Rewrite(in) {
			t.Errorf("Rewrite(Rewrite(%q)) = %q, not %q", in, got, Rewrite(in))
		}
	}
}

func TestHeadOffice(t *testing.T) {
	for in, want := range map[string]string{
		"0101234567-001":        "0101234567",
		"MST: 0101234567 - 002": "0101234567",
		"0101234567001":         "0101234567",
		"0101234567":            "",
		"0101234567-000":        "",
		"DS0101234567001":       "",
		"01012345670012":        "",
	} {
		got, ok := HeadOffice(in)
		if got != want || ok != (want != "") {
			t.Errorf("HeadOffice(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
