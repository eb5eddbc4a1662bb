package models

import (
	"database/sql"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteDriver is the database/sql driver camreg opens SQLite files with:
// mattn/go-sqlite3 (SQLite's C source built with cgo), registered under a
// name of our own so that every connection it opens runs the pragmas the
// DSN cannot carry.
const sqliteDriver = "camreg-sqlite3"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
			return err
		},
	})
}
