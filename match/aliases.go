package match

import (
	"slices"
	"strings"

	"camreg/fold"
)

// BrandAliases are the names people use for one brand, each list headed by
// the brand's fold.Key (or the start of it: "vnpt" for "VNPT Technology").
// The matcher reads a text that leads with one as led by the brand; search
// gives them to Meilisearch as synonyms and to bleve in a model's text.
var BrandAliases = [][]string{
	{"hikvision", "hik", "hik vision"},
	{"tplink", "tp-link", "tp link", "tapo", "vigi"},
	{"hanwha", "wisenet", "hanwha vision", "samsung wisenet"},
	{"kbvision", "kb vision", "kbvison"},
	{"ezviz", "ez viz"},
	{"imou", "i mou"},
	{"dahua", "dahua technology"},
	{"xiaomi", "mijia"},
	{"viettel", "viettel home camera"},
	{"vnpt", "vnpt technology"},
	{"fpt", "fpt camera"},
	{"bkav", "ai view", "bkav ai view"},
}

// leadAliases are the short names of brands that the matcher reads only
// ahead of a model number ("DH IPC-HFW1230S", "UNV IPC2322LB", "Mi
// MJSXJ06CM"): in a document's text, or as a search engine's synonym,
// words of two or three letters would match much else.
var leadAliases = [][]string{{"dahua", "dh"}, {"xiaomi", "mi"}, {"uniview", "unv"}}

// aliasHeads maps every alias's key (and every head's) to its list's head.
var aliasHeads = func() map[string]string {
	m := map[string]string{}
	for _, group := range append(slices.Clone(BrandAliases), leadAliases...) {
		for _, a := range group {
			m[fold.Key(a)] = group[0]
		}
	}
	return m
}()

// brandWords are the words brands and their aliases are written with: a
// text that starts with several of them ("Imou Dahua", "TP-Link Tapo")
// leads with a brand.
var brandWords = func() map[string]bool {
	m := map[string]bool{}
	for _, group := range append(slices.Clone(BrandAliases), leadAliases...) {
		for _, a := range group {
			for _, w := range strings.Fields(fold.Text(strings.ReplaceAll(a, "-", " "))) {
				m[w] = true
			}
		}
	}
	return m
}()

// brandOf is the registry's brand key that key names, itself or through
// an alias, or "".
func (ix *Index) brandOf(key string) string {
	if ix.brands[key] {
		return key
	}
	head, ok := aliasHeads[key]
	if !ok {
		return ""
	}
	if ix.brands[head] {
		return head
	}
	for b := range ix.brands {
		if strings.HasPrefix(b, head) {
			return b
		}
	}
	return ""
}
