package models

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// The batch services' lookups, in the form each database does best.
//
// On PostgreSQL a lookup of thousands of keys as `col IN ($1, …, $2000)`
// costs the server a parse of thousands of parameters, and every batch
// whose key count differs is a new statement text, prepared afresh. Worse,
// a natural-key lookup as `(a, b, c) IN (VALUES …)` left the plan to the
// statistics of a table the import is filling: planned while the table
// looked empty, it became a nested loop over the whole table, and later a
// hash join over a sequential scan of it, so that each batch read every
// row imported before it (200,000 listings: 35 s of the server's CPU for
// 13 s of camreg's). There, keys go as one array parameter each: the
// statement text is the same for every batch, and the lookup is an index
// scan on the key's leading column (`= ANY`), the whole tuple checked
// against unnest of the arrays.

// pgTextArray is a list of strings sent as one PostgreSQL text[]
// parameter: gorm spreads a plain slice into a list of parameters, but
// passes a struct as it is, and the driver encodes pgtype.Array natively
// (a driver.Valuer's text literal it would parse back and encode again).
func pgTextArray(keys []string) pgtype.Array[string] {
	a := pgtype.Array[string]{Elements: keys, Valid: true}
	if len(keys) > 0 {
		a.Dims = []pgtype.ArrayDimension{{Length: int32(len(keys)), LowerBound: 1}}
	}
	return a
}

// isPostgres tells whether tx talks to PostgreSQL.
func isPostgres(tx *gorm.DB) bool {
	return tx.Dialector != nil && tx.Dialector.Name() == "postgres"
}

// whereIn restricts tx to the rows whose column col holds one of keys: one
// array parameter on PostgreSQL, one JSON array on SQLite (bulk_sqlite.go).
// The caller keeps keys within lookupChunk.
func whereIn(tx *gorm.DB, col string, keys []string) *gorm.DB {
	if isPostgres(tx) {
		return tx.Where(col+" = ANY(?::text[])", pgTextArray(keys))
	}
	return tx.Where(col+" IN (SELECT value FROM json_each(?))", jsonArray(keys))
}

// whereTuplesPG restricts tx to the rows whose columns equal one of the
// tuples (text values), on PostgreSQL: the leading column by = ANY, which
// its index serves, and the whole tuple by a semi-join with the unnested
// arrays.
func whereTuplesPG(tx *gorm.DB, cols []string, tuples [][]any) *gorm.DB {
	arrays := make([]any, len(cols))
	unnest := make([]string, len(cols))
	for c := range cols {
		a := make([]string, len(tuples))
		for i, t := range tuples {
			a[i], _ = t[c].(string)
		}
		arrays[c] = pgTextArray(a)
		unnest[c] = "?::text[]"
	}
	where := cols[0] + " = ANY(?::text[]) AND (" + strings.Join(cols, ", ") + ") IN (SELECT * FROM unnest(" + strings.Join(unnest, ", ") + "))"
	return tx.Where(where, append([]any{arrays[0]}, arrays...)...)
}

// bulkConnKey carries, in a batch transaction's context, the database/sql
// connection the transaction runs on, so that its rows can go in by COPY
// on that same connection (copyRows).
type bulkConnKey struct{}

// beginBulk pins a connection for a PostgreSQL batch: it returns the
// session to run the batch on, with the connection in its context, and
// done, which hands the connection back. Elsewhere it returns db as it is.
//
// On the pinned connection every statement is planned for its own
// arguments (plan_cache_mode force_custom_plan, reset by done). The
// driver prepares each statement once per connection, and after five runs
// PostgreSQL may keep a generic plan, made without the arrays' contents
// and with the sizes of tables the import is filling: the natural-key
// lookup of listings became a nested loop over a sequential scan of the
// whole table, planned while it was empty (200,000 listings: 0.6-1.1 s a
// lookup near the end, 77 of the server's 85 s). Planning a lookup costs a
// fraction of a millisecond; a batch runs a dozen.
//
// Sequential scans are off on it too (enable_seqscan, reset by done): a
// batch's statements look rows up by key, and for a lookup of 2,000 keys
// the planner expects 2,000 rows and, at a random page cost of 4, prices
// 2,000 probes above reading a table of 100,000 rows whole: national
// organizations' lookup by tax code, none of the keys stored yet, was a
// sequential scan of every organization imported before it (128 ms near
// 116,000 rows, against 2.5 ms by the index), a quarter of the server's
// statement time. A statement with no index to use still scans.
func (s *Store) beginBulk(ctx context.Context, db *gorm.DB) (*gorm.DB, func(), error) {
	if s.dialect != Postgres {
		return db, func() {}, nil
	}
	conn, done, err := s.pinConn(ctx, "the batch",
		[]string{"SET plan_cache_mode = force_custom_plan", "SET enable_seqscan = off"},
		[]string{"RESET plan_cache_mode", "RESET enable_seqscan"})
	if err != nil {
		return nil, nil, err
	}
	tx := db.Session(&gorm.Session{Context: context.WithValue(ctx, bulkConnKey{}, conn)})
	tx.Statement.ConnPool = conn
	return tx, done, nil
}

