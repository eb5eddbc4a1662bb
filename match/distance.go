package match

// Visual confusables in model numbers: characters people misread on a label
// or type for one another. Merge maps each group to one representative, so
// candidate generation treats them as equal; Distance charges half an edit
// for swapping them, so an exact spelling still ranks above a confusable one.
var mergeTable = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = byte(i)
	}
	for from, to := range map[byte]byte{'o': '0', 'i': '1', 'l': '1', 's': '5', 'b': '8', 'z': '2'} {
		t[from] = to
	}
	return t
}()

// Merge maps every confusable character of a key (lower-case letters and
// digits, as fold.Key makes) to its group's representative: o→0, i and l→1,
// s→5, b→8, z→2.
func Merge(key string) string {
	b := []byte(key)
	for i, c := range b {
		b[i] = mergeTable[c]
	}
	return string(b)
}

// MaxAllowed is the most edits Allowed gives.
const MaxAllowed = 2

// Allowed is the edit distance within which a typed key of n characters
// finds a model: none below 3 characters (too many keys lie one edit from
// "c6"), one up to 8 characters and two from 9, where a long Dahua or
// Hikvision number easily carries two slips.
func Allowed(n int) int {
	switch {
	case n < 3:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// substitution costs, in half edits.
const (
	costEdit       = 2
	costConfusable = 1
)

func subCost(a, b byte) int {
	switch {
	case a == b:
		return 0
	case mergeTable[a] == mergeTable[b]:
		return costConfusable
	}
	return costEdit
}

// halfDistance is the weighted optimal-string-alignment (restricted
// Damerau) distance between a and b, in half edits: an insertion, a
// deletion, a substitution and a swap of two adjacent characters cost 2, a
// substitution within a confusable group costs 1.
func halfDistance(a, b string) int {
	if a == b {
		return 0
	}
	// Rows on the stack for keys up to MaxKey (every typed key; model
	// keys are as short): the matcher measures each candidate, and three
	// slices a candidate were a good part of a typo's garbage.
	var rows [3][MaxKey + 1]int
	prev2, prev, cur := rows[0][:], rows[1][:], rows[2][:]
	if len(b) > MaxKey {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev2, prev, cur = prev2[:len(b)+1], prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j * costEdit
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * costEdit
		for j := 1; j <= len(b); j++ {
			cur[j] = min(prev[j]+costEdit, cur[j-1]+costEdit, prev[j-1]+subCost(a[i-1], b[j-1]))
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && a[i-1] != a[i-2] {
				cur[j] = min(cur[j], prev2[j-2]+costEdit)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Distance is the weighted edit distance between two keys: insertions,
// deletions, substitutions and adjacent transpositions count 1, and a
// substitution between visual confusables (O/0, I/1/l, S/5, B/8, Z/2)
// counts 0.5.
func Distance(a, b string) float64 { return float64(halfDistance(a, b)) / 2 }

// osa is the unweighted optimal-string-alignment distance: the measure the
// candidate automaton uses, on merged keys.
func osa(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
