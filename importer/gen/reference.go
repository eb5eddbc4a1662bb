package gen

// The vocabulary of the generated market. Brands, model-number shapes,
// standards, authorities and certification bodies are real names from the
// Vietnamese market (DOMAIN.md); everything else (companies, people, tax
// codes, document numbers) is invented.

// province is one of the 34 provincial units with what the generator needs
// to place traders in it.
type province struct {
	code string // the administrative code, as in models.Provinces
	// taxPrefix is the tax department's two-digit prefix of enterprise tax
	// codes registered there. It predates the 2025 merger (the prefix of
	// the largest former province) and differs from the administrative code.
	taxPrefix string
	// weight is the province's share of traders: roughly its population in
	// hundreds of thousands, doubled for the two metropolises where the
	// trade concentrates.
	weight int
	area   string // the landline area code
	abbr   string // the abbreviation in market-surveillance document numbers
}

var provinces = []province{
	{"01", "01", 170, "024", "HN"},
	{"04", "48", 6, "0206", "CB"},
	{"08", "50", 19, "0207", "TQ"},
	{"11", "56", 6, "0215", "DB"},
	{"12", "62", 5, "0213", "LCH"},
	{"14", "55", 13, "0212", "SL"},
	{"15", "53", 18, "0214", "LCA"},
	{"19", "46", 18, "0208", "TN"},
	{"20", "49", 8, "0205", "LS"},
	{"22", "57", 14, "0203", "QNI"},
	{"24", "23", 36, "0222", "BN"},
	{"25", "26", 40, "0210", "PT"},
	{"31", "02", 46, "0225", "HP"},
	{"33", "09", 36, "0221", "HY"},
	{"37", "27", 44, "0229", "NB"},
	{"38", "28", 43, "0237", "TH"},
	{"40", "29", 35, "0238", "NA"},
	{"42", "30", 13, "0239", "HT"},
	{"44", "31", 19, "0232", "QT"},
	{"46", "33", 14, "0234", "HUE"},
	{"48", "04", 31, "0236", "DNG"},
	{"51", "43", 22, "0255", "QNG"},
	{"52", "59", 36, "0269", "GL"},
	{"56", "42", 22, "0258", "KH"},
	{"66", "60", 33, "0262", "DL"},
	{"68", "58", 39, "0263", "LD"},
	{"75", "36", 45, "0251", "DNA"},
	{"79", "03", 300, "028", "HCM"},
	{"80", "39", 33, "0276", "TNI"},
	{"82", "14", 42, "0277", "DT"},
	{"86", "15", 43, "0270", "VL"},
	{"91", "16", 49, "0296", "AG"},
	{"92", "18", 42, "0292", "CT"},
	{"96", "20", 26, "0290", "CM"},
}

// line is a product line of a brand: a model-number prefix, a code of
// digits, and a suffix. The prefixes of one brand, folded, are prefix-free
// and each line's code has one width per run, so model numbers are unique
// per brand by construction whatever the suffix (see camera.number).
type line struct {
	prefix   string
	width    int // the natural width of the code; more models widen it
	suffixes []string
	kind     string
	// gap separates the code from the suffix ("" or "-").
	gap string
}

// brand is a brand on the market and how the generator sells it.
type brand struct {
	name string
	// share of models, popularity in listings, and a price factor in
	// percent (100 = market average).
	share, popularity, price int
	// certified is the per-mille of the brand's models that hold a
	// certificate of conformity.
	certified int
	// origins are the countries its models are made in, the first the most
	// common; "VN" marks a domestic model, which needs no C/O.
	origins []string
	// maker is the foreign manufacturer (holder of method-5 certificates),
	// or "" when certificates are held by the Vietnamese registrant.
	maker, makerCountry, makerSite string
	// domestic brands are registered by their own Vietnamese manufacturer.
	domestic string
	firmware fwStyle
	lines    []line
}

