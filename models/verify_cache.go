package models

import (
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"camreg/models/verdict"
)

// verifyCache is verify's snapshot: every row verify reads (the standards,
// every camera model, and each model's certificates, warnings and C/Os),
// held in memory at a change-log head and kept current from the change log,
// as the search indexes are. Each verify reads the log's head (one short
// query) and, when it moved, applies the events since: it re-reads only
// the models and documents those events name. So a verify costs one query,
// warm or cold (a model never asked about before), and its answer is never
// older than the latest write committed before it was asked.
//
// Profiled (BENCHMARKS.md): with a cache keyed on what had been asked, a
// warm verify spent half its CPU time having SQLite parse the head query
// (five MAXes, one per entity), and a cold one ran five more queries.
type verifyCache struct {
	mu sync.RWMutex
	// building is set while one verify builds the snapshot whole.
	building atomic.Bool
	// head is the change log's seq the snapshot holds every write up to
	// (rows read later may be newer still); -1 before it is built.
	head      int64
	standards []verdict.Standard
	// modelHead is the latest camera_model event up to head: the matcher's
	// head (it follows models only).
	modelHead int64
	// st holds every model, its documents, and the models each document
	// names, without pointers (verify_snap.go).
	st *snapStore

	// decisions remembers the matcher's decision for a typed model number
	// and brand while no model changes (modelHead stands still): the
	// matcher builds an automaton and scans its index for every question,
	// which was 80% of a verify's time over 50,000 models. Guarded by
	// decMu, as verifies fill it under the read lock.
	decMu     sync.Mutex
	decisions map[string]matchDecision
}

// matchDecision is how the matcher decided one typed number: the match
// kind and the candidates' ids, best first.
type matchDecision struct {
	kind string
	ids  []string
}

// maxDecisions bounds the decisions kept; past it they start afresh.
const maxDecisions = 100_000

// decided returns the decision remembered for a typed number and brand.
// A nil cache (a transaction's reader) remembers nothing.
func (c *verifyCache) decided(model, brand string) (matchDecision, bool) {
	if c == nil {
		return matchDecision{}, false
	}
	c.decMu.Lock()
	defer c.decMu.Unlock()
	d, ok := c.decisions[model+"\x00"+brand]
	return d, ok
}

// decide remembers a decision.
func (c *verifyCache) decide(model, brand string, d matchDecision) {
	if c == nil {
		return
	}
	c.decMu.Lock()
	defer c.decMu.Unlock()
	switch {
	case c.decisions == nil:
		c.decisions = map[string]matchDecision{}
	case len(c.decisions) >= maxDecisions:
		// Emptied in place: a new map grew again through every size on a
		// cold run (BENCHMARKS.md, "Verify cold: messages without
		// Sprintf, the answer straight from the engine's").
		clear(c.decisions)
	}
	c.decisions[model+"\x00"+brand] = d
}

// forgetDecisions empties the decisions: a model changed. The caller holds
// mu for writing.
func (c *verifyCache) forgetDecisions() {
	c.decMu.Lock()
	defer c.decMu.Unlock()
	c.decisions = nil
}

func newVerifyCache() *verifyCache { return &verifyCache{head: -1} }

// maxDelta is the most events since the snapshot's head that are applied
// one by one; past it (a bulk import), the snapshot is built afresh.
const maxDelta = 20_000

