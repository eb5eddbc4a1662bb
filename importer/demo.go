// Package importer loads data into the registry: bulk files of the
// registry's entities, and the demo dataset. Everything it loads goes
// through the models services, so each row is validated and written to the
// change log exactly as if it had come through the API.
package importer

import (
	"context"
	"fmt"

	"camreg/models"
)

// The dataset below is invented for demonstrations and tests. Brands, model
// numbers, standards, authorities and certification bodies are real names
// from the Vietnamese market; certificate numbers, C/O numbers, warning
// details, prices and every tax code are made up (the tax codes carry valid
// check digits, and any match with a real enterprise is chance). The traders
// and importers are fictional companies.
//
// Dates are chosen around late 2026: most conformity certificates were
// issued in 2025 against QCVN 135:2024/BTTTT and run to 2028; a few were
// renewed against QCVN 11:2026/BCA after it came into force on 2026-07-01,
// so that the demo shows both standards; one lot certificate expired on
// 2026-02-28 and one certificate was revoked on 2026-09-15.

const (
	qcvn135 = "QCVN 135:2024/BTTTT"
	qcvn11  = "QCVN 11:2026/BCA"
)

type demoOrg struct {
	key, name, kind, taxCode, address, province, country, website, phone string
}

var demoOrgs = []demoOrg{
	// Certification bodies, the authority that issues warnings, and a
	// market-surveillance office.
	{key: "quatest1", kind: models.OrgCertificationBody, province: "Hà Nội",
		name: "Trung tâm Kỹ thuật Đo lường Chất lượng 1 (Quatest 1)"},
	{key: "quacert", kind: models.OrgCertificationBody, province: "Hà Nội",
		name: "Trung tâm Đo lường VNPT (VNPT-QUACERT)"},
	{key: "quatest3", kind: models.OrgCertificationBody, province: "TP. Hồ Chí Minh",
		name: "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3 (Quatest 3)"},
	{key: "ncsc", kind: models.OrgAuthority, province: "Hà Nội", website: "https://khonggianmang.vn",
		name: "Cục An toàn thông tin – Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)"},
	{key: "qltt-hn", kind: models.OrgMarketSurveillance, province: "Hà Nội",
		name: "Chi cục Quản lý thị trường thành phố Hà Nội (Sở Công Thương Hà Nội)"},

	// Foreign manufacturers: no Vietnamese tax code.
	{key: "hikvision", kind: models.OrgManufacturer, country: "CN", website: "https://www.hikvision.com",
		name: "Hangzhou Hikvision Digital Technology Co., Ltd."},
	{key: "dahua", kind: models.OrgManufacturer, country: "CN", website: "https://www.dahuasecurity.com",
		name: "Zhejiang Dahua Technology Co., Ltd."},

	// Vietnamese manufacturers.
	{key: "viettel", kind: models.OrgManufacturer, taxCode: "0102237199", province: "Hà Nội",
		name: "Tổng Công ty Công nghiệp Công nghệ cao Viettel (Viettel Home Camera)"},
	{key: "vnpttech", kind: models.OrgManufacturer, taxCode: "0106148278", province: "Hà Nội",
		name: "Công ty Cổ phần Công nghệ Công nghiệp Bưu chính Viễn thông (VNPT Technology)"},
	{key: "fpt", kind: models.OrgManufacturer, taxCode: "0101043867", province: "Hà Nội",
		name: "Công ty Cổ phần Viễn thông FPT (FPT Camera)"},
	{key: "bkav", kind: models.OrgManufacturer, taxCode: "0100672132", province: "Hà Nội",
		name: "Công ty Cổ phần Bkav (AI View)"},

	// Importers and distributors, which register imported models and hold
	// their certificates.
	{key: "saoviet", kind: models.OrgImporter, taxCode: "0110934820", province: "Hà Nội", phone: "024 3772 5168",
		name: "Công ty Cổ phần Phân phối Thiết bị An ninh Sao Việt", address: "Tầng 8, 35 Láng Hạ, phường Giảng Võ, Hà Nội"},
	{key: "haidang", kind: models.OrgImporter, taxCode: "0314572600", province: "TP. Hồ Chí Minh", phone: "028 3848 2290",
		name: "Công ty TNHH Công nghệ Hải Đăng", address: "18 Cộng Hòa, phường Tân Sơn Nhất, TP. Hồ Chí Minh"},
	{key: "minhkhoa", kind: models.OrgImporter, taxCode: "0107583918", province: "Hà Nội", phone: "024 3356 0912",
		name: "Công ty TNHH Xuất nhập khẩu Điện tử Minh Khoa", address: "Lô B2, Khu công nghiệp Quang Minh, xã Quang Minh, Hà Nội"},
	{key: "toancau", kind: models.OrgDistributor, taxCode: "0316028749", province: "TP. Hồ Chí Minh", phone: "028 3820 4417",
		name: "Công ty Cổ phần Giải pháp An ninh Toàn Cầu", address: "102 Điện Biên Phủ, phường Xuân Hòa, TP. Hồ Chí Minh"},
	{key: "namviet", kind: models.OrgImporter, taxCode: "0313840952", province: "TP. Hồ Chí Minh", phone: "028 3862 7735",
		name: "Công ty TNHH Thương mại Dịch vụ Kỹ thuật Nam Việt", address: "56 Lý Thường Kiệt, phường Diên Hồng, TP. Hồ Chí Minh"},
	{key: "phuclong", kind: models.OrgImporter, taxCode: "0201763523", province: "Hải Phòng", phone: "0225 3745 218",
		name: "Công ty TNHH Thương mại Điện tử Phúc Long", address: "Số 9 Lê Thánh Tông, phường Ngô Quyền, Hải Phòng"},

	// Traders: shops and online sellers in several provinces.
	{key: "hoanglong", kind: models.OrgRetailer, taxCode: "0109723159", province: "Hà Nội", phone: "024 3942 1188",
		name: "Công ty TNHH Thiết bị Số Hoàng Long", address: "48 Lý Nam Đế, phường Hoàn Kiếm, Hà Nội"},
	{key: "sgcam", kind: models.OrgRetailer, taxCode: "0317290481", province: "TP. Hồ Chí Minh", phone: "028 3930 5566",
		name: "Công ty Cổ phần Thế Giới Camera Sài Gòn", address: "312 Nguyễn Đình Chiểu, phường Bàn Cờ, TP. Hồ Chí Minh"},
	{key: "songhan", kind: models.OrgRetailer, taxCode: "0402156374", province: "Đà Nẵng", phone: "0236 3812 447",
		name: "Công ty TNHH Điện máy Sông Hàn", address: "156 Nguyễn Văn Linh, phường Thanh Khê, Đà Nẵng"},
	{key: "cangbien", kind: models.OrgRetailer, taxCode: "0201958730", province: "Hải Phòng", phone: "0225 3856 120",
		name: "Công ty TNHH Thiết bị An ninh Cảng Biển", address: "27 Lạch Tray, phường Gia Viên, Hải Phòng"},
	{key: "taydo", kind: models.OrgRetailer, taxCode: "1800645217", province: "Cần Thơ", phone: "0292 3821 935",
		name: "Công ty TNHH Điện tử Tây Đô", address: "89 đường 30 Tháng 4, phường Ninh Kiều, Cần Thơ"},
	{key: "xunghe", kind: models.OrgRetailer, taxCode: "2901583657", province: "Nghệ An", phone: "0238 3596 218",
		name: "Công ty TNHH Công nghệ Xứ Nghệ", address: "203 Lê Duẩn, phường Trường Vinh, Nghệ An"},
	{key: "nhathongminh", kind: models.OrgOnlineSeller, taxCode: "0318023961", province: "TP. Hồ Chí Minh",
		name: "Công ty TNHH Thương mại Điện tử Nhà Thông Minh", address: "Tầng 5, 71 Hoàng Văn Thụ, phường Phú Nhuận, TP. Hồ Chí Minh"},
	{key: "onlineviet", kind: models.OrgOnlineSeller, taxCode: "0112047380", province: "Hà Nội",
		name: "Công ty TNHH Camera Online Việt", address: "12 ngõ 68 Cầu Giấy, phường Cầu Giấy, Hà Nội"},
	{key: "mientrung", kind: models.OrgOnlineSeller, taxCode: "0401639587", province: "Đà Nẵng",
		name: "Công ty TNHH Thiết bị Thông minh Miền Trung", address: "45 Hàm Nghi, phường Thạc Gián, Đà Nẵng"},
}

