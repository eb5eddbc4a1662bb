package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"camreg/fold"
	"camreg/match"
	"camreg/search/searchtest"
)

// family is a dense family of near-identical model numbers: a format and
// the values of its slots, whose product gives the siblings.
type family struct {
	brand  string
	format string
	slots  [][]string
}

// families are shaped on real series sold in Vietnam: each holds 10 or more
// siblings one or two characters apart, the field's hardest case.
var families = []family{
	{"Hikvision", "DS-2CD2%s%s3G2-%s", [][]string{{"1", "3", "5", "7"}, {"2", "4", "8"}, {"I", "IU", "IS", "LIU"}}},
	{"Hikvision", "DS-2CE1%sD0T-%s", [][]string{{"0", "6", "7"}, {"IT3F", "ITPF", "IRPF", "PIRL", "IT5F"}}},
	{"Dahua", "IPC-HFW%s2%sS-S%s", [][]string{{"1", "2", "3", "5"}, {"30", "39", "41"}, {"4", "5"}}},
	{"Dahua", "IPC-HDW%s%sT-%s", [][]string{{"1", "2", "3"}, {"230", "431", "541"}, {"AS", "ZS", "S"}}},
	{"KBVision", "KX-A%s%sN%s", [][]string{{"2", "3", "4", "8"}, {"111", "011", "112"}, {"2", "3"}}},
	{"Imou", "IPC-%s%s", [][]string{{"A22", "A42", "K22", "F22", "G22", "S22"}, {"EP", "E", "FP"}}},
	{"Uniview", "IPC%s%sLB-SF%s-A", [][]string{{"212", "232", "322"}, {"2", "4"}, {"28", "40"}}},
	{"EZVIZ", "CS-%s-A0-%s", [][]string{{"C6N", "C6CN", "C3TN", "C8C", "H6C"}, {"1C2WFR", "3A2WFR", "1C4WPB"}}},
	{"TP-Link", "Tapo C%s%s", [][]string{{"1", "2", "3", "5"}, {"00", "10", "20"}}},
	{"Vantech", "VP-%s%sDT%s", [][]string{{"60", "61", "62"}, {"24", "26", "53"}, {"V", "P"}}},
	{"Hanwha", "XNV-%s%s8%sR", [][]string{{"6", "8"}, {"0", "1"}, {"0", "2", "3"}}},
	{"Xiaomi", "MJSXJ%s%s%s", [][]string{{"0", "1", "2"}, {"2", "5", "7", "9"}, {"CM", "HL", "BY"}}},
}

// siblings expands a family's slots into model numbers.
func (f family) siblings() []string {
	out := []string{""}
	parts := strings.Split(f.format, "%s")
	out = []string{parts[0]}
	for i, vals := range f.slots {
		var next []string
		for _, o := range out {
			for _, v := range vals {
				next = append(next, o+v+parts[i+1])
			}
		}
		out = next
	}
	return out
}

// addFamilies appends up to 14 siblings of each family to the corpus, from
// a random source of their own so the rest of the corpus stays as it was.
func addFamilies(c *searchtest.Corpus, keys map[string]bool) [][]searchtest.CorpusModel {
	r := rand.New(rand.NewPCG(13, 13))
	var out [][]searchtest.CorpusModel
	for fi, f := range families {
		all := f.siblings()
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		var fam []searchtest.CorpusModel
		for _, number := range all {
			if len(fam) == 14 {
				break
			}
			k := fold.Key(number)
			if keys[k] {
				continue
			}
			keys[k] = true
			m := searchtest.CorpusModel{ID: fmt.Sprintf("mf%02d%02d", fi, len(fam)), Brand: f.brand, ModelNumber: number,
				Name: "Camera " + f.brand + " " + number, Kind: "ip"}
			fam = append(fam, m)
			c.Models = append(c.Models, m)
		}
		out = append(out, fam)
	}
	return out
}

