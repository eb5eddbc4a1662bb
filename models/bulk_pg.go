package models

import (
	"database/sql/driver"
	"strings"

	"gorm.io/gorm"
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
// parameter (gorm would spread a plain slice into a list of parameters).
type pgTextArray []string

// Value is the array's literal: every element quoted, so that any text,
// empty or with commas, quotes or braces, goes through unchanged.
func (a pgTextArray) Value() (driver.Value, error) {
	var b strings.Builder
	n := 2
	for _, s := range a {
		n += len(s) + 3
	}
	b.Grow(n)
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(s); j++ {
			if c := s[j]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// isPostgres tells whether tx talks to PostgreSQL.
func isPostgres(tx *gorm.DB) bool {
	return tx.Dialector != nil && tx.Dialector.Name() == "postgres"
}

// whereIn restricts tx to the rows whose column col holds one of keys: one
// array parameter on PostgreSQL, an IN list elsewhere. The caller keeps
// keys within the bound-variable limit (chunks).
func whereIn(tx *gorm.DB, col string, keys []string) *gorm.DB {
	if isPostgres(tx) {
		return tx.Where(col+" = ANY(?::text[])", pgTextArray(keys))
	}
	return tx.Where(col+" IN ?", keys)
}

// whereTuplesPG restricts tx to the rows whose columns equal one of the
// tuples (text values), on PostgreSQL: the leading column by = ANY, which
// its index serves, and the whole tuple by a semi-join with the unnested
// arrays.
func whereTuplesPG(tx *gorm.DB, cols []string, tuples [][]any) *gorm.DB {
	arrays := make([]any, len(cols))
	unnest := make([]string, len(cols))
	for c := range cols {
		a := make(pgTextArray, len(tuples))
		for i, t := range tuples {
			a[i], _ = t[c].(string)
		}
		arrays[c] = a
		unnest[c] = "?::text[]"
	}
	where := cols[0] + " = ANY(?::text[]) AND (" + strings.Join(cols, ", ") + ") IN (SELECT * FROM unnest(" + strings.Join(unnest, ", ") + "))"
	return tx.Where(where, append([]any{arrays[0]}, arrays...)...)
}
