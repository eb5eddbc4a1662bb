package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"camreg/civil"
)

// DateLayout is the one wire and storage form of a calendar date.
const DateLayout = civil.DateLayout

// Zone is the time zone in which "today" is decided: Vietnam's.
var Zone = civil.Zone

// Date is a calendar date with no time of day (see civil.Date).
type Date = civil.Date

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return civil.NewDate(y, m, d) }

// DateOf returns the calendar date of t in Vietnam's time zone.
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// ParseDate parses YYYY-MM-DD strictly.
func ParseDate(s string) (Date, error) { return civil.ParseDate(s) }

// StringList is a list of strings stored as a JSON array in a text column.
type StringList []string

// Value encodes the list as JSON; a nil list is stored as [].
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

// MarshalJSON writes a nil list as [], as it is stored, so that a list read
// back from the database and an empty one given as input compare equal in
// the change log's diff.
func (l StringList) MarshalJSON() ([]byte, error) {
	if l == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(l))
}

// Scan decodes the JSON array.
func (l *StringList) Scan(src any) error {
	return scanJSON(src, (*[]string)(l), "StringList")
}

// scanJSON decodes a JSON text column into dst; NULL leaves dst's zero value.
func scanJSON(src, dst any, what string) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return json.Unmarshal([]byte("null"), dst)
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("cannot scan %T into %s", src, what)
	}
	return json.Unmarshal(b, dst)
}
