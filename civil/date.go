// Package civil holds the calendar date camreg reasons in: a day with no
// time of day, decided in Vietnam's time zone. It is a leaf: it imports
// nothing of camreg's, so the verdict engine and the models can share it.
package civil

import (
	"cmp"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DateLayout is the one wire and storage form of a calendar date.
const DateLayout = "2006-01-02"

// Zone is the time zone in which "today" is decided: Vietnam's.
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The binary embeds time/tzdata, so this cannot happen in practice.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Date is a calendar date with no time of day, stored and sent as
// YYYY-MM-DD. The zero Date means "no date" and is stored as NULL.
//
// It is 8 bytes: verify's answers carry a dozen dates in each reason's
// evidence, and as three words and a flag (32 bytes) a reason was 656
// bytes, most of a cold verify's allocation (BENCHMARKS.md, "Verify cold:
// the snapshot without pointers").
type Date struct {
	y  int32
	m  uint8
	d  uint8
	ok bool
}

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{y: int32(t.Year()), m: uint8(t.Month()), d: uint8(t.Day()), ok: true}
}

// DateOf returns the calendar date of t in Vietnam's time zone.
func DateOf(t time.Time) Date {
	t = t.In(Zone)
	return NewDate(t.Year(), t.Month(), t.Day())
}

// ParseDate parses YYYY-MM-DD strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return NewDate(t.Year(), t.Month(), t.Day()), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return !d.ok }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.y < 0 || d.y > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
	}
	// By hand: verify formats and compares dates many times per answer,
	// and fmt.Sprintf was 5% of a warm verify's CPU under wrk.
	b := [10]byte{byte('0' + d.y/1000), byte('0' + d.y/100%10), byte('0' + d.y/10%10), byte('0' + d.y%10), '-',
		byte('0' + d.m/10), byte('0' + d.m%10), '-', byte('0' + d.d/10), byte('0' + d.d%10)}
	return string(b[:])
}

// compare orders dates as their strings do (the zero Date first), without
// formatting them.
func (d Date) compare(e Date) int {
	switch {
	case !d.ok || !e.ok || d.y < 0 || d.y > 9999 || e.y < 0 || e.y > 9999:
		return strings.Compare(d.String(), e.String())
	case d.y != e.y:
		return cmp.Compare(d.y, e.y)
	case d.m != e.m:
		return cmp.Compare(int(d.m), int(e.m))
	}
	return cmp.Compare(d.d, e.d)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.compare(e) > 0 }

// Ptr returns nil for the zero Date, and a pointer to its string otherwise.
func (d Date) Ptr() *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// MarshalJSON sends the date as "YYYY-MM-DD", and the zero Date as null.
// Without it the unexported fields would encode as {}, in API bodies and in
// the change log alike.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD"; null and "" are the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string of the form YYYY-MM-DD: %w", err)
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as YYYY-MM-DD text, which both SQLite and
// PostgreSQL's DATE accept.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from a DATE column, whichever form the driver hands over.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	}
	return fmt.Errorf("cannot scan %T into Date", src)
}

func (d *Date) scanString(s string) error {
	if len(s) > len(DateLayout) {
		s = s[:len(DateLayout)]
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Year returns the date's year (0 for the zero Date).
func (d Date) Year() int { return int(d.y) }

// Month returns the date's month (0 for the zero Date).
func (d Date) Month() time.Month { return time.Month(d.m) }

// Day returns the date's day of the month (0 for the zero Date).
func (d Date) Day() int { return int(d.d) }

// AddDays returns the date n days after d (before it, for a negative n).
func (d Date) AddDays(n int) Date { return NewDate(int(d.y), time.Month(d.m), int(d.d)+n) }
