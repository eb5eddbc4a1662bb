package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"camreg/models"
)

var warningColumns = []string{"reference", "authority", "title", "summary", "severity", "issued_on", "measure", "cve_ids", "url",
	"status", "status_reason", "status_changed_on", "affected", "brand"}

// Warnings run from the first camera warnings to a few days before today.
var (
	fromWarnings = dayOf(2023, 1, 1)
	toWarnings   = dayOf(2026, 11, 15)
)

// authorities are the issuers of warnings: the central ones, then each
// province's market-surveillance office, sharing provincialWarnings by the
// provinces' weights.
func (g *Generator) authorities() []authority {
	out := slices.Clone(centralAuthorities)
	total := slicesSum(g.provinceWeights)
	for _, p := range provinces {
		mp := models.LookupProvince(p.code)
		what := "tỉnh"
		if mp.City {
			what = "thành phố"
		}
		out = append(out, authority{
			name:     fmt.Sprintf("Chi cục Quản lý thị trường %s %s (Sở Công Thương %s)", what, mp.Name, mp.Name),
			kind:     models.OrgMarketSurveillance,
			province: mp.Name, suffix: "QLTT" + p.abbr + "-NV",
			weight: max(1, provincialWarnings*p.weight/total),
		})
	}
	return out
}

// measures are the measures each kind of authority takes, per mille.
var measures = map[string][]int{
	// update_firmware, stop_sale, recall, ban
	models.OrgAuthority:          {650, 150, 50, 150},
	models.OrgMarketSurveillance: {0, 600, 300, 100},
}

// writeWarnings writes warnings in the order they were issued, each
// authority numbering its documents upwards.
func (g *Generator) writeWarnings(w *rowWriter) (int, error) {
	if err := w.Write(warningColumns); err != nil {
		return 0, err
	}
	auths := g.authorities()
	weights := make([]int, len(auths))
	next := make([]int, len(auths))
	for i, a := range auths {
		weights[i] = a.weight
		next[i] = 100 + i*37%300
	}
	// Cheap no-name cameras draw warnings out of proportion to their sales.
	brandWeights := slices.Clone(g.popularity)
	for i, p := range g.brands {
		if brands[p.index].name == "Yoosee" || brands[p.index].name == "Ebitcam" {
			brandWeights[i] *= 4
		}
	}
	span := toWarnings.n - fromWarnings.n
	for j := range g.n.Warnings {
		r := g.warnings.at(j)
		ai := pick(r, weights)
		a := &auths[ai]
		next[ai] += 1 + r.IntN(6)
		step := span / max(g.n.Warnings, 1)
		issued := fromWarnings.add(j*span/max(g.n.Warnings, 1) + r.IntN(max(step, 1)))
		measure := models.Measures[pick(r, measures[a.kind])]
		p := &g.brands[pick(r, brandWeights)]
		affected := g.affected(r, p, measure)
		rec := g.warningRow(r, a, next[ai], issued, measure, affected)
		if err := w.Write(rec); err != nil {
			return j, err
		}
	}
	return g.n.Warnings, nil
}

// affected draws one to a few consecutive models of the brand (a product
// family). A firmware update names the range it fixes.
func (g *Generator) affected(r *rand.Rand, p *brandPlan, measure string) []*camera {
	n := 1 + r.IntN(3)
	if chance(r, 100) {
		n += r.IntN(6)
	}
	k := min(r.IntN(p.count), r.IntN(p.count)) // popular models draw more scrutiny
	var out []*camera
	for o := k; o < min(k+n, p.count); o++ {
		out = append(out, g.modelAt(p, o))
	}
	return out
}

