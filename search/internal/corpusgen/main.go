// Command corpusgen writes the search relevance test data: a corpus of
// registry records with real-world shapes (brands and model numbers seen on
// Vietnam's market, Vietnamese shop names and addresses in the 34
// provinces, valid tax codes, certificate numbers, warning references) and
// a set of queries, each with the records it must find.
//
// It is deterministic (a fixed seed), so the committed files only change
// when this program does:
//
//	go run ./search/internal/corpusgen -out search/testdata
//
// With -models and -orgs it writes a bigger corpus for the speed
// benchmark instead, without queries (not committed):
//
//	go run ./search/internal/corpusgen -out /tmp/big -models 100000 -orgs 200000
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"camreg/fold"
	"camreg/models"
	"camreg/search/searchtest"
)

func main() {
	out := flag.String("out", "search/testdata", "output directory")
	nModels := flag.Int("models", 1100, "camera models")
	nOrgs := flag.Int("orgs", 700, "organizations")
	flag.Parse()
	g := &gen{r: rand.New(rand.NewPCG(20260101, 135)), modelKeys: map[string]bool{}, names: map[string]bool{}, taxCodes: map[string]bool{}}
	c := g.corpus(*nModels, *nOrgs)
	if *nModels > 5000 {
		write(filepath.Join(*out, "corpus.json"), c)
		return
	}
	fams := addFamilies(c, g.modelKeys)
	write(filepath.Join(*out, "corpus.json"), c)
	qs := g.queries(c)
	write(filepath.Join(*out, "queries.json"), qs)
	typos := typoQueries(c, fams)
	writeLines(filepath.Join(*out, "typos.json"), typos)
	shops := shopQueries(c)
	writeLines(filepath.Join(*out, "shops.json"), shops)
	hostile := hostileQueries(c)
	writeLines(filepath.Join(*out, "hostile.json"), hostile)
	field := fieldQueries(c, fams)
	writeLines(filepath.Join(*out, "field.json"), field)
	red := redteamQueries(c, fams)
	writeLines(filepath.Join(*out, "redteam.json"), red)
	log.Printf("%d models, %d organizations, %d certificates, %d warnings; %d queries, %d typos in %d dense families, %d shop queries, %d hostile, %d field, %d red team",
		len(c.Models), len(c.Organizations), len(c.Certificates), len(c.Warnings), len(qs), len(typos), len(fams), len(shops), len(hostile), len(field), len(red))
}

