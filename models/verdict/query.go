package verdict

import (
	"camreg/civil"
	"camreg/fold"
)

// The longest field of a query, in characters.
const (
	MaxModelLen    = 200
	MaxBrandLen    = 100
	MaxFirmwareLen = 100
)

// Parsed is a query whose fields have been checked (trimmed, within bounds),
// with the date it is judged on and the keys it is matched by.
type Parsed struct {
	Query
	// Day is the date the rules apply on: the query's At, or today.
	Day civil.Date
	// Key is the model number folded (fold.Key), Loose its looser form
	// (fold.LooseKey), BrandKey the brand folded.
	Key      string
	Loose    string
	BrandKey string
}

// Parse derives a query's keys and sets its date to day (the query's own At,
// already read, or today): the fields are taken as they are, checked and
// trimmed by the caller.
func Parse(q Query, day civil.Date) Parsed {
	p := Parsed{Query: q, Day: day, Key: fold.Key(q.Model), Loose: fold.LooseKey(q.Model), BrandKey: fold.Key(q.Brand)}
	p.At = day.String()
	return p
}

// Keyless reports a model number with no letter or digit, which no model can
// match ("---", "??").
func (p Parsed) Keyless() bool { return p.Model != "" && p.Key == "" }

// ForModel is the query that names a known model exactly (a trader's listing,
// a permalink), on day.
func ForModel(m Model, day civil.Date) Parsed {
	return Parsed{Query: Query{Model: m.ModelNumber, Brand: m.Brand, At: day.String()},
		Day: day, Key: m.ModelKey, Loose: m.LooseKey, BrandKey: m.BrandKey}
}
