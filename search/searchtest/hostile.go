package searchtest

import (
	"strings"

	"camreg/fold"
)

// The rules the hostile kinds of query (hostile.json) are made and widened
// with: which organizations answer a query of each kind.

// shopTrades are the words a shop's name starts with that say its trade,
// longest first, not the shop: CoreName strips them.
var shopTrades = []string{"cong ty tnhh thiet bi an ninh", "cong ty co phan cong nghe", "cong ty tnhh thuong mai dien tu",
	"cong ty tnhh", "cong ty co phan", "cong ty", "cua hang dien tu", "cua hang camera", "cua hang", "sieu thi camera",
	"sieu thi", "trung tam camera", "trung tam", "ho kinh doanh", "dien may", "nha thong minh"}

// CoreName is a shop's folded name without the trade it starts with, or
// "" when that leaves fewer than two words.
func CoreName(name string) string {
	n := foldText(name)
	for _, t := range shopTrades {
		if rest, ok := strings.CutPrefix(n, t+" "); ok {
			if len(strings.Fields(rest)) < 2 {
				return ""
			}
			return rest
		}
	}
	return ""
}

// Answers says whether organization o answers query q of a hostile kind.
func Answers(kind, q string, o CorpusOrganization) bool {
	switch kind {
	case "shop_name_written":
		return foldText(o.Name) == foldText(q)
	case "shop_name_core":
		return strings.Contains(" "+foldText(o.Name)+" ", " "+q+" ")
	case "shop_name_cty":
		return foldText(o.Name) == "cong ty "+strings.TrimPrefix(q, "cty ")
	case "tax_code_written":
		return o.TaxCode != "" && fold.Key(strings.TrimPrefix(strings.TrimPrefix(q, "MST"), "mst")) == o.TaxCode
	case "address_written":
		return foldText(o.Address+", "+o.ProvinceName) == foldText(q)
	}
	return false
}
