package search

// OneEdit says whether a and b are one insertion, deletion, substitution
// or transposition of adjacent letters apart (bytes: the callers compare
// folded ASCII words). Meilisearch's tie-break and the relevance set's
// generator share it.
func OneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		var at []int
		for i := range a {
			if a[i] != b[i] {
				at = append(at, i)
			}
		}
		return len(at) == 1 || (len(at) == 2 && at[1] == at[0]+1 && a[at[0]] == b[at[1]] && a[at[1]] == b[at[0]])
	case 1:
		for i := range b {
			if a[i] != b[i] {
				return a[i+1:] == b[i:]
			}
		}
		return true
	}
	return false
}
