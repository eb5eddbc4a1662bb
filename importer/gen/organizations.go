package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"camreg/models"
)

// Trader kinds take consecutive blocks of trader indices, so that a
// trader's kind follows from its index: per mille of the traders.
const (
	manufacturersPerMille = 4
	importersPerMille     = 30
	distributorsPerMille  = 100
	onlinePerMille        = 360
	// minTraders holds the domestic brands' manufacturers, three importers
	// and one trader of each other kind.
	minTraders = 10
	// maxTraders is where the tax codes' sequence would wrap.
	maxTraders = taxSeqMod - 1
)

// traderKinds are the blocks of trader indices: manufacturers first, then
// importers, distributors, retailers and online sellers.
type traderKinds struct {
	manufacturers, importers, distributors, retailers, online int
}

func newTraderKinds(n int) traderKinds {
	k := traderKinds{
		manufacturers: max(domesticBrands(), n*manufacturersPerMille/1000),
		importers:     max(3, n*importersPerMille/1000),
		distributors:  max(1, n*distributorsPerMille/1000),
		online:        max(1, n*onlinePerMille/1000),
	}
	k.retailers = n - k.manufacturers - k.importers - k.distributors - k.online
	return k
}

// kind returns the kind of trader i.
func (k traderKinds) kind(i int) string {
	switch {
	case i < k.manufacturers:
		return models.OrgManufacturer
	case i < k.manufacturers+k.importers:
		return models.OrgImporter
	case i < k.manufacturers+k.importers+k.distributors:
		return models.OrgDistributor
	case i < k.manufacturers+k.importers+k.distributors+k.retailers:
		return models.OrgRetailer
	}
	return models.OrgOnlineSeller
}

func (k traderKinds) retailStart() int { return k.manufacturers + k.importers + k.distributors }

func domesticBrands() int {
	n := 0
	for _, b := range brands {
		if b.domestic != "" {
			n++
		}
	}
	return n
}

// trader is one generated trader.
type trader struct {
	index    int
	kind     string
	taxCode  string
	name     string
	address  string
	province *province
	// provinceCell is the province as the file writes it: usually its
	// name, sometimes another spelling people use.
	provinceCell string
	website      string
	email        string
	phone        string
	// shopID is its shop's id on the marketplaces.
	shopID int
	// listingWeight is its share of listings.
	listingWeight int
}

// taxSeqMod bounds the tax codes' sequence: trader i gets sequence
// 2·(taxMult·(i+1) mod taxSeqMod) or the next number, whichever has a
// valid check digit (one of two consecutive numbers always has: they
// differ by 3 in the weighted sum, so both cannot be 0 mod 11). As taxMult
// is coprime to taxSeqMod, no two traders share a sequence, and none gets
// the forbidden 0000000.
const (
	taxSeqMod = 5_000_000
	taxMult   = 2_718_281
)

// taxCode returns trader i's tax code in its province.
func taxCode(prefix string, i int) string {
	seq := 2 * (taxMult * (i + 1) % taxSeqMod)
	for s := seq; ; s++ {
		base := fmt.Sprintf("%s%07d", prefix, s)
		if d, ok := checkDigit(base); ok {
			return base + strconv.Itoa(d)
		}
	}
}

// checkDigit is the tax code's tenth digit over the first nine, and false
// when the code cannot be issued (the check would be 10).
func checkDigit(nine string) (int, bool) {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	sum := 0
	for i, w := range weights {
		sum += int(nine[i]-'0') * w
	}
	d := 10 - sum%11
	return d, d < 10
}