type demoModel struct {
	key, brand, number, name, kind, hsCode, origin, registrant string
	firmware                                                   []string
	pending                                                    bool
}

var demoModels = []demoModel{
	{key: "hik-1023", brand: "Hikvision", number: "DS-2CD1023G0E-I", name: "Camera IP thân trụ 2MP hồng ngoại 30 m",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "saoviet",
		firmware: []string{"V5.5.53 build 190618", "V5.5.800 build 210628", "V5.7.3 build 220112"}},
	{key: "hik-2143", brand: "Hikvision", number: "DS-2CD2143G2-IU", name: "Camera IP bán cầu 4MP AcuSense có micro",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "saoviet",
		firmware: []string{"V5.7.3 build 220112", "V5.7.15 build 230201"}},
	{key: "hik-ptz", brand: "Hikvision", number: "DS-2DE4425IW-DE", name: "Camera IP PTZ 4MP zoom quang 25x",
		kind: "ptz", hsCode: "8525.89.10", origin: "CN", registrant: "saoviet",
		firmware: []string{"V5.6.2 build 201021", "V5.7.1 build 211020"}},
	{key: "ezviz-c6n", brand: "EZVIZ", number: "C6N", name: "Camera Wi-Fi trong nhà quay quét 360° 1080p",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "saoviet",
		firmware: []string{"V5.3.0 build 220428", "V5.3.8 build 230719"}},
	{key: "ezviz-c8c", brand: "EZVIZ", number: "C8C", name: "Camera Wi-Fi ngoài trời quay quét 1080p",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "saoviet",
		firmware: []string{"V5.3.2 build 221110"}},
	{key: "dahua-1230", brand: "Dahua", number: "IPC-HFW1230S-S5", name: "Camera IP thân trụ 2MP hồng ngoại 30 m",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.800.0000000.16.R", "2.820.0000000.12.R"}},
	{key: "dahua-2431", brand: "Dahua", number: "IPC-HDW2431T-AS-S2", name: "Camera IP bán cầu 4MP Starlight",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.800.0000000.22.R"}},
	{key: "dahua-ptz", brand: "Dahua", number: "SD49225XA-HNR", name: "Camera IP PTZ 2MP zoom 25x Starlight",
		kind: "ptz", hsCode: "8525.89.90", origin: "CN", registrant: "haidang",
		firmware: []string{"2.810.0000000.3.R"}},
	{key: "imou-a22ep", brand: "Imou", number: "IPC-A22EP", name: "Imou Ranger 2 – camera Wi-Fi trong nhà 1080p",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.680.0000000.24.R", "2.840.0000000.8.R"}},
	{key: "imou-f22p", brand: "Imou", number: "IPC-F22P", name: "Imou Bullet Lite – camera Wi-Fi ngoài trời 1080p",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.680.0000000.16.R"}},
	{key: "kbv-2111", brand: "KBVision", number: "KX-A2111N2", name: "Camera IP thân trụ 2MP hồng ngoại",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.800.0000000.8.R", "2.820.0000000.5.R"}},
	{key: "kbv-4112", brand: "KBVision", number: "KX-A4112N2", name: "Camera IP bán cầu 4MP hồng ngoại",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "haidang",
		firmware: []string{"2.820.0000000.5.R"}},
	{key: "tapo-c200", brand: "TP-Link", number: "Tapo C200", name: "Camera Wi-Fi an ninh gia đình quay quét 360°",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "minhkhoa",
		firmware: []string{"1.1.5 Build 230301", "1.3.9 Build 231019"}},
	{key: "tapo-c310", brand: "TP-Link", number: "Tapo C310", name: "Camera Wi-Fi ngoài trời 3MP",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "minhkhoa",
		firmware: []string{"1.3.0 Build 230905"}},
	{key: "vigi-c340", brand: "TP-Link", number: "VIGI C340", name: "Camera IP thân trụ 4MP có màu ban đêm",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "minhkhoa",
		firmware: []string{"1.1.5 Build 230301"}},
	{key: "xiaomi-360", brand: "Xiaomi", number: "MJSXJ09CM", name: "Mi Home Security Camera 360° 1080P",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "minhkhoa",
		firmware: []string{"4.1.6_0355"}},
	{key: "yoosee-y33", brand: "Yoosee", number: "Y33-1080P", name: "Camera Wi-Fi 3 râu 1080p không nhãn hiệu (ứng dụng Yoosee)",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "phuclong", pending: true,
		firmware: []string{"13.01.01.62"}},
	{key: "yoosee-ptz", brand: "Yoosee", number: "YS-PTZ5MP", name: "Camera Wi-Fi ngoài trời quay quét 5MP không nhãn hiệu (ứng dụng Yoosee)",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "phuclong", pending: true,
		firmware: []string{"13.01.02.05"}},
	{key: "vantech", brand: "Vantech", number: "VP-6024DTV", name: "Camera IP thân trụ 2MP hồng ngoại",
		kind: "ip", hsCode: "8525.89.10", origin: "TW", registrant: "namviet",
		firmware: []string{"V5.1.2 build 220315"}},
	{key: "questek", brand: "Questek", number: "QTX-9412AIP", name: "Camera IP bán cầu 2MP",
		kind: "ip", hsCode: "8525.89.10", origin: "TW", registrant: "namviet",
		firmware: []string{"V2.6.1.0309"}},
	{key: "panasonic", brand: "Panasonic", number: "WV-S1131", name: "i-PRO camera IP thân trụ 2MP ngoài trời",
		kind: "ip", hsCode: "8525.89.10", origin: "JP", registrant: "toancau",
		firmware: []string{"1.80", "2.20"}},
	{key: "axis", brand: "Axis", number: "P3265-LVE", name: "Camera IP bán cầu 2MP chống va đập, phân tích bằng học sâu",
		kind: "ip", hsCode: "8525.89.10", origin: "SE", registrant: "toancau",
		firmware: []string{"10.12.206", "11.11.73"}},
	{key: "hanwha-6080r", brand: "Hanwha", number: "XNV-6080R", name: "Wisenet X camera IP bán cầu 2MP hồng ngoại",
		kind: "ip", hsCode: "8525.89.10", origin: "KR", registrant: "toancau",
		firmware: []string{"2.21.02_20230915"}},
	{key: "hanwha-6082r", brand: "Hanwha", number: "QNO-6082R", name: "Wisenet Q camera IP thân trụ 2MP hồng ngoại",
		kind: "ip", hsCode: "8525.89.10", origin: "VN", registrant: "toancau",
		firmware: []string{"2.10.05_20230412"}},
	{key: "uniview", brand: "Uniview", number: "IPC2122LB-SF28-A", name: "Camera IP thân trụ 2MP hồng ngoại 30 m",
		kind: "ip", hsCode: "8525.89.10", origin: "CN", registrant: "toancau",
		firmware: []string{"IPC_G6103-B0005P63D1907"}},
	{key: "viettel-hc23", brand: "Viettel", number: "HC23", name: "Viettel Home Camera HC23 – camera Wi-Fi trong nhà",
		kind: "wifi", hsCode: "8525.89.10", origin: "VN", registrant: "viettel",
		firmware: []string{"1.2.8", "1.3.2"}},
	{key: "viettel-hc33", brand: "Viettel", number: "HC33", name: "Viettel Home Camera HC33 – camera Wi-Fi ngoài trời",
		kind: "wifi", hsCode: "8525.89.10", origin: "VN", registrant: "viettel",
		firmware: []string{"1.3.2"}},
	{key: "vnpt-c22", brand: "VNPT Technology", number: "ONE-C22", name: "ONE Home camera Wi-Fi trong nhà 2MP",
		kind: "wifi", hsCode: "8525.89.10", origin: "VN", registrant: "vnpttech",
		firmware: []string{"v2.1.10"}},
	{key: "fpt-iq3", brand: "FPT Camera", number: "IQ3", name: "FPT Camera IQ3 – camera Wi-Fi trong nhà có AI",
		kind: "wifi", hsCode: "8525.89.10", origin: "VN", registrant: "fpt",
		firmware: []string{"1.0.25"}},
	{key: "bkav-b22", brand: "BKAV", number: "AIV-B22", name: "AI View camera IP thân trụ 2MP nhận diện khuôn mặt",
		kind: "ip", hsCode: "8525.89.10", origin: "VN", registrant: "bkav",
		firmware: []string{"AIV_2.4.1"}},
	{key: "ebitcam-e3", brand: "Ebitcam", number: "E3", name: "Camera Wi-Fi trong nhà quay quét 3MP",
		kind: "wifi", hsCode: "8525.89.10", origin: "CN", registrant: "namviet",
		firmware: []string{"V8.1.5.3"}},
}

type demoCert struct {
	number, standard, body string
	method                 int
	holder                 string
	issued, expires        string
	lot                    string
	models                 []string
	// revokedOn and reason, when set, revoke the certificate after it is
	// created, as a certification body does through the API.
	revokedOn, reason string
}

var demoCerts = []demoCert{
	// QCVN 135:2024/BTTTT, certified in 2025 for three years.
	{number: "QCVN135-Q1-2025-0003", standard: qcvn135, body: "quatest1", method: 5, holder: "viettel",
		issued: "2025-03-05", expires: "2028-03-04", models: []string{"viettel-hc23", "viettel-hc33"}},
	{number: "QCVN135-Q1-2025-0012", standard: qcvn135, body: "quatest1", method: 5, holder: "hikvision",
		issued: "2025-03-20", expires: "2028-03-19", models: []string{"hik-1023", "hik-2143", "hik-ptz"}},
	{number: "QCVN135-Q1-2025-0021", standard: qcvn135, body: "quatest1", method: 5, holder: "vnpttech",
		issued: "2025-03-27", expires: "2028-03-26", models: []string{"vnpt-c22"}},
	{number: "VNPT-QUACERT/2025/CR-0388", standard: qcvn135, body: "quacert", method: 5, holder: "bkav",
		issued: "2025-04-01", expires: "2028-03-31", models: []string{"bkav-b22"}},
	{number: "QCVN135-Q3-2025-0031", standard: qcvn135, body: "quatest3", method: 5, holder: "dahua",
		issued: "2025-04-02", expires: "2028-04-01", models: []string{"dahua-1230", "dahua-2431", "dahua-ptz"}},
	{number: "VNPT-QUACERT/2025/CR-0457", standard: qcvn135, body: "quacert", method: 1, holder: "saoviet",
		issued: "2025-04-10", expires: "2028-04-09", models: []string{"ezviz-c6n", "ezviz-c8c"}},
	{number: "QCVN135-Q3-2025-0058", standard: qcvn135, body: "quatest3", method: 1, holder: "haidang",
		issued: "2025-05-08", expires: "2028-05-07", models: []string{"imou-a22ep", "imou-f22p"}},
	{number: "QCVN135-Q1-2025-0047", standard: qcvn135, body: "quatest1", method: 1, holder: "haidang",
		issued: "2025-05-26", expires: "2028-05-25", models: []string{"kbv-2111", "kbv-4112"}},
	{number: "VNPT-QUACERT/2025/CR-0512", standard: qcvn135, body: "quacert", method: 1, holder: "minhkhoa",
		issued: "2025-06-05", expires: "2028-06-04", models: []string{"tapo-c200", "tapo-c310", "vigi-c340"}},
	{number: "QCVN135-Q1-2025-0089", standard: qcvn135, body: "quatest1", method: 5, holder: "fpt",
		issued: "2025-06-18", expires: "2028-06-17", models: []string{"fpt-iq3"}},
	{number: "QCVN135-Q3-2025-0094", standard: qcvn135, body: "quatest3", method: 1, holder: "namviet",
		issued: "2025-07-01", expires: "2028-06-30", models: []string{"vantech"}},
	{number: "QCVN135-Q3-2025-0102", standard: qcvn135, body: "quatest3", method: 1, holder: "namviet",
		issued: "2025-07-15", expires: "2028-07-14", models: []string{"questek"},
		revokedOn: "2026-09-15",
		reason: "Đánh giá giám sát: mẫu lấy trên thị trường không đạt yêu cầu mật khẩu duy nhất và quản lý cập nhật; " +
			"chủ giấy chứng nhận không khắc phục trong thời hạn yêu cầu"},
	{number: "VNPT-QUACERT/2025/CR-0633", standard: qcvn135, body: "quacert", method: 1, holder: "toancau",
		issued: "2025-07-22", expires: "2028-07-21", models: []string{"hanwha-6080r", "hanwha-6082r"}},
	{number: "QCVN135-Q3-2025-0117", standard: qcvn135, body: "quatest3", method: 1, holder: "toancau",
		issued: "2025-08-06", expires: "2028-08-05", models: []string{"uniview"}},
	{number: "VNPT-QUACERT/2025/CR-0701", standard: qcvn135, body: "quacert", method: 1, holder: "toancau",
		issued: "2025-08-19", expires: "2028-08-18", models: []string{"axis"}},
	// A lot certificate (method 7) covers one import lot only; this one
	// has run out, so the Xiaomi model shows an expired certificate.
	{number: "QCVN135-Q1-2025-L0163", standard: qcvn135, body: "quatest1", method: 7, holder: "minhkhoa",
		issued: "2025-09-02", expires: "2026-02-28", models: []string{"xiaomi-360"},
		lot: "Tờ khai hải quan 107512836410/A11 ngày 25/08/2025 – 2.400 chiếc"},
	{number: "QCVN135-Q1-2025-0128", standard: qcvn135, body: "quatest1", method: 1, holder: "toancau",
		issued: "2025-09-10", expires: "2028-09-09", models: []string{"panasonic"}},

	// QCVN 11:2026/BCA, in force from 2026-07-01: renewals and a new lot.
	{number: "QCVN11-Q1-2026-0002", standard: qcvn11, body: "quatest1", method: 5, holder: "viettel",
		issued: "2026-07-20", expires: "2029-07-19", models: []string{"viettel-hc23", "viettel-hc33"}},
	{number: "QCVN11-Q1-2026-0008", standard: qcvn11, body: "quatest1", method: 5, holder: "hikvision",
		issued: "2026-08-12", expires: "2029-08-11", models: []string{"hik-1023", "hik-2143"}},
	{number: "QCVN11-Q3-2026-0015", standard: qcvn11, body: "quatest3", method: 5, holder: "dahua",
		issued: "2026-08-28", expires: "2029-08-27", models: []string{"dahua-1230", "dahua-2431"}},
	{number: "VNPT-QUACERT/2026/CR-1093", standard: qcvn11, body: "quacert", method: 1, holder: "minhkhoa",
		issued: "2026-09-03", expires: "2029-09-02", models: []string{"tapo-c200", "vigi-c340"}},
	{number: "QCVN11-Q1-2026-L0041", standard: qcvn11, body: "quatest1", method: 7, holder: "namviet",
		issued: "2026-10-05", models: []string{"ebitcam-e3"},
		lot: "Tờ khai hải quan 108034527710/A11 ngày 28/09/2026 – 1.200 chiếc"},
}

type demoOrigin struct {
	number, form, issuer, country, issued, holder, lot, invoice string
	models                                                      []string
}

// demoOrigins are C/Os of imported lots. Domestic models, and a few
// imported ones (Uniview, Vantech, Questek, Ebitcam, the no-brand Yoosee
// cameras), have none, so that the demo shows a missing proof of origin.
var demoOrigins = []demoOrigin{
	{number: "E253300051240087", form: "E", country: "CN", issued: "2025-04-22", holder: "haidang",
		issuer: "China Council for the Promotion of International Trade (CCPIT), Zhejiang",
		lot:    "HD-2504-DH", invoice: "DH-PI-2504-0913",
		models: []string{"dahua-1230", "dahua-2431", "dahua-ptz", "imou-a22ep", "imou-f22p"}},
	{number: "E256100128410034", form: "E", country: "CN", issued: "2025-05-06", holder: "saoviet",
		issuer: "General Administration of Customs of China (Hangzhou Customs)",
		lot:    "SV-2505-HK", invoice: "HKV-INV-20250428-017",
		models: []string{"hik-1023", "hik-2143", "hik-ptz"}},
	{number: "E253300051240412", form: "E", country: "CN", issued: "2025-05-15", holder: "haidang",
		issuer: "China Council for the Promotion of International Trade (CCPIT), Zhejiang",
		lot:    "HD-2505-KB", invoice: "KB-PI-2505-0221",
		models: []string{"kbv-2111", "kbv-4112"}},
	{number: "E254403170520116", form: "E", country: "CN", issued: "2025-05-29", holder: "minhkhoa",
		issuer: "China Council for the Promotion of International Trade (CCPIT), Guangdong",
		lot:    "MK-2505-TP", invoice: "TPL-VN-250521-08",
		models: []string{"tapo-c200", "tapo-c310", "vigi-c340"}},
	{number: "E256100128410291", form: "E", country: "CN", issued: "2025-06-12", holder: "saoviet",
		issuer: "General Administration of Customs of China (Hangzhou Customs)",
		lot:    "SV-2506-EZ", invoice: "EZ-INV-20250603-004",
		models: []string{"ezviz-c6n", "ezviz-c8c"}},
	{number: "AK-25-KR-0048213", form: "AK", country: "KR", issued: "2025-06-30", holder: "toancau",
		issuer: "Korea Chamber of Commerce and Industry (KCCI)",
		lot:    "TC-2507-HW", invoice: "HV-EXP-2025-06-1187",
		models: []string{"hanwha-6080r"}},
	{number: "SE 0915337", form: "EUR.1", country: "SE", issued: "2025-07-09", holder: "toancau",
		issuer:  "Tullverket (Swedish Customs)",
		invoice: "AX-90871245",
		models:  []string{"axis"}},
	{number: "E254403170690452", form: "E", country: "CN", issued: "2025-08-15", holder: "minhkhoa",
		issuer: "China Council for the Promotion of International Trade (CCPIT), Guangdong",
		lot:    "Tờ khai hải quan 107512836410/A11", invoice: "XM-VN-250811-02",
		models: []string{"xiaomi-360"}},
	{number: "AJ-2025-0031840", form: "AJ", country: "JP", issued: "2025-08-20", holder: "toancau",
		issuer: "Japan Chamber of Commerce and Industry (JCCI)",
		lot:    "TC-2508-PN", invoice: "IPRO-VN-2508-0044",
		models: []string{"panasonic"}},
}

type demoAffected struct{ model, introducedIn, fixedIn string }

type demoWarning struct {
	authority, reference, title, summary, severity, issued, measure, url string
	cves                                                                 []string
	affected                                                             []demoAffected
}

var demoWarnings = []demoWarning{
	{
		authority: "ncsc", reference: "383/CATTT-NCSC", severity: "high", measure: "update_firmware",
		issued: "2025-05-20", url: "https://khonggianmang.vn",
		title: "Cảnh báo lỗ hổng bảo mật nghiêm trọng trên một số dòng camera IP Hikvision, Dahua và KBVision",
		summary: "Camera IP Hikvision chạy firmware cũ có lỗ hổng chèn lệnh qua giao diện web (CVE-2021-36260), " +
			"cho phép kẻ tấn công chiếm quyền điều khiển thiết bị mà không cần xác thực. Một số camera Dahua và " +
			"KBVision có lỗ hổng vượt qua xác thực (CVE-2021-33044, CVE-2021-33045). Cơ quan, tổ chức, doanh " +
			"nghiệp và người dùng cần kiểm tra, cập nhật firmware lên phiên bản đã vá và không mở giao diện quản " +
			"trị ra Internet.",
		cves: []string{"CVE-2021-36260", "CVE-2021-33044", "CVE-2021-33045"},
		affected: []demoAffected{
			{model: "hik-1023", fixedIn: "V5.5.800 build 210628"},
			{model: "hik-ptz", fixedIn: "V5.7.1 build 211020"},
			{model: "dahua-1230", fixedIn: "2.820.0000000.12.R"},
			{model: "kbv-2111", fixedIn: "2.820.0000000.5.R"},
		},
	},
	{
		authority: "ncsc", reference: "1586/CATTT-NCSC", severity: "critical", measure: "stop_sale",
		issued: "2026-09-25",
		title:  "Cảnh báo camera Wi-Fi không nhãn hiệu dùng ứng dụng Yoosee có mật khẩu quản trị cố định",
		summary: "Camera Wi-Fi không nhãn hiệu điều khiển qua ứng dụng Yoosee, bán rộng rãi tại cửa hàng và trên " +
			"sàn thương mại điện tử, có tài khoản quản trị với mật khẩu cố định trong firmware, không đổi được và " +
			"không có cơ chế cập nhật. Thiết bị không đáp ứng QCVN 135:2024/BTTTT. Đề nghị dừng kinh doanh, gỡ " +
			"tin đăng bán và thông báo cho người dùng.",
		cves: []string{"CVE-2017-8224", "CVE-2017-8225"},
		affected: []demoAffected{
			{model: "yoosee-y33"},
			{model: "yoosee-ptz"},
		},
	},
}

type demoListing struct {
	trader, model, channel, url string
	price                       int64
	first, last, source         string
}

// demoListings place each listing in its trader's province; a shop listing
// is at the trader's address.
var demoListings = []demoListing{
	{trader: "hoanglong", model: "hik-1023", channel: "shop", price: 750_000, first: "2025-06-02", last: "2026-11-02", source: "self_declared"},
	{trader: "hoanglong", model: "hik-2143", channel: "shop", price: 2_150_000, first: "2025-06-02", last: "2026-11-02", source: "self_declared"},
	{trader: "hoanglong", model: "ezviz-c6n", channel: "shop", price: 590_000, first: "2025-07-14", last: "2026-11-02", source: "self_declared"},
	{trader: "hoanglong", model: "tapo-c200", channel: "shop", price: 450_000, first: "2025-07-14", last: "2026-11-02", source: "self_declared"},
	{trader: "hoanglong", model: "viettel-hc23", channel: "shop", price: 590_000, first: "2025-09-01", last: "2026-11-02", source: "self_declared"},
	{trader: "hoanglong", model: "yoosee-y33", channel: "shop", price: 230_000, first: "2026-10-07", last: "2026-10-07", source: "inspection"},

	{trader: "sgcam", model: "dahua-1230", channel: "shop", price: 690_000, first: "2025-05-20", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "imou-a22ep", channel: "shop", price: 490_000, first: "2025-05-20", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "kbv-2111", channel: "shop", price: 720_000, first: "2025-06-10", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "vigi-c340", channel: "shop", price: 1_150_000, first: "2025-07-01", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "hanwha-6080r", channel: "shop", price: 5_800_000, first: "2025-08-15", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "axis", channel: "shop", price: 26_500_000, first: "2025-09-05", last: "2026-10-28", source: "self_declared"},
	{trader: "sgcam", model: "uniview", channel: "shop", price: 850_000, first: "2025-09-05", last: "2026-10-28", source: "self_declared"},

	{trader: "songhan", model: "hik-1023", channel: "shop", price: 780_000, first: "2025-08-04", last: "2026-10-15", source: "self_declared"},
	{trader: "songhan", model: "ezviz-c8c", channel: "shop", price: 1_090_000, first: "2025-08-04", last: "2026-10-15", source: "self_declared"},
	{trader: "songhan", model: "fpt-iq3", channel: "shop", price: 690_000, first: "2025-10-01", last: "2026-10-15", source: "self_declared"},
	{trader: "songhan", model: "bkav-b22", channel: "shop", price: 1_250_000, first: "2025-10-01", last: "2026-10-15", source: "self_declared"},
	{trader: "songhan", model: "vantech", channel: "shop", price: 650_000, first: "2025-11-12", last: "2026-10-15", source: "self_declared"},

	{trader: "cangbien", model: "dahua-ptz", channel: "shop", price: 12_500_000, first: "2025-06-23", last: "2026-09-30", source: "self_declared"},
	{trader: "cangbien", model: "hik-ptz", channel: "shop", price: 9_800_000, first: "2025-06-23", last: "2026-09-30", source: "self_declared"},
	{trader: "cangbien", model: "questek", channel: "shop", price: 790_000, first: "2026-10-21", last: "2026-10-21", source: "inspection"},
	{trader: "cangbien", model: "yoosee-ptz", channel: "shop", price: 390_000, first: "2026-10-21", last: "2026-10-21", source: "inspection"},

	{trader: "taydo", model: "imou-f22p", channel: "shop", price: 650_000, first: "2025-09-15", last: "2026-11-05", source: "self_declared"},
	{trader: "taydo", model: "kbv-4112", channel: "shop", price: 950_000, first: "2025-09-15", last: "2026-11-05", source: "self_declared"},
	{trader: "taydo", model: "vnpt-c22", channel: "shop", price: 520_000, first: "2025-10-20", last: "2026-11-05", source: "self_declared"},
	{trader: "taydo", model: "ebitcam-e3", channel: "shop", price: 450_000, first: "2026-10-20", last: "2026-11-05", source: "self_declared"},

	{trader: "xunghe", model: "viettel-hc33", channel: "shop", price: 890_000, first: "2025-11-03", last: "2026-11-10", source: "self_declared"},
	{trader: "xunghe", model: "panasonic", channel: "shop", price: 4_200_000, first: "2025-11-03", last: "2026-11-10", source: "self_declared"},
	{trader: "xunghe", model: "hik-2143", channel: "shop", price: 2_190_000, first: "2025-11-03", last: "2026-11-10", source: "self_declared"},

	{trader: "nhathongminh", model: "tapo-c310", channel: "online", price: 790_000, first: "2025-08-11", last: "2026-11-18", source: "marketplace",
		url: "https://shopee.vn/product/382716455/21873650912"},
	{trader: "nhathongminh", model: "xiaomi-360", channel: "online", price: 520_000, first: "2025-09-20", last: "2026-11-18", source: "marketplace",
		url: "https://shopee.vn/product/382716455/22904118735"},
	{trader: "nhathongminh", model: "yoosee-y33", channel: "online", price: 199_000, first: "2026-03-02", last: "2026-11-18", source: "marketplace",
		url: "https://shopee.vn/product/382716455/24518830476"},
	{trader: "nhathongminh", model: "imou-a22ep", channel: "online", price: 475_000, first: "2025-08-11", last: "2026-11-18", source: "marketplace",
		url: "https://shopee.vn/product/382716455/21873651208"},

	{trader: "onlineviet", model: "ezviz-c6n", channel: "online", price: 565_000, first: "2025-07-30", last: "2026-11-16", source: "marketplace",
		url: "https://www.lazada.vn/products/camera-wifi-ezviz-c6n-1080p-i2104857361.html"},
	{trader: "onlineviet", model: "tapo-c200", channel: "online", price: 429_000, first: "2025-07-30", last: "2026-11-16", source: "marketplace",
		url: "https://www.lazada.vn/products/camera-wifi-tp-link-tapo-c200-i1987345520.html"},
	{trader: "onlineviet", model: "xiaomi-360", channel: "online", price: 499_000, first: "2025-10-05", last: "2026-11-16", source: "marketplace",
		url: "https://tiki.vn/camera-xiaomi-mi-home-360-1080p-mjsxj09cm-p27364581.html"},
	{trader: "onlineviet", model: "yoosee-ptz", channel: "online", price: 359_000, first: "2026-04-12", last: "2026-11-16", source: "marketplace",
		url: "https://www.lazada.vn/products/camera-yoosee-ngoai-troi-ptz-5mp-i2387710294.html"},

	{trader: "mientrung", model: "tapo-c200", channel: "online", price: 439_000, first: "2025-12-01", last: "2026-11-12", source: "self_declared",
		url: "https://tiki.vn/camera-wifi-tp-link-tapo-c200-p31820457.html"},
	{trader: "mientrung", model: "viettel-hc23", channel: "online", price: 579_000, first: "2026-01-15", last: "2026-11-12", source: "self_declared",
		url: "https://tiki.vn/viettel-home-camera-hc23-p33570129.html"},
}

// LoadDemo loads the demo dataset into an empty registry, through the same services as the API, so every row is validated and written to the change log. It returns false, and changes nothing, when the registry already holds organizations or models.
//
// Each row is its own transaction, as through the API, so an error part-way
// leaves the rows loaded so far; the error names the row that failed. Start
// again from an empty database after fixing the cause.
func LoadDemo(ctx context.Context, st *models.Store) (bool, error) {
	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return false, fmt.Errorf("load demo: %w", err)
	}
	if !empty {
		return false, nil
	}
	l := &demoLoader{st: st, actor: models.System("demo"), ids: map[string]string{}, orgs: map[string]demoOrg{}}
	// Order matters: each step refers to rows the steps before it made.
	for _, step := range []func(context.Context) error{
		l.organizations, l.models, l.certificates, l.origins, l.warnings, l.listings,
	} {
		if err := step(ctx); err != nil {
			return false, fmt.Errorf("load demo: %w", err)
		}
	}
	return true, nil
}

// demoLoader creates the dataset's rows and maps the dataset's own keys
// ("quatest1", "hik-1023") to the ids the services assign.
type demoLoader struct {
	st    *models.Store
	actor models.Actor
	ids   map[string]string
	orgs  map[string]demoOrg
}

// id returns the id of the row made for a dataset key.
func (l *demoLoader) id(key string) (string, error) {
	id, ok := l.ids[key]
	if !ok {
		return "", fmt.Errorf("the dataset names %q, which it does not define", key)
	}
	return id, nil
}

// idPtr is id for an optional reference.
func (l *demoLoader) idPtr(key string) (*string, error) {
	if key == "" {
		return nil, nil
	}
	id, err := l.id(key)
	return &id, err
}

// remember records the id made for key; a key defined twice is an error in
// the dataset.
func (l *demoLoader) remember(key, id string) error {
	if _, dup := l.ids[key]; dup {
		return fmt.Errorf("the dataset defines %q twice", key)
	}
	l.ids[key] = id
	return nil
}

func (l *demoLoader) organizations(ctx context.Context) error {
	for _, o := range demoOrgs {
		org, err := l.st.CreateOrganization(ctx, l.actor, models.OrganizationInput{
			Name:     ptr(o.name),
			Kind:     ptr(o.kind),
			TaxCode:  opt(o.taxCode),
			Address:  opt(o.address),
			Province: opt(o.province),
			Country:  opt(o.country),
			Website:  opt(o.website),
			Phone:    opt(o.phone),
		})
		if err != nil {
			return fmt.Errorf("organization %q: %w", o.name, err)
		}
		if err := l.remember(o.key, org.ID); err != nil {
			return err
		}
		l.orgs[o.key] = o
	}
	return nil
}

func (l *demoLoader) models(ctx context.Context) error {
	for _, m := range demoModels {
		registrant, err := l.idPtr(m.registrant)
		if err != nil {
			return fmt.Errorf("model %s %s: %w", m.brand, m.number, err)
		}
		status := models.ModelVerified
		if m.pending {
			status = models.ModelPending
		}
		fw := append([]string(nil), m.firmware...)
		row, err := l.st.CreateModel(ctx, l.actor, models.ModelInput{
			Brand:            ptr(m.brand),
			ModelNumber:      ptr(m.number),
			Name:             opt(m.name),
			Kind:             opt(m.kind),
			HSCode:           opt(m.hsCode),
			OriginCountry:    opt(m.origin),
			FirmwareVersions: &fw,
			RegistrantOrgID:  registrant,
			Status:           &status,
		})
		if err != nil {
			return fmt.Errorf("model %s %s: %w", m.brand, m.number, err)
		}
		if err := l.remember(m.key, row.ID); err != nil {
			return err
		}
	}
	return nil
}

func (l *demoLoader) certificates(ctx context.Context) error {
	for _, c := range demoCerts {
		if err := l.certificate(ctx, c); err != nil {
			return fmt.Errorf("certificate %s: %w", c.number, err)
		}
	}
	return nil
}

func (l *demoLoader) certificate(ctx context.Context, c demoCert) error {
	body, err := l.id(c.body)
	if err != nil {
		return err
	}
	holder, err := l.id(c.holder)
	if err != nil {
		return err
	}
	covered := make([]models.CoveredModelInput, len(c.models))
	for i, key := range c.models {
		if covered[i].CameraModelID, err = l.id(key); err != nil {
			return err
		}
	}
	method := c.method
	row, err := l.st.CreateCertificate(ctx, l.actor, models.CertificateInput{
		Number:                 ptr(c.number),
		StandardCode:           ptr(c.standard),
		CertificationBodyOrgID: &body,
		Method:                 &method,
		HolderOrgID:            &holder,
		IssuedOn:               ptr(c.issued),
		ExpiresOn:              opt(c.expires),
		LotRef:                 opt(c.lot),
		Models:                 &covered,
	})
	if err != nil {
		return err
	}
	if c.revokedOn == "" {
		return nil
	}
	// Revoke through an update, as a certification body would, so the
	// change log shows the certificate valid first and then its revocation.
	_, err = l.st.UpdateCertificate(ctx, l.actor, row.ID, models.CertificateInput{
		Status:          ptr(models.CertRevoked),
		StatusReason:    ptr(c.reason),
		StatusChangedOn: ptr(c.revokedOn),
	}, &row.Version)
	return err
}

func (l *demoLoader) origins(ctx context.Context) error {
	for _, o := range demoOrigins {
		if err := l.origin(ctx, o); err != nil {
			return fmt.Errorf("certificate of origin %s: %w", o.number, err)
		}
	}
	return nil
}

func (l *demoLoader) origin(ctx context.Context, o demoOrigin) error {
	holder, err := l.idPtr(o.holder)
	if err != nil {
		return err
	}
	ids := make([]string, len(o.models))
	for i, key := range o.models {
		if ids[i], err = l.id(key); err != nil {
			return err
		}
	}
	_, err = l.st.CreateOriginCertificate(ctx, l.actor, models.OriginCertificateInput{
		Number:           ptr(o.number),
		Form:             ptr(o.form),
		Issuer:           ptr(o.issuer),
		ExportingCountry: ptr(o.country),
		IssuedOn:         ptr(o.issued),
		HolderOrgID:      holder,
		LotRef:           opt(o.lot),
		InvoiceRef:       opt(o.invoice),
		CameraModelIDs:   &ids,
	})
	return err
}

func (l *demoLoader) warnings(ctx context.Context) error {
	for _, w := range demoWarnings {
		if err := l.warning(ctx, w); err != nil {
			return fmt.Errorf("warning %s: %w", w.reference, err)
		}
	}
	return nil
}

func (l *demoLoader) warning(ctx context.Context, w demoWarning) error {
	authority, err := l.id(w.authority)
	if err != nil {
		return err
	}
	affected := make([]models.AffectedModelInput, len(w.affected))
	for i, a := range w.affected {
		id, err := l.id(a.model)
		if err != nil {
			return err
		}
		affected[i] = models.AffectedModelInput{CameraModelID: id, IntroducedIn: a.introducedIn, FixedIn: a.fixedIn}
	}
	cves := append([]string(nil), w.cves...)
	_, err = l.st.CreateWarning(ctx, l.actor, models.WarningInput{
		AuthorityOrgID: &authority,
		Reference:      ptr(w.reference),
		Title:          ptr(w.title),
		Summary:        opt(w.summary),
		Severity:       ptr(w.severity),
		IssuedOn:       ptr(w.issued),
		Measure:        ptr(w.measure),
		CVEIDs:         &cves,
		URL:            opt(w.url),
		Affected:       &affected,
	})
	return err
}

func (l *demoLoader) listings(ctx context.Context) error {
	for _, ls := range demoListings {
		if err := l.listing(ctx, ls); err != nil {
			return fmt.Errorf("listing of %s by %s: %w", ls.model, ls.trader, err)
		}
	}
	return nil
}

func (l *demoLoader) listing(ctx context.Context, ls demoListing) error {
	trader, err := l.id(ls.trader)
	if err != nil {
		return err
	}
	model, err := l.id(ls.model)
	if err != nil {
		return err
	}
	org := l.orgs[ls.trader]
	in := models.ListingInput{
		TraderOrgID:   &trader,
		CameraModelID: &model,
		Channel:       ptr(ls.channel),
		URL:           opt(ls.url),
		Province:      opt(org.province),
		PriceVND:      &ls.price,
		FirstSeenOn:   ptr(ls.first),
		LastSeenOn:    ptr(ls.last),
		Source:        ptr(ls.source),
	}
	if ls.channel == "shop" {
		in.ShopAddress = opt(org.address)
	}
	_, err = l.st.CreateListing(ctx, l.actor, in)
	return err
}

func ptr[T any](v T) *T { return &v }

// opt is ptr for optional text: the empty string means "not given".
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
