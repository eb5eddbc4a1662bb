package importer

import "hash/fnv"

// keySet remembers the natural keys of the rows read so far, so that a key
// repeated anywhere in the file is reported with the line that had it
// first. It keeps a 64-bit hash of each key and that line, 12 bytes a row,
// in an open-addressing table, instead of a map[uint64]int (about 40 bytes
// a row): a million rows cost 12 to 24 MB, not 40 to 80. Exactness rests
// on the hash: two different keys collide with a chance of about n²/2⁶⁵
// (3·10⁻⁸ for a million rows).
//
// The table lives outside Go's heap (keyset_unix.go maps it from the
// system), and free hands it back. On the heap it was most of the live
// heap of a big file's pass (2,000,000 listings: 48 MiB of slots, 72 MiB
// while it doubles), and the collector, which lets the heap grow to a
// multiple of what is live (GOGC=300 in camreg import), multiplied it:
// peak RSS 543 MiB for the national listings against 225 MiB for 200,000.
// Outside, it costs its own size and nothing more.
type keySet struct {
	hashes []uint64 // 0 is an empty slot; a key hashing to 0 is stored as 1
	lines  []uint32
	n      int
	// mem is the table's memory, when it was mapped (release frees it).
	mem []byte
}

// add records the key at line and reports the line that had it first, if
// one did.
func (s *keySet) add(key string, line int) (first int, dup bool) {
	h := fnv.New64a()
	h.Write([]byte(key))
	k := max(h.Sum64(), 1)
	if (s.n+1)*4 > len(s.hashes)*3 {
		s.grow()
	}
	mask := uint64(len(s.hashes) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		switch s.hashes[i] {
		case 0:
			s.hashes[i], s.lines[i] = k, uint32(line)
			s.n++
			return 0, false
		case k:
			return int(s.lines[i]), true
		}
	}
}

// grow doubles the table (it starts at 1,024 slots) and re-inserts.
func (s *keySet) grow() {
	old, oldLines, oldMem := s.hashes, s.lines, s.mem
	size := max(1024, 2*len(old))
	s.hashes, s.lines, s.mem = allocSlots(size)
	mask := uint64(size - 1)
	for j, k := range old {
		if k == 0 {
			continue
		}
		i := k & mask
		for s.hashes[i] != 0 {
			i = (i + 1) & mask
		}
		s.hashes[i], s.lines[i] = k, oldLines[j]
	}
	releaseSlots(oldMem)
}

// bytes is the table's size.
func (s *keySet) bytes() int { return 12 * len(s.hashes) }

// free hands the table back; the set is then empty.
func (s *keySet) free() {
	releaseSlots(s.mem)
	*s = keySet{}
}
