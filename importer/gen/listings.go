package gen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"camreg/models"
)

var listingColumns = []string{"trader", "brand", "model_number", "channel", "url", "shop_address", "province", "price_vnd",
	"first_seen_on", "last_seen_on", "source"}

var fromListings = dayOf(2024, 6, 1)

// writeListings writes each trader's listings together. A trader's share
// of the listings follows its weight (a first pass sums them); its models
// are distinct, drawn by brand popularity and, within a brand, favouring
// the first models of each line, as shops stock the best sellers. Only
// the current trader's models are remembered, so memory stays flat.
func (g *Generator) writeListings(w *rowWriter) (int, error) {
	if err := w.Write(listingColumns); err != nil {
		return 0, err
	}
	total := int64(0)
	for i := range g.n.Traders {
		total += int64(g.listingWeight(i))
	}
	listings := int64(g.n.Listings)
	used := map[int]bool{}
	cum, carry, j := int64(0), 0, 0
	for i := range g.n.Traders {
		lo := listings * cum / total
		cum += int64(g.listingWeight(i))
		want := int(listings*cum/total-lo) + carry
		quota := min(want, g.n.Models)
		carry = want - quota
		if quota == 0 {
			continue
		}
		t := g.trader(i)
		clear(used)
		for range quota {
			r := g.listings.at(j)
			m := g.listedModel(r, used)
			if err := w.Write(listingRow(r, t, m, j)); err != nil {
				return j, err
			}
			j++
		}
	}
	if carry > 0 {
		return j, errors.New("too few models for the listings: each trader lists a model once; give more models or fewer listings")
	}
	return j, nil
}

// listedModel draws a model the trader does not list yet.
func (g *Generator) listedModel(r *rand.Rand, used map[int]bool) *camera {
	idx := 0
	for try := 0; ; try++ {
		p := &g.brands[pick(r, g.popularity)]
		idx = p.start + min(r.IntN(p.count), r.IntN(p.count))
		if !used[idx] || try == 8 {
			break
		}
	}
	for used[idx] {
		idx = (idx + 1) % g.n.Models
	}
	used[idx] = true
	return g.camera(idx)
}

// listingRow writes listing j of trader t for model m.
func listingRow(r *rand.Rand, t *trader, m *camera, j int) []string {
	online := false
	switch t.kind {
	case models.OrgOnlineSeller:
		online = true
	case models.OrgRetailer:
		online = chance(r, 150)
	case models.OrgDistributor:
		online = chance(r, 300)
	default:
		online = chance(r, 500)
	}
	channel, url, shop, source := "shop", "", t.address, "self_declared"
	if online {
		channel, shop = "online", ""
		url = listingURL(r, t, m, j)
		switch x := r.IntN(100); {
		case x < 75:
			source = "marketplace"
		case x < 95:
			source = "self_declared"
		default:
			source = "inspection"
		}
	} else if chance(r, 100) {
		source = "inspection"
	}
	price := roundPrice(r, m.price*int64(88+r.IntN(25))/100)
	first := between(r, fromListings, epochToday.add(-10))
	last := between(r, first, epochToday)
	return []string{t.taxCode, m.brand.name, m.number, channel, url, shop, t.provinceCell, strconv.FormatInt(price, 10),
		first.String(), last.String(), source}
}

// listingURL writes the listing's page: a marketplace product page, or the
// trader's own shop. Item ids encode j through a bijection, so no two
// listings share one.
func listingURL(r *rand.Rand, t *trader, m *camera, j int) string {
	s := slug(m.name)
	item := 20_000_000_000 + (int64(j)*6_364_136_223+1_442_695_041)%10_000_000_000
	if t.website != "" && t.kind != models.OrgOnlineSeller && chance(r, 500) {
		return t.website + "/san-pham/" + s
	}
	switch x := r.IntN(100); {
	case x < 45:
		return fmt.Sprintf("https://shopee.vn/%s-i.%d.%d", s, t.shopID, item)
	case x < 65:
		return fmt.Sprintf("https://www.lazada.vn/products/%s-i%d-s%d.html", s, item, item+int64(r.IntN(90_000_000)))
	case x < 75:
		return fmt.Sprintf("https://tiki.vn/%s-p%d.html", s, item%1_000_000_000)
	}
	return fmt.Sprintf("https://shop.tiktok.com/vn/pdp/%s/1729%04d%011d", s, r.IntN(10000), item)
}
