package gen

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

const (
	qcvn135 = "QCVN 135:2024/BTTTT"
	qcvn11  = "QCVN 11:2026/BCA"
)

// The certificates' calendar, from the standards' dates (seeded by the
// migrations; kept here only to place certificates realistically): QCVN
// 135 certified from 2025-02-15 until it gave way to QCVN 11 on
// 2026-07-01; certificates are issued up to the end of October 2026.
var (
	from135 = dayOf(2025, 2, 15)
	to135   = dayOf(2026, 6, 30)
	from11  = dayOf(2026, 7, 1)
	toCerts = dayOf(2026, 10, 31)
)

// certGroup is a series of one brand's models that is certified together.
type certGroup struct {
	plan     int32   // into Generator.brands
	ordinals []int32 // the models, as ordinals within the brand
}

// certIssue is one certificate: a group certified against a standard on
// a day.
type certIssue struct {
	group  int32
	is135  bool
	issued day
}

// certPlan is every certificate, in the order they were issued.
type certPlan struct {
	groups []certGroup
	issues []certIssue
}

// Of the groups that hold one certificate, this per-mille hold a QCVN 135
// one never renewed; the rest were certified against QCVN 11 directly.
const only135PerMille = 250

// planCertificates groups the certified models of each brand into series
// and decides each series' certificates: about a third were certified
// against QCVN 135 and renewed against QCVN 11, the others hold one of the
// two (a quarter of them a QCVN 135 one never renewed, which no longer
// counts since QCVN 135 left force on 2026-06-30). That makes C certificates over ⌈C/1.35⌉ groups. The models no
// group holds are the uncertified ones.
func (g *Generator) planCertificates() certPlan {
	c := g.n.Certificates
	if c == 0 {
		return certPlan{}
	}
	r := newStream(g.seed, streamCertPlan).at(0)
	k := (c*20 + 26) / 27
	certified := make([]int, len(g.brands))
	total := 0
	for i, p := range g.brands {
		certified[i] = min(p.count, (p.count*brands[p.index].certified+500)/1000)
		total += certified[i]
	}
	// Tiny runs may ask for more groups than certified models: certify more.
	for i := 0; total < k; i = (i + 1) % len(g.brands) {
		if certified[i] < g.brands[i].count {
			certified[i]++
			total++
		}
	}
	groups := apportionCapped(k, certified)
	var plan certPlan
	for i, p := range g.brands {
		plan.groups = append(plan.groups, splitGroups(r, int32(i), p.count, certified[i], groups[i])...)
	}
	// Decide each group's certificates.
	both := c - k
	only135 := (k - both) * only135PerMille / 1000
	for rank, gi := range r.Perm(k) {
		switch {
		case rank < both:
			plan.issues = append(plan.issues,
				certIssue{group: int32(gi), is135: true, issued: between(r, from135, to135.add(-30))},
				certIssue{group: int32(gi), issued: between(r, from11, toCerts)})
		case rank < both+only135:
			plan.issues = append(plan.issues, certIssue{group: int32(gi), is135: true, issued: between(r, from135, to135)})
		default:
			plan.issues = append(plan.issues, certIssue{group: int32(gi), issued: between(r, from11, toCerts)})
		}
	}
	slices.SortFunc(plan.issues, func(a, b certIssue) int {
		return cmp.Or(cmp.Compare(a.issued.n, b.issued.n), cmp.Compare(a.group, b.group))
	})
	return plan
}

// apportionCapped shares n among the capacities, in proportion to them and
// never beyond one.
func apportionCapped(n int, caps []int) []int {
	out := apportion(n, caps)
	spare := 0
	for i := range out {
		if out[i] > caps[i] {
			spare += out[i] - caps[i]
			out[i] = caps[i]
		}
	}
	for i := 0; spare > 0; i = (i + 1) % len(out) {
		if out[i] < caps[i] {
			out[i]++
			spare--
		}
	}
	return out
}

// splitGroups leaves count-certified models of a brand uncertified, at
// random, and cuts the certified ones, in order, into groups of random
// sizes (random cut points: many small series, a few long ones).
func splitGroups(r *rand.Rand, plan int32, count, certified, groups int) []certGroup {
	if groups == 0 {
		return nil
	}
	skip := sample(r, count, count-certified)
	cuts := sample(r, certified-1, groups-1)
	out := make([]certGroup, 0, groups)
	cur := certGroup{plan: plan}
	seq := 0
	for ord := range count {
		if skip[ord] {
			continue
		}
		if seq > 0 && cuts[seq-1] {
			out = append(out, cur)
			cur = certGroup{plan: plan}
		}
		cur.ordinals = append(cur.ordinals, int32(ord))
		seq++
	}
	return append(out, cur)
}

// sample picks k distinct members of [0, n) (Floyd's algorithm) and
// returns them as a membership slice.
func sample(r *rand.Rand, n, k int) []bool {
	in := make([]bool, max(n, 0))
	for j := n - k; j < n; j++ {
		t := r.IntN(j + 1)
		if in[t] {
			t = j
		}
		in[t] = true
	}
	return in
}

var certColumns = []string{"number", "standard_code", "certification_body", "method", "holder", "issued_on", "expires_on",
	"lot_ref", "status", "status_reason", "status_changed_on", "models", "brand"}

