// Package postgres is camreg's search backend inside PostgreSQL itself,
// for a deployment that runs PostgreSQL and wants no other engine: the
// documents live in the registry's database (table search_documents,
// migration 00007), with a tsvector of their words and trigram indexes.
//
// Words are matched by the tsvector, whose text search configuration
// (public.camreg_search) removes diacritics and đ with unaccent; typos by
// pg_trgm, through a vocabulary of the titles' words (search_words);
// model numbers by arrays of exact and loose keys and a trigram index for
// partial numbers. A query is tried in the same plans as bleve's,
// strictest first: see query.go.
//
// The indexer's cursor is kept in the search_cursors table, beside the
// documents. Rebuild replaces every document in one transaction, so
// searches go on answering from the old documents until it commits.
package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"camreg/search"
)

// Config configures an Index.
type Config struct {
	// DB is the registry's PostgreSQL database, migrated to 00007 or later.
	DB *sql.DB
	// Cursor keeps the indexer's position in the change log; main uses
	// search.DBCursor{DB, Name: search.CursorName("postgres")}.
	Cursor search.DBCursor
}

// Index is a search.Index in PostgreSQL.
type Index struct {
	db     *sql.DB
	cursor search.DBCursor

	sharesMu sync.Mutex
	shares   map[string]float64 // see wordShares
	sharesAt time.Time
}

// New returns the index over cfg.DB. It fails when the database has no
// search_documents table: it is not PostgreSQL, or not migrated.
func New(ctx context.Context, cfg Config) (*Index, error) {
	if cfg.DB == nil {
		return nil, errors.New("postgres search: no database")
	}
	if cfg.Cursor.DB == nil {
		cfg.Cursor.DB = cfg.DB
	}
	ix := &Index{db: cfg.DB, cursor: cfg.Cursor}
	if err := ix.Ping(ctx); err != nil {
		return nil, err
	}
	return ix, nil
}

