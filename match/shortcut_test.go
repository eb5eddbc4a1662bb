package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkDecideAgrees: Decide answers exactly as Find then Result.Decide.
func checkDecideAgrees(t *testing.T, ix *Index, q Query) {
	t.Helper()
	res, ferr := ix.Find(q)
	k, cs, err := ix.Decide(q)
	if (ferr != nil) != (err != nil) {
		t.Fatalf("%+v: Find error %v, Decide error %v", q, ferr, err)
	}
	if err != nil {
		return
	}
	wk, wcs := res.Decide()
	if k != wk || !slices.EqualFunc(cs, wcs, func(a, b Candidate) bool { return a.ID == b.ID && a.half == b.half && a.Distance == b.Distance }) {
		t.Fatalf("%+v: Decide %s %v, Find then Decide %s %v", q, k, ids(cs), wk, ids(wcs))
	}
}

// TestDecideShortcutAgrees: on a fresh and a patched index, for exact keys,
// keys with the brand in front, confusable and one-slip spellings, with and
// without a brand given, the shortcut decides as the full search does.
func TestDecideShortcutAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	es := randomEntries(r, 3000)
	// Siblings sharing one key across brands, and a key that is another's loose key.
	es = append(es, Entry{ID: "x1", BrandKey: "acme", ModelKey: "ab8c1"}, Entry{ID: "x2", BrandKey: "zeta", ModelKey: "ab8c1"},
		Entry{ID: "x3", BrandKey: "acme", ModelKey: "ab8cl"}, Entry{ID: "x4", BrandKey: "brandx", ModelKey: "acmeab8c1"})
	built := mustIndex(t, es)
	half := mustIndex(t, es[:1500])
	var removed []string
	for i := 0; i < 1500; i += 7 {
		removed = append(removed, es[i].ID)
	}
	patched := half.With(es[1500:], removed)
	brands := []string{"", "acme", "brandx", "zeta", "Acme", "other"}
	for i := range 1500 {
		e := es[r.IntN(len(es))]
		text := e.ModelKey
		switch i % 6 {
		case 1:
			text = e.BrandKey + text
		case 2:
			text = e.BrandKey + " " + text
		case 3:
			text = string(mergeTable[text[0]]) + text[1:]
		case 4:
			text = text[:len(text)/2] + "x" + text[len(text)/2:]
		case 5:
			text = "  " + text + "-"
		}
		q := Query{Text: text, Brand: brands[r.IntN(len(brands))]}
		checkDecideAgrees(t, built, q)
		checkDecideAgrees(t, patched, q)
	}
}

// FuzzDecideShortcut checks the shortcut against Find on any text.
func FuzzDecideShortcut(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	es := randomEntries(r, 3000)
	built := mustIndex(f, es)
	patched := mustIndex(f, es[:1500]).With(es[1500:], []string{es[0].ID, es[7].ID})
	for _, e := range es[:20] {
		f.Add(e.ModelKey, e.BrandKey)
	}
	f.Add("acme ab8o-0il1", "")
	f.Fuzz(func(t *testing.T, text, brand string) {
		checkDecideAgrees(t, built, Query{Text: text, Brand: brand})
		checkDecideAgrees(t, patched, Query{Text: text, Brand: brand})
	})
}

// TestDecideNearAgrees: over a dense family (keys one and two edits apart,
// confusables, one brand and others), for numbers typed with one or two
// slips or confusables, with and without a brand, deciding within one edit
// first decides as the search within two does.
func TestDecideNearAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var es []Entry
	for i := range 3000 {
		es = append(es, Entry{ID: fmt.Sprintf("s%05d", i), BrandKey: []string{"hikvision", "hilook"}[i%2],
			ModelKey: fmt.Sprintf("ds2cd%03dg%d%s", i%700, i%3, []string{"iu", "i", "is", "isu", "l", "lu"}[i%6])})
	}
	es = append(es, randomEntries(r, 2000)...)
	ix := mustIndex(t, es)
	patched := mustIndex(t, es[:4000]).With(es[4000:], []string{es[3].ID, es[11].ID})
	const chars = "xk0o1lsb8z2"
	edit := func(k string) string {
		p := r.IntN(len(k))
		c := string(chars[r.IntN(len(chars))])
		switch r.IntN(4) {
		case 0:
			return k[:p] + c + k[p+1:]
		case 1:
			return k[:p] + c + k[p:]
		case 2:
			return k[:p] + k[p+1:]
		}
		if p+1 < len(k) {
			return k[:p] + k[p+1:p+2] + k[p:p+1] + k[p+2:]
		}
		return k + c
	}
	brands := []string{"", "hikvision", "hilook", "acme", "other"}
	for i := range 3000 {
		text := es[r.IntN(len(es))].ModelKey
		for range 1 + i%3 {
			text = edit(text)
		}
		q := Query{Text: text, Brand: brands[r.IntN(len(brands))]}
		checkDecideAgrees(t, ix, q)
		checkDecideAgrees(t, patched, q)
	}
}
