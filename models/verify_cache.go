package models

import (
	"slices"
	"sync"

	"camreg/models/verdict"
)

// cached returns the models cached under key, if the cache is in use and
// holds them.
func (r reader) cached(key string) ([]Model, bool) {
	if r.cache == nil {
		return nil, false
	}
	ms, ok := r.cache.getMatch(r.head, key)
	return slices.Clone(ms), ok
}

// remember caches the models found under key.
func (r reader) remember(key string, ms []Model) {
	if r.cache != nil {
		r.cache.putMatch(r.head, key, ms)
	}
}

// maxCached bounds the entries the cache keeps (a model's match and its
// documents are two), about 1.3 kB each; past it, it starts afresh, so
// memory stays under about 80 MB whatever the traffic.
const maxCached = 60_000

// verifyCache keeps what verify reads (the standards, the models by loose
// key, and each model's certificates, warnings and C/Os) for as long as the
// change log's head (of verifyEntities) stays where it was when they were
// read. Every write appends to the change log in its own transaction, so an
// unmoved head means unchanged rows; the first verify after a write of a
// model, certificate, C/O, warning or standard starts afresh.
// On SQLite this takes a verify from five or six queries to one: the
// driver parses every statement anew, and parsing was a third of the CPU
// time of a verify.
type verifyCache struct {
	mu        sync.Mutex
	head      int64
	standards []verdict.Standard
	matches   map[string][]Model
	rows      map[string]*modelRows
}

// modelRows are one model's documents, as loadVerifyData reads them.
type modelRows struct {
	certs    []CertificateOnDate
	warnings []verdict.WarningRow
	origins  []OriginOnDate
}

func newVerifyCache() *verifyCache {
	return &verifyCache{head: -1, matches: map[string][]Model{}, rows: map[string]*modelRows{}}
}

// sync starts afresh when the head moved (either way: a test that tampers
// with the log may shorten it).
func (c *verifyCache) sync(head int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head != head || len(c.matches)+len(c.rows) > maxCached {
		c.head, c.standards, c.matches, c.rows = head, nil, map[string][]Model{}, map[string]*modelRows{}
	}
}

func (c *verifyCache) getStandards(head int64) ([]verdict.Standard, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.standards, c.head == head && c.standards != nil
}

func (c *verifyCache) putStandards(head int64, sts []verdict.Standard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.standards = append([]verdict.Standard{}, sts...)
	}
}

func (c *verifyCache) getMatch(head int64, key string) ([]Model, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms, ok := c.matches[key]
	return ms, ok && c.head == head
}

func (c *verifyCache) putMatch(head int64, key string, ms []Model) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.matches[key] = ms
	}
}

func (c *verifyCache) getRows(head int64, id string) (*modelRows, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, ok := c.rows[id]
	return rows, ok && c.head == head
}

func (c *verifyCache) putRows(head int64, id string, rows *modelRows) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.rows[id] = rows
	}
}
