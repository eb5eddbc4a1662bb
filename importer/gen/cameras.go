package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"camreg/fold"
)

// fwStyle is how a brand writes its firmware versions.
type fwStyle int

const (
	fwPlain  fwStyle = iota // 1.3.2
	fwHik                   // V5.7.3 build 220112
	fwDahua                 // 2.800.0000000.16.R
	fwEzviz                 // V5.3.8 build 230719
	fwTPLink                // 1.3.9 Build 231019 Rel.58677n
	fwXiaomi                // 4.1.6_0355
)

// version is one firmware release: its numbers and its build date.
type version struct {
	major, minor, patch int
	built               day
}

// format writes v in the brand's style. Every style orders as the numbers
// do under models.CompareFirmware, so firmware ranges in warnings mean what
// they say.
func (s fwStyle) format(v version) string {
	ymd := v.built.compact()
	switch s {
	case fwHik:
		return fmt.Sprintf("V%d.%d.%d build %s", v.major, v.minor, v.patch, ymd)
	case fwDahua:
		return fmt.Sprintf("2.%d.0000000.%d.R", 800+v.minor*20, v.patch)
	case fwEzviz:
		return fmt.Sprintf("V5.%d.%d build %s", v.minor, v.patch, ymd)
	case fwTPLink:
		return fmt.Sprintf("1.%d.%d Build %s", v.minor, v.patch, ymd)
	case fwXiaomi:
		return fmt.Sprintf("4.%d.%d_%04d", v.minor, v.patch, v.built.n%10000)
	}
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch)
}

// camera is one generated camera model.
type camera struct {
	brand    *brand
	plan     *brandPlan
	ordinal  int // its index within the brand
	number   string
	name     string
	kind     string
	hsCode   string
	origin   string
	firmware []string
	// registrant is the trader that registered it (an importer, or a
	// domestic brand's manufacturer).
	registrant int
	pending    bool
	// price is its typical shelf price in đồng.
	price int64
}

// brandPlan places a brand's models in the models file and sizes the codes
// of its lines.
type brandPlan struct {
	index int // into brands
	start int // its first model's index
	count int
	// widths and multipliers of its lines' codes, in brands[index].lines
	// order: code = (mult·n + offset) mod 10^width, a bijection on the
	// width's range, so that codes look random yet never repeat.
	widths  []int
	mults   []int
	offsets []int
	// popular is its weight in listings.
	popular int
}

// newBrandPlans shares n models among the brands by their share.
func newBrandPlans(seed uint64, n int) []brandPlan {
	weights := make([]int, len(brands))
	for i, b := range brands {
		weights[i] = b.share
	}
	counts := apportion(n, weights)
	r := newStream(seed, streamBrands).at(0)
	var plans []brandPlan
	start := 0
	for i, c := range counts {
		b := &brands[i]
		p := brandPlan{index: i, start: start, count: c, popular: b.popularity}
		start += c
		per := (c + len(b.lines) - 1) / len(b.lines) // codes per line
		for _, l := range b.lines {
			w := max(l.width, len(strconv.Itoa(max(per-1, 0))))
			mod := pow10(w)
			p.widths = append(p.widths, w)
			p.mults = append(p.mults, coprimeTo10(r, mod))
			p.offsets = append(p.offsets, r.IntN(mod))
		}
		if c > 0 {
			plans = append(plans, p)
		}
	}
	return plans
}

// coprimeTo10 draws a multiplier below mod that is coprime to it (mod is
// a power of ten), so that n ↦ mult·n mod 10^w is a bijection.
func coprimeTo10(r *rand.Rand, mod int) int {
	for {
		m := 1 + r.IntN(max(mod-1, 1))
		if m%2 != 0 && m%5 != 0 {
			return m
		}
	}
}

func pow10(w int) int {
	p := 1
	for range w {
		p *= 10
	}
	return p
}

