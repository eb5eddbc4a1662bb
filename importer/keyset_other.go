//go:build !unix

package importer

// allocSlots takes the slots from the heap where memory cannot be mapped
// (keyset_unix.go).
func allocSlots(size int) ([]uint64, []uint32, []byte) {
	return make([]uint64, size), make([]uint32, size), nil
}

func releaseSlots([]byte) {}
