package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// Unavailability is why the database cannot take a request for now: a
// condition of the service, not of the request, which the same request may
// pass once it ends. The API answers it with 503 and Retry-After.
type Unavailability string

// The conditions Unavailable recognises.
const (
	// Unreachable: the database refuses or drops connections, is
	// starting, restarting or shutting down.
	Unreachable Unavailability = "unreachable"
	// Overloaded: the request waited too long for a connection, a lock or
	// an answer (its deadline passed), or the server is out of resources.
	Overloaded Unavailability = "overloaded"
	// DiskFull: the database's disk has no room for the write.
	DiskFull Unavailability = "disk full"
	// ReadOnly: the database's storage refuses writes.
	ReadOnly Unavailability = "read-only"
)

// SQLite's primary result codes that mean the storage, not the request,
// is at fault (https://www.sqlite.org/rescode.html).
const (
	sqliteBusy      = 5
	sqliteLocked    = 6
	sqliteReadOnly  = 8
	sqliteInterrupt = 9
	sqliteIOErr     = 10
	sqliteFull      = 13
	sqliteCantOpen  = 14
)

// Unavailable tells whether err (from any service, wrapped or not) means
// the database cannot serve for now, and why. Errors that are the
// request's own (validation, not found, conflicts) and bugs are not.
func Unavailable(err error) (Unavailability, bool) {
	if err == nil {
		return "", false
	}
	if why, ok := sqliteUnavailable(err); ok {
		return why, true
	}
	if why, ok := postgresUnavailable(err); ok {
		return why, true
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Overloaded, true
	case errors.Is(err, syscall.ENOSPC):
		return DiskFull, true
	case errors.Is(err, syscall.EROFS):
		return ReadOnly, true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return Unreachable, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Overloaded, true
	}
	return unavailableByMessage(err.Error())
}

// sqliteUnavailable reads the SQLite driver's result code.
func sqliteUnavailable(err error) (Unavailability, bool) {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return "", false
	}
	switch int(se.Code) & 0xff {
	case sqliteFull:
		return DiskFull, true
	case sqliteReadOnly:
		return ReadOnly, true
	case sqliteIOErr, sqliteCantOpen:
		// A read-only or vanished file system surfaces as an I/O error
		// on the journal or the WAL; the message may say which.
		if why, ok := unavailableByMessage(err.Error()); ok {
			return why, true
		}
		return Unreachable, true
	case sqliteBusy, sqliteLocked, sqliteInterrupt:
		return Overloaded, true
	}
	return "", false
}

// postgresUnavailable reads PostgreSQL's SQLSTATE and pgx's connection
// errors.
func postgresUnavailable(err error) (Unavailability, bool) {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return Unreachable, true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return DiskFull, true
		case pe.Code == "25006": // read_only_sql_transaction: a standby
			return ReadOnly, true
		case strings.HasPrefix(pe.Code, "53"): // insufficient resources
			return Overloaded, true
		case pe.Code == "57014": // query_canceled: statement timeout or our deadline
			return Overloaded, true
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutdown, crash, starting up
			return Unreachable, true
		}
		return "", false
	}
	if pgconn.Timeout(err) {
		return Overloaded, true
	}
	return "", false
}

// unavailableByMessage catches what drivers report only in words: pgx's
// closed connections, and SQLite's messages when the code is lost in a
// wrapper.
func unavailableByMessage(msg string) (Unavailability, bool) {
	msg = strings.ToLower(msg)
	switch {
	case strings.Contains(msg, "database or disk is full"), strings.Contains(msg, "no space left on device"):
		return DiskFull, true
	case strings.Contains(msg, "readonly database"), strings.Contains(msg, "read-only file system"):
		return ReadOnly, true
	case strings.Contains(msg, "conn closed"), strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "connection reset"), strings.Contains(msg, "broken pipe"),
		strings.Contains(msg, "the database system is"), strings.Contains(msg, "terminating connection"):
		return Unreachable, true
	case strings.Contains(msg, "database is locked"):
		return Overloaded, true
	}
	return "", false
}