var brands = []brand{
	{name: "Hikvision", share: 180, popularity: 220, price: 110, certified: 930, origins: []string{"CN"},
		maker: "Hangzhou Hikvision Digital Technology Co., Ltd.", makerCountry: "CN", makerSite: "https://www.hikvision.com", firmware: fwHik,
		lines: []line{
			{prefix: "DS-2CD", width: 4, suffixes: []string{"G0E-I", "G2-IU", "G2-LIS", "G0-I", "G1-IDW", "G2-LIU", "F-IWS"}, kind: "ip"},
			{prefix: "DS-2CE", width: 4, suffixes: []string{"T-IRP", "T-ITPF", "T-PIRL", "D0T-IT3F"}, kind: "analog"},
			{prefix: "DS-2DE", width: 4, suffixes: []string{"IW-DE", "IY-DE", "IW-DE(T5)"}, kind: "ptz"},
			{prefix: "DS-2TD", width: 4, suffixes: []string{"-3/PA", "-7/PY", "-10/P"}, kind: "thermal"},
		}},
	{name: "Dahua", share: 140, popularity: 180, price: 100, certified: 920, origins: []string{"CN"},
		maker: "Zhejiang Dahua Technology Co., Ltd.", makerCountry: "CN", makerSite: "https://www.dahuasecurity.com", firmware: fwDahua,
		lines: []line{
			{prefix: "IPC-HFW", width: 4, suffixes: []string{"S-S5", "T-AS-S2", "M-I2", "LP-0280B", "T-ZS-S2"}, kind: "ip"},
			{prefix: "IPC-HDW", width: 4, suffixes: []string{"T-AS-S2", "SP-S5", "M-I2"}, kind: "ip"},
			{prefix: "IPC-HDBW", width: 4, suffixes: []string{"E-AS-S2", "R-ZS"}, kind: "ip"},
			{prefix: "SD", width: 5, suffixes: []string{"XA-HNR", "DB-HNY", "XB-HNR"}, kind: "ptz"},
			{prefix: "HAC-HFW", width: 4, suffixes: []string{"CP-A", "TLP-A", "RP"}, kind: "analog"},
		}},
	{name: "EZVIZ", share: 80, popularity: 160, price: 90, certified: 910, origins: []string{"CN"},
		maker: "Hangzhou EZVIZ Network Co., Ltd.", makerCountry: "CN", makerSite: "https://www.ezviz.com", firmware: fwEzviz,
		lines: []line{
			{prefix: "CS-C", width: 2, suffixes: []string{"N", "C", "N-A0-1C2WFR", "PN", "B-4MP"}, kind: "wifi"},
			{prefix: "CS-H", width: 2, suffixes: []string{"", "C", "-2K"}, kind: "wifi"},
			{prefix: "CS-BC", width: 2, suffixes: []string{"", "-B0-2C2WPBDL"}, kind: "wifi"},
			{prefix: "CS-DB", width: 2, suffixes: []string{"", "C", "-2K"}, kind: "doorbell"},
		}},
	{name: "Imou", share: 90, popularity: 170, price: 85, certified: 900, origins: []string{"CN"},
		maker: "Hangzhou Huacheng Network Technology Co., Ltd.", makerCountry: "CN", makerSite: "https://www.imoulife.com", firmware: fwDahua,
		lines: []line{
			{prefix: "IPC-A", width: 2, suffixes: []string{"EP", "E", "P-B", "EP-L"}, kind: "wifi"},
			{prefix: "IPC-F", width: 2, suffixes: []string{"P", "FP", "P-IMOU"}, kind: "wifi"},
			{prefix: "IPC-K", width: 2, suffixes: []string{"", "E", "P"}, kind: "wifi"},
			{prefix: "IPC-S", width: 2, suffixes: []string{"FP", "EP", "P-0360B"}, kind: "wifi"},
			{prefix: "DB", width: 2, suffixes: []string{"i", "", "-S"}, kind: "doorbell"},
		}},
	{name: "KBVision", share: 70, popularity: 110, price: 95, certified: 880, origins: []string{"CN"}, firmware: fwDahua,
		lines: []line{
			{prefix: "KX-A", width: 4, suffixes: []string{"N2", "N3", "SN", "MN2"}, kind: "ip"},
			{prefix: "KX-C", width: 4, suffixes: []string{"N2", "SN", "WN"}, kind: "ip"},
			{prefix: "KX-D", width: 4, suffixes: []string{"", "S", "C"}, kind: "analog"},
			{prefix: "KX-F", width: 4, suffixes: []string{"WN", "PN"}, kind: "wifi"},
		}},
	{name: "TP-Link", share: 80, popularity: 170, price: 90, certified: 940, origins: []string{"CN", "VN"},
		maker: "TP-Link Corporation Limited", makerCountry: "HK", makerSite: "https://www.tp-link.com", firmware: fwTPLink,
		lines: []line{
			{prefix: "Tapo C", width: 3, kind: "wifi", suffixes: []string{"", "", "WS", "A"}},
			{prefix: "VIGI C", width: 3, kind: "ip", suffixes: []string{"", "I", "-W", "I-4"}},
			{prefix: "Tapo D", width: 3, kind: "doorbell", suffixes: []string{"", "S"}},
		}},
	{name: "Xiaomi", share: 60, popularity: 140, price: 85, certified: 860, origins: []string{"CN"},
		maker: "Shanghai Imilab Technology Co., Ltd.", makerCountry: "CN", makerSite: "https://www.mi.com", firmware: fwXiaomi,
		lines: []line{
			{prefix: "MJSXJ", width: 2, suffixes: []string{"CM", "HL", "LS"}, kind: "wifi"},
			{prefix: "CMSXJ", width: 2, suffixes: []string{"C", "CM"}, kind: "wifi"},
			{prefix: "BHR", width: 4, suffixes: []string{"GL", "CN"}, kind: "wifi"},
		}},
	{name: "Yoosee", share: 60, popularity: 120, price: 45, certified: 300, origins: []string{"CN"},
		maker: "Shenzhen Gwell Times Technology Co., Ltd.", makerCountry: "CN", makerSite: "https://www.yoosee.co", firmware: fwPlain,
		lines: []line{
			{prefix: "YS-", width: 4, gap: "-", suffixes: []string{"1080P", "3MP", "PTZ5MP", "4G"}, kind: "wifi"},
			{prefix: "YC-", width: 4, gap: "-", suffixes: []string{"2MP", "5MP", "SOLAR"}, kind: "wifi"},
		}},
	{name: "Vantech", share: 30, popularity: 50, price: 80, certified: 850, origins: []string{"TW", "CN", "VN"}, firmware: fwHik,
		lines: []line{
			{prefix: "VP-", width: 4, suffixes: []string{"DTV", "IP", "TVI", "AHD", "SIP"}, kind: "ip"},
			{prefix: "AI-V", width: 4, suffixes: []string{"", "S", "P"}, kind: "ip"},
		}},
	{name: "Questek", share: 20, popularity: 30, price: 75, certified: 820, origins: []string{"TW", "CN"}, firmware: fwPlain,
		lines: []line{
			{prefix: "QTX-", width: 4, suffixes: []string{"AIP", "AHD", "Z", "IP"}, kind: "ip"},
			{prefix: "QOB-", width: 4, suffixes: []string{"W", "WIFI"}, kind: "wifi"},
		}},
	{name: "Panasonic", share: 20, popularity: 20, price: 260, certified: 950, origins: []string{"JP", "VN", "CN"},
		maker: "i-PRO Co., Ltd.", makerCountry: "JP", makerSite: "https://i-pro.com", firmware: fwPlain,
		lines: []line{
			{prefix: "WV-S", width: 4, suffixes: []string{"", "L", "UX", "A"}, kind: "ip"},
			{prefix: "WV-U", width: 4, suffixes: []string{"", "L", "A"}, kind: "ip"},
			{prefix: "WV-X", width: 4, suffixes: []string{"", "L", "UX"}, kind: "ptz"},
		}},
	{name: "Axis", share: 15, popularity: 12, price: 900, certified: 960, origins: []string{"SE", "PL"},
		maker: "Axis Communications AB", makerCountry: "SE", makerSite: "https://www.axis.com", firmware: fwPlain,
		lines: []line{
			{prefix: "P", width: 4, gap: "-", suffixes: []string{"LVE", "PLE", "LV", "VE"}, kind: "ip"},
			{prefix: "M", width: 4, gap: "-", suffixes: []string{"LE", "E", "PLE"}, kind: "ip"},
			{prefix: "Q", width: 4, gap: "-", suffixes: []string{"E", "LE", "PTZ"}, kind: "ptz"},
		}},
	{name: "Hanwha", share: 20, popularity: 20, price: 250, certified: 950, origins: []string{"KR", "VN"},
		maker: "Hanwha Vision Co., Ltd.", makerCountry: "KR", makerSite: "https://www.hanwhavision.com", firmware: fwPlain,
		lines: []line{
			{prefix: "XNV-", width: 4, suffixes: []string{"R", "RH", "RM"}, kind: "ip"},
			{prefix: "QNO-", width: 4, suffixes: []string{"R", "R1"}, kind: "ip"},
			{prefix: "XNP-", width: 4, suffixes: []string{"H", "RW"}, kind: "ptz"},
			{prefix: "PNM-", width: 4, suffixes: []string{"RQZ", "RQZ1"}, kind: "ip"},
		}},
	{name: "Uniview", share: 30, popularity: 40, price: 95, certified: 900, origins: []string{"CN"},
		maker: "Zhejiang Uniview Technologies Co., Ltd.", makerCountry: "CN", makerSite: "https://www.uniview.com", firmware: fwPlain,
		lines: []line{
			{prefix: "IPC", width: 4, suffixes: []string{"LB-SF28-A", "LR3-PF40-D", "SB-ADF28KM-I0", "LE-ADF28KM-G"}, kind: "ip"},
			{prefix: "UAC-B", width: 4, suffixes: []string{"-AF28", "-AF40LM"}, kind: "analog"},
		}},
	{name: "Viettel", share: 20, popularity: 50, price: 95, certified: 980, origins: []string{"VN"}, domestic: "Tổng Công ty Công nghiệp Công nghệ cao Viettel (Viettel Home Camera)", firmware: fwPlain,
		lines: []line{{prefix: "HC", width: 2, suffixes: []string{"", "-S", "-Pro"}, kind: "wifi"}}},
	{name: "VNPT Technology", share: 15, popularity: 30, price: 90, certified: 980, origins: []string{"VN"}, domestic: "Công ty Cổ phần Công nghệ Công nghiệp Bưu chính Viễn thông (VNPT Technology)", firmware: fwPlain,
		lines: []line{
			{prefix: "ONE-C", width: 2, suffixes: []string{"", "S", "W"}, kind: "wifi"},
			{prefix: "ONE-HOME", width: 2, suffixes: []string{"", "-OUT"}, kind: "wifi"},
		}},
	{name: "FPT Camera", share: 15, popularity: 30, price: 90, certified: 980, origins: []string{"VN"}, domestic: "Công ty Cổ phần Viễn thông FPT (FPT Camera)", firmware: fwPlain,
		lines: []line{
			{prefix: "IQ", width: 1, suffixes: []string{"", "S", "+"}, kind: "wifi"},
			{prefix: "FC-", width: 3, suffixes: []string{"", "-OUT"}, kind: "wifi"},
		}},
	{name: "BKAV", share: 10, popularity: 15, price: 120, certified: 970, origins: []string{"VN"}, domestic: "Công ty Cổ phần Bkav (AI View)", firmware: fwPlain,
		lines: []line{
			{prefix: "AIV-B", width: 2, suffixes: []string{"", "F"}, kind: "ip"},
			{prefix: "AIV-D", width: 2, suffixes: []string{"", "F"}, kind: "ip"},
		}},
	{name: "Ebitcam", share: 20, popularity: 40, price: 70, certified: 700, origins: []string{"CN"}, firmware: fwPlain,
		lines: []line{
			{prefix: "E", width: 1, suffixes: []string{"", "-2MP", "-3MP", "-4MP"}, kind: "wifi"},
			{prefix: "T", width: 1, suffixes: []string{"", "-3MP", "-4G"}, kind: "wifi"},
		}},
	{name: "Tiandy", share: 15, popularity: 15, price: 90, certified: 850, origins: []string{"CN"},
		maker: "Tiandy Technologies Co., Ltd.", makerCountry: "CN", makerSite: "https://en.tiandy.com", firmware: fwPlain,
		lines: []line{
			{prefix: "TC-C", width: 4, suffixes: []string{"WS", "S", "WE"}, kind: "ip"},
			{prefix: "TC-NC", width: 4, suffixes: []string{"S3E", "S3G"}, kind: "ptz"},
		}},
}

