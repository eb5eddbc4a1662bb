// Package search is camreg's full-text search over the registry: one Index
// interface with three backends (bleve, embedded, in search/bleve;
// Meilisearch, in search/meili; and PostgreSQL's own full-text search, in
// search/postgres), one document builder shared by all, and the indexer
// that keeps an index in step with the change log.
//
// Search is derived data. The database is the source of truth: documents
// are rebuilt from rows by id, an index can be thrown away and rebuilt with
// Reindex at any time, and the API loads each hit's row from the database,
// so a result is never stale in content.
package search

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
)

// Type is the kind of record a document stands for.
type Type string

// The types of documents.
const (
	TypeModel        Type = "model"
	TypeOrganization Type = "organization"
	TypeCertificate  Type = "certificate"
	TypeWarning      Type = "warning"
)

// Types lists every document type, in the order facets show them.
var Types = []Type{TypeModel, TypeOrganization, TypeCertificate, TypeWarning}

// The compliance statuses of a camera model, derived by the document
// builder from the certificates and warnings in force when the document was
// built: a model named by an active warning is "warned" (whatever its
// certificates); otherwise a model covered by a valid, unexpired
// certificate is "certified"; otherwise it is "uncertified".
const (
	StatusCertified   = "certified"
	StatusWarned      = "warned"
	StatusUncertified = "uncertified"
)

// Statuses is every value the status filter accepts: the model compliance
// statuses above, a certificate's status (valid, suspended, revoked, or
// expired, derived from its dates) and a warning's (active, withdrawn).
// Organizations have no status.
var Statuses = []string{StatusCertified, StatusWarned, StatusUncertified,
	"valid", "suspended", "revoked", "expired", "active", "withdrawn"}

// Document is what an index stores for one record. Build documents with a
// Builder only, so every backend indexes the very same thing.
type Document struct {
	// ID is the document's id, "<type>-<entity id>": unique across types,
	// and made of the characters Meilisearch allows in a primary key.
	ID       string `json:"id"`
	Type     Type   `json:"type"`
	EntityID string `json:"entity_id"`
	// Title names the record as a person would: a model's brand and
	// number, an organization's name, a certificate's number.
	Title string `json:"title"`
	// Body is the rest of the searchable text, as written (with diacritics).
	Body string `json:"body"`
	// Folded is Title and Body through fold.Text, for engines that do not
	// fold đ and Vietnamese diacritics themselves.
	Folded string `json:"folded"`
	// Brand is a model's brand as written, and BrandKey its fold.Key.
	Brand    string `json:"brand,omitempty"`
	BrandKey string `json:"brand_key,omitempty"`
	// Province is the province code of an organization, or of a
	// certificate's holder.
	Province string `json:"province,omitempty"`
	// Status is the record's status: see Statuses.
	Status string `json:"status,omitempty"`
	// Keys are the record's exact keys: a model's model_key, a
	// certificate's number and a warning's reference compacted by fold.Key,
	// and an organization's tax code. A query equal to one ranks first.
	Keys []string `json:"keys"`
	// LooseKeys are the keys through fold.LooseKey, for O/0 and I/1
	// confusions: a near match, ranked below an exact one.
	LooseKeys []string `json:"loose_keys"`
	// KeySuffixes are the suffixes, of three characters or more, of a
	// model's key and loose key, so that a prefix query on them finds a
	// partial model number anywhere in the key: "2cd1023" in
	// "ds2cd1023g0ei".
	KeySuffixes []string `json:"key_suffixes"`
}

// DocID is the document id of a record.
func DocID(t Type, entityID string) string { return string(t) + "-" + entityID }

// Query is one search request.
type Query struct {
	// Text is what the user typed; empty matches everything (filters only).
	Text string
	// Filters; empty means any. Brand is compared by fold.Key, Province is
	// a province code.
	Type     Type
	Brand    string
	Province string
	Status   string
	// Limit is the page size, 1 to MaxLimit; Offset is where the page starts.
	Limit  int
	Offset int
	// FacetExactUpTo is how many matches the facets are counted exactly
	// up to; beyond, they are estimated (see Result.FacetsExact). 0 means
	// FacetExactMatches; tests set it low.
	FacetExactUpTo int
}

// FacetExactMatches is how many matches facets are counted exactly up to.
// Counting a facet reads every match's values: over the 165,000 records
// that hold a common word of the national registry, that cost more than
// finding and ranking them. Beyond this many, a sample of the matches is
// counted (SampleBuckets) and scaled to the total.
const FacetExactMatches = 2000