// trader generates trader i.
func (g *Generator) trader(i int) *trader {
	r := g.traders.at(i)
	t := &trader{index: i, kind: g.kinds.kind(i)}
	pi := pick(r, g.provinceWeights)
	if rs := i - g.kinds.retailStart(); rs >= 0 && rs < len(provinces) {
		pi = rs // the first retailers open a shop in every province
	}
	domestic := ""
	if i < domesticBrands() {
		domestic = domesticName(i)
		pi = 0 // Hà Nội
	}
	t.province = &provinces[pi]
	t.provinceCell = provinceCell(r, t.province)
	t.taxCode = taxCode(t.province.taxPrefix, i)
	branch := (t.kind == models.OrgDistributor || t.kind == models.OrgRetailer) && chance(r, 40)
	if branch {
		t.taxCode += fmt.Sprintf("-%03d", 1+r.IntN(3))
	}
	if domestic != "" {
		t.name = domestic
	} else {
		t.name = traderName(r, t.kind)
		if branch {
			t.name = "Chi nhánh " + provinceName(t.province) + " – " + t.name
		}
	}
	t.address = address(r, t.province, t.kind)
	t.phone = phone(r, t.province)
	if t.kind != models.OrgRetailer && t.kind != models.OrgOnlineSeller || chance(r, 150) {
		host := slug(shortName(t.name))
		if host == "" {
			host = "camera"
		}
		t.website = fmt.Sprintf("https://%s%s.vn", host, oneOf(r, "", "", "-camera", "vn", "-tech"))
		t.email = "kinhdoanh@" + strings.TrimPrefix(t.website, "https://")
	} else if chance(r, 300) {
		t.email = fmt.Sprintf("%s%d@gmail.com", strings.ReplaceAll(slug(shortName(t.name)), "-", ""), 10+r.IntN(90))
	}
	t.shopID = 100_000_000 + (i*7919+r.IntN(7919))%900_000_000
	return t
}

// weightFactors spread traders' listing counts: a few big shops list far
// more than the rest.
var weightFactors = []int{1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 8, 12, 20}

// listingWeight is trader i's share of the listings, from its own stream
// so that the listings file can sum the weights in a first pass cheaply.
func (g *Generator) listingWeight(i int) int {
	r := g.weights.at(i)
	base := 14 // an online seller
	switch g.kinds.kind(i) {
	case models.OrgManufacturer:
		base = 3
	case models.OrgImporter:
		base = 12
	case models.OrgDistributor:
		base = 25
	case models.OrgRetailer:
		base = 9
	}
	return base * weightFactors[r.IntN(len(weightFactors))]
}

// holders returns the traders that register and import a brand's models:
// a domestic brand's own manufacturer, or three importers.
func (g *Generator) holders(brandIndex int) []int {
	b := &brands[brandIndex]
	if b.domestic != "" {
		d := 0
		for _, x := range brands[:brandIndex] {
			if x.domestic != "" {
				d++
			}
		}
		return []int{d}
	}
	var out []int
	for j := range 3 {
		out = append(out, g.kinds.manufacturers+(brandIndex*131+j*977)%g.kinds.importers)
	}
	return out
}

func domesticName(i int) string {
	for _, b := range brands {
		if b.domestic != "" {
			if i == 0 {
				return b.domestic
			}
			i--
		}
	}
	return ""
}

// provinceName writes a province as addresses do: "TP. " before a city.
func provinceName(p *province) string {
	mp := models.LookupProvince(p.code)
	if mp.City && mp.Name != "Hà Nội" {
		return "TP. " + mp.Name
	}
	return mp.Name
}

// provinceCell writes the province column: its name, or one of the other
// spellings the registry accepts ("TPHCM", "Ha Noi", a merged province's
// old name), as real files mix them.
func provinceCell(r *rand.Rand, p *province) string {
	mp := models.LookupProvince(p.code)
	if len(mp.Aliases) > 0 && chance(r, 120) {
		return mp.Aliases[r.IntN(len(mp.Aliases))]
	}
	return mp.Name
}

