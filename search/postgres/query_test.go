package postgres

import (
	"fmt"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"camreg/fold"
	"camreg/search"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		want string
	}{
		{3, 2, "[[0 1] [0 2] [1 2]]"},
		{3, 3, "[[0 1 2]]"},
		{4, 1, "[[0] [1] [2] [3]]"},
	} {
		got := choose(tc.n, tc.k)
		if fmt.Sprint(got) != tc.want {
			t.Errorf("choose(%d, %d) = %v, want %s", tc.n, tc.k, got, tc.want)
		}
		if len(got) != combinations(tc.n, tc.k) {
			t.Errorf("combinations(%d, %d) = %d, choose made %d", tc.n, tc.k, combinations(tc.n, tc.k), len(got))
		}
	}
	if c := combinations(8, 6); c != 28 {
		t.Errorf("8 choose 6 = %d, want 28", c)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"hikvison", "hikvision", 1},
		{"hanwa", "hanwha", 1},
		{"dahuaa", "dahua", 1},
		{"kbvison", "kbvision", 1},
		{"hikvision", "hikvision", 0},
		{"questeck", "questek", 1},
		{"camera", "kamera", 1},
		{"tapo", "tplink", 5},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSpacedAndLongest(t *testing.T) {
	if got := spaced("QCVN 135:2024/BTTTT · Đà Nẵng, Wi-Fi"); got != "QCVN 135 2024 BTTTT   Đà Nẵng  Wi Fi" {
		t.Errorf("spaced: %q", got)
	}
	got := longest([]string{"ds2cd1023g0ei", "s2cd1023g0ei", "ei", "ds2cd1023g0e1", "g0e1"})
	if !slices.Equal(got, []string{"ds2cd1023g0ei", "ds2cd1023g0e1"}) {
		t.Errorf("longest: %v", got)
	}
}

func TestChoices(t *testing.T) {
	if got := choices([]string{"('a')", "('b' | 'c')", "('d')"}, 2); got != "(('a') & ('b' | 'c')) | (('a') & ('d')) | (('b' | 'c') & ('d'))" {
		t.Errorf("choices: %s", got)
	}
}

// TestArms checks that atLeast's arms find exactly the records that hold
// k of n groups, for every set of groups a record may hold, whatever
// order the shares put the groups in.
func TestArms(t *testing.T) {
	for n := 1; n <= 7; n++ {
		for k := 1; k <= n; k++ {
			shares := make([]float64, n)
			for i := range shares {
				shares[i] = float64((i*5 + n + k) % 7)
			}
			as := arms(shares, k)
			for held := 0; held < 1<<n; held++ {
				found := false
				for _, a := range as {
					others := 0
					for _, i := range a.others {
						if held&(1<<i) != 0 {
							others++
						}
					}
					found = found || held&(1<<a.group) != 0 && others >= k-1
				}
				if want := bits.OnesCount(uint(held)) >= k; found != want {
					t.Fatalf("n=%d k=%d held=%b: found %v, want %v", n, k, held, found, want)
				}
			}
		}
	}
}

// TestPlanMostCandidates checks the shapes of planMost's condition: a
// query with one model number piece spelt out as choices, the piece also
// found in model_keys with one word fewer; a long query without a type
// fetching the records that hold two of its rarest words, as with a type
// that has a GIN index of its own words; with another type, those that
// hold one.
func TestPlanMostCandidates(t *testing.T) {
	ws := words("275 quang trung phuong ben thanh")
	st := newStatement(search.Query{Text: "275 quang trung phuong ben thanh"}, ws, nil, map[string]float64{}, planMost)
	if !strings.Contains(st.where, "OR (model_keys LIKE $") || strings.Contains(st.where, ">= 4") {
		t.Errorf("one piece: %s", st.where)
	}
	if !strings.Contains(fmt.Sprint(st.args), "('275') & ((('quang') & ('trung') & ('phuong')) | ") {
		t.Errorf("one piece: args %v", st.args)
	}
	long := "cong ty tnhh thiet bi an ninh sao mai quang ninh"
	share := map[string]float64{"cong": 0.5, "ty": 0.5, "tnhh": 0.3, "thiet": 0.1, "bi": 0.1, "an": 0.2, "ninh": 0.2, "quang": 0.1}
	st = newStatement(search.Query{Text: long}, words(long), nil, share, planMost)
	pairs := "('sao') & ((('mai')) | (('thiet')) | (('bi')) | (('quang'))) ('mai') & ((('thiet')) | (('bi')) | (('quang')))"
	if !strings.Contains(fmt.Sprint(st.args), pairs) || !strings.Contains(st.where, ">= 8") {
		t.Errorf("untyped: %s %v", st.where, st.args)
	}
	// Models and organizations have a GIN index of their own words, which
	// answers the pairs; another type's B-tree bounds the records read.
	for _, typ := range []search.Type{search.TypeModel, search.TypeOrganization} {
		st = newStatement(search.Query{Text: long, Type: typ}, words(long), nil, share, planMost)
		if !strings.Contains(fmt.Sprint(st.args), pairs) || !strings.Contains(st.where, ">= 8") {
			t.Errorf("typed %s: %s %v", typ, st.where, st.args)
		}
	}
	st = newStatement(search.Query{Text: long, Type: search.TypeCertificate}, words(long), nil, share, planMost)
	if strings.Contains(fmt.Sprint(st.args), pairs) || !strings.Contains(st.where, ">= 8") {
		t.Errorf("typed certificate: %s %v", st.where, st.args)
	}
}