// certBody is a certification body and how its certificate numbers look.
type certBody struct {
	name, province string
	// style and abbr shape its certificate numbers (see certNumber).
	style int
	abbr  string
	// for135 and for11 say which standards it certifies against.
	for135, for11 bool
}

// The certificate number styles.
const (
	styleQuatest = iota // QCVN135-Q1-2025-0003
	styleQuacert        // VNPT-QUACERT/2025/CR-0388
	styleSlash          // 0123/2025/VCCE-QCVN135
)

var certBodies = []certBody{
	{name: "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1 (Quatest 1)", province: "Hà Nội", style: styleQuatest, abbr: "Q1", for135: true, for11: true},
	{name: "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 2 (Quatest 2)", province: "Đà Nẵng", style: styleQuatest, abbr: "Q2", for135: true},
	{name: "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3 (Quatest 3)", province: "Hồ Chí Minh", style: styleQuatest, abbr: "Q3", for135: true, for11: true},
	{name: "Trung tâm Đo lường VNPT (VNPT-QUACERT)", province: "Hà Nội", style: styleQuacert, abbr: "VNPT-QUACERT", for135: true, for11: true},
	{name: "Công ty Cổ phần Chứng nhận và Giám định Vinacontrol (Vinacontrol CE)", province: "Hà Nội", style: styleSlash, abbr: "VCCE", for135: true},
	{name: "Trung tâm Kiểm định và Chứng nhận an ninh mạng (Bộ Công an)", province: "Hà Nội", style: styleSlash, abbr: "KĐANM", for11: true},
}

