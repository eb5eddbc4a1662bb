package match

import "sync"

// osaAutomaton finds, over the FST, every merged key within d edits of a
// typed key in the optimal-string-alignment distance (osa): it carries the
// band of one row of the dynamic-programming table (the 2d+1 cells near
// the diagonal; every other cell is past d) per FST prefix it walks,
// instead of a Levenshtein DFA built for the typed key.
//
// Profiled (BENCHMARKS.md, verify cold under wrk over the national set):
// building vellum's Levenshtein DFA for each typed key with a slip was 16%
// of the server's CPU and most of its garbage (some 700 KB a search),
// though the DFA serves one walk and most of its states are never reached;
// walking the FST with it was 4%. A band costs a few bytes and nanoseconds
// per FST transition tried, and the bands live in a buffer reused across
// searches: the matcher went from 24% to 15% of the server's CPU. Keys are ASCII (fold.Key keeps a-z
// and 0-9 only), so bytes are the characters vellum's DFA counted; the
// candidates are the same set (TestAutomatonMatchesDFA checks it against
// the DFA and osa, FuzzFindComplete against brute force).
type osaAutomaton struct {
	key []byte
	d   int
	w   int // a band's width: 2d+1; cell k of depth i is column i-d+k
	// rows holds each state's band; depth, parent and last are its depth
	// (characters walked), its parent state (-1 for the start) and the
	// byte that led to it, for transpositions.
	rows   []uint8
	depth  []int32
	parent []int32
	last   []byte
	// near[c] is set when c is a character of the key: any other one
	// costs the same in every cell, so its band is computed once per
	// state (miss).
	near [256]bool
	miss []int8 // per state: 0 not known, 1 a stranger kills it, 2 it does not
}

var osaPool = sync.Pool{New: func() any { return new(osaAutomaton) }}

// newOSA returns an automaton for key within d edits; release it with put.
func newOSA(key string, d int) *osaAutomaton {
	a := osaPool.Get().(*osaAutomaton)
	for _, c := range a.key {
		a.near[c] = false
	}
	a.key = append(a.key[:0], key...)
	for _, c := range a.key {
		a.near[c] = true
	}
	a.d, a.w = d, 2*d+1
	a.rows, a.depth, a.parent, a.last, a.miss = a.rows[:0], a.depth[:0], a.parent[:0], a.last[:0], a.miss[:0]
	// Depth 0: cell k is column k-d, at distance k-d.
	for k := 0; k < a.w; k++ {
		a.rows = append(a.rows, a.cap(k-d))
	}
	a.depth, a.parent, a.last, a.miss = append(a.depth, 0), append(a.parent, -1), append(a.last, 0), append(a.miss, 0)
	return a
}

// cap is a distance as a cell holds it: d+1 for anything past d, or for a
// column outside the table.
func (a *osaAutomaton) cap(v int) uint8 {
	if v < 0 || v > a.d {
		return uint8(a.d + 1)
	}
	return uint8(v)
}

// put hands the automaton back for reuse, unless it grew too large to keep.
func (a *osaAutomaton) put() {
	if cap(a.rows) <= 1<<20 {
		osaPool.Put(a)
	}
}

// Start is the empty prefix's state.
func (a *osaAutomaton) Start() int { return 0 }

// IsMatch: the prefix walked is within d edits of the whole key.
func (a *osaAutomaton) IsMatch(s int) bool {
	if s < 0 {
		return false
	}
	k := len(a.key) - int(a.depth[s]) + a.d
	return k >= 0 && k < a.w && int(a.rows[s*a.w+k]) <= a.d
}

// CanMatch: some extension of the prefix may be within d edits (a state is
// only made when a cell of its band is).
func (a *osaAutomaton) CanMatch(s int) bool { return s >= 0 }

// WillAlwaysMatch is never so: a longer key moves away.
func (a *osaAutomaton) WillAlwaysMatch(int) bool { return false }

// Accept computes the band of the prefix extended by c, as osa's loop does
// for one more character of its first string (values capped at d+1), and
// returns -1 when no cell is within d.
func (a *osaAutomaton) Accept(s int, c byte) int {
	if s < 0 {
		return -1
	}
	if !a.near[c] {
		switch a.miss[s] {
		case 1:
			return -1
		case 0:
			next := a.step(s, c)
			if next < 0 {
				a.miss[s] = 1
			} else {
				a.miss[s] = 2
			}
			return next
		}
	}
	return a.step(s, c)
}

func (a *osaAutomaton) step(s int, c byte) int {
	w, d, d1 := a.w, a.d, uint8(a.d+1)
	n := len(a.rows)
	a.rows = append(a.rows, make([]uint8, w)...)
	prev, cur := a.rows[s*w:s*w+w], a.rows[n:n+w]
	i := int(a.depth[s]) + 1 // the new depth
	var gp []uint8
	var pc byte
	if p := a.parent[s]; p >= 0 {
		gp, pc = a.rows[int(p)*w:int(p)*w+w], a.last[s]
	}
	best := d1
	if j0 := i - d; j0 >= 2 && i+d <= len(a.key) {
		// Inside the table: every column of the band is one of the key's.
		key := a.key[j0-1 : j0+w-1] // key[j-1] for cell k is key[k]
		v := prev[1] + 1
		if key[0] == c {
			v = min(v, prev[0])
		} else {
			v = min(v, prev[0]+1)
		}
		if gp != nil && c == a.key[j0-2] && pc == key[0] {
			v = min(v, gp[0]+1)
		}
		v = min(v, d1)
		cur[0], best = v, v
		for k := 1; k < w; k++ {
			v := cur[k-1] + 1
			if k+1 < w {
				v = min(v, prev[k+1]+1)
			}
			if key[k] == c {
				v = min(v, prev[k])
			} else {
				v = min(v, prev[k]+1)
			}
			if gp != nil && c == key[k-1] && pc == key[k] {
				v = min(v, gp[k]+1)
			}
			v = min(v, d1)
			cur[k] = v
			best = min(best, v)
		}
		return a.commit(s, c, i, n, best)
	}
	for k := 0; k < w; k++ {
		j := i - d + k
		switch {
		case j < 0 || j > len(a.key):
			cur[k] = d1
			continue
		case j == 0:
			cur[k] = a.cap(i)
			best = min(best, cur[k])
			continue
		}
		// prev[j] is prev's cell k+1, prev[j-1] its cell k, cur[j-1]
		// cur's cell k-1, gp[j-2] gp's cell k.
		v := d1
		if k+1 < w {
			v = prev[k+1] + 1
		}
		if k > 0 {
			v = min(v, cur[k-1]+1)
		}
		if a.key[j-1] == c {
			v = min(v, prev[k])
		} else {
			v = min(v, prev[k]+1)
		}
		if gp != nil && j > 1 && c == a.key[j-2] && pc == a.key[j-1] {
			v = min(v, gp[k]+1)
		}
		v = min(v, d1)
		cur[k] = v
		best = min(best, v)
	}
	return a.commit(s, c, i, n, best)
}

// commit keeps the band just computed at n as a new state, child of s by
// c at depth i, unless its best cell is past d.
func (a *osaAutomaton) commit(s int, c byte, i, n int, best uint8) int {
	if int(best) > a.d {
		a.rows = a.rows[:n]
		return -1
	}
	a.depth, a.parent, a.last, a.miss = append(a.depth, int32(i)), append(a.parent, int32(s)), append(a.last, c), append(a.miss, 0)
	return n / a.w
}
