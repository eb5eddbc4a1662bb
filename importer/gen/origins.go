package gen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
)

var originColumns = []string{"number", "exporting_country", "form", "issuer", "issued_on", "holder", "lot_ref", "invoice_ref",
	"status", "status_reason", "status_changed_on", "models", "brand"}

var (
	fromOrigins = dayOf(2024, 3, 1)
	// maxOrigins keeps C/O numbers unique: they encode the row's index in
	// seven digits.
	maxOrigins = 10_000_000
)

// writeOrigins writes C/Os of import lots: each covers a few imported
// models of one brand, of one origin, held by the models' importer.
func (g *Generator) writeOrigins(w *rowWriter) (int, error) {
	if err := w.Write(originColumns); err != nil {
		return 0, err
	}
	if g.n.Origins > maxOrigins {
		return 0, fmt.Errorf("at most %d C/Os", maxOrigins)
	}
	var weights []int
	for _, p := range g.brands {
		wt := p.count
		if brands[p.index].origins[0] == "VN" {
			wt = 0 // domestic brands import nothing
		}
		weights = append(weights, wt)
	}
	if g.n.Origins > 0 && slicesSum(weights) == 0 {
		return 0, errors.New("no imported brand has models: a C/O needs one")
	}
	for j := range g.n.Origins {
		r := g.origins.at(j)
		ms, err := g.importedLot(r, weights)
		if err != nil {
			return j, err
		}
		first := ms[0]
		rule := originRuleOf(first.origin)
		form := oneOf(r, rule.forms...)
		issued := between(r, fromOrigins, toCerts)
		status, reason, changed := "valid", "", ""
		if chance(r, 15) {
			status = "revoked"
			reason = oneOf(r, "Cơ quan cấp xác nhận C/O không hợp lệ sau kiểm tra, xác minh xuất xứ",
				"Hàng hóa không đáp ứng tiêu chí xuất xứ theo kết quả xác minh của hải quan")
			changed = between(r, earlier(issued.add(30), epochToday.add(-5)), epochToday.add(-5)).String()
		}
		refs := make([]string, len(ms))
		for i, m := range ms {
			refs[i] = m.number
		}
		rec := []string{originNumber(r, form, first.origin, issued, j), first.origin, form, oneOf(r, rule.issuers...),
			issued.String(), g.trader(first.registrant).taxCode, lotRef(r, issued.add(5+r.IntN(40))),
			invoiceRef(r, first.brand, issued.add(-r.IntN(10))), status, reason, changed, strings.Join(refs, "; "), first.brand.name}
		if err := w.Write(rec); err != nil {
			return j, err
		}
	}
	return g.n.Origins, nil
}

// importedLot draws the models of one lot: one to nine consecutive models
// of a brand (a product family), the best sellers more often, keeping those
// made where the first was, which must be abroad.
func (g *Generator) importedLot(r *rand.Rand, weights []int) ([]*camera, error) {
	for range 50 {
		p := &g.brands[pick(r, weights)]
		k := r.IntN(p.count)
		if chance(r, 300) {
			k = min(k, r.IntN(p.count)) // best sellers are imported again and again
		}
		first := g.modelAt(p, k)
		if first.origin == "VN" {
			continue
		}
		n := 2 + r.IntN(8)
		if chance(r, 150) {
			n = 1
		}
		out := []*camera{first}
		for o := k + 1; o < min(k+n, p.count); o++ {
			if c := g.modelAt(p, o); c.origin == first.origin {
				out = append(out, c)
			}
		}
		return out, nil
	}
	// Fifty domestic draws in a row: take the first imported model.
	for i := range g.n.Models {
		if c := g.camera(i); c.origin != "VN" {
			return []*camera{c}, nil
		}
	}
	return nil, errors.New("no imported model: a C/O needs one")
}

func originRuleOf(country string) *originRule {
	for i := range originRules {
		if originRules[i].country == country {
			return &originRules[i]
		}
	}
	return &originRule{country: country, forms: []string{"B"}, issuers: []string{"Chamber of Commerce, " + country}}
}

// originNumber writes a C/O number in its form's usual shape; j, encoded
// through a bijection of seven digits, makes it unique.
func originNumber(r *rand.Rand, form, country string, issued day, j int) string {
	v := (j*3_967_631 + 5_802_113) % maxOrigins
	yy := issued.year() % 100
	switch form {
	case "E":
		region := oneOf(r, "3300", "4403", "6100", "3502", "4401")
		return fmt.Sprintf("E%02d%s%d%07d", yy, region, r.IntN(10), v)
	case "RCEP":
		return fmt.Sprintf("RCEP%s%02d%07d", country, yy, v)
	case "AK":
		return fmt.Sprintf("AK-%02d-KR-%07d", yy, v)
	case "VK":
		return fmt.Sprintf("VK%02d%07d", yy, v)
	case "AJ":
		return fmt.Sprintf("AJ-%d-%07d", issued.year(), v)
	case "VJ":
		return fmt.Sprintf("VJ%02d-%07d", yy, v)
	case "CPTPP":
		return fmt.Sprintf("CPTPP-JP-%02d-%07d", yy, v)
	case "EUR.1":
		return fmt.Sprintf("%s %07d", country, v)
	case "AHK":
		return fmt.Sprintf("AHK%02d%07d", yy, v)
	}
	return fmt.Sprintf("B%02d%s%07d", yy, country, v)
}

// invoiceRef writes a commercial invoice number.
func invoiceRef(r *rand.Rand, b *brand, d day) string {
	abbr := strings.ToUpper(strings.ReplaceAll(slug(b.name), "-", ""))
	if len(abbr) > 4 {
		abbr = abbr[:4]
	}
	return fmt.Sprintf("%s-INV-%s-%04d", abbr, d.time().Format("20060102"), r.IntN(10000))
}

func slicesSum(s []int) int {
	t := 0
	for _, x := range s {
		t += x
	}
	return t
}
