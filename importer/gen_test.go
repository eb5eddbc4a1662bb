package importer_test

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The benchmark data generator. It is a test, skipped unless -gen.dir is
// given, so that it ships no code in the binary:
//
//	go test ./importer -run '^TestGenerateBenchData$' -args \
//	    -gen.dir=/tmp/camreg-bench -gen.models=100000 -gen.listings=1000000
//
// It writes organizations.csv (the traders), models.csv and listings.csv,
// with Vietnamese headers, to be imported in that order.
var (
	genDir      = flag.String("gen.dir", "", "write benchmark CSVs into this directory")
	genTraders  = flag.Int("gen.traders", 1000, "traders to generate")
	genModels   = flag.Int("gen.models", 100_000, "camera models to generate")
	genListings = flag.Int("gen.listings", 1_000_000, "listings to generate")
)

var genBrands = []string{"Hikvision", "Dahua", "KBVision", "Imou", "EZVIZ", "TP-Link", "Xiaomi", "Yoosee", "Vantech",
	"Questek", "Panasonic", "Axis", "Hanwha", "Uniview", "Viettel", "VNPT Technology", "FPT Camera", "BKAV", "Ebitcam", "Tiandy"}

var genProvinces = []string{"Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nghệ An", "Huế", "Khánh Hòa"}

// genTaxCode returns the n-th valid tax code of province prefix 01.
func genTaxCode(n int) string {
	weights := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for seq := n*20 + 1; ; seq++ {
		base := fmt.Sprintf("01%07d", seq)
		sum := 0
		for i, w := range weights {
			sum += int(base[i]-'0') * w
		}
		if check := 10 - sum%11; check < 10 {
			return base + strconv.Itoa(check)
		}
	}
}

// genModel returns the brand and model number of the n-th model.
func genModel(n int) (string, string) {
	return genBrands[n%len(genBrands)], fmt.Sprintf("BX-%06d-%c", n, 'A'+rune(n%26))
}

func TestGenerateBenchData(t *testing.T) {
	if *genDir == "" {
		t.Skip("set -gen.dir to generate the benchmark CSVs")
	}
	if err := os.MkdirAll(*genDir, 0o755); err != nil {
		t.Fatal(err)
	}
	generateBenchData(t, *genDir, *genTraders, *genModels, *genListings)
}

// generateBenchData writes the three CSVs; benchmarks use it too.
func generateBenchData(t testing.TB, dir string, traders, nModels, listings int) {
	w := func(path string, header []string, rows int, row func(i int) []string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		cw := csv.NewWriter(bw)
		_ = cw.Write(header)
		for i := 0; i < rows; i++ {
			_ = cw.Write(row(i))
		}
		cw.Flush()
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	w(filepath.Join(dir, "organizations.csv"), []string{"Mã số thuế", "Tên doanh nghiệp", "Loại hình", "Địa chỉ", "Tỉnh/Thành phố"}, traders,
		func(i int) []string {
			kind := "retailer"
			if i%5 == 0 {
				kind = "online_seller"
			}
			return []string{genTaxCode(i), fmt.Sprintf("Công ty TNHH Camera Số %d", i), kind,
				fmt.Sprintf("%d Lê Duẩn", i+1), genProvinces[i%len(genProvinces)]}
		})
	w(filepath.Join(dir, "models.csv"), []string{"Hãng sản xuất", "Mã sản phẩm", "Tên sản phẩm", "Loại", "Mã HS", "Xuất xứ"}, nModels,
		func(i int) []string {
			b, m := genModel(i)
			return []string{b, m, "Camera IP " + strconv.Itoa(2+i%6) + "MP", "ip", "8525.89.10", "CN"}
		})
	w(filepath.Join(dir, "listings.csv"), []string{"Mã số thuế", "Hãng sản xuất", "Model", "Kênh", "Đường dẫn", "Địa chỉ",
		"Tỉnh/Thành phố", "Giá bán", "Ngày phát hiện", "Ngày ghi nhận cuối", "Nguồn"}, listings,
		func(i int) []string {
			b, m := genModel((i * 7919) % nModels)
			tr := i % traders
			row := []string{genTaxCode(tr), b, m, "shop", "", fmt.Sprintf("Số %d đường %d", i, tr),
				genProvinces[tr%len(genProvinces)], strconv.Itoa(500_000 + (i%400)*5000), "01/03/2026", "15/06/2026", "marketplace"}
			if i%3 == 0 {
				row[3], row[4], row[5] = "online", fmt.Sprintf("https://shop.example.vn/p/%d", i), ""
			}
			return row
		})
}
