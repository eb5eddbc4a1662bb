package searchtest

import (
	"slices"
	"strings"

	"camreg/fold"
	"camreg/match"
	"camreg/models"
)

// The rules the red team's kinds of query (redteam.json) are made and
// widened with: shapes the other files lack, as the public, an inspector
// or a procurement officer types them.

// RedModelKinds are the red team's kinds that look for one model number,
// written another way: the wanted models are those with its key.
var RedModelKinds = []string{"model_midspace", "brand_misspelt", "model_url", "model_question"}

// IsRedOrgKind says whether kind is a red team kind that looks for a
// trader.
func IsRedOrgKind(kind string) bool {
	switch kind {
	case "shop_telex", "shop_glued", "shop_old_province", "tax_code_typo", "address_district":
		return true
	}
	return false
}

// TelexStrip is a folded word less what Telex or VNI typing leaves in it
// when the input method is off: the tone keys at its end (s, f, r, x, j),
// the vowel keys (w; a doubled a, e, o; dd) and VNI's digits. No folded
// Vietnamese syllable ends with s, f, r, x or j or holds a w or a digit,
// so a syllable strips to itself.
func TelexStrip(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '0' && c <= '9', c == 'w':
			continue
		case (c == 'a' || c == 'e' || c == 'o' || c == 'd') && i+1 < len(w) && w[i+1] == c:
			continue
		}
		b.WriteByte(c)
	}
	s := b.String()
	if n := len(s); n > 1 && strings.IndexByte("sfrxj", s[n-1]) >= 0 {
		s = s[:n-1]
	}
	return s
}

// telexWords is q's folded words, each with TelexStrip applied to the
// words with a letter (a shop's number stays).
func telexWords(q string) []string {
	ws := strings.Fields(foldText(q))
	for i, w := range ws {
		if strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 {
			ws[i] = TelexStrip(w)
		}
	}
	return ws
}

// districtPrefixes start a comma-separated part of an address that names
// a district (a quận, huyện or thị xã), which the registry's addresses,
// written after 2025, no longer hold.
var districtPrefixes = []string{"quan ", "q. ", "q.", "huyen ", "h. ", "thi xa ", "tx. "}

// WithoutDistrict is an address less its district part.
func WithoutDistrict(q string) string {
	parts := strings.Split(q, ",")
	kept := parts[:0:0]
	for _, p := range parts {
		f := strings.TrimSpace(foldText(p))
		drop := false
		for _, pre := range districtPrefixes {
			drop = drop || strings.HasPrefix(f, pre)
		}
		if !drop {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ",")
}

// TaxDistance1 says whether a and b, two tax codes, differ by one digit
// or by two neighbouring digits swapped.
func TaxDistance1(a, b string) bool {
	return len(a) == len(b) && a != b && match.Distance(a, b) <= 1
}

// RedAnswers says whether organization o answers query q of a red team
// kind.
func RedAnswers(kind, q string, o CorpusOrganization) bool {
	name := foldText(o.Name)
	switch kind {
	case "shop_telex":
		// The name's words typed with Telex or VNI keys left in.
		ws := telexWords(q)
		return len(ws) > 0 && strings.Contains(" "+name+" ", " "+strings.Join(ws, " ")+" ")
	case "shop_glued":
		k := fold.Key(q)
		return len(k) >= 6 && strings.Contains(strings.ReplaceAll(name, " ", ""), k)
	case "shop_old_province":
		// A name and the province it was in before the 2025 mergers.
		ws := strings.Fields(foldText(q))
		for n := min(4, len(ws)-1); n >= 1; n-- {
			p := models.LookupProvince(strings.Join(ws[len(ws)-n:], " "))
			if p != nil && p.Code == o.ProvinceCode && strings.Contains(" "+name+" ", " "+strings.Join(ws[:len(ws)-n], " ")+" ") {
				return true
			}
		}
		return false
	case "tax_code_typo":
		k := fold.Key(strings.TrimPrefix(strings.TrimPrefix(q, "MST"), "mst"))
		return TaxDistance1(k, o.TaxCode)
	case "address_district":
		return FieldAnswers("address_abbrev", WithoutDistrict(q), o)
	}
	return false
}

// RedModelAnswers says whether model key mk answers q of a red team model
// kind made for a model with key want.
func RedModelAnswers(kind string, mk, want string) bool {
	return slices.Contains(RedModelKinds, kind) && mk == want
}
