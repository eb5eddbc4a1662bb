//go:build unix

package models

import (
	"encoding/binary"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walHeader reads the header of a SQLite database's wal-index (the -shm
// file beside it, shared memory between every connection to the database,
// of this process or any other).
//
// Profiled under wrk (BENCHMARKS.md): with answers kept, asking PRAGMA
// data_version was still 16% of the server's CPU on a warm verify (a read
// transaction's locks, two syscalls, and the statement's preparation). The
// header is what SQLite itself compares to decide whether a connection's
// view is stale: a commit appends its frames to the WAL and then rewrites
// the header (mxFrame, the change counter iChange, the checksums; a WAL
// restart changes the salts), and a reader that finds the header as it
// last saw it knows nothing was committed (walIndexTryHdr). Its layout is
// part of the file format, fixed so that every version of SQLite in every
// process can share it (https://www.sqlite.org/walformat.html, 2.1): two
// copies of 48 bytes, the second written first, so a reader that finds
// them equal has a whole one.
//
// The header only ever says "unchanged since you last looked": anything
// else (copies that differ, a header not initialised) sends the caller to
// data_version and the head query. It is mapped while the connection that
// asks data_version is open, so the -shm file cannot be reset under it (a
// connection holds its shared lock on the file for as long as it is open).
type walHeader struct {
	mem []byte
}

const walHeaderSize = 96

// openWALHeader maps the first page of path's -shm file, or returns nil.
func openWALHeader(path string) *walHeader {
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	f, err := os.Open(path + "-shm")
	if err != nil {
		return nil
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() < int64(os.Getpagesize()) {
		return nil
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return &walHeader{mem: mem}
}

// read returns the header, and false when its two copies differ or it is
// not initialised (a writer is rewriting it, or no one opened the WAL).
func (w *walHeader) read() ([12]uint32, bool) {
	var a, b [12]uint32
	if w == nil {
		return a, false
	}
	p := unsafe.Pointer(&w.mem[0])
	for i := range a {
		a[i] = atomic.LoadUint32((*uint32)(unsafe.Add(p, 4*i)))
	}
	for i := range b {
		b[i] = atomic.LoadUint32((*uint32)(unsafe.Add(p, 48+4*i)))
	}
	// isInit is the byte at offset 12, in word 3.
	var w3 [4]byte
	binary.NativeEndian.PutUint32(w3[:], a[3])
	return a, a == b && w3[0] != 0
}

func (w *walHeader) close() {
	if w != nil {
		_ = syscall.Munmap(w.mem)
	}
}