var (
	suspendReasons = []string{
		"Đánh giá giám sát định kỳ phát hiện mẫu lấy trên thị trường không đáp ứng yêu cầu mật khẩu duy nhất; tạm đình chỉ chờ khắc phục",
		"Chủ giấy chứng nhận không thực hiện đánh giá giám sát đúng hạn",
		"Phát hiện phiên bản firmware lưu hành khác phiên bản đã thử nghiệm; tạm đình chỉ chờ thử nghiệm bổ sung",
	}
	revokeReasons = []string{
		"Sản phẩm không đáp ứng yêu cầu quản lý cập nhật phần mềm; chủ giấy chứng nhận không khắc phục trong thời hạn yêu cầu",
		"Sử dụng giấy chứng nhận cho sản phẩm không thuộc phạm vi chứng nhận",
		"Theo đề nghị của chủ giấy chứng nhận: ngừng nhập khẩu và kinh doanh model",
		"Kết quả thử nghiệm đối chứng không đạt yêu cầu lưu trữ an toàn tham số nhạy cảm",
	}
)

// writeCertificates writes the planned certificates in the order they were
// issued, numbered per body and year.
func (g *Generator) writeCertificates(w *rowWriter) (int, error) {
	if err := w.Write(certColumns); err != nil {
		return 0, err
	}
	type counter struct{ body, year int }
	seq := map[counter]int{}
	s := newStream(g.seed, streamCerts)
	for ci, is := range g.certs.issues {
		r := s.at(ci)
		grp := &g.certs.groups[is.group]
		p := &g.brands[grp.plan]
		b := &brands[p.index]
		body := pickBody(r, is.is135)
		key := counter{body, is.issued.year()}
		seq[key] += 1 + r.IntN(3) // numbers also go to other products
		method := []int{1, 1, 1, 1, 1, 5, 5, 5, 7, 7}[r.IntN(10)]
		first := g.modelAt(p, int(grp.ordinals[0]))
		holder := g.trader(first.registrant).taxCode
		if method == 5 && b.maker != "" {
			holder = b.maker // factory assessment: the manufacturer holds it
		}
		expires, lot := "", ""
		switch method {
		case 1:
			years := 3
			if chance(r, 200) {
				years = 1
			}
			expires = dayOf(is.issued.year()+years, is.issued.time().Month(), is.issued.time().Day()).add(-1).String()
		case 5:
			expires = dayOf(is.issued.year()+3, is.issued.time().Month(), is.issued.time().Day()).add(-1).String()
		case 7:
			lot = lotRef(r, is.issued.add(-3-r.IntN(20)))
			if chance(r, 600) {
				expires = is.issued.add(180 + r.IntN(185)).String()
			}
		}
		status, reason, changed := "valid", "", ""
		switch x := r.IntN(1000); {
		case x < 40:
			status, reason = "suspended", oneOf(r, suspendReasons...)
		case x < 70:
			status, reason = "revoked", oneOf(r, revokeReasons...)
		}
		if status != "valid" {
			// Issued by the end of October, so hi is never before issued.
			hi := earlier(is.issued.add(400), epochToday.add(-5))
			changed = between(r, earlier(is.issued.add(30), hi), hi).String()
		}
		firmwareOnly := chance(r, 50)
		items := make([]string, 0, len(grp.ordinals))
		for _, ord := range grp.ordinals {
			c := g.modelAt(p, int(ord))
			item := c.number
			if firmwareOnly {
				item += " | firmware=" + c.firmware[len(c.firmware)-1]
			}
			items = append(items, item)
		}
		rec := []string{certNumber(body, is, seq[key], method), standard(is), certBodies[body].name, strconv.Itoa(method), holder,
			is.issued.String(), expires, lot, status, reason, changed, strings.Join(items, "; "), b.name}
		if err := w.Write(rec); err != nil {
			return ci, err
		}
	}
	return len(g.certs.issues), nil
}

func standard(is certIssue) string {
	if is.is135 {
		return qcvn135
	}
	return qcvn11
}

// pickBody draws a body designated for the standard, the national centres
// most often.
func pickBody(r *rand.Rand, is135 bool) int {
	var cands, weights []int
	for i, b := range certBodies {
		if (is135 && b.for135) || (!is135 && b.for11) {
			cands = append(cands, i)
			weights = append(weights, 3-i%3)
		}
	}
	return cands[pick(r, weights)]
}

// certNumber writes a certificate number in the body's style. The year and
// the body's yearly sequence make it unique.
func certNumber(body int, is certIssue, seq, method int) string {
	b := certBodies[body]
	std := "QCVN11"
	if is.is135 {
		std = "QCVN135"
	}
	lot := ""
	if method == 7 {
		lot = "L"
	}
	y := is.issued.year()
	switch b.style {
	case styleQuatest:
		return fmt.Sprintf("%s-%s-%d-%s%04d", std, b.abbr, y, lot, seq)
	case styleQuacert:
		return fmt.Sprintf("%s/%d/CR-%s%04d", b.abbr, y, lot, seq)
	}
	return fmt.Sprintf("%s%04d/%d/%s-%s", lot, seq, y, b.abbr, std)
}

// lotRef writes an import lot as customs declarations name them.
func lotRef(r *rand.Rand, declared day) string {
	t := declared.time()
	return fmt.Sprintf("Tờ khai hải quan 10%010d/A11 ngày %02d/%02d/%d – %s chiếc", r.Int64N(10_000_000_000),
		t.Day(), int(t.Month()), t.Year(), thousands(int64(200+r.IntN(60)*100)))
}

// thousands writes n with dots between thousands, as Vietnamese does.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ".")
}
