package models

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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

// insertStringsJSON inserts rows (pointers to structs of one gorm model
// whose columns are all strings, such as a certificate's covered models)
// on SQLite with `INSERT … SELECT … FROM json_each(?)`: one parameter and
// one statement per 20,000 rows, where multi-row INSERTs bound 500
// variables a statement, each found by the driver's linear scan, and
// parsed a new statement each time. It reports false, having done
// nothing, when tx is not SQLite or a column is not a string.
func insertStringsJSON[T any](tx *gorm.DB, rows []*T, what string) (bool, error) {
	if len(rows) == 0 || isPostgres(tx) {
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
		if f.FieldType.Kind() != reflect.String {
			return false, nil
		}
		fields, cols = append(fields, f), append(cols, f.DBName)
		sel = append(sel, "value->>"+strconv.Itoa(len(sel)))
	}
	ctx := tx.Statement.Context
	q := "INSERT INTO " + stmt.Schema.Table + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(sel, ", ") + " FROM json_each(?)"
	for _, chunk := range chunks(rows, sqliteLookupKeys) {
		vals := make([][]string, len(chunk))
		for i, r := range chunk {
			v := reflect.ValueOf(r).Elem()
			row := make([]string, len(fields))
			for j, f := range fields {
				row[j] = f.ReflectValueOf(ctx, v).String()
			}
			vals[i] = row
		}
		b, err := json.Marshal(vals)
		if err != nil {
			return true, fmt.Errorf("insert %s rows: %w", what, err)
		}
		if err := tx.Session(&gorm.Session{}).Exec(q, string(b)).Error; err != nil {
			return true, translate(err, what)
		}
	}
	return true, nil
}
