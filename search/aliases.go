package search

import (
	"strings"

	"camreg/fold"
	"camreg/match"
)

// BrandAliases are the names people use for one brand, each list headed by
// the brand's fold.Key: the matcher's (match.BrandAliases). Meilisearch
// receives them as synonyms; for bleve, which has none, a model's document
// carries its brand's aliases in its text, so that "hik 2cd1023" or "tapo
// c200" finds the model either way.
var BrandAliases = match.BrandAliases

// aliasText is the aliases of the brand with key brandKey, as text.
func aliasText(brandKey string) string {
	for _, group := range BrandAliases {
		if fold.Key(group[0]) == brandKey {
			return strings.Join(group[1:], " ")
		}
	}
	return ""
}

// Synonyms is BrandAliases in Meilisearch's form: every name of a brand is
// a synonym of every other.
func Synonyms() map[string][]string {
	out := map[string][]string{}
	for _, group := range BrandAliases {
		for _, a := range group {
			for _, b := range group {
				if a != b {
					out[a] = append(out[a], b)
				}
			}
		}
	}
	return out
}