// writeLines writes a JSON array with one element a line: the typo set is
// long, and this keeps it small and its diffs readable.
func writeLines[T any](path string, vs []T) {
	var b strings.Builder
	b.WriteString("[\n")
	for i, v := range vs {
		line, err := json.Marshal(v)
		if err != nil {
			log.Fatal(err)
		}
		b.Write(line)
		if i < len(vs)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func write(path string, v any) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

type gen struct {
	r         *rand.Rand
	seq       int
	modelKeys map[string]bool
	names     map[string]bool
	taxCodes  map[string]bool
}

func (g *gen) id(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%07d", prefix, g.seq)
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) digits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}

// modelShapes make model numbers of each brand, in the shapes printed on
// the boxes.
var modelShapes = map[string]func(g *gen) string{
	"Hikvision": func(g *gen) string {
		return fmt.Sprintf("DS-2%s%d%s%s%s-%s", g.pick([]string{"CD", "CE", "DE"}), g.r.IntN(7)+1, g.pick([]string{"0", "1"}),
			g.pick([]string{"23", "43", "47", "83", "21", "25"}), g.pick([]string{"G0", "G2", "G0E", "G1", "F"}),
			g.pick([]string{"I", "IU", "LIU", "IF", "IS", "LI", "IW"}))
	},
	"Dahua": func(g *gen) string {
		return fmt.Sprintf("IPC-%s%d%d%s%s-%s", g.pick([]string{"HFW", "HDW", "HDBW", "EW"}), g.r.IntN(5)+1, 2+2*g.r.IntN(3),
			g.pick([]string{"30", "31", "39", "41"}), g.pick([]string{"S", "T", "M", "SP"}), g.pick([]string{"S5", "S2", "AS", "ZS", "IL"}))
	},
	"KBVision": func(g *gen) string {
		return fmt.Sprintf("KX-%s%d%d%d%d%s", g.pick([]string{"A", "C", "D", "Y", "F"}), 1+g.r.IntN(4), g.r.IntN(10), 1+g.r.IntN(3), 1+g.r.IntN(9), g.pick([]string{"N2", "N3", "TN2", "SN", "WN"}))
	},
	"Imou": func(g *gen) string {
		return fmt.Sprintf("IPC-%s%d%d%s", g.pick([]string{"A", "F", "K", "S", "GK", "TA"}), 2+g.r.IntN(4), 2+g.r.IntN(8), g.pick([]string{"EP", "P", "N", "MP", "LP", "EN"}))
	},
	"EZVIZ": func(g *gen) string {
		return fmt.Sprintf("CS-%s%d%s-%s", g.pick([]string{"C", "H", "CB", "EB"}), 1+g.r.IntN(9), g.pick([]string{"N", "C", "W", "CN", ""}), g.pick([]string{"A0", "R101", "1G2WF", "B0", "3H4WFR"}))
	},
	"TP-Link": func(g *gen) string {
		if g.r.IntN(2) == 0 {
			return fmt.Sprintf("Tapo C%d%s", 100+10*g.r.IntN(50), g.pick([]string{"", "WS", "G", "S"}))
		}
		return fmt.Sprintf("VIGI C%d%d%s", 2+g.r.IntN(4), 20+g.r.IntN(80), g.pick([]string{"", "I", "-W", "P"}))
	},
	"Xiaomi": func(g *gen) string {
		return fmt.Sprintf("MJSXJ%02d%s", 1+g.r.IntN(20), g.pick([]string{"CM", "HL", "LS", "CL"}))
	},
	"Yoosee": func(g *gen) string {
		return fmt.Sprintf("YS-%s%d%s", g.pick([]string{"HD", "GW", "X"}), 100+g.r.IntN(900), g.pick([]string{"", "W", "S"}))
	},
	"Vantech": func(g *gen) string {
		return fmt.Sprintf("VP-%d%s", 1000+g.r.IntN(9000), g.pick([]string{"DTV", "IP", "BP", "TVI", "SIP"}))
	},
	"Questek": func(g *gen) string {
		return fmt.Sprintf("QNV-%d%s", 1000+g.r.IntN(9000), g.pick([]string{"", "AHD", "IP"}))
	},
	"Panasonic": func(g *gen) string {
		return fmt.Sprintf("WV-%s%d%d%d%s", g.pick([]string{"S", "U", "X"}), 1+g.r.IntN(3), g.r.IntN(6), 1+g.r.IntN(9), g.pick([]string{"L", "LA", "UX"}))
	},
	"Axis": func(g *gen) string {
		return fmt.Sprintf("%s%d%d%d%d", g.pick([]string{"M", "P", "Q"}), 1+g.r.IntN(5), g.r.IntN(10), g.r.IntN(10), g.r.IntN(10))
	},
	"Hanwha": func(g *gen) string {
		return fmt.Sprintf("%s-%d0%d0%s", g.pick([]string{"XNV", "XND", "QNV", "PNV", "XNO"}), 6+g.r.IntN(4), g.r.IntN(9), g.pick([]string{"R", "RV", "", "Z"}))
	},
	"Uniview": func(g *gen) string {
		return fmt.Sprintf("IPC%d%d%d%s-%s", 2+g.r.IntN(4), 1+g.r.IntN(3), 1+g.r.IntN(9), g.pick([]string{"2LB", "4SB", "LE", "SR3"}), g.pick([]string{"SF28-A", "ADF28KM-G", "SF40", "F28"}))
	},
	"Viettel": func(g *gen) string {
		return fmt.Sprintf("HC%d%s", 10+g.r.IntN(90), g.pick([]string{"", "W", "PRO", "V2"}))
	},
	"VNPT Technology": func(g *gen) string {
		return fmt.Sprintf("ONE-%s%d", g.pick([]string{"HOME", "SMART", "IP"}), 1+g.r.IntN(30))
	},
	"FPT Camera": func(g *gen) string {
		return fmt.Sprintf("FPT-%s%d", g.pick([]string{"IQ", "PLAY", "SE"}), 1+g.r.IntN(20))
	},
	"BKAV": func(g *gen) string {
		return fmt.Sprintf("AIVIEW-%s%d", g.pick([]string{"A", "B", "O", "X"}), 100+g.r.IntN(900))
	},
	"Ebitcam": func(g *gen) string { return fmt.Sprintf("EBF%d%d", 1+g.r.IntN(9), 10+g.r.IntN(90)) },
}

var brands = []string{"Hikvision", "Hikvision", "Hikvision", "Dahua", "Dahua", "KBVision", "KBVision", "Imou", "EZVIZ",
	"TP-Link", "TP-Link", "Xiaomi", "Yoosee", "Vantech", "Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel",
	"VNPT Technology", "FPT Camera", "BKAV", "Ebitcam"}

var modelNames = []string{"Camera IP thân trụ", "Camera IP dome", "Camera Wi-Fi trong nhà", "Camera xoay 360 độ",
	"Camera ngoài trời chống nước", "Camera hồng ngoại ban đêm", "Camera PTZ zoom quang", "Camera chuông cửa",
	"Camera năng lượng mặt trời", "Camera 4G không dây", "Camera AI nhận diện khuôn mặt", "Camera có màu ban đêm"}

// corpus makes the records.
func (g *gen) corpus(nModels, nOrgs int) *searchtest.Corpus {
	c := &searchtest.Corpus{}
	for len(c.Models) < nModels {
		brand := g.pick(brands)
		number := modelShapes[brand](g)
		key := fold.Key(brand) + "/" + fold.Key(number)
		if g.modelKeys[key] {
			continue
		}
		g.modelKeys[key] = true
		c.Models = append(c.Models, searchtest.CorpusModel{ID: g.id("m"), Brand: brand, ModelNumber: number,
			Name: fmt.Sprintf("%s %dMP", g.pick(modelNames), 2+2*g.r.IntN(4)), Kind: g.pick([]string{"ip", "wifi", "ptz", "analog"})})
	}
	for len(c.Organizations) < nOrgs {
		o := g.organization()
		if g.names[o.Name] {
			continue
		}
		g.names[o.Name] = true
		c.Organizations = append(c.Organizations, o)
	}
	// Certificates: a sixth of the models, held by importers among the
	// organizations; warnings: a few dozen.
	bodies := []string{"QT1", "QT3", "VNCERT", "QUACERT", "TECOTEC"}
	nCerts := nModels / 4
	if nModels > 5000 {
		nCerts = 0
	}
	for i := range nCerts {
		m := c.Models[g.r.IntN(len(c.Models))]
		holder := c.Organizations[g.r.IntN(len(c.Organizations))]
		year := 2025 + g.r.IntN(2)
		var number string
		switch g.r.IntN(3) {
		case 0:
			number = fmt.Sprintf("%s-135-%d-%04d", g.pick(bodies), year, i+1)
		case 1:
			number = fmt.Sprintf("%04d/%d/QCVN135-%s", i+1, year, g.pick(bodies))
		default:
			number = fmt.Sprintf("HQ%d%s%05d", year%100, g.pick([]string{"TT", "CN", "VT"}), 10000+i)
		}
		status := g.pick([]string{"valid", "valid", "valid", "valid", "suspended", "revoked"})
		c.Certificates = append(c.Certificates, searchtest.CorpusCertificate{ID: g.id("c"), Number: number, HolderID: holder.ID,
			Status: status, IssuedOn: fmt.Sprintf("%d-%02d-%02d", year, 1+g.r.IntN(12), 1+g.r.IntN(28)),
			ExpiresOn: fmt.Sprintf("%d-12-31", year+3), ModelIDs: []string{m.ID}})
	}
	if nModels <= 5000 {
		titles := []string{"Cảnh báo lỗ hổng bảo mật nghiêm trọng trên camera %s", "Khuyến nghị cập nhật firmware camera %s",
			"Dừng lưu hành camera %s có mã độc", "Cảnh báo camera %s lộ luồng video ra Internet"}
		for i := range 40 {
			m := c.Models[g.r.IntN(len(c.Models))]
			ref := fmt.Sprintf("%d/%s", 100+g.r.IntN(900), g.pick([]string{"CATTT-NCSC", "CATTT-NCSC", "CATTT-ATHTTT", "A05-P3"}))
			if i%5 == 0 {
				ref = fmt.Sprintf("%d/CV-%s", 10+g.r.IntN(90), g.pick([]string{"SCT", "STTTT", "QLTT"}))
			}
			c.Warnings = append(c.Warnings, searchtest.CorpusWarning{ID: g.id("w"), Reference: ref,
				Title: fmt.Sprintf(g.pick(titles), m.Brand), Summary: "Ảnh hưởng dòng " + m.ModelNumber,
				CVEIDs:   []string{fmt.Sprintf("CVE-%d-%d", 2017+g.r.IntN(9), 10000+g.r.IntN(50000))},
				ModelIDs: []string{m.ID}, Status: g.pick([]string{"active", "active", "active", "withdrawn"})})
		}
	}
	return c
}

var (
	shopPrefixes = []string{"Cửa hàng", "Cửa hàng Điện tử", "Cửa hàng Camera", "Công ty TNHH", "Công ty TNHH Thiết bị An ninh",
		"Công ty Cổ phần Công nghệ", "Điện máy", "Siêu thị Camera", "Trung tâm Camera", "Hộ kinh doanh"}
	shopNames = []string{"Minh Phát", "Thành Đạt", "Hoàng Long", "Phúc An", "Đức Thịnh", "Sông Hàn", "Bình Minh", "Việt Tiến",
		"Quang Huy", "Hải Đăng", "Trường Sơn", "Ánh Dương", "Tân Phú", "Kim Ngân", "Đại Phát", "Hưng Thịnh", "Nam Việt",
		"Toàn Cầu", "Lộc Phát", "An Khang", "Thiên Phúc", "Bảo An", "Hòa Bình", "Đông Á", "Tâm Đức", "Vạn Xuân", "Ngọc Lan",
		"Phương Nam", "Thuận Thành", "Gia Huy", "Khánh Linh", "Mỹ Khê", "Hồng Hà", "Cửu Long", "Tây Nguyên", "Sao Mai"}
	streets = []string{"Lê Duẩn", "Trần Phú", "Nguyễn Huệ", "Lê Lợi", "Hai Bà Trưng", "Bạch Đằng", "Điện Biên Phủ",
		"Nguyễn Văn Linh", "Hùng Vương", "Quang Trung", "Lý Thường Kiệt", "Phan Đình Phùng", "Đống Đa", "Tôn Đức Thắng",
		"Nguyễn Trãi", "Cách Mạng Tháng Tám", "Võ Văn Kiệt", "Phạm Văn Đồng", "Lạch Tray", "Hoàng Diệu"}
	wards = []string{"Phường Hải Châu", "Phường Bến Thành", "Phường Hoàn Kiếm", "Phường Ninh Kiều", "Phường Thạch Thang",
		"Xã Hòa Vang", "Phường Đống Đa", "Phường Cầu Giấy", "Phường Tân Định", "Xã Đức Hòa", "Phường Lê Chân", "Phường Vĩnh Ninh"}
)

func (g *gen) organization() searchtest.CorpusOrganization {
	p := models.Provinces[g.r.IntN(len(models.Provinces))]
	name := g.pick(shopPrefixes) + " " + g.pick(shopNames)
	if g.r.IntN(3) > 0 {
		name += " " + fold.Text(p.Name) // most shops carry the place's name, folded or not
		if g.r.IntN(2) == 0 {
			name = g.pick(shopPrefixes) + " " + g.pick(shopNames) + " " + p.Name
		}
	}
	if g.r.IntN(4) == 0 {
		name += fmt.Sprintf(" %d", 1+g.r.IntN(20))
	}
	return searchtest.CorpusOrganization{ID: g.id("o"), Name: name, Kind: g.pick([]string{"retailer", "retailer", "importer", "distributor", "online_seller"}),
		Address:      fmt.Sprintf("%d %s, %s", 1+g.r.IntN(400), g.pick(streets), g.pick(wards)),
		ProvinceCode: p.Code, ProvinceName: p.Name, TaxCode: g.taxCode(p.Code)}
}

// taxCode makes a valid, unused MST whose first two digits are the
// province code (as MSTs issued before the 2025 merger mostly are).
func (g *gen) taxCode(province string) string {
	weights := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for {
		s := province + g.digits(7)
		sum := 0
		for i, w := range weights {
			sum += w * int(s[i]-'0')
		}
		check := 10 - sum%11
		if check == 10 {
			continue
		}
		s += string(byte('0' + check))
		if _, err := models.CheckTaxCode(s); err != nil || g.taxCodes[s] {
			continue
		}
		g.taxCodes[s] = true
		return s
	}
}
