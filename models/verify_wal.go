package models

import (
	"sync/atomic"
	"unsafe"
)

// walHeader reads the header of a SQLite database's wal-index: the start
// of the -shm file beside it, shared memory between every connection to
// the database, of this process or any other.
//
// Profiled under wrk (BENCHMARKS.md): with answers kept, asking PRAGMA
// data_version was still 16% of the server's CPU on a warm verify (a read
// transaction's locks, two syscalls, and the statement). The header is
// what SQLite itself compares to decide whether a connection's view is
// stale: a commit appends its frames to the WAL and then rewrites the
// header (mxFrame, the change counter iChange, the checksums; a WAL
// restart changes the salts), and a reader that finds the header as it
// last saw it knows nothing was committed (walIndexTryHdr). Its layout is
// part of the file format, fixed so that every version of SQLite in every
// process can share it (https://www.sqlite.org/walformat.html, 2.1): two
// copies of 48 bytes, the second written first, so a reader that finds
// them equal has a whole one.
//
// The header only ever says "unchanged since you last looked": anything
// else (copies that differ, a header not initialised) sends the caller to
// data_version and the head query.
//
// The memory is the mapping the held connection's own SQLite made of the
// -shm file (asked through the VFS's xShmMap, verify_shm_cgo.go), never a
// descriptor of camreg's: closing a descriptor of the file releases every
// POSIX lock the process holds on it, SQLite's too, and another process
// may then reset the file under this one (e2a05ca). SQLite keeps the
// mapping until the connection closes; dataVersion forgets it first.
type walHeader struct {
	p unsafe.Pointer // 96 bytes at least
}

// read returns the header, and false when its two copies differ or it is
// not initialised (a writer is rewriting it, or no one opened the WAL).
func (w *walHeader) read() ([12]uint32, bool) {
	var a, b [12]uint32
	if w == nil {
		return a, false
	}
	for i := range a {
		a[i] = atomic.LoadUint32((*uint32)(unsafe.Add(w.p, 4*i)))
	}
	for i := range b {
		b[i] = atomic.LoadUint32((*uint32)(unsafe.Add(w.p, 48+4*i)))
	}
	// isInit is the byte at offset 12, the first of word 3.
	w3 := a[3]
	isInit := *(*byte)(unsafe.Pointer(&w3))
	return a, a == b && isInit != 0
}
