package models

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// A batch's new rows on SQLite. As multi-row INSERTs, each of at most 500
// bound variables, a batch of 2,000 listings was 60 statements, each
// parsed afresh (the driver prepares every statement it runs), and
// each bound by the former driver (glebarez/go-sqlite), which found every
// argument by a linear scan of all of them. Profile of 200,000 national listings (check and write passes):
// the listings' INSERTs 5.6 s of 26.2 s, of which the binding 1.3 s and the
// parsing 0.7 s; the events' INSERTs 3.1 s more. The rows now go as one
// JSON array of arrays, one parameter, unnested by jsonb_each in one
// INSERT … SELECT: one statement a table a batch, whatever its size.
// jsonb_each, not json_each: it hands each row's array on in SQLite's
// binary JSON, which ->> reads directly, where json_each's text was parsed
// again for every column (on 200,000 listings it cost more than the
// INSERTs it replaced; 31 statements of 2,000 listings, user CPU with the
// set-up: multi-row INSERTs 1.4 s, json_each 1.2 s, jsonb_each 0.8 s).

// sqliteTimeFormat is how mattn/go-sqlite3 writes a time.Time bound as a
// parameter (sqlite3.SQLiteTimestampFormats[0], as glebarez/go-sqlite did
// before it): a row inserted here must read back as one the driver wrote
// (TestInsertJSONAsBound).
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// insertJSON inserts rows (a slice of structs, or of pointers to structs,
// of one gorm model without hooks: listings, certificates, C/Os, warnings,
// change-log events, the models a certificate, C/O or warning names) on
// SQLite with one INSERT … SELECT over jsonb_each, in tx (into tx's table
// when it names one). It reports false, having done nothing, on another database, for a model with hooks, or
// for a value it cannot write in JSON; the caller then inserts as before.
func insertJSON(tx *gorm.DB, rows any, what string) (bool, error) {
	rv := reflect.ValueOf(rows)
	if rv.Len() > 0 {
		switch any(rv.Index(0).Interface()).(type) {
		case afterCreate, interface{ BeforeCreate(*gorm.DB) error }:
			return false, nil
		}
	}
	return insertJSONNoHooks(tx, rows, what)
}

// insertJSONNoHooks is insertJSON without the check for hooks: the caller
// calls them (insertRows).
func insertJSONNoHooks(tx *gorm.DB, rows any, what string) (bool, error) {
	if tx.Dialector == nil || tx.Dialector.Name() != "sqlite" {
		return false, nil
	}
	rv := reflect.ValueOf(rows)
	if rv.Len() == 0 {
		return true, nil
	}
	ctx := tx.Statement.Context
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(rv.Index(0).Interface()); err != nil {
		return false, fmt.Errorf("insert %s rows: %w", what, err)
	}
	var fields []*schema.Field
	var cols, exprs []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName == "" || !f.Creatable {
			continue
		}
		t := f.FieldType
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		expr := "value->>" + strconv.Itoa(len(fields))
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			expr = "unhex(" + expr + ")"
		}
		fields = append(fields, f)
		cols = append(cols, tx.Statement.Quote(f.DBName))
		exprs = append(exprs, expr)
	}
	buf := jsonBufs.Get().(*[]byte)
	defer putJSONBuf(buf)
	b := append((*buf)[:0], '[')
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		v := reflect.Indirect(rv.Index(i))
		b = append(b, '[')
		for j, f := range fields {
			if j > 0 {
				b = append(b, ',')
			}
			fv, _ := f.ValueOf(ctx, v)
			var err error
			if b, err = appendJSONValue(b, fv); err != nil {
				// A value of a kind JSON does not carry here: insert as before.
				return false, nil
			}
		}
		b = append(b, ']')
	}
	b = append(b, ']')
	*buf = b
	table := stmt.Schema.Table
	if tx.Statement.Table != "" {
		table = tx.Statement.Table
	}
	q := "INSERT INTO " + tx.Statement.Quote(table) + " (" + strings.Join(cols, ",") + ") SELECT " +
		strings.Join(exprs, ",") + " FROM jsonb_each(?)"
	// The text is b's bytes, not a copy: the driver copies a bound
	// argument into its own C memory before the statement runs, and
	// nothing keeps it after Exec returns, when b goes back to the pool.
	if err := tx.Session(&gorm.Session{}).Exec(q, unsafe.String(unsafe.SliceData(b), len(b))).Error; err != nil {
		return true, translate(err, what)
	}
	return true, nil
}

// jsonBufs holds insertJSON's buffers between statements. A batch's JSON
// array is megabytes (2,000 national certificates' events: 2.6 MB), and
// was a new slice grown by doubling, then copied into a string, for each
// statement: fresh memory the kernel zeroed page by page (21 % of a
// warnings import's page faults, BENCHMARKS.md).
var jsonBufs = sync.Pool{New: func() any { return new([]byte) }}

// putJSONBuf returns buf to the pool unless it grew past 64 MiB.
func putJSONBuf(buf *[]byte) {
	if cap(*buf) <= 64<<20 {
		*buf = (*buf)[:0]
		jsonBufs.Put(buf)
	}
}

// appendJSONValue appends v as the driver would bind it, in JSON: NULL as
// null, a number as a number, text as a string, a time as the driver's
// text, bytes in hex (the statement unhexes them; nil as NULL, as the
// driver binds it).
func appendJSONValue(b []byte, v any) ([]byte, error) {
	// The rows' common types first, as the converter would hand them on
	// (it finds each by reflection: 0.15 s of a national organizations
	// import).
	switch x := v.(type) {
	case string:
		return appendJSONText(b, x), nil
	case *string:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendJSONText(b, *x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case time.Time:
		return appendJSONText(b, x.Format(sqliteTimeFormat)), nil
	}
	dv, err := driver.DefaultParameterConverter.ConvertValue(v)
	if err != nil {
		return b, err
	}
	switch x := dv.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("%v has no JSON form", x)
		}
		// The shortest form that reads back as the same double.
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case bool:
		if x {
			return append(b, '1'), nil
		}
		return append(b, '0'), nil
	case string:
		return appendJSONText(b, x), nil
	case time.Time:
		return appendJSONText(b, x.Format(sqliteTimeFormat)), nil
	case []byte:
		if x == nil {
			// The driver binds a nil []byte as NULL, an empty one as X''.
			return append(b, "null"...), nil
		}
		b = append(b, '"')
		b = hex.AppendEncode(b, x)
		return append(b, '"'), nil
	}
	return b, fmt.Errorf("a %T cannot go in JSON", dv)
}

// appendJSONText appends s as a JSON string that SQLite's ->> reads back
// byte for byte. encoding/json would replace invalid UTF-8, which a bound
// parameter keeps; such text goes through json.Marshal only when valid.
func appendJSONText(b []byte, s string) []byte {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			simple = false
			break
		}
	}
	if simple {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return appendJSONEscaped(b, s)
}

// appendJSONEscaped escapes only what JSON requires (quotes, backslashes,
// control characters) and passes every other byte through as it is, so
// that text which is not valid UTF-8 is stored exactly as bound.
func appendJSONEscaped(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