// confusables are the characters people misread for one another.
var confusables = map[rune][]rune{'0': {'O'}, 'O': {'0'}, '1': {'I', 'l'}, 'I': {'1', 'l'}, 'L': {'1'}, 'S': {'5'}, '5': {'S'},
	'B': {'8'}, '8': {'B'}, 'Z': {'2'}, '2': {'Z'}}

// typoQueries makes every edit kind at every position of one sibling of
// each family (two for the larger ones), in turn printed, compact, spaced,
// and led by the brand. The wanted models are the target and any sibling
// exactly as near; a slip that lands nearer another sibling is no longer a
// slip of the target and is left out.
func typoQueries(c *searchtest.Corpus, fams [][]searchtest.CorpusModel) []searchtest.RelevanceQuery {
	r := rand.New(rand.NewPCG(14, 14))
	var out []searchtest.RelevanceQuery
	seen := map[string]bool{}
	form := 0
	for _, fam := range fams {
		for _, target := range fam[:2] {
			s := []rune(target.ModelNumber)
			var pos []int
			for i, ch := range s {
				if unicode.IsLetter(ch) || unicode.IsDigit(ch) {
					pos = append(pos, i)
				}
			}
			for pi, p := range pos {
				edits := map[string]string{}
				// substitution: another character of the same class, not a confusable.
				for range 10 {
					var ch rune
					if unicode.IsDigit(s[p]) {
						ch = rune('0' + r.IntN(10))
					} else {
						ch = rune('A' + r.IntN(26))
					}
					if ch != s[p] && !slices.Contains(confusables[unicode.ToUpper(s[p])], ch) && match.Merge(fold.Key(string(ch))) != match.Merge(fold.Key(string(s[p]))) {
						edits["substitution"] = string(s[:p]) + string(ch) + string(s[p+1:])
						break
					}
				}
				ins := rune("ABCDEFGHKMNPRTUVWXY345679"[r.IntN(25)])
				edits["insertion"] = string(s[:p]) + string(ins) + string(s[p:])
				edits["deletion"] = string(s[:p]) + string(s[p+1:])
				if pi+1 < len(pos) && pos[pi+1] == p+1 && s[p] != s[p+1] {
					t := slices.Clone(s)
					t[p], t[p+1] = t[p+1], t[p]
					edits["transposition"] = string(t)
				}
				if cs := confusables[unicode.ToUpper(s[p])]; len(cs) > 0 {
					edits["confusable"] = string(s[:p]) + string(cs[r.IntN(len(cs))]) + string(s[p+1:])
				}
				for _, kind := range []string{"substitution", "insertion", "deletion", "transposition", "confusable"} {
					typed, ok := edits[kind]
					if !ok {
						continue
					}
					want := nearest(c, target, typed)
					if want == nil {
						continue
					}
					var q string
					switch form % 5 {
					case 0:
						q = typed
					case 1:
						q = strings.ToLower(fold.Key(typed))
					case 2:
						q = strings.NewReplacer("-", " ", "/", " ").Replace(typed)
					case 3:
						q = target.Brand + " " + typed
					case 4:
						q = strings.ToLower(fold.Key(target.Brand + typed))
					}
					form++
					if seen[q] || fold.Key(q) == "" {
						continue
					}
					seen[q] = true
					out = append(out, searchtest.RelevanceQuery{Q: q, Kind: "typo_" + kind, Want: want})
				}
			}
		}
	}
	return out
}

// nearest is the target and the models as near to typed as it is, or nil
// when another model is nearer or more than two are as near.
func nearest(c *searchtest.Corpus, target searchtest.CorpusModel, typed string) []string {
	k := fold.Key(typed)
	d := match.Distance(k, fold.Key(target.ModelNumber))
	if d == 0 {
		return nil
	}
	want := []string{target.ID}
	for _, m := range c.Models {
		if m.ID == target.ID {
			continue
		}
		switch dm := match.Distance(k, fold.Key(m.ModelNumber)); {
		case dm < d:
			return nil
		case dm == d:
			want = append(want, m.ID)
		}
	}
	if len(want) > 3 {
		return nil
	}
	return want
}
