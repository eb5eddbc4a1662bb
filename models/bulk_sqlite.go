package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// The batch services' lookups on SQLite. A lookup of thousands of keys as
// `col IN (?, ?, …)` costs glebarez/go-sqlite a linear scan of all the
// arguments for each one it binds (the square of the list's length), and
// SQLite a parse of a new statement text for every length; so lists were
// cut at 500 variables, a dozen statements per batch. The keys now go as
// one JSON array, unnested by json_each in the statement: one parameter,
// one statement text, and the same index seeks (EXPLAIN QUERY PLAN: SEARCH
// USING INDEX, LIST SUBQUERY over json_each).

// sqliteLookupKeys is how many keys a SQLite lookup sends in one JSON
// array.
const sqliteLookupKeys = 20_000

// lookupChunk is how many keys one lookup statement (whereIn,
// findByTuples) takes.
func (s *Store) lookupChunk() int {
	if s.dialect == SQLite {
		return sqliteLookupKeys
	}
	return s.bindVars()
}

// jsonArray is keys as a JSON array of strings.
func jsonArray(keys []string) string {
	b, _ := json.Marshal(keys) // strings always encode
	return string(b)
}

// whereTuplesJSON restricts tx to the rows whose columns equal one of the
// tuples (all strings), on SQLite: the tuples go as one JSON array of
// arrays, compared as a row value, which the key's index serves.
func whereTuplesJSON(tx *gorm.DB, cols []string, tuples [][]any) *gorm.DB {
	sel := make([]string, len(cols))
	for i := range cols {
		sel[i] = "value->>" + strconv.Itoa(i)
	}
	b, _ := json.Marshal(tuples)
	return tx.Where("("+strings.Join(cols, ", ")+") IN (SELECT "+strings.Join(sel, ", ")+" FROM json_each(?))", string(b))
}

// allStrings reports whether every value of the tuples is a string, as
// whereTuplesJSON needs.
func allStrings(tuples [][]any) bool {
	for _, t := range tuples {
		for _, v := range t {
			if _, ok := v.(string); !ok {
				return false
			}
		}
	}
	return true
}

// insertJSON inserts rows (pointers to structs of one gorm model without
// hooks, such as certificates and their covered models) on SQLite with
// `INSERT … SELECT … FROM json_each(?)`: one parameter and one statement per
// 20,000 rows, where multi-row INSERTs bound 500 variables a statement,
// each found by the driver's linear scan, and parsed a new statement each
// time (national certificates: binding and parsing 11 % of the CPU). Each
// value is stored as the driver would store it bound: text, an integer, a
// real or NULL, and a time as the driver formats it (sqliteTimeFormat). It
// reports false, having done nothing, when tx is not SQLite, or a value
// has another type (a blob), or the model has hooks.
func insertJSON[T any](tx *gorm.DB, rows []*T, what string) (bool, error) {
	if len(rows) == 0 || isPostgres(tx) {
		return false, nil
	}
	if _, hook := any(rows[0]).(interface{ AfterCreate(*gorm.DB) error }); hook {
		return false, nil
	}
	if _, hook := any(rows[0]).(interface{ BeforeCreate(*gorm.DB) error }); hook {
		return false, nil
	}
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(rows[0]); err != nil {
		return false, fmt.Errorf("insert %s rows: %w", what, err)
	}
	var fields []*schema.Field
	var cols, sel []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName == "" || !f.Creatable {
			continue
		}
		fields, cols = append(fields, f), append(cols, strconv.Quote(f.DBName))
		sel = append(sel, "value->>"+strconv.Itoa(len(sel)))
	}
	table := stmt.Schema.Table
	if tx.Statement.Table != "" {
		table = tx.Statement.Table
	}
	ctx := tx.Statement.Context
	all := make([][]any, len(rows))
	for i, r := range rows {
		v := reflect.ValueOf(r).Elem()
		row := make([]any, len(fields))
		for j, f := range fields {
			val, _ := f.ValueOf(ctx, v)
			jv, ok := jsonValue(val)
			if !ok {
				return false, nil
			}
			row[j] = jv
		}
		all[i] = row
	}
	q := "INSERT INTO " + strconv.Quote(table) + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(sel, ", ") + " FROM json_each(?)"
	for _, chunk := range chunks(all, sqliteLookupKeys) {
		b, err := json.Marshal(chunk)
		if err != nil {
			return true, fmt.Errorf("insert %s rows: %w", what, err)
		}
		if err := tx.Session(&gorm.Session{}).Exec(q, string(b)).Error; err != nil {
			return true, translate(err, what)
		}
	}
	return true, nil
}

// sqliteTimeFormat is how glebarez/go-sqlite writes a bound time.Time (its
// parseTimeFormats[0]).
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// jsonValue is v as a JSON value that json_each's ->> turns into what the
// driver stores for v bound: false when there is none (a blob, a float
// JSON cannot hold).
func jsonValue(v any) (any, bool) {
	if vr, ok := v.(driver.Valuer); ok {
		var err error
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, true
		}
		if v, err = vr.Value(); err != nil {
			return nil, false
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, true
		}
		return jsonValue(rv.Elem().Interface())
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case time.Time:
		return x.Format(sqliteTimeFormat), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case float32, float64:
		f := rv.Float()
		return v, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return rv.Uint(), true
	}
	return nil, false
}