// copyRows inserts rows (a slice of structs or of pointers to structs, of
// one gorm model without hooks) into their table with PostgreSQL's COPY,
// on the batch's pinned connection, inside its transaction: no statement
// to parse and no parameters to bind, which multi-row INSERTs of
// thousands of parameters spent most of their time on (the driver built
// each INSERT's parameters by appending to one buffer: 21 % of camreg's
// CPU on 200,000 listings). It reports false, having done nothing, when tx
// has no pinned connection; the caller then inserts as before.
func copyRows(tx *gorm.DB, rows any, what string) (bool, error) {
	ctx := tx.Statement.Context
	conn, _ := ctx.Value(bulkConnKey{}).(*sql.Conn)
	rv := reflect.ValueOf(rows)
	if conn == nil || rv.Len() == 0 {
		return conn != nil, nil
	}
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(rv.Index(0).Interface()); err != nil {
		return false, fmt.Errorf("insert %s rows: %w", what, err)
	}
	var fields []*schema.Field
	var cols []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && f.Creatable {
			fields, cols = append(fields, f), append(cols, f.DBName)
		}
	}
	src := make([][]any, rv.Len())
	for i := range src {
		v := reflect.Indirect(rv.Index(i))
		vals := make([]any, len(fields))
		for j, f := range fields {
			vals[j], _ = f.ValueOf(ctx, v)
		}
		src[i] = vals
	}
	keys, _ := ctx.Value(deferredKeysKey{}).(*deferredKeys)
	if err := keys.beforeCopy(ctx, stmt.Schema.Table, len(src)); err != nil {
		return true, err
	}
	err := cachedPlans(tx, func() error {
		return conn.Raw(func(dc any) error {
			pc, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("the connection is a %T, not pgx's", dc)
			}
			_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{stmt.Schema.Table}, cols, pgx.CopyFromRows(src))
			return err
		})
	})
	if err != nil {
		return true, translate(err, what)
	}
	return true, nil
}

// cachedPlans runs write, a batch's insert of new rows, with PostgreSQL's
// plan cache back at its default when tx is on a batch's pinned
// connection (beginBulk). Every inserted row fires its foreign keys'
// checks, each a statement the server prepares once per session
// (`SELECT 1 FROM ONLY parent WHERE id = $1 FOR KEY SHARE`); under the
// batch's force_custom_plan each check was planned anew, row by row, so
// that the checks took four times as long (117,809 national certificate
// models, EXPLAIN ANALYZE of their INSERT: 7.6 s of trigger time, 31.5 s
// with force_custom_plan). A check's generic plan is the parent's primary
// key, whatever the table's size; the batch's lookups, whose generic
// plans were the problem, are planned for their arguments again after.
func cachedPlans(tx *gorm.DB, write func() error) error {
	conn, _ := tx.Statement.Context.Value(bulkConnKey{}).(*sql.Conn)
	if conn == nil {
		return write()
	}
	ctx := tx.Statement.Context
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = auto"); err != nil {
		return fmt.Errorf("plan the batch's writes: %w", err)
	}
	err := write()
	if _, serr := conn.ExecContext(ctx, "SET plan_cache_mode = force_custom_plan"); serr != nil && err == nil {
		err = fmt.Errorf("plan the batch's statements: %w", serr)
	}
	return err
}
