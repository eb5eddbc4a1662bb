//go:build cgo

package models

/*
typedef struct sqlite3 sqlite3;
extern int sqlite3_db_config(sqlite3*, int, ...);

// camreg_no_checkpoint_on_close sets SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
// (1006, sqlite3.h) on the connection: when it is the file's last to
// close, it leaves the WAL as it is rather than copying it into the
// database file. A wrapper, as cgo cannot call a variadic function.
static int camreg_no_checkpoint_on_close(void *db) {
	return sqlite3_db_config((sqlite3*)db, 1006, 1, (int*)0);
}
*/
import "C"

import (
	"unsafe"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// noCheckpointOnClose asks the connection c (a *sqlite3.SQLiteConn) not to
// checkpoint the WAL when it closes last, and says whether it could.
func noCheckpointOnClose(c any) bool {
	sc, ok := c.(*sqlite3.SQLiteConn)
	if !ok || sc == nil || sqliteHandleOffset == ^uintptr(0) {
		return false
	}
	db := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(sc), sqliteHandleOffset))
	return db != nil && C.camreg_no_checkpoint_on_close(db) == 0
}
