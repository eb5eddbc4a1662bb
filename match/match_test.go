package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"camreg/fold"
)

func entry(id, brand, number string, listings int) Entry {
	return Entry{ID: id, BrandKey: fold.Key(brand), ModelKey: fold.Key(number), LooseKey: fold.LooseKey(number), Listings: listings}
}

// family of near-identical Hikvision numbers, plus a few other brands.
func siblings() []Entry {
	return []Entry{
		entry("iu", "Hikvision", "DS-2CD2143G2-IU", 3),
		entry("i", "Hikvision", "DS-2CD2143G2-I", 9),
		entry("is", "Hikvision", "DS-2CD2143G2-IS", 1),
		entry("2123iu", "Hikvision", "DS-2CD2123G2-IU", 4),
		entry("2343iu", "Hikvision", "DS-2CD2343G2-IU", 0),
		entry("g0i", "Hikvision", "DS-2CD2143G0-I", 2),
		entry("2183", "Hikvision", "DS-2CD2183G2-IU", 0),
		entry("2147", "Hikvision", "DS-2CD2147G2-L", 0),
		entry("2146", "Hikvision", "DS-2CD2146G2-ISU", 0),
		entry("1043", "Hikvision", "DS-2CD1043G2-IU", 0),
		entry("hfw", "Dahua", "IPC-HFW1230S-S5", 5),
		entry("hfw4", "Dahua", "IPC-HFW1230S-S4", 5),
		entry("c6n", "EZVIZ", "C6N", 0),
		entry("c6n-x", "Clone", "C6N", 0),
		entry("c200", "TP-Link", "Tapo C200", 7),
	}
}