// number writes the model number of the brand's ordinal-th model. The
// line is ordinal mod len(lines) and the code encodes ordinal / len(lines)
// in the line's fixed width; as the folded prefixes of a brand's lines are
// prefix-free, two ordinals never share a folded model number, whatever
// suffix each draws.
func (p *brandPlan) number(r *rand.Rand, ordinal int) (string, *line) {
	b := &brands[p.index]
	li := ordinal % len(b.lines)
	l := &b.lines[li]
	n := ordinal / len(b.lines)
	mod := pow10(p.widths[li])
	code := (p.mults[li]*n + p.offsets[li]) % mod
	s := l.suffixes[r.IntN(len(l.suffixes))]
	gap := l.gap
	if s == "" {
		gap = ""
	}
	return fmt.Sprintf("%s%0*d%s%s", l.prefix, p.widths[li], code, gap, s), l
}

// camera generates the i-th model of the models file.
func (g *Generator) camera(i int) *camera {
	p := g.planOf(i)
	b := &brands[p.index]
	r := g.cameras.at(i)
	c := &camera{brand: b, plan: p, ordinal: i - p.start}
	var l *line
	c.number, l = p.number(r, c.ordinal)
	c.kind = l.kind
	if c.kind == "wifi" && r.IntN(10) == 0 {
		c.kind = "ip" // some Wi-Fi cameras are declared as IP cameras
	}
	c.name = cameraName(r, b, c.kind, c.number)
	c.hsCode = "8525.89.10"
	if c.kind == "analog" || c.kind == "thermal" || r.IntN(12) == 0 {
		c.hsCode = "8525.89.90"
	}
	// A series of eight models shares its origin and its registrant, as
	// one importer brings in a product family from one factory.
	series := c.ordinal / 8
	sr := g.series.at(p.index<<32 | series)
	c.origin = b.origins[0]
	if len(b.origins) > 1 && sr.IntN(4) == 0 {
		c.origin = b.origins[1+sr.IntN(len(b.origins)-1)]
	}
	holders := g.holders(p.index)
	c.registrant = holders[sr.IntN(len(holders))]
	c.firmware = firmwareList(r, b.firmware)
	c.pending = r.IntN(40) == 0
	c.price = basePrice(r, c.kind, b.price)
	return c
}

