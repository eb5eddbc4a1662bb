package models

import (
	"sync"

	"camreg/models/verdict"
)

// maxCached bounds the entries the cache keeps (a model's row and its
// documents are two), about 1.3 kB each; past it, it starts afresh, so
// memory stays under about 80 MB whatever the traffic.
const maxCached = 60_000

// verifyCache keeps what verify reads (the standards, the matched models'
// rows, and each model's certificates, warnings and C/Os) for as long as the
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
	rows      map[string]*modelRows
	models    map[string]Model
}

// modelRows are one model's documents, as loadVerifyData reads them.
type modelRows struct {
	certs    []CertificateOnDate
	warnings []verdict.WarningRow
	origins  []OriginOnDate
}

func newVerifyCache() *verifyCache {
	return &verifyCache{head: -1, rows: map[string]*modelRows{}, models: map[string]Model{}}
}

// sync starts afresh when the head moved (either way: a test that tampers
// with the log may shorten it).
func (c *verifyCache) sync(head int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head != head || len(c.rows)+len(c.models) > maxCached {
		c.head, c.standards, c.rows, c.models = head, nil, map[string]*modelRows{}, map[string]Model{}
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

// getModel returns a verified model's row, read at head.
func (c *verifyCache) getModel(head int64, id string) (Model, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.models[id]
	return m, ok && c.head == head
}

func (c *verifyCache) putModel(head int64, m Model) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.head == head {
		c.models[m.ID] = m
	}
}