// TestTwoPieces checks that a query with two pieces of a model number is
// spelt out as choices too, each piece found in model_keys alone and both
// together, rather than counted in the records of its rarest words.
func TestTwoPieces(t *testing.T) {
	text := "CVE-2022-29192"
	st := newStatement(search.Query{Text: text}, words(fold.Text(text)), nil, map[string]float64{}, planMost)
	if strings.Contains(st.where, ">= 2") {
		t.Errorf("counted: %s", st.where)
	}
	for _, re := range []string{
		`OR \(model_keys LIKE \$\d+::text AND \(words @@ \$\d+::tsquery OR words @@ \$\d+::tsquery\)\) OR \(model_keys LIKE \$\d+::text AND \(words @@`,
		`OR \(model_keys LIKE \$\d+::text AND model_keys LIKE \$\d+::text\)`,
	} {
		if !regexp.MustCompile(re).MatchString(st.where) {
			t.Errorf("want %s in %s", re, st.where)
		}
	}
	if !strings.Contains(fmt.Sprint(st.args), "('cve') & ((('2022')) | (('29192'))) ('2022') & ((('29192')))") {
		t.Errorf("choices: %v", st.args)
	}
}

// TestOnePiece checks that a query of words and one piece of a model
// number is found as the words and the piece from the GIN index, or the
// piece from the trigram index with the words checked in its records.
func TestOnePiece(t *testing.T) {
	text := "kb vision KX-Y1526WN"
	for _, p := range []plan{planExact, planTypos} {
		st := newStatement(search.Query{Text: text}, words(fold.Text(text)), nil, nil, p)
		re := regexp.MustCompile(`\(words @@ (\$\d+)::tsquery OR \(model_keys LIKE (\$\d+)::text AND ts_match_vq\(words, (\$\d+)::tsquery\)\)\)`)
		m := re.FindStringSubmatch(st.where)
		if m == nil {
			t.Fatalf("plan %d: %s", p, st.where)
		}
		arg := func(ph string) any { n, _ := strconv.Atoi(ph[1:]); return st.args[n-1] }
		if got := arg(m[1]); got != "('kb') & ('vision') & ('kx') & ('y1526wn')" {
			t.Errorf("plan %d: words and piece %v", p, got)
		}
		if got := arg(m[2]); got != "%y1526wn%" {
			t.Errorf("plan %d: piece %v", p, got)
		}
		if got := arg(m[3]); got != "('kb') & ('vision') & ('kx')" {
			t.Errorf("plan %d: words %v", p, got)
		}
	}
}

// TestProvinceArms checks that a query naming a province is found as two
// arms the indexes answer: the other words with the province's words, or
// the other words in a record of the province (the province's B-tree),
// rather than the other words' records filtered for either.
func TestProvinceArms(t *testing.T) {
	text := "tan phu gia lai"
	for _, p := range []plan{planExact, planTypos} {
		st := newStatement(search.Query{Text: text}, words(text), nil, nil, p)
		re := regexp.MustCompile(`\(\(words @@ (\$\d+)::tsquery AND words @@ (\$\d+)::tsquery\) OR \(words @@ (\$\d+)::tsquery AND province = (\$\d+)::text\)\)`)
		m := re.FindStringSubmatch(st.where)
		if m == nil {
			t.Fatalf("plan %d: %s", p, st.where)
		}
		arg := func(ph string) any { n, _ := strconv.Atoi(ph[1:]); return st.args[n-1] }
		for i, want := range []any{"('tan') & ('phu')", "('gia') & ('lai')", "('tan') & ('phu')", "52"} {
			if got := arg(m[i+1]); got != want {
				t.Errorf("plan %d: argument %d %v, want %v", p, i+1, got, want)
			}
		}
	}
}