// planOf finds the brand plan holding model i.
func (g *Generator) planOf(i int) *brandPlan {
	lo, hi := 0, len(g.brands)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if g.brands[mid].start <= i {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return &g.brands[lo]
}

// modelAt returns the model of the brand plan at ordinal k.
func (g *Generator) modelAt(p *brandPlan, k int) *camera { return g.camera(p.start + k) }

// firmwareList draws one to four releases, oldest first.
func firmwareList(r *rand.Rand, s fwStyle) []string {
	n := 1 + r.IntN(4)
	v := version{major: 1 + r.IntN(5), minor: r.IntN(6), patch: r.IntN(20), built: dayOf(2021, 1, 1).add(r.IntN(700))}
	out := make([]string, 0, n)
	for range n {
		out = append(out, s.format(v))
		if r.IntN(3) == 0 {
			v.minor, v.patch = v.minor+1, r.IntN(5)
		} else {
			v.patch += 1 + r.IntN(12)
		}
		v.built = v.built.add(60 + r.IntN(300))
	}
	return out
}

// priceRanges are the shelf prices of each kind of camera, in đồng.
var priceRanges = map[string][2]int64{
	"ip": {550_000, 3_500_000}, "wifi": {290_000, 1_500_000}, "analog": {250_000, 900_000},
	"ptz": {3_000_000, 25_000_000}, "doorbell": {790_000, 2_500_000}, "thermal": {15_000_000, 120_000_000},
}

// basePrice is a model's typical shelf price: the kind's range, scaled by
// the brand, rounded as shops price (to 10,000 đồng, or ending in 9,000).
func basePrice(r *rand.Rand, kind string, pct int) int64 {
	pr := priceRanges[kind]
	p := (pr[0] + r.Int64N(pr[1]-pr[0])) * int64(pct) / 100
	return roundPrice(r, p)
}

func roundPrice(r *rand.Rand, p int64) int64 {
	p = max(p/10_000*10_000, 10_000)
	if r.IntN(3) == 0 {
		p -= 1_000 // 459.000 rather than 460.000
	}
	return p
}

// cameraName writes a Vietnamese product name such as "Camera IP thân trụ
// 2MP hồng ngoại 30 m".
func cameraName(r *rand.Rand, b *brand, kind, number string) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	mp := pick("2MP", "2MP", "4MP", "4MP", "5MP", "8MP", "3MP")
	var name string
	switch kind {
	case "ip":
		name = "Camera IP " + pick("thân trụ", "bán cầu", "dome", "mini thân trụ", "thân trụ ngoài trời") + " " + mp + " " +
			pick("hồng ngoại 30 m", "hồng ngoại 50 m", "có màu ban đêm", "Starlight", "chống ngược sáng WDR", "tích hợp micro", "AI phát hiện người và xe")
	case "wifi":
		name = "Camera Wi-Fi " + pick("trong nhà", "ngoài trời", "trong nhà", "dùng pin ngoài trời") + " " +
			pick("quay quét 360°", "cố định", "quay quét", "hai mắt") + " " + pick("1080p", "2K", "3MP", "4MP") + " " +
			pick("đàm thoại hai chiều", "phát hiện người AI", "có còi báo động", "theo dõi chuyển động", "có màu ban đêm")
	case "analog":
		name = "Camera " + pick("HD-TVI", "HDCVI", "AHD") + " " + pick("thân trụ", "bán cầu") + " " + mp + " hồng ngoại " + pick("20 m", "30 m", "40 m")
	case "ptz":
		name = "Camera IP PTZ " + mp + " zoom quang " + pick("4x", "15x", "25x", "32x", "45x") + " " + pick("Starlight", "hồng ngoại 150 m", "theo dõi tự động")
	case "doorbell":
		name = "Chuông cửa có hình Wi-Fi " + pick("1080p", "2K", "3MP") + " " + pick("dùng pin", "có dây", "đàm thoại hai chiều")
	case "thermal":
		name = "Camera cảm biến nhiệt " + pick("256×192", "384×288", "640×512") + " phát hiện cháy sớm"
	default:
		name = "Camera " + mp
	}
	return name + " " + b.name + " " + number
}

// slug writes text as a URL path segment: folded to ASCII, lower case,
// dashes between words.
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, ch := range s {
		f := string(ch)
		if ch >= 0x80 {
			f = asciiFold[ch]
		}
		for _, c := range strings.ToLower(f) {
			if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
				sb.WriteRune(c)
				dash = false
			} else if !dash && sb.Len() > 0 {
				sb.WriteByte('-')
				dash = true
			}
		}
		if f == "" && !dash && sb.Len() > 0 {
			sb.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(sb.String(), "-")
}

// asciiFold maps the Latin letters with diacritics (Vietnamese among them)
// to fold.Text's ASCII, computed once: fold.Text itself runs a Unicode
// normaliser, too slow for two million URLs.
var asciiFold = func() map[rune]string {
	m := map[rune]string{}
	for _, block := range [][2]rune{{0xC0, 0x24F}, {0x1EA0, 0x1EFF}} {
		for r := block[0]; r <= block[1]; r++ {
			m[r] = fold.Text(string(r))
		}
	}
	return m
}()

var modelColumns = []string{"brand", "model_number", "name", "kind", "hs_code", "origin_country", "firmware_versions", "registrant", "status"}

// writeModels writes the models, brand by brand.
func (g *Generator) writeModels(w *rowWriter) (int, error) {
	if err := w.Write(modelColumns); err != nil {
		return 0, err
	}
	for i := range g.n.Models {
		c := g.camera(i)
		status := "verified"
		if c.pending {
			status = "pending"
		}
		rec := []string{c.brand.name, c.number, c.name, c.kind, c.hsCode, c.origin, strings.Join(c.firmware, "; "),
			g.trader(c.registrant).taxCode, status}
		if err := w.Write(rec); err != nil {
			return i, err
		}
	}
	return g.n.Models, nil
}