var (
	properNames = strings.Split("An Phát,Minh Khoa,Hoàng Long,Phú Thành,Đại Việt,Tân Tiến,Sao Mai,Bảo An,Thịnh Phát,Nam Á,"+
		"Việt Hưng,Hưng Thịnh,Phúc Lộc,Thành Đạt,Kim Long,Trường Thịnh,An Khang,Đông Á,Hải Âu,Bình Minh,Quang Minh,"+
		"Thiên Phú,Vạn Xuân,Hồng Hà,Sông Hồng,Cửu Long,Trí Việt,Nhật Quang,Tín Nghĩa,Gia Bảo,Toàn Cầu,Ánh Dương,"+
		"Tiến Đạt,Kiến Vàng,Hà Thành,Sài Gòn,Tây Đô,Sông Hàn,Đất Việt,Phương Nam,Hoàng Gia,Nam Việt,Bắc Việt,Lộc Phát,"+
		"Vĩnh Phát,Thanh Bình,Phú Quý,Song Long,Hùng Cường,Đức Thịnh,Anh Khoa,Minh Anh,Thái Sơn,Trung Kiên,Thuận Phát,"+
		"Hợp Nhất,Tâm Đức,Mắt Thần,An Ninh Việt,Hải Đăng,Sao Việt,Phúc Long,Hoàng Phát,Tân Phát,Ngọc Minh,Khải Hoàn", ",")
	surnames    = strings.Fields("Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
	middleNames = strings.Fields("Văn Thị Minh Đức Quốc Thanh Hữu Ngọc Thu Anh Xuân Công")
	givenNames  = strings.Fields("Anh Tuấn Hùng Dũng Hương Lan Hà Nam Phong Sơn Tâm Thảo Trang Long Khoa Linh Hải Quân Vinh Hoa Thắng Bình Cường Nhung")
	streets     = strings.Split("Lê Lợi,Trần Hưng Đạo,Nguyễn Huệ,Hai Bà Trưng,Lý Thường Kiệt,Quang Trung,Nguyễn Trãi,Lê Duẩn,"+
		"Hùng Vương,Trần Phú,Nguyễn Văn Linh,Điện Biên Phủ,Phan Đình Phùng,Lê Thánh Tông,Nguyễn Thị Minh Khai,"+
		"Cách Mạng Tháng Tám,Võ Văn Kiệt,Phạm Văn Đồng,Nguyễn Du,Bà Triệu,Lê Hồng Phong,Trần Quang Khải,Ngô Quyền,"+
		"Nguyễn Chí Thanh,Tôn Đức Thắng,30 Tháng 4,Hoàng Văn Thụ,Lạc Long Quân,Âu Cơ,Nguyễn Văn Cừ", ",")
	wards = strings.Split("Tân Phú,An Khánh,Hòa Bình,Thắng Lợi,Quyết Thắng,Trung Tâm,Đông Hòa,Tân Lập,Bình Minh,Thành Công,"+
		"Phú Lợi,Hưng Phú,Tân An,Hòa Minh,Phước Long,Xuân Hòa,An Lạc,Thanh Khê,Ninh Kiều,Hồng Bàng,Bến Thủy,Quang Trung,"+
		"Nam Sơn,Phú Mỹ,Tân Định,Vĩnh Ninh,Đông Kinh,Hưng Đạo", ",")
	industrialParks = strings.Split("Quang Minh,Thăng Long,VSIP,Yên Phong,Quế Võ,Tân Tạo,Đình Vũ,Hòa Khánh,Long Hậu,Amata", ",")
)

func person(r *rand.Rand) string {
	return oneOf(r, surnames...) + " " + oneOf(r, middleNames...) + " " + oneOf(r, givenNames...)
}

// traderName invents a name of the kind's usual shape.
func traderName(r *rand.Rand, kind string) string {
	n := oneOf(r, properNames...)
	company := oneOf(r, "Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV")
	switch kind {
	case models.OrgManufacturer:
		return company + " " + oneOf(r, "Sản xuất Thiết bị Điện tử", "Công nghệ Điện tử", "Điện tử Viễn thông") + " " + n
	case models.OrgImporter:
		return company + " " + oneOf(r, "Xuất nhập khẩu", "Thương mại Xuất nhập khẩu", "Xuất nhập khẩu Điện tử", "Phân phối Thiết bị An ninh") + " " + n
	case models.OrgDistributor:
		return company + " " + oneOf(r, "Phân phối", "Thương mại Dịch vụ", "Giải pháp An ninh", "Công nghệ", "Thiết bị An ninh") + " " + n
	case models.OrgRetailer:
		switch r.IntN(4) {
		case 0:
			return "Hộ kinh doanh " + person(r)
		case 1:
			return oneOf(r, "Cửa hàng Camera", "Cửa hàng Điện tử", "Trung tâm Camera", "Siêu thị Camera") + " " + n
		}
		return company + " " + oneOf(r, "Thương mại Dịch vụ", "Thiết bị Số", "Điện máy", "Camera") + " " + n
	}
	switch r.IntN(3) {
	case 0:
		return "Hộ kinh doanh " + person(r)
	case 1:
		return company + " Thương mại Điện tử " + n
	}
	return oneOf(r, "Camera ", "Thế Giới Camera ", "Nhà Thông Minh ") + n + oneOf(r, " Store", " Official", "", " Smart Home")
}

// shortName is the distinctive end of a name, for web hosts and e-mails.
func shortName(name string) string {
	for _, p := range []string{"Hộ kinh doanh ", "Công ty TNHH MTV ", "Công ty TNHH ", "Công ty Cổ phần "} {
		name = strings.TrimPrefix(name, p)
	}
	if i := strings.Index(name, "("); i >= 0 {
		name = name[i+1 : len(name)-1]
	}
	w := strings.Fields(name)
	if len(w) > 2 {
		w = w[len(w)-2:]
	}
	return strings.Join(w, " ")
}

// address writes a street address in the two-level administration since
// 2025: number and street, ward or commune, province.
func address(r *rand.Rand, p *province, kind string) string {
	where := oneOf(r, "phường", "phường", "phường", "xã") + " " + oneOf(r, wards...) + ", " + provinceName(p)
	if (kind == models.OrgManufacturer || kind == models.OrgImporter) && chance(r, 400) {
		return fmt.Sprintf("Lô %c%d, Khu công nghiệp %s, %s", 'A'+rune(r.IntN(8)), 1+r.IntN(30), oneOf(r, industrialParks...), where)
	}
	num := strconv.Itoa(1 + r.IntN(480))
	switch r.IntN(6) {
	case 0:
		num += string(rune('A' + r.IntN(4)))
	case 1:
		num = fmt.Sprintf("%s ngõ %d", num, 2+r.IntN(200))
	case 2:
		num = "Số " + num
	}
	return num + " " + oneOf(r, streets...) + ", " + where
}

// phone writes a landline in the province's area code, or a mobile.
func phone(r *rand.Rand, p *province) string {
	if chance(r, 450) {
		return fmt.Sprintf("09%d %03d %04d", r.IntN(10), r.IntN(1000), r.IntN(10000))
	}
	if len(p.area) == 3 {
		return fmt.Sprintf("%s %04d %04d", p.area, 3000+r.IntN(7000), r.IntN(10000))
	}
	return fmt.Sprintf("%s %04d %03d", p.area, 3000+r.IntN(7000), r.IntN(1000))
}

var orgColumns = []string{"tax_code", "name", "kind", "address", "province", "country", "website", "email", "phone"}

// writeOrganizations writes the certification bodies, the authorities that
// warn, the foreign manufacturers and then the traders.
func (g *Generator) writeOrganizations(w *rowWriter) (int, error) {
	if err := w.Write(orgColumns); err != nil {
		return 0, err
	}
	rows := 0
	write := func(rec ...string) error { rows++; return w.Write(rec) }
	for _, b := range certBodies {
		if err := write("", b.name, models.OrgCertificationBody, "", b.province, "VN", "", "", ""); err != nil {
			return rows, err
		}
	}
	for _, a := range g.authorities() {
		if err := write("", a.name, a.kind, "", a.province, "VN", a.site, "", ""); err != nil {
			return rows, err
		}
	}
	for _, b := range brands {
		if b.maker == "" {
			continue
		}
		if err := write("", b.maker, models.OrgManufacturer, "", "", b.makerCountry, b.makerSite, "", ""); err != nil {
			return rows, err
		}
	}
	for i := range g.n.Traders {
		t := g.trader(i)
		if err := write(t.taxCode, t.name, t.kind, t.address, t.provinceCell, "VN", t.website, t.email, t.phone); err != nil {
			return rows, err
		}
	}
	return rows, nil
}
