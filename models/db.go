// Package models holds camreg's domain: the registry's entities, their
// validation rules, the services that change them (each change and its
// change-log event in one transaction), and the queries that read them.
//
// It knows nothing of HTTP, search engines or file formats. Services return
// the error kinds of errors.go, wrapped with context.
package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DialectOf tells which database a CAMREG_DB value names: a postgres:// or
// postgresql:// URL, or else a SQLite file path.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Store is the registry: the database and the services over it.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	// batch, on a Store bound to a transaction by InTx, collects the
	// change-log events of the batch's writes, appended together at its end.
	batch *[]Event
	// refs, on a Store bound by InTx, remembers the organizations and
	// models the batch's writes found, so that a batch of rows naming the
	// same ones looks each up once.
	refs *refCache
	// known, on a Store made by RememberingModels, remembers the camera
	// models found visible to one actor for the length of an import.
	known *knownModels
	// cache is verify's in-memory snapshot of the rows it reads, kept
	// current from the change log (verify_cache.go).
	cache *verifyCache
	// heads coalesces verify's reads of the change log's head (verify_head.go).
	heads *headReads
	// tree caches the log tree's frontier between appends (logtree.go).
	tree *treeCache
	// noTree skips the log tree on append; only the paired benchmark sets
	// it (export_test.go), to measure what the tree costs.
	noTree bool
	// bulkConn, on a Store bound by InBulkTx on PostgreSQL, is the pinned
	// connection its transaction runs on (beginBulk), for its batches'
	// COPYs.
	bulkConn *sql.Conn
	// bulkKeys, with bulkConn, are the foreign keys its transaction checks
	// at its end (bulk_pg_fk.go).
	bulkKeys *deferredKeys
	// bulkSQLite: a Store bound by InBulkTx on SQLite, whose connection
	// does not checkpoint (connWithoutForeignKeys).
	bulkSQLite bool
	// now is the clock; tests replace it.
	now func() time.Time
	// matcher is the model-number matcher over verified models
	// (matcher.go), shared by verify, inspection items and search.
	matcher *Matcher
	// webhookKey seals webhook secrets at rest (webhook.go); nil stores
	// them as they are.
	webhookKey []byte
	// gate lets this process's SQLite write transactions through one at
	// a time (writegate.go); nil on PostgreSQL.
	gate writeGate
}

// Open connects to the database named by dsn (a SQLite path or a postgres://
// URL). It does not migrate: call migrations.Up with DB() first.
func Open(dsn string) (*Store, error) {
	dialect := DialectOf(dsn)
	var dialector gorm.Dialector
	switch dialect {
	case Postgres:
		dialector = postgres.Open(dsn)
	default:
		if dir := filepath.Dir(dsn); dir != "" && !strings.HasPrefix(dsn, "file:") {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		dialector = sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: sqliteDSN(dsn)})
	}
	st := &Store{dialect: dialect, now: time.Now, cache: newVerifyCache(), heads: &headReads{}, tree: &treeCache{},
		gate: newWriteGate(dialect)}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		// gorm stamps updated_at itself on every update; it must read the
		// store's clock, as created_at and the change log do.
		NowFunc:        st.timestamp,
		TranslateError: false,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; readers run beside it (WAL).
		sqlDB.SetMaxOpenConns(8)
		// Keep them all open: database/sql keeps only 2 idle by default, so
		// under load connections were closed and reopened (and their pragmas
		// run again) on almost every request.
		sqlDB.SetMaxIdleConns(8)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("reach %s database: %w", dialect, err)
	}
	if dialect == Postgres {
		st.heads.pg = &pgHead{}
	}
	if dialect == SQLite {
		if st.heads.version, err = openDataVersion(dsn); err != nil {
			_ = sqlDB.Close()
			return nil, fmt.Errorf("open %s database: %w", dialect, err)
		}
	}
	st.db = db
	st.matcher = newMatcher(db)
	return st, nil
}

