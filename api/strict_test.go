package api

import (
	"net/url"
	"strings"
	"testing"
)

// TestPlainQueryOnlyWhatParseQueryTakes: a query string plainQuery lets
// through unparsed is one url.ParseQuery takes without an error, over
// queries of every shape a verify or a list is asked with, and broken ones.
func TestPlainQueryOnlyWhatParseQueryTakes(t *testing.T) {
	cases := []string{
		"model=DS-2CD1023G0E-I&brand=Hikvision", "model=DS%2F2CD&brand=Hik+vision", "model=%E1%BB%9D",
		"a=1;b=2", "a=%", "a=%4", "a=%4G", "a=%G4", "%zz=1", "a=1&&b=2", "=&=", "a", "a=b=c", "a=%41%",
		"status=revoked%ZZ", "status=revoked;", strings.Repeat("a=1&", 16) + "b=2", strings.Repeat("a=1&", 15) + "b=2",
		strings.Repeat("x=1&", 10001),
	}
	// And every string of up to three of the bytes that matter.
	alphabet := []string{"a", "=", "&", ";", "%", "4", "f", "G", "+"}
	var walk func(s string, n int)
	walk = func(s string, n int) {
		cases = append(cases, s)
		if n > 0 {
			for _, c := range alphabet {
				walk(s+c, n-1)
			}
		}
	}
	walk("", 4)
	plain := 0
	for _, q := range cases {
		_, err := url.ParseQuery(q)
		if plainQuery(q) {
			plain++
			if err != nil {
				t.Errorf("plainQuery(%q) but ParseQuery: %v", q, err)
			}
		}
	}
	if plain == 0 || plain == len(cases) {
		t.Errorf("plainQuery took %d of %d", plain, len(cases))
	}
	if !plainQuery("model=DS-2CD1023G0E-I&brand=Hikvision") {
		t.Error("a verify's query was parsed")
	}
}

// TestNewRequestIDs: ids are 32 of echo's letters, valid as a client's
// would be, all different, every letter drawn.
func TestNewRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	letters := map[rune]bool{}
	for range 10000 {
		id := newRequestID()
		if len(id) != 32 || !validRequestID(id) || strings.Trim(id, requestIDLetters) != "" {
			t.Fatalf("id %q", id)
		}
		if seen[id] {
			t.Fatalf("id %q twice", id)
		}
		seen[id] = true
		for _, r := range id {
			letters[r] = true
		}
	}
	if len(letters) != len(requestIDLetters) {
		t.Errorf("%d letters drawn of %d", len(letters), len(requestIDLetters))
	}
}