// row is a document as the insert statement reads it, from JSON.
type row struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	EntityID   string   `json:"entity_id"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	TitleWords string   `json:"title_words"`
	BodyWords  string   `json:"body_words"`
	Brand      string   `json:"brand"`
	BrandKey   string   `json:"brand_key"`
	Province   string   `json:"province"`
	Status     string   `json:"status"`
	Keys       []string `json:"keys"`
	LooseKeys  []string `json:"loose_keys"`
	ModelKeys  string   `json:"model_keys"`
}

func toRow(d search.Document) row {
	return row{ID: d.ID, Type: string(d.Type), EntityID: d.EntityID, Title: d.Title, Body: d.Body,
		TitleWords: spaced(d.Title), BodyWords: spaced(d.Body), Brand: d.Brand, BrandKey: d.BrandKey,
		Province: d.Province, Status: d.Status, Keys: nonNil(d.Keys), LooseKeys: nonNil(d.LooseKeys),
		ModelKeys: strings.Join(longest(d.KeySuffixes), " ")}
}

// spaced is text with every character that is not part of a word (a
// letter, its combining marks, or a digit) turned into a space. The
// PostgreSQL parser would keep "2024/BTTTT" as a path and "-0417" as a
// signed number, while a query's words are split on punctuation, as
// bleve's tokenizer splits.
func spaced(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return r
		}
		return ' '
	}, text)
}

// longest are the suffixes that are no suffix of another: the whole keys
// they were cut from. A partial model number is then a substring of one.
func longest(suffixes []string) []string {
	var out []string
	for _, s := range suffixes {
		whole := true
		for _, t := range suffixes {
			if len(t) > len(s) && strings.HasSuffix(t, s) {
				whole = false
				break
			}
		}
		if whole {
			out = append(out, s)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertSQL writes documents given as a JSON array of rows; %s is the
// conflict clause.
const insertSQL = `INSERT INTO search_documents (id, type, entity_id, title, body, title_words, body_words,
		brand, brand_key, province, status, keys, loose_keys, model_keys)
	SELECT id, type, entity_id, title, body, title_words, body_words,
		brand, brand_key, province, status, keys, loose_keys, model_keys
	FROM jsonb_to_recordset($1::jsonb) AS r(id text, type text, entity_id text, title text, body text,
		title_words text, body_words text, brand text, brand_key text, province text, status text,
		keys text[], loose_keys text[], model_keys text)
	ORDER BY id
	%s`

// vocabularySQL adds the title words of the documents named by a JSON
// array of ids to search_words: the words of four letters or more without
// digits, which a typed word of five or more may be a typo of (see
// fuzziness in query.go).
const vocabularySQL = `INSERT INTO search_words (word)
	SELECT DISTINCT w.lexeme FROM search_documents d, unnest(d.words) AS w
	WHERE d.id IN (SELECT jsonb_array_elements_text($1::jsonb))
		AND 'A' = ANY(w.weights) AND length(w.lexeme) >= 4 AND w.lexeme !~ '[0-9]'
	ORDER BY w.lexeme
	ON CONFLICT (word) DO NOTHING`

// put writes docs and their title words; onConflict says what a document
// already there becomes.
func put(ctx context.Context, db execer, docs []search.Document, onConflict string) error {
	// One statement may not update a row twice: of documents with the
	// same id, the last wins, as it would in a sequence of upserts.
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		last[d.ID] = i
	}
	var rows []row
	var ids []string
	for i, d := range docs {
		if last[d.ID] == i {
			rows, ids = append(rows, toRow(d)), append(ids, d.ID)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	js, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("encode search documents: %w", err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(insertSQL, onConflict), string(js)); err != nil {
		return fmt.Errorf("write search documents: %w", err)
	}
	idJSON, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, vocabularySQL, string(idJSON)); err != nil {
		return fmt.Errorf("write search vocabulary: %w", err)
	}
	return nil
}

// replace makes an upserted document replace the one with its id.
const replace = `ON CONFLICT (id) DO UPDATE SET type = excluded.type, entity_id = excluded.entity_id,
	title = excluded.title, body = excluded.body, title_words = excluded.title_words,
	body_words = excluded.body_words, brand = excluded.brand, brand_key = excluded.brand_key,
	province = excluded.province, status = excluded.status, keys = excluded.keys,
	loose_keys = excluded.loose_keys, model_keys = excluded.model_keys`

// Upsert adds or replaces documents, in one transaction.
func (ix *Index) Upsert(ctx context.Context, docs []search.Document) error {
	return ix.inTx(ctx, func(tx *sql.Tx) error { return put(ctx, tx, docs, replace) })
}

// Delete removes documents. Their words stay in the vocabulary: a typo
// corrected to a word no document holds finds nothing, and Rebuild clears
// them.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	js, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	_, err = ix.db.ExecContext(ctx, `DELETE FROM search_documents WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`, string(js))
	if err != nil {
		return fmt.Errorf("delete search documents: %w", err)
	}
	return nil
}

// RebuildLease is the cursor in search_cursors: every process on the
// database shares the index, and only one rebuilds it at a time
// (search/lease.go).
func (ix *Index) RebuildLease() (search.DBCursor, bool) { return ix.cursor, true }

// Cursor reads the cursor from search_cursors.
func (ix *Index) Cursor(ctx context.Context) (int64, error) { return ix.cursor.Get(ctx) }

// SetCursor stores the cursor in search_cursors.
func (ix *Index) SetCursor(ctx context.Context, seq int64) error { return ix.cursor.Set(ctx, seq) }

// Rebuild deletes every document and writes fill's in one transaction:
// until it commits, searches see the old documents. A document that the
// indexer writes meanwhile is kept rather than overwritten (it was built
// later), and the cursor, set to seq after the commit, makes the indexer
// apply again every event since the rows were read.
func (ix *Index) Rebuild(ctx context.Context, seq int64, fill func(put func([]search.Document) error) error) error {
	err := ix.inTx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"search_documents", "search_words"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
		}
		return fill(func(docs []search.Document) error {
			return put(ctx, tx, docs, "ON CONFLICT (id) DO NOTHING")
		})
	})
	if err != nil {
		return err
	}
	// The cursor moves as soon as the new documents are searchable, so
	// that the answers remembered from the old ones (search/answers.go)
	// are forgotten now rather than after the VACUUM.
	if err := ix.SetCursor(ctx, seq); err != nil {
		return err
	}
	// VACUUM merges the GIN indexes' pending lists, which every search
	// would otherwise read through, and frees the old documents' rows;
	// ANALYZE gives the planner the new statistics.
	if _, err := ix.db.ExecContext(ctx, "VACUUM (ANALYZE) search_documents, search_words"); err != nil {
		return fmt.Errorf("vacuum search documents: %w", err)
	}
	return nil
}

func (ix *Index) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres search: %w: %w", search.ErrUnavailable, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Ping checks that the database answers and holds the search tables.
func (ix *Index) Ping(ctx context.Context) error {
	var n int
	if err := ix.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM search_documents LIMIT 1) d").Scan(&n); err != nil {
		return fmt.Errorf("postgres search: %w: %w", search.ErrUnavailable, err)
	}
	return nil
}

// Close does nothing: the database belongs to the registry.
func (ix *Index) Close() error { return nil }

var _ search.Index = (*Index)(nil)
