package match

import (
	"hash/maphash"
	"slices"
	"unsafe"
)

// builtEntries are the entries an Index was built over, held without
// pointers: their strings in one arena addressed by offset and length, the
// records, the FST's groups and the ids' hashes in flat slices. The
// collector marks each slice as one object and scans none of them; as
// structs of Go strings, groups of their own and a map of ids, the
// national registry's matcher was some 45 MB of small objects that every
// collection marked again (BENCHMARKS.md, "Verify cold: the snapshot
// without pointers"). Entries handed out hold strings into the arena,
// which is only appended to while building and never changed after.
type builtEntries struct {
	str      []byte
	recs     []entryRec
	groupOff []uint32 // group g is groupIdx[groupOff[g]:groupOff[g+1]]
	groupIdx []int32
	seed     maphash.Seed
	byHash   []idHash // sorted by hash, then index
}

type strRef struct{ off, n uint32 }

type entryRec struct {
	id, brandKey, modelKey, looseKey, brand, modelNumber strRef
	listings                                             int
}

type idHash struct {
	h uint64
	i int32
}

func newBuiltEntries(n int) *builtEntries {
	return &builtEntries{recs: make([]entryRec, 0, n), groupOff: []uint32{0}, seed: maphash.MakeSeed()}
}

func (b *builtEntries) put(s string) strRef {
	if s == "" {
		return strRef{}
	}
	r := strRef{uint32(len(b.str)), uint32(len(s))}
	b.str = append(b.str, s...)
	return r
}

func (b *builtEntries) get(r strRef) string {
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&b.str[r.off], int(r.n))
}

// add appends an entry and returns its index.
func (b *builtEntries) add(e Entry) int32 {
	i := int32(len(b.recs))
	b.recs = append(b.recs, entryRec{id: b.put(e.ID), brandKey: b.put(e.BrandKey), modelKey: b.put(e.ModelKey),
		looseKey: b.put(e.LooseKey), brand: b.put(e.Brand), modelNumber: b.put(e.ModelNumber), listings: e.Listings})
	b.byHash = append(b.byHash, idHash{maphash.String(b.seed, e.ID), i})
	return i
}

func (b *builtEntries) groups() int { return len(b.groupOff) - 1 }

func (b *builtEntries) addGroup(g []int32) {
	b.groupIdx = append(b.groupIdx, g...)
	b.groupOff = append(b.groupOff, uint32(len(b.groupIdx)))
}

// done ends the build: the ids' hashes sorted, the arena at its length.
func (b *builtEntries) done() {
	slices.SortFunc(b.byHash, func(x, y idHash) int {
		if x.h != y.h {
			if x.h < y.h {
				return -1
			}
			return 1
		}
		return int(x.i - y.i)
	})
	b.str = slices.Clip(b.str)
	if cap(b.str) > len(b.str)+len(b.str)/16 {
		b.str = append([]byte(nil), b.str...)
	}
}

func (b *builtEntries) group(v uint64) []int32 { return b.groupIdx[b.groupOff[v]:b.groupOff[v+1]] }

// entry materializes entry i.
func (b *builtEntries) entry(i int32) Entry {
	r := &b.recs[i]
	return Entry{ID: b.get(r.id), BrandKey: b.get(r.brandKey), ModelKey: b.get(r.modelKey), LooseKey: b.get(r.looseKey),
		Brand: b.get(r.brand), ModelNumber: b.get(r.modelNumber), Listings: r.listings}
}

// find returns the index of the built entry with the id.
func (b *builtEntries) find(id string) (int32, bool) {
	h := maphash.String(b.seed, id)
	j, _ := slices.BinarySearchFunc(b.byHash, h, func(x idHash, h uint64) int {
		switch {
		case x.h < h:
			return -1
		case x.h > h:
			return 1
		}
		return 0
	})
	for ; j < len(b.byHash) && b.byHash[j].h == h; j++ {
		if i := b.byHash[j].i; b.get(b.recs[i].id) == id {
			return i, true
		}
	}
	return -1, false
}

func (b *builtEntries) has(id string) bool {
	_, ok := b.find(id)
	return ok
}

// BuiltListings returns the listings of the entry of the id the index was
// built with (by New; whether or not With has replaced or removed it since).
func (ix *Index) BuiltListings(id string) (int, bool) {
	if i, ok := ix.built.find(id); ok {
		return ix.built.recs[i].listings, true
	}
	return 0, false
}