func mustIndex(t testing.TB, es []Entry) *Index {
	t.Helper()
	ix, err := New(es)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestFindEditKinds(t *testing.T) {
	ix := mustIndex(t, siblings())
	for _, tc := range []struct {
		name, text, brand string
		kind              Kind
		want              string // the first candidate, and the match for exact and possible
		dist              float64
	}{
		{"exact", "DS-2CD2143G2-IU", "", Exact, "iu", 0},
		{"exact lower compact", "ds2cd2143g2iu", "", Exact, "iu", 0},
		{"exact spaced", "DS 2CD2143G2 IU", "", Exact, "iu", 0},
		{"substitution", "DS-2CD2143G2-JU", "", Possible, "iu", 1},
		{"substitution first char", "XS-2CD2143G2-IU", "", Possible, "iu", 1},
		{"substitution digit", "DS-2CD2143G2-IU", "", Exact, "iu", 0},
		{"insertion", "DS-2CD21443G2-IU", "", Possible, "iu", 1},
		{"insertion at end", "DS-2CD2143G2-IUU", "", Possible, "iu", 1},
		{"deletion", "DS-2CD2143G-IU", "", Possible, "iu", 1},
		{"deletion first char", "S-2CD2143G2-IU", "", Possible, "iu", 1},
		{"transposition", "DS-2CD2413G2-IU", "", Possible, "iu", 1},
		{"transposition at end", "DS-2CD2146G2-IUS", "", Possible, "2146", 1},
		{"confusable l for i", "DS-2CD2143G2-LU", "", Possible, "iu", 0.5},
		{"confusable I for 1", "DS-2CD2I43G2-IU", "", Possible, "iu", 0.5},
		{"confusable O for 0", "DS-2CD2143GO-I", "", Possible, "g0i", 0.5},
		{"confusable S for 5", "IPC-HFW1230S-SS", "", Possible, "hfw", 0.5},
		{"two edits on a long key", "DS-2CD2I43G2-JU", "", Possible, "iu", 1.5},
		{"two full edits on a long key", "DS-2CD2134G2-JU", "", Possible, "iu", 2},
		{"tie between siblings", "DS-2CD2143G2-IX", "", Ambiguous, "i", 1},
		{"brand led", "Hikvision DS-2CD2143G2-IU", "", Exact, "iu", 0},
		{"brand led compact", "hikvisionds2cd2143g2iu", "", Exact, "iu", 0},
		{"brand led with a slip", "Hikvison DS-2CD2143G2-LU", "", Possible, "iu", 0.5},
		{"brand given", "DS-2CD2143G2-IU", "HIKVISION", Exact, "iu", 0},
		{"brand given and led", "Hikvision DS-2CD2143G2-IU", "Hikvision", Exact, "iu", 0},
		{"other brand's number", "DS-2CD2143G2-IU", "Dahua", Possible, "iu", 0},
		{"same number two brands", "C6N", "", Ambiguous, "c6n-x", 0},
		{"same number brand given", "c6n", "Ezviz", Exact, "c6n", 0},
		{"brand decides a tie", "EZVIZ C6N", "", Exact, "c6n", 0},
		{"model number holding a series", "tapo c2OO", "", Possible, "c200", 1},
		{"alias led", "HIK DS-2CD2143G2-IU", "", Exact, "iu", 0},
		{"short alias led", "DH IPC-HFW1230S-S5", "", Exact, "hfw", 0},
		{"two brand words led", "Imou Dahua IPC-HFW1230S-S4", "", Exact, "hfw4", 0},
		{"brand and series led", "TP Link Tapo C2OO", "", Possible, "c200", 1},
		{"suffix left off", "DS-2CD2143G2", "", Possible, "i", 1},
		{"OCR: W read as VV", "IPC-HFVV1230S-S5", "", Possible, "hfw", 0.5},
		{"OCR: D read as CL", "CLS-2CD2143G2-IU", "", Possible, "iu", 0.5},
		{"OCR: D read as CL, brand led", "Hikvision CLS-2CD2143G2-IU", "", Possible, "iu", 0.5},
		{"nothing near", "XYZ-9999", "", None, "", 0},
		{"too far", "DS-2CD9999G2-IU", "", None, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Find(Query{Text: tc.text, Brand: tc.brand})
			if err != nil {
				t.Fatal(err)
			}
			kind, cs := res.Decide()
			if kind != tc.kind {
				t.Fatalf("kind %s, want %s (candidates %v)", kind, tc.kind, ids(res.Candidates))
			}
			if tc.want == "" {
				return
			}
			if cs[0].ID != tc.want || cs[0].Distance != tc.dist {
				t.Fatalf("first %s at %v, want %s at %v (candidates %v)", cs[0].ID, cs[0].Distance, tc.want, tc.dist, ids(res.Candidates))
			}
		})
	}
}

