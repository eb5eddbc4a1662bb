//go:build unix

package importer

import (
	"syscall"
	"unsafe"
)

// allocSlots maps zeroed memory for size slots (size is a power of two,
// at least 1,024) from the system, outside Go's heap: the hashes, then the
// lines. If the system refuses, the slots come from the heap.
func allocSlots(size int) ([]uint64, []uint32, []byte) {
	mem, err := syscall.Mmap(-1, 0, size*12, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint64, size), make([]uint32, size), nil
	}
	hashes := unsafe.Slice((*uint64)(unsafe.Pointer(&mem[0])), size)
	lines := unsafe.Slice((*uint32)(unsafe.Pointer(&mem[size*8])), size)
	return hashes, lines, mem
}

// releaseSlots unmaps what allocSlots mapped.
func releaseSlots(mem []byte) {
	if mem != nil {
		_ = syscall.Munmap(mem)
	}
}
