package searchtest

import (
	"slices"
	"strings"

	"camreg/fold"
	"camreg/match"
	"camreg/search"
)

// Distractors: a big generated corpus (corpusgen -models 100000 -orgs
// 200000) indexed around the committed one, as a national registry would
// be (CAMREG_RELEVANCE_DISTRACTORS). Its records come from the same
// generator, so some answer a query as well as the wanted one does: widen
// adds them to the query's wanted records by the rule the query was made
// with, and drops a slip that a distractor is nearer to than the target.

// distractorsFor is d without the records that would be right answers to
// c's queries (the same model key, organization name or tax code as one of
// c's), with every id prefixed by "x" so none collides with c's.
func (d *Corpus) distractorsFor(c *Corpus) *Corpus {
	keys, names, taxes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, m := range c.Models {
		keys[fold.Key(m.ModelNumber)] = true
	}
	for _, o := range c.Organizations {
		names[foldText(o.Name)], taxes[o.TaxCode] = true, true
	}
	for _, ct := range c.Certificates {
		keys["cert:"+fold.Key(ct.Number)] = true
	}
	for _, w := range c.Warnings {
		keys["warning:"+fold.Key(w.Reference)] = true
		for _, cve := range w.CVEIDs {
			keys["cve:"+cve] = true
		}
	}
	out := &Corpus{}
	kept := map[string]bool{}
	for _, m := range d.Models {
		if !keys[fold.Key(m.ModelNumber)] {
			kept[m.ID] = true
			m.ID = "x" + m.ID
			out.Models = append(out.Models, m)
		}
	}
	for _, o := range d.Organizations {
		if !names[foldText(o.Name)] && !taxes[o.TaxCode] {
			kept[o.ID] = true
			o.ID = "x" + o.ID
			out.Organizations = append(out.Organizations, o)
		}
	}
	ref := func(ids []string) []string {
		var r []string
		for _, id := range ids {
			if kept[id] {
				r = append(r, "x"+id)
			}
		}
		return r
	}
	for _, ct := range d.Certificates {
		if kept[ct.HolderID] && !keys["cert:"+fold.Key(ct.Number)] {
			ct.ID, ct.HolderID, ct.ModelIDs = "x"+ct.ID, "x"+ct.HolderID, ref(ct.ModelIDs)
			out.Certificates = append(out.Certificates, ct)
		}
	}
	for _, w := range d.Warnings {
		shared := keys["warning:"+fold.Key(w.Reference)]
		for _, cve := range w.CVEIDs {
			shared = shared || keys["cve:"+cve]
		}
		if !shared {
			w.ID, w.ModelIDs = "x"+w.ID, ref(w.ModelIDs)
			out.Warnings = append(out.Warnings, w)
		}
	}
	return out
}

