package models

import (
	"encoding/json"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The batch services' lookups on SQLite. A lookup of thousands of keys as
// `col IN (?, ?, …)` cost the former driver (glebarez/go-sqlite) a linear
// scan of all the arguments for each one it bound (the square of the
// list's length), and
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
