//go:build cgo

package models

/*
#include <stddef.h>

// The parts of SQLite's public VFS interface (sqlite3.h: sqlite3_file,
// sqlite3_io_methods, SQLITE_FCNTL_FILE_POINTER) this file calls, declared
// here rather than included: the header is inside the driver's module.
// Their layout is SQLite's ABI, fixed since version 3.7.0 (io_methods
// version 2 added the xShm* members after xDeviceCharacteristics).
typedef struct sqlite3 sqlite3;
typedef struct camreg_file camreg_file;
typedef struct camreg_io_methods {
	int iVersion;
	int (*xClose)(camreg_file*);
	int (*xRead)(camreg_file*, void*, int, long long);
	int (*xWrite)(camreg_file*, const void*, int, long long);
	int (*xTruncate)(camreg_file*, long long);
	int (*xSync)(camreg_file*, int);
	int (*xFileSize)(camreg_file*, long long*);
	int (*xLock)(camreg_file*, int);
	int (*xUnlock)(camreg_file*, int);
	int (*xCheckReservedLock)(camreg_file*, int*);
	int (*xFileControl)(camreg_file*, int, void*);
	int (*xSectorSize)(camreg_file*);
	int (*xDeviceCharacteristics)(camreg_file*);
	int (*xShmMap)(camreg_file*, int, int, int, void volatile**);
} camreg_io_methods;
struct camreg_file { const camreg_io_methods *pMethods; };

extern int sqlite3_file_control(sqlite3*, const char*, int, void*);

// camreg_wal_index returns the first region of the wal-index (the -shm
// file) as the connection's own SQLite has mapped it, or NULL. 32768 is
// WALINDEX_PGSZ, the region size SQLite's WAL maps with; bExtend 0 maps
// nothing new.
static const volatile void *camreg_wal_index(void *db) {
	camreg_file *f = NULL;
	volatile void *p = NULL;
	if (sqlite3_file_control((sqlite3*)db, "main", 7, &f) != 0 || f == NULL || f->pMethods == NULL) {
		return NULL;
	}
	if (f->pMethods->iVersion < 2 || f->pMethods->xShmMap == NULL) {
		return NULL;
	}
	if (f->pMethods->xShmMap(f, 0, 32768, 0, &p) != 0) {
		return NULL;
	}
	return p;
}
*/
import "C"

import (
	"reflect"
	"unsafe"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteHandleOffset is where the driver's connection keeps its sqlite3*
// (the unexported field db, of cgo's type for struct sqlite3), or -1 when
// it has no such field (another version of the driver): the wal-index is
// then not read, and data_version decides every time.
// TestDataVersionWALHeader fails if so.
var sqliteHandleOffset = func() uintptr {
	f, ok := reflect.TypeFor[sqlite3.SQLiteConn]().FieldByName("db")
	if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Name() != "_Ctype_struct_sqlite3" {
		return ^uintptr(0)
	}
	return f.Offset
}()

// walIndexOf returns the wal-index header of the connection c (a
// *sqlite3.SQLiteConn) through the mapping its SQLite made, or nil.
func walIndexOf(c any) *walHeader {
	sc, ok := c.(*sqlite3.SQLiteConn)
	if !ok || sc == nil || sqliteHandleOffset == ^uintptr(0) {
		return nil
	}
	db := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(sc), sqliteHandleOffset))
	if db == nil {
		return nil
	}
	p := C.camreg_wal_index(db)
	if p == nil {
		return nil
	}
	return &walHeader{p: unsafe.Pointer(p)}
}