// FacetLimit is q's bound on exact facet counting.
func (q Query) FacetLimit() int {
	if q.FacetExactUpTo > 0 {
		return q.FacetExactUpTo
	}
	return FacetExactMatches
}

// SampleBuckets is how many buckets Document.Sample spreads documents
// over: an estimate counts the matches in the first n buckets, a share
// n/SampleBuckets of every kind of record, whatever the query.
const SampleBuckets = 256

// SampleOf is the sample bucket of a document id, which each backend
// indexes with the document (as "sample"): FNV-1a, so that every
// backend and every rebuild puts a document in the same bucket.
func SampleOf(id string) int {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return int(h % SampleBuckets)
}

// SampleShare is how many buckets to count so that about limit of total
// matches fall in them: at least one bucket, at most all.
func SampleShare(total, limit int) int {
	if total <= 0 {
		return SampleBuckets
	}
	n := (SampleBuckets*limit + total - 1) / total
	return max(1, min(SampleBuckets, n))
}

// ScaleFacets turns the counts over a sample into estimates for total
// matches, of which sampled fell in the sample: each count times
// total/sampled, rounded, and at least 1 (a value seen is held by some
// match). With no match in the sample the facets stay empty.
func ScaleFacets(f Facets, sampled, total int) Facets {
	scale := func(m map[string]int) map[string]int {
		out := make(map[string]int, len(m))
		for k, v := range m {
			if sampled > 0 {
				out[k] = max(1, int(float64(v)*float64(total)/float64(sampled)+0.5))
			}
		}
		return out
	}
	return Facets{Type: scale(f.Type), Brand: scale(f.Brand), Province: scale(f.Province), Status: scale(f.Status)}
}

// Paging limits of a search.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	// MaxOffset bounds how deep paging goes: relevance ranking past the
	// first thousand hits serves nobody, and Meilisearch stops there too.
	MaxOffset = 1000
)

// Hit is one result.
type Hit struct {
	Type     Type   `json:"type"`
	EntityID string `json:"id"`
	Title    string `json:"title"`
	// Highlight is a fragment of the matched text with the matched words
	// in <mark>…</mark>; it may be empty when only a key matched.
	Highlight string  `json:"highlight"`
	Score     float64 `json:"score"`
}

// Facets counts the matching documents by type, brand, province and
// status, over all matches rather than one page.
type Facets struct {
	Type     map[string]int `json:"type"`
	Brand    map[string]int `json:"brand"`
	Province map[string]int `json:"province"`
	Status   map[string]int `json:"status"`
}

// Result is one page of hits.
type Result struct {
	Hits   []Hit
	Total  int
	Facets Facets
	// FacetsExact says whether Facets are exact counts: true up to
	// q.FacetLimit() matches; beyond, the counts may be estimates from
	// the matches in a sample of SampleShare buckets, scaled by
	// ScaleFacets (a backend that counted every match anyway says true).
	FacetsExact bool
}

// Index is a search index over the registry. Implementations are safe for
// concurrent use.
type Index interface {
	// Upsert adds or replaces documents by ID.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes documents by ID; a missing one is no error.
	Delete(ctx context.Context, ids []string) error
	// Search answers a query.
	Search(ctx context.Context, q Query) (*Result, error)
	// Cursor is the seq of the last change-log event the index reflects.
	Cursor(ctx context.Context) (int64, error)
	// SetCursor records that the index reflects every event up to seq.
	SetCursor(ctx context.Context, seq int64) error
	// Rebuild builds a fresh index from fill, which calls put with batches
	// of documents, records seq as its cursor, and then swaps it in for the
	// live one: searches go on answering from the old index meanwhile.
	Rebuild(ctx context.Context, seq int64, fill func(put func([]Document) error) error) error
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
	// Close releases the index.
	Close() error
}

// ErrUnavailable marks a failure to reach the search engine.
var ErrUnavailable = errors.New("search engine unavailable")

// EncodeCursor turns a result offset into an opaque paging cursor.
func EncodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// DecodeCursor reads a cursor made by EncodeCursor; "" is offset 0.
func DecodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || string(b[:2]) != "o:" {
		return 0, fmt.Errorf("is not a cursor returned by this endpoint")
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 || n > MaxOffset {
		return 0, fmt.Errorf("is not a cursor returned by this endpoint")
	}
	return n, nil
}