// widen returns the queries with every distractor that answers one, by the
// rule its kind was generated with, added to its wanted records; a typo
// query that a distractor is strictly nearer to than every wanted model is
// dropped, as the generator drops one nearer to another sibling.
func widen(qs []RelevanceQuery, c, d *Corpus) []RelevanceQuery {
	brandOf := map[string]string{}
	keyOf := map[string]string{}
	orgOf := map[string]CorpusOrganization{}
	for _, o := range c.Organizations {
		orgOf[o.ID] = o
	}
	for _, m := range c.Models {
		brandOf[m.ID], keyOf[m.ID] = m.Brand, fold.Key(m.ModelNumber)
	}
	dkeys := make([]string, len(d.Models))
	es := make([]match.Entry, len(d.Models))
	for i, m := range d.Models {
		dkeys[i] = fold.Key(m.ModelNumber)
		es[i] = match.Entry{ID: m.ID, ModelKey: dkeys[i]}
	}
	dix, err := match.New(es)
	if err != nil {
		panic(err)
	}
	var out []RelevanceQuery
	for _, q := range qs {
		q.Want = slices.Clone(q.Want)
		k := fold.Key(q.Q)
		switch {
		case strings.HasPrefix(q.Kind, "typo_") || q.Same == "nearest":
			best := -1.0
			for _, id := range q.Want {
				if dist := match.Distance(k, keyOf[id]); best < 0 || dist < best {
					best = dist
				}
			}
			// The text may lead with the brand: compare without it too.
			rest := k
			if b := fold.Key(brandOf[q.Want[0]]); strings.HasPrefix(k, b) {
				rest = k[len(b):]
				for _, id := range q.Want {
					best = min(best, match.Distance(rest, keyOf[id]))
				}
			}
			// A model as near as a slip's target is within the matcher's
			// reach of it (merging confusables only shortens distances), so
			// the matcher over the distractors finds every one to weigh.
			nearer := false
			seen := map[string]bool{}
			for _, text := range []string{k, rest} {
				res, err := dix.Find(match.Query{Text: text})
				if err != nil {
					continue
				}
				for _, cand := range res.Candidates {
					if seen[cand.ID] {
						continue
					}
					seen[cand.ID] = true
					dist := min(match.Distance(k, cand.ModelKey), match.Distance(rest, cand.ModelKey))
					switch {
					case dist < best:
						nearer = true
					case dist == best:
						q.Want = append(q.Want, cand.ID)
					}
				}
			}
			if nearer {
				continue
			}
		case q.Kind == "model_partial":
			for i, dk := range dkeys {
				if strings.Contains(dk, k) {
					q.Want = append(q.Want, d.Models[i].ID)
				}
			}
		case q.Kind == "model_spaced_prefix":
			for i, dk := range dkeys {
				if strings.HasPrefix(dk, k) {
					q.Want = append(q.Want, d.Models[i].ID)
				}
			}
		case q.Kind == "brand_typo":
			words := strings.Fields(q.Q)
			piece := fold.Key(words[len(words)-1])
			for i, m := range d.Models {
				if m.Brand == brandOf[q.Want[0]] && strings.Contains(dkeys[i], piece) {
					q.Want = append(q.Want, m.ID)
				}
			}
		case q.Kind == "shop_name":
			for _, o := range d.Organizations {
				if foldText(o.Name) == foldText(q.Q) || nameInProvince(q, o) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case q.Kind == "shop_name_typo":
			for _, o := range d.Organizations {
				if ShopTypoOf(q.Q, foldText(o.Name)) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case q.Kind == "address":
			for _, o := range d.Organizations {
				if strings.ReplaceAll(foldText(o.Address), ",", "") == q.Q {
					q.Want = append(q.Want, o.ID)
				}
			}
		case q.Kind == "shop_name_written" || q.Kind == "shop_name_core" || q.Kind == "shop_name_cty" ||
			q.Kind == "tax_code_written" || q.Kind == "address_written":
			for _, o := range d.Organizations {
				if Answers(q.Kind, q.Q, o) || nameInProvince(q, o) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case q.Same == "key" || q.Same == "key_contains":
			for i, dk := range dkeys {
				if heldoutModelAnswers(q, dk, keyOf[q.Want[0]]) {
					q.Want = append(q.Want, d.Models[i].ID)
				}
			}
		case q.Same != "":
			src := orgOf[q.Want[0]]
			for _, o := range d.Organizations {
				if HeldoutAnswers(q, src, o) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case slices.Contains(FieldModelKinds, q.Kind):
			for i, dk := range dkeys {
				if dk == keyOf[q.Want[0]] {
					q.Want = append(q.Want, d.Models[i].ID)
				}
			}
		case slices.Contains(RedModelKinds, q.Kind):
			for i, dk := range dkeys {
				if dk == keyOf[q.Want[0]] {
					q.Want = append(q.Want, d.Models[i].ID)
				}
			}
		case IsRedOrgKind(q.Kind):
			for _, o := range d.Organizations {
				if RedAnswers(q.Kind, q.Q, o) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case IsFieldOrgKind(q.Kind):
			for _, o := range d.Organizations {
				if FieldAnswers(q.Kind, q.Q, o) {
					q.Want = append(q.Want, o.ID)
				}
			}
		case q.Kind == "shop_name_province":
			words := strings.Fields(q.Q)
			for _, o := range d.Organizations {
				name := foldText(o.Name)
				if len(words) >= 2 && strings.Contains(" "+name+" ", " "+words[0]+" "+words[1]+" ") && strings.HasSuffix(q.Q, foldText(o.ProvinceName)) {
					q.Want = append(q.Want, o.ID)
				}
			}
		}
		out = append(out, q)
	}
	return out
}

// nameInProvince says whether o answers q, a shop's name that ends with a
// province's name ("cua hang dien tu toan cau ho chi minh"), read as a
// name and its province: o is of that province, and its name is the rest
// (for shop_name_core, holds it as words). A national registry holds
// such shops ("Cửa hàng Điện tử Toàn Cầu" of Hồ Chí Minh), and the query
// cannot tell them from the shop whose whole name it is.
func nameInProvince(q RelevanceQuery, o CorpusOrganization) bool {
	if q.Kind != "shop_name" && q.Kind != "shop_name_written" && q.Kind != "shop_name_core" {
		return false
	}
	ws := strings.Fields(foldText(q.Q))
	code, from, to, ok := search.ProvinceWords(ws)
	if !ok || to != len(ws) || from == 0 || o.ProvinceCode != code {
		return false
	}
	name := strings.Join(ws[:from], " ")
	if q.Kind == "shop_name_core" {
		return strings.Contains(" "+foldText(o.Name)+" ", " "+name+" ")
	}
	return foldText(o.Name) == name
}