func TestTiesBreakByBrandFamilyPrefixListings(t *testing.T) {
	ix := mustIndex(t, []Entry{
		entry("far-family", "Hikvision", "DS-2CD2143G3-IW", 50), // one edit, other family
		entry("popular", "Hikvision", "DS-2CD2143G2-IX", 40),    // one edit, same family
		entry("rare", "Hikvision", "DS-2CD2143G2-IY", 1),        // one edit, same family
		entry("other", "Dahua", "DS-2CD2143G2-IZ", 99),          // one edit, other brand
	})
	res, err := ix.Find(Query{Text: "Hikvision DS-2CD2143G2-IW"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(res.Candidates), []string{"popular", "rare", "far-family", "other"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if kind, cs := res.Decide(); kind != Ambiguous || len(cs) != 3 {
		t.Fatalf("decide %s %v, want ambiguous among the three of the brand", kind, ids(cs))
	}
}

func TestWithPatchesWithoutRebuilding(t *testing.T) {
	ix := mustIndex(t, siblings())
	patched := ix.With([]Entry{entry("new", "Hikvision", "DS-2CD2143G2-IUX", 0), entry("i", "Hikvision", "XYZ-9143", 9)}, []string{"iu"})
	res, _ := patched.Find(Query{Text: "DS-2CD2143G2-IU"})
	got := ids(res.Candidates)
	if slices.Contains(got, "iu") || !slices.Contains(got, "new") || slices.Contains(got, "i") {
		t.Fatalf("patched candidates %v: want new, not the removed iu nor the renumbered i", got)
	}
	res, _ = patched.Find(Query{Text: "XYZ-9143"})
	if kind, cs := res.Decide(); kind != Exact || cs[0].ID != "i" {
		t.Fatalf("renumbered model: %s %v", kind, ids(res.Candidates))
	}
	res, _ = ix.Find(Query{Text: "DS-2CD2143G2-IU"})
	if kind, cs := res.Decide(); kind != Exact || cs[0].ID != "iu" {
		t.Fatalf("the original index changed: %s %v", kind, ids(res.Candidates))
	}
	again := patched.With(nil, []string{"new"})
	if again.Len() != ix.Len()-1 {
		t.Fatalf("len %d, want %d", again.Len(), ix.Len()-1)
	}
}

func TestLimitAndBounds(t *testing.T) {
	ix := mustIndex(t, siblings())
	res, _ := ix.Find(Query{Text: "DS-2CD2143G2-I", Limit: 2})
	if len(res.Candidates) != 2 || !res.Truncated {
		t.Fatalf("limit: %v truncated=%v", ids(res.Candidates), res.Truncated)
	}
	if _, err := ix.Find(Query{Text: strings.Repeat("a1", 40)}); err == nil {
		t.Fatal("an over-long text was accepted")
	}
	if res, err := ix.Find(Query{Text: "--- "}); err != nil || len(res.Candidates) != 0 {
		t.Fatalf("punctuation only: %v %v", res.Candidates, err)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    float64
	}{
		{"abc", "abc", 0}, {"abc", "abd", 1}, {"abc", "acb", 1}, {"abc", "ab", 1}, {"abc", "abcd", 1},
		{"o0", "00", 0.5}, {"il1", "111", 1}, {"s5", "55", 0.5}, {"b8", "88", 0.5}, {"z2", "22", 0.5},
		{"ca", "abc", 3}, // OSA: no edit of a transposed pair
		{"", "abc", 3},
	} {
		if got := Distance(tc.a, tc.b); got != tc.d {
			t.Errorf("Distance(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.d)
		}
	}
}

func ids(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// randomEntries draws keys from a small alphabet rich in confusables, so
// random queries land near many of them.
func randomEntries(r *rand.Rand, n int) []Entry {
	const alphabet = "ab8o0il1s5z2c"
	out := make([]Entry, n)
	for i := range out {
		k := make([]byte, 2+r.IntN(11))
		for j := range k {
			k[j] = alphabet[r.IntN(len(alphabet))]
		}
		out[i] = Entry{ID: fmt.Sprintf("e%05d", i), BrandKey: []string{"acme", "brandx", "zeta"}[r.IntN(3)], ModelKey: string(k),
			LooseKey: fold.LooseKey(string(k)), Listings: r.IntN(4)}
	}
	return out
}

// bruteForce is every entry within reach of the typed key, by definition.
func bruteForce(es []Entry, key string) map[string]bool {
	out := map[string]bool{}
	if key == "" {
		return out
	}
	m, d := Merge(key), Allowed(len(key))
	for _, e := range es {
		if osa(m, Merge(e.ModelKey)) <= d || osa(m, Merge(e.LooseKey)) <= d {
			out[e.ID] = true
		}
	}
	return out
}

func checkComplete(t *testing.T, ix *Index, live []Entry, text string) {
	t.Helper()
	res, err := ix.Find(Query{Text: text})
	if err != nil {
		if len(fold.Key(text)) > MaxKey {
			return
		}
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range res.Candidates {
		got[c.ID] = true
	}
	for id := range bruteForce(live, fold.Key(text)) {
		if !got[id] {
			t.Fatalf("%q: missed %s (key %q)", text, id, fold.Key(text))
		}
	}
	// Nothing out of reach of every reading, and the ranking is a total order.
	for i, c := range res.Candidates {
		if i > 0 && rank(res.Candidates[i-1], c) >= 0 {
			t.Fatalf("%q: candidates %d and %d out of order", text, i-1, i)
		}
	}
}

// FuzzFindComplete checks the automaton against brute force: every entry
// within the allowed distance of the typed key is a candidate, on a freshly
// built index and on one patched with With.
func FuzzFindComplete(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	es := randomEntries(r, 3000)
	built := mustIndex(f, es)
	half := mustIndex(f, es[:1500])
	var removed []string
	live := slices.Clone(es[:1500])
	for i := 0; i < 1500; i += 7 {
		removed = append(removed, es[i].ID)
	}
	live = slices.DeleteFunc(live, func(e Entry) bool { return slices.Contains(removed, e.ID) })
	live = append(live, es[1500:]...)
	patched := half.With(es[1500:], removed)
	for _, e := range es[:20] {
		f.Add(e.ModelKey)
	}
	f.Add("ab8o-0il1")
	f.Add("S5 ZZ 2c")
	f.Fuzz(func(t *testing.T, text string) {
		checkComplete(t, built, es, text)
		checkComplete(t, patched, live, text)
	})
}

// TestDenseFamilyAtScale: 100,000 models, 10,000 of them siblings sharing a
// prefix; every edit kind on sampled siblings finds the model, and the
// candidates equal brute force.
func TestDenseFamilyAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 entries")
	}
	r := rand.New(rand.NewPCG(3, 4))
	var es []Entry
	for i := range 10000 {
		es = append(es, Entry{ID: fmt.Sprintf("s%05d", i), BrandKey: "hikvision",
			ModelKey: fmt.Sprintf("ds2cd2%04dg2%s", i, []string{"iu", "i", "is", "isu", "l"}[i%5])})
	}
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	for i := range 90000 {
		k := make([]byte, 6+r.IntN(9))
		for j := range k {
			k[j] = chars[r.IntN(len(chars))]
		}
		es = append(es, Entry{ID: fmt.Sprintf("o%05d", i), BrandKey: "other", ModelKey: string(k)})
	}
	ix := mustIndex(t, es)
	edits := []func(string, int) string{
		func(k string, p int) string { return k[:p] + "x" + k[p+1:] },                   // substitution
		func(k string, p int) string { return k[:p] + "x" + k[p:] },                     // insertion
		func(k string, p int) string { return k[:p] + k[p+1:] },                         // deletion
		func(k string, p int) string { return k[:p] + k[p+1:p+2] + k[p:p+1] + k[p+2:] }, // transposition
	}
	for n := range 60 {
		target := es[r.IntN(10000)]
		k := target.ModelKey
		p := r.IntN(len(k) - 1)
		typed := edits[n%len(edits)](k, p)
		res, err := ix.Find(Query{Text: typed})
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForce(es, typed)
		if !want[target.ID] {
			t.Fatalf("%q is not within reach of %q", typed, k)
		}
		if len(res.Candidates) != len(want) {
			t.Fatalf("%q: %d candidates, brute force %d", typed, len(res.Candidates), len(want))
		}
		for _, c := range res.Candidates {
			if !want[c.ID] {
				t.Fatalf("%q: candidate %s out of reach", typed, c.ID)
			}
		}
	}
}

// TestRankingIsStable: the order does not depend on the order entries were
// given in, nor on the run.
func TestRankingIsStable(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	es := randomEntries(r, 2000)
	a := mustIndex(t, es)
	shuffled := slices.Clone(es)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := mustIndex(t, shuffled)
	for _, e := range es[:200] {
		ra, _ := a.Find(Query{Text: e.ModelKey + "o"})
		rb, _ := b.Find(Query{Text: e.ModelKey + "o"})
		if !slices.Equal(ids(ra.Candidates), ids(rb.Candidates)) {
			t.Fatalf("%q: %v vs %v", e.ModelKey, ids(ra.Candidates), ids(rb.Candidates))
		}
	}
}