func (g *Generator) warningRow(r *rand.Rand, a *authority, number int, issued day, measure string, ms []*camera) []string {
	b := ms[0].brand
	ref := fmt.Sprintf("%d/%s", number, a.suffix)
	items := make([]string, len(ms))
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.number
		items[i] = m.number
		if measure == "update_firmware" && len(m.firmware) > 1 {
			items[i] += " | fixed_in=" + m.firmware[len(m.firmware)-1]
			if chance(r, 300) {
				items[i] += " | introduced_in=" + m.firmware[0]
			}
		}
	}
	list := strings.Join(names, ", ")
	severity, title, summary := "", "", ""
	var cves []string
	switch measure {
	case "update_firmware":
		severity = oneOf(r, "medium", "high", "high", "critical")
		title = fmt.Sprintf("Cảnh báo lỗ hổng bảo mật %s trên một số dòng camera %s",
			map[string]string{"medium": "mức trung bình", "high": "mức cao", "critical": "nghiêm trọng"}[severity], b.name)
		cves = cveIDs(r, issued)
		summary = fmt.Sprintf("Camera %s (%s) chạy firmware cũ có lỗ hổng (%s) cho phép kẻ tấn công truy cập trái phép "+
			"hoặc chiếm quyền điều khiển thiết bị. Cơ quan, tổ chức, doanh nghiệp và người dùng cần cập nhật firmware lên "+
			"phiên bản đã vá và không mở giao diện quản trị ra Internet.", b.name, list, strings.Join(cves, ", "))
	case "stop_sale":
		severity = oneOf(r, "high", "critical")
		title = fmt.Sprintf("Yêu cầu dừng kinh doanh camera %s %s không đáp ứng quy chuẩn kỹ thuật", b.name, ms[0].number)
		summary = fmt.Sprintf("Kiểm tra trên thị trường và sàn thương mại điện tử phát hiện camera %s (%s) có mật khẩu "+
			"mặc định không đổi được và không có cơ chế cập nhật an toàn. Đề nghị tổ chức, cá nhân kinh doanh dừng bán, "+
			"gỡ tin đăng và báo cáo số lượng tồn kho.", b.name, list)
		if a.kind == models.OrgAuthority {
			cves = cveIDs(r, issued)
		}
	case "recall":
		severity = oneOf(r, "high", "critical")
		title = fmt.Sprintf("Thu hồi camera %s %s lưu hành không có giấy chứng nhận hợp quy", b.name, ms[0].number)
		summary = fmt.Sprintf("Camera %s (%s) được nhập khẩu và phân phối khi chưa được chứng nhận hợp quy. "+
			"Doanh nghiệp nhập khẩu phải thu hồi sản phẩm đã bán và thông báo cho người mua.", b.name, list)
	case "ban":
		severity = "critical"
		title = fmt.Sprintf("Khuyến cáo không sử dụng camera %s %s trong cơ quan nhà nước", b.name, ms[0].number)
		summary = fmt.Sprintf("Camera %s (%s) gửi dữ liệu hình ảnh ra máy chủ ở nước ngoài không được công bố và có "+
			"tài khoản quản trị ẩn. Cơ quan nhà nước không sử dụng; đơn vị đang sử dụng phải thay thế.", b.name, list)
		cves = cveIDs(r, issued)
	}
	url := ""
	if a.site != "" && chance(r, 700) {
		url = fmt.Sprintf("%s/bai-viet/%s-%d", a.site, slug(title), number)
	}
	status, reason, changed := "active", "", ""
	if chance(r, 40) {
		status = "withdrawn"
		reason = oneOf(r, "Nhà sản xuất đã phát hành bản vá và các đơn vị đã cập nhật",
			"Văn bản được thay thế bởi cảnh báo mới", "Kết quả kiểm tra lại cho thấy sản phẩm đã được khắc phục")
		changed = between(r, earlier(issued.add(20), epochToday.add(-1)), epochToday.add(-1)).String()
	}
	return []string{ref, a.name, title, summary, severity, issued.String(), measure, strings.Join(cves, "; "), url,
		status, reason, changed, strings.Join(items, "; "), b.name}
}

// cveIDs draws one to three distinct CVE ids published before the warning.
func cveIDs(r *rand.Rand, issued day) []string {
	var out []string
	for range 1 + r.IntN(3) {
		id := fmt.Sprintf("CVE-%d-%d", 2017+r.IntN(issued.year()-2017+1), 1000+r.IntN(49000))
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