// sqliteDSN adds the pragmas camreg relies on: foreign keys, WAL, a busy
// timeout, and BEGIN IMMEDIATE so that a write transaction takes the write
// lock up front instead of failing on upgrade; and a cache of 64 prepared
// statements a connection (mattn's _stmt_cache_size), so that a statement
// run again (a search page's records by id, the matcher's change-log head)
// is not parsed and planned again each time: without it, SQLite's prepare
// was 5 % of a search server's CPU under load.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "_foreign_keys=1&_journal_mode=WAL&_busy_timeout=10000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=64"
}

// DB returns the underlying database handle, for migrations and health checks.
func (s *Store) DB() *sql.DB {
	sqlDB, _ := s.db.DB()
	return sqlDB
}

// Dialect tells which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the database.
func (s *Store) Close() error {
	s.heads.pg.close()
	return errors.Join(s.heads.version.close(), s.DB().Close())
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.DB().PingContext(ctx) }

// SetClock replaces the store's clock; tests use it to pin "today".
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Today is the current date in Vietnam.
func (s *Store) Today() Date { return DateOf(s.now()) }

func (s *Store) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// write runs fn in one transaction and appends the events it recorded to
// the change log before commit, so that a change and its event are stored
// together or not at all.
func (s *Store) write(ctx context.Context, actor Actor, fn func(tx *gorm.DB, log *changeLog) error) error {
	var idem *IdempotencyKey
	if s.batch == nil {
		// A write of its own (in InTx, the batch took the gate).
		defer s.gate.enter(ctx)()
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		log := &changeLog{actor: actor}
		if err := fn(tx, log); err != nil {
			return err
		}
		if isDryRun(ctx) {
			return errDryRun
		}
		// The request's idempotency key commits with its write, or not at all.
		var err error
		if idem, err = markIdempotencyKey(ctx, tx, log); err != nil {
			return err
		}
		if s.batch != nil {
			// The batch appends every event at its end: one read of the
			// log's head and one insert, instead of two statements a row.
			*s.batch = append(*s.batch, log.events...)
			return nil
		}
		return s.appendEvents(tx, log.events)
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	if err == nil && idem != nil {
		idem.marked = true
	}
	return err
}

type dryRunKey struct{}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// DryRun returns a context in which every service validates and performs
// its writes, then rolls them back: it reports the errors a real call
// would, and changes nothing. The importer's --dry-run and the API's
// complete error reports use it.
func DryRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, dryRunKey{}, true)
}

func isDryRun(ctx context.Context) bool {
	v, _ := ctx.Value(dryRunKey{}).(bool)
	return v
}

// translate maps driver errors to the kinds of errors.go.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "SQLSTATE 23505"):
		return Conflict("%s already exists", what)
	case strings.Contains(msg, "FOREIGN KEY constraint failed"), strings.Contains(msg, "SQLSTATE 23503"):
		return Conflict("%s is referenced by other records, or refers to a missing one", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// InTx runs fn with a Store bound to one transaction: every service called
// on that Store joins it (as a savepoint), so a batch of writes, with their
// change-log events, is committed together or not at all. The importer
// writes its batches this way.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.inTx(ctx, false, fn)
}

// connWithoutForeignKeys takes a connection of the pool and turns its
// foreign-key checks off, for a bulk transaction on SQLite (InBulkTx);
// release closes it for good, so that no other work gets it so. The
// checks are redundant there: every reference a bulk load writes was
// checked by its service (checkOrgKindCached, checkModelRefs,
// standardExists) against rows read after the transaction began, and
// SQLite's write lock (BEGIN IMMEDIATE), held from the start of the
// transaction to its commit, keeps every other writer from deleting one
// meanwhile. National certificates: two index probes a covered model, three
// a certificate.
func (s *Store) connWithoutForeignKeys(ctx context.Context) (*sql.Conn, func(), error) {
	// Nothing undoes the pragmas: the connection is discarded. Neither its
	// one commit nor its close checkpoints: the whole transaction is in the
	// WAL by then, and copying it into the file at once (national C/Os: 60
	// MB written twice) is left to SQLite's next checkpoint
	// (CloseKeepingWAL).
	conn, done, err := s.pinConn(ctx, "the bulk load", []string{"PRAGMA foreign_keys = OFF", "PRAGMA wal_autocheckpoint = 0"}, nil)
	if err == nil {
		_ = conn.Raw(func(dc any) error {
			noCheckpointOnClose(dc)
			return nil
		})
	}
	return conn, done, err
}