// advance brings the snapshot to head at least, and reports whether it
// did. A snapshot already past head (another verify moved it on) serves as
// it is: it is newer. When the snapshot must be built whole (at first, or
// after more than maxDelta events), it is built in the background without
// holding the lock, and verifies meanwhile report false and read the
// database, as a transaction does: none waits for the build but wait's.
func (c *verifyCache) advance(r reader, head int64, wait bool) (bool, error) {
	c.mu.RLock()
	at := c.head
	c.mu.RUnlock()
	if at >= head && at >= 0 {
		return true, nil
	}
	if c.building.Load() {
		return false, nil
	}
	c.mu.Lock()
	if c.head >= head && c.head >= 0 {
		c.mu.Unlock()
		return true, nil
	}
	if c.head >= 0 {
		done, err := c.apply(r, head)
		if err != nil {
			// Half applied: start afresh.
			c.head = -1
		}
		if err != nil || done {
			c.mu.Unlock()
			return err == nil, err
		}
	}
	c.mu.Unlock()
	if !c.building.CompareAndSwap(false, true) {
		return false, nil
	}
	// The whole build runs on a context of its own, apart from the verify
	// that found it needed: over the national registry, under load, it
	// takes longer than a request may wait (15 s), and a build cancelled
	// with its request left the snapshot unbuilt, so that every later
	// verify started it again and timed out in turn (a 503 for every
	// verify of a server whose warm-up a request had overtaken). The
	// verify goes on from the database, as the others do meanwhile; only
	// WarmVerify waits for the build.
	done := make(chan error, 1)
	go func() {
		defer c.building.Store(false)
		done <- c.rebuild(r.detached())
	}()
	if !wait {
		return false, nil
	}
	if err := <-done; err != nil {
		return false, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.head >= head, nil
}

// rebuild builds the snapshot afresh and puts it in place, unless a newer
// one is there already.
func (c *verifyCache) rebuild(r reader) error {
	fresh := newVerifyCache()
	if err := fresh.build(r); err != nil {
		return err
	}
	c.mu.Lock()
	if fresh.head >= c.head {
		c.head, c.modelHead, c.standards, c.st = fresh.head, fresh.modelHead, fresh.standards, fresh.st
		c.forgetDecisions()
	}
	c.mu.Unlock()
	// The rows the build read (some 400 MB over the national registry)
	// are garbage now that the store holds their copy: give their memory
	// back at once, rather than leave the process at its peak.
	debug.FreeOSMemory()
	return nil
}

// build reads every row verify reads. It labels the snapshot with the head
// read first: rows read after it are at least that recent, and events
// applied again later re-read rows that are already current.
func (c *verifyCache) build(r reader) error {
	head, err := readHead(r)
	if err != nil {
		return err
	}
	modelHead, err := readModelHead(r, head)
	if err != nil {
		return err
	}
	sts, err := readStandards(r)
	if err != nil {
		return fmt.Errorf("load standards: %w", err)
	}
	ms, err := readModels(r, "id IS NOT NULL")
	if err != nil {
		return fmt.Errorf("load camera models for verify: %w", err)
	}
	d := verdict.NewData()
	if err := loadModelRows(r, "IS NOT NULL", nil, d); err != nil {
		return err
	}
	st := newSnapStore(len(ms))
	for i := range ms {
		st.putModel(&ms[i])
	}
	docs := map[string][]string{}
	for i := range ms {
		id := ms[i].ID
		st.setRows(id, d.Certs[id], d.Warnings[id], d.Origins[id])
		for _, x := range d.Certs[id] {
			docs["certificate:"+x.ID] = append(docs["certificate:"+x.ID], id)
		}
		for _, x := range d.Warnings[id] {
			docs["warning:"+x.ID] = append(docs["warning:"+x.ID], id)
		}
		for _, x := range d.Origins[id] {
			docs["origin_certificate:"+x.ID] = append(docs["origin_certificate:"+x.ID], id)
		}
	}
	for k, ids := range docs {
		slices.Sort(ids)
		st.setDoc(k, slices.Compact(ids))
	}
	st.done()
	c.standards, c.st = sts, st
	c.head, c.modelHead = head, modelHead
	c.forgetDecisions()
	return nil
}

// readModelHead reads the latest camera_model event up to head.
func readModelHead(r reader, head int64) (int64, error) {
	rows, err := r.query(modelHeadQuery, "camera_model", "camera_model", head)
	if err != nil {
		return 0, fmt.Errorf("read the models' change-log head: %w", err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("read the models' change-log head: %w", err)
		}
	}
	return n, rows.Err()
}

// docLinks are the tables linking each kind of document to its models.
var docLinks = map[string]struct{ table, column string }{
	"certificate":        {"certificate_models", "certificate_id"},
	"warning":            {"warning_models", "warning_id"},
	"origin_certificate": {"origin_certificate_models", "origin_certificate_id"},
}

// apply applies the change log's events up to head. It reports false,
// having changed nothing, when there are more than maxDelta of them.
func (c *verifyCache) apply(r reader, head int64) (bool, error) {
	rows, err := r.query(`SELECT seq, entity, entity_id FROM events WHERE seq > ? AND seq <= ? AND entity IN (`+
		placeholders(len(verifyEntities))+`) ORDER BY seq`, append([]any{c.head, head}, anys(verifyEntities)...)...)
	if err != nil {
		return false, fmt.Errorf("read the change log for verify: %w", err)
	}
	changed := map[string][]string{}
	modelHead := c.modelHead
	n := 0
	for rows.Next() {
		var seq int64
		var entity, id string
		if err := rows.Scan(&seq, &entity, &id); err != nil {
			rows.Close()
			return false, fmt.Errorf("read the change log for verify: %w", err)
		}
		if n++; n > maxDelta {
			rows.Close()
			return false, nil
		}
		if entity == "camera_model" {
			modelHead = seq
		}
		if !slices.Contains(changed[entity], id) {
			changed[entity] = append(changed[entity], id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read the change log for verify: %w", err)
	}
	if len(changed["standard"]) > 0 {
		if c.standards, err = readStandards(r); err != nil {
			return false, fmt.Errorf("load standards: %w", err)
		}
	}
	if err := c.reloadModels(r, changed["camera_model"]); err != nil {
		return false, err
	}
	var affected []string
	for entity, link := range docLinks {
		for chunk := range slices.Chunk(changed[entity], 500) {
			now := map[string][]string{}
			rows, err := r.query("SELECT "+link.column+", camera_model_id FROM "+link.table+" WHERE "+link.column+
				" IN ("+placeholders(len(chunk))+")", anys(chunk)...)
			if err != nil {
				return false, fmt.Errorf("read the models of changed documents: %w", err)
			}
			for rows.Next() {
				var doc, model string
				if err := rows.Scan(&doc, &model); err != nil {
					rows.Close()
					return false, fmt.Errorf("read the models of changed documents: %w", err)
				}
				now[doc] = append(now[doc], model)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return false, fmt.Errorf("read the models of changed documents: %w", err)
			}
			for _, doc := range chunk {
				k := entity + ":" + doc
				affected = append(append(affected, c.st.docModels(k)...), now[doc]...)
				c.st.setDoc(k, now[doc])
			}
		}
	}
	slices.Sort(affected)
	affected = slices.Compact(affected)
	d := verdict.NewData()
	for chunk := range slices.Chunk(affected, 500) {
		if err := loadModelRows(r, "IN ("+placeholders(len(chunk))+")", anys(chunk), d); err != nil {
			return false, err
		}
	}
	for _, id := range affected {
		c.st.setRows(id, d.Certs[id], d.Warnings[id], d.Origins[id])
	}
	if c.st.wasteful() {
		c.st = c.st.compact()
	}
	if modelHead != c.modelHead {
		c.forgetDecisions()
	}
	c.head, c.modelHead = head, modelHead
	return true, nil
}

// reloadModels re-reads the given models: changed, created or deleted.
func (c *verifyCache) reloadModels(r reader, ids []string) error {
	for chunk := range slices.Chunk(ids, 500) {
		ms, err := readModels(r, "id IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return fmt.Errorf("load changed camera models for verify: %w", err)
		}
		found := make(map[string]bool, len(ms))
		for i := range ms {
			c.st.putModel(&ms[i])
			found[ms[i].ID] = true
		}
		for _, id := range chunk {
			if !found[id] {
				c.st.removeModel(id)
			}
		}
	}
	return nil
}