// authority is an organization that issues warnings, with its document
// number suffix.
type authority struct {
	name, kind, province, suffix, site string
	// weight is its share of warnings, in per-mille; the provincial
	// market-surveillance offices share provincialWarnings.
	weight int
}

var centralAuthorities = []authority{
	{name: "Cục An toàn thông tin – Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)", kind: "authority",
		province: "Hà Nội", suffix: "CATTT-NCSC", site: "https://khonggianmang.vn", weight: 500},
	{name: "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an", kind: "authority",
		province: "Hà Nội", suffix: "A05-P5", site: "https://bocongan.gov.vn", weight: 200},
	{name: "Cục Quản lý và Phát triển thị trường trong nước (Bộ Công Thương)", kind: "market_surveillance",
		province: "Hà Nội", suffix: "QLPTTT-NV", site: "https://dms.gov.vn", weight: 50},
}

// provincialWarnings is the per-mille of warnings that provincial
// market-surveillance offices issue.
const provincialWarnings = 250

// originRule is how a country's exports to Vietnam prove their origin.
type originRule struct {
	country string
	forms   []string // the first the most common
	issuers []string
}

var originRules = []originRule{
	{"CN", []string{"E", "E", "E", "RCEP"}, []string{
		"China Council for the Promotion of International Trade (CCPIT), Zhejiang",
		"China Council for the Promotion of International Trade (CCPIT), Guangdong",
		"General Administration of Customs of China (Hangzhou Customs)",
		"General Administration of Customs of China (Shenzhen Customs)"}},
	{"HK", []string{"AHK", "B"}, []string{"Trade and Industry Department, Hong Kong"}},
	{"TW", []string{"B"}, []string{"Bureau of Foreign Trade, Taiwan"}},
	{"KR", []string{"AK", "AK", "VK", "RCEP"}, []string{"Korea Chamber of Commerce and Industry (KCCI)", "Korea Customs Service"}},
	{"JP", []string{"AJ", "VJ", "CPTPP"}, []string{"Japan Chamber of Commerce and Industry (JCCI)"}},
	{"SE", []string{"EUR.1"}, []string{"Tullverket (Swedish Customs)"}},
	{"PL", []string{"EUR.1"}, []string{"Krajowa Administracja Skarbowa (Polish Customs)"}},
}