// pinConn takes a connection of the pool for one job (what names it in
// errors) and runs set on it. done runs undo and hands the connection
// back; with no undo, or when one fails, the connection is discarded,
// since a connection whose settings are unknown goes no further.
func (s *Store) pinConn(ctx context.Context, what string, set, undo []string) (*sql.Conn, func(), error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("take a connection for %s: %w", what, err)
	}
	discard := func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}
	for _, stmt := range set {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			discard()
			return nil, nil, fmt.Errorf("set up %s's connection (%s): %w", what, stmt, err)
		}
	}
	done := func() {
		if len(undo) == 0 {
			discard()
			return
		}
		for _, stmt := range undo {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), stmt); err != nil {
				discard()
				return
			}
		}
		_ = conn.Close()
	}
	return conn, done, nil
}

// InBulkTx is InTx for a bulk load that gives up on the whole transaction
// when any of its writes fails: the services called on the bound Store
// join the transaction without a savepoint each, so a failed one may leave
// part of its writes in it, and fn must then return an error (the
// transaction is rolled back). gorm never releases a savepoint it took, and
// with SQLite's temporary store in memory every page a savepoint's writes
// touched was kept there until commit: one transaction over the national
// certificates, a batch service's savepoint per 2,000 rows, peaked at
// 344 MB of RSS against 234 MB for the same rows committed batch by batch.
// On PostgreSQL the transaction runs on a pinned connection with a batch's
// settings (beginBulk), and the batch services called on the bound Store
// write on it, their new rows by COPY, as their own batches do.
// On SQLite the transaction also runs without foreign-key checks
// (connWithoutForeignKeys): the services have checked every reference.
func (s *Store) InBulkTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.inTx(ctx, true, fn)
}

func (s *Store) inTx(ctx context.Context, bulk bool, fn func(tx *Store) error) error {
	if s.batch == nil {
		defer s.gate.enter(ctx)()
	}
	db := s.db.WithContext(ctx)
	var conn *sql.Conn
	if bulk && s.dialect == Postgres && s.bulkConn == nil {
		// The transaction runs on a batch's pinned connection, with its
		// settings, so that each batch of it goes in by COPY.
		pinned, done, err := s.beginBulk(ctx, db)
		if err != nil {
			return err
		}
		defer done()
		db, conn = pinned, pinned.Statement.Context.Value(bulkConnKey{}).(*sql.Conn)
	}
	if bulk && s.batch == nil && s.dialect == SQLite {
		fkOff, release, err := s.connWithoutForeignKeys(ctx)
		if err != nil {
			return err
		}
		defer release()
		db = db.Session(&gorm.Session{Context: ctx})
		db.Statement.ConnPool = fkOff
	}
	return db.Transaction(func(tx *gorm.DB) error {
		bound := *s
		bound.db = tx
		if bulk {
			bound.db = tx.Session(&gorm.Session{NewDB: true, DisableNestedTransaction: true})
			if conn != nil {
				bound.bulkConn, bound.bulkKeys = conn, newDeferredKeys(ctx, conn)
			}
			bound.bulkSQLite = s.dialect == SQLite
		}
		if s.batch == nil {
			bound.batch = &[]Event{}
			bound.refs = newRefCache()
		}
		if err := fn(&bound); err != nil {
			return err
		}
		if err := bound.bulkKeys.restore(ctx); err != nil {
			return err
		}
		if s.batch != nil || isDryRun(ctx) {
			return nil
		}
		return s.appendEvents(tx, *bound.batch)
	})
}
