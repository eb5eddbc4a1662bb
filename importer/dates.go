package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// excelEpoch is day 0 of Excel's 1900 date system as it counts in
// practice: serial 1 is 1900-01-01, and Excel's phantom 1900-02-29 (serial
// 60) makes every later serial line up with 1899-12-30.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialPattern is an Excel serial date: days, and perhaps a time as a fraction.
var serialPattern = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)

// ParseDate reads a date as people write it in Vietnamese spreadsheets and
// returns it as YYYY-MM-DD. It accepts:
//   - YYYY-MM-DD (and YYYY/MM/DD),
//   - day first: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy,
//   - an Excel serial date (a whole number of days, such as 45717, or a
//     fraction whose time of day is dropped), as XLSX files store dates,
//   - an RFC 3339 timestamp, whose date part is taken.
//
// Day-first is Vietnam's convention, so 03/04/2025 is 3 April. The empty
// string is no date and yields "".
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if d, ok := plainISODate(s); ok {
		return d, nil
	}
	return parseDate(s)
}

// parseDate is ParseDate for s trimmed, not empty, and not a plain
// YYYY-MM-DD date.
func parseDate(s string) (string, error) {
	if len(s) > 40 {
		return "", fmt.Errorf("%q is not a date", s[:40]+"…")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format("2006-01-02"), nil
	}
	if serialPattern.MatchString(s) {
		serial, _ := strconv.ParseFloat(s, 64)
		// 2958465 is 9999-12-31, Excel's last day.
		if serial < 1 || serial > 2958465 {
			return "", fmt.Errorf("%q is not a date: as an Excel serial date it is out of range", s)
		}
		return excelEpoch.AddDate(0, 0, int(serial)).Format("2006-01-02"), nil
	}
	sep := ""
	for _, c := range []string{"-", "/", "."} {
		if strings.Count(s, c) == 2 {
			sep = c
			break
		}
	}
	if sep == "" {
		return "", fmt.Errorf("%q is not a date: write YYYY-MM-DD or dd/mm/yyyy", s)
	}
	parts := strings.Split(s, sep)
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return "", fmt.Errorf("%q is not a date: write YYYY-MM-DD or dd/mm/yyyy", s)
		}
		nums[i] = n
	}
	var y, m, d int
	switch {
	case len(strings.TrimSpace(parts[0])) == 4:
		y, m, d = nums[0], nums[1], nums[2]
	case len(strings.TrimSpace(parts[2])) == 4:
		d, m, y = nums[0], nums[1], nums[2]
	default:
		return "", fmt.Errorf("%q is not a date: the year must have four digits", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", fmt.Errorf("%q is not a date: there is no such day", s)
	}
	return t.Format("2006-01-02"), nil
}

// plainISODate is s when it is already a valid YYYY-MM-DD date, as nearly every
// date of a generated or exported file is: the common case, read without
// the parses below (two dates a listing, 0.8 s of CPU in 200,000 national
// listings' import). ok is false for anything else, which ParseDate then
// reads as before.
func plainISODate(s string) (string, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return "", false
	}
	n := 0
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return "", false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, n/100%100, n%100
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return "", false
	}
	return s, true
}

// daysIn is the number of days of month m of year y (proleptic Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
