package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// refCache remembers, within one batch (InTx), the references a write has
// checked: organizations with their kind, and camera models. Rows are not
// deleted by the batches that use it (imports), so what was found stays
// found until the batch commits.
type refCache struct {
	orgKinds map[string]string
	models   map[string]bool
	// standards holds whether a standard code exists (standards are not
	// written by the batches that use the cache).
	standards map[string]bool
	// lookalikes holds, by loose key, the verified models of the batch's
	// model numbers (preloadLookalikes); a key absent was not preloaded.
	lookalikes map[string][]Model
	// verifiedNow holds, by loose key, the models earlier rows of the batch
	// verified, as they now are; changedNow, the ids of the models earlier
	// rows changed (the preload's and the database's rows of them are out
	// of date). Neither is in the database yet for the batch's checks: its
	// creates are inserted at its end, and the preload is older than its
	// rows.
	verifiedNow map[string][]Model
	changedNow  map[string]bool
}

func newRefCache() *refCache {
	return &refCache{orgKinds: map[string]string{}, models: map[string]bool{}, standards: map[string]bool{}}
}

// standardExists reports whether a standard has the code, remembering the
// answer for the rest of the batch; a failed lookup is recorded on v.
func (s *Store) standardExists(tx *gorm.DB, v *ValidationError, code string) bool {
	if s.refs != nil {
		if ok, known := s.refs.standards[code]; known {
			return ok
		}
	}
	var n int64
	if err := tx.Session(&gorm.Session{NewDB: true}).Model(&Standard{}).Where("code = ?", code).Count(&n).Error; err != nil {
		v.lookupFailed(fmt.Errorf("check standard %s: %w", code, err))
		return true
	}
	if s.refs != nil {
		s.refs.standards[code] = n > 0
	}
	return n > 0
}

// checkModelRefs records a field error for each id that names no model the
// actor may see: another organization's pending registration is answered
// as an id that names nothing. Within a batch, models found before (or
// preloaded, preloadRefs) are not asked for again.
func (s *Store) checkModelRefs(tx *gorm.DB, actor Actor, v *ValidationError, field string, ids []string) {
	known := func(id string) bool { return s.refs != nil && s.refs.models[id] }
	want := []string{}
	for _, id := range ids {
		if ValidID(id) && !known(id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return
	}
	var found []string
	if err := visibleModels(tx.Session(&gorm.Session{NewDB: true}).Model(&Model{}), actor).Where("id IN ?", want).Pluck("id", &found).Error; err != nil {
		v.lookupFailed(fmt.Errorf("check camera models: %w", err))
		return
	}
	have := map[string]bool{}
	for _, id := range found {
		have[id] = true
		if s.refs != nil {
			s.refs.models[id] = true
		}
	}
	for i, id := range ids {
		if ValidID(id) && !have[id] && !known(id) {
			v.Add(fmt.Sprintf("%s[%d].camera_model_id", field, i), "no camera model has id %s", id)
		}
	}
}

// checkOrgKindCached is checkOrgKind, remembering what it found for the
// rest of the batch.
func (s *Store) checkOrgKindCached(tx *gorm.DB, v *ValidationError, field, ref string, kinds ...string) {
	if s.refs == nil || !ValidID(ref) {
		checkOrgKind(tx, v, field, ref, kinds...)
		return
	}
	kind, ok := s.refs.orgKinds[ref]
	if !ok {
		var o Organization
		if err := tx.Select("id", "kind").Where("id = ?", ref).Take(&o).Error; err != nil {
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				v.lookupFailed(fmt.Errorf("check organization %s: %w", ref, err))
				return
			}
			v.Add(field, "no organization has id %s", ref)
			return
		}
		kind = o.Kind
		s.refs.orgKinds[ref] = kind
	}
	if len(kinds) > 0 && !containsStr(kinds, kind) {
		v.Add(field, "must be an organization of kind %s, not %s", strings.Join(kinds, " or "), kind)
	}
}

// checkModelRefCached records a field error unless a camera model with the
// id exists and the actor may see it, remembering the answer for the rest
// of the batch when it does. Another organization's pending registration
// gets the same answer as an id that names nothing, so that nobody learns
// it exists; a failed lookup is the database's error.
func (s *Store) checkModelRefCached(tx *gorm.DB, actor Actor, v *ValidationError, field, id string) {
	if s.refs != nil && s.refs.models[id] {
		return
	}
	var ids []string
	if err := visibleModels(tx.Session(&gorm.Session{NewDB: true}).Model(&Model{}), actor).Where("id = ?", id).Limit(1).Pluck("id", &ids).Error; err != nil {
		v.lookupFailed(fmt.Errorf("check camera model %s: %w", id, err))
		return
	}
	if len(ids) == 0 {
		v.Add(field, "no camera model has id %s", id)
		return
	}
	if s.refs != nil {
		s.refs.models[id] = true
	}
}

// knownModels remembers, for one import, the camera models found to exist
// and be visible to its actor, so that a model resolved from its brand and
// model number (VisibleModelIDsByKeys) is not looked up again by id in each
// batch's check (preloadRefs), nor again in the writing pass. National
// certificates name 87,000 models, each a seek by key and, before, two
// more by id. A model deleted meanwhile is still refused, by the foreign
// key of the row that names it (the batch then fails, as when another
// writer stores one of its rows). The set is bounded: past knownModelsMax
// it starts afresh, so memory stays flat.
type knownModels struct {
	actor Actor
	mu    sync.Mutex
	ids   map[string]bool
}

const knownModelsMax = 200_000

// RememberingModels returns a Store whose batch services remember, across
// batches, the camera models found visible to actor: the importer uses one
// for each import of documents (certificates, C/Os, warnings).
func (s *Store) RememberingModels(actor Actor) *Store {
	b := *s
	b.known = &knownModels{actor: actor, ids: map[string]bool{}}
	return &b
}

// note remembers ids as visible to actor.
func (k *knownModels) note(actor Actor, ids []string) {
	if k == nil || actor != k.actor {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.ids)+len(ids) > knownModelsMax {
		k.ids = map[string]bool{}
	}
	for _, id := range ids {
		k.ids[id] = true
	}
}

// split divides ids into those known visible to actor and the others.
func (k *knownModels) split(actor Actor, ids []string) (known, unknown []string) {
	if k == nil || actor != k.actor {
		return nil, ids
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, id := range ids {
		if k.ids[id] {
			known = append(known, id)
		} else {
			unknown = append(unknown, id)
		}
	}
	return known, unknown
}

// EstimateModels is about how many camera models the registry holds: on
// PostgreSQL the count its last ANALYZE made (pg_class.reltuples, which the
// importer and autovacuum keep current), else, or when never analyzed, a
// count. The importer uses it to decide whether to read every model's key
// at once; the count of 100,000 national models was a sequential scan of
// the table, 10-25 ms of the server's CPU (psql, busy machine) in an import
// of 3,000 warnings that takes 0.3 s of it.
func (s *Store) EstimateModels(ctx context.Context) (int64, error) {
	if s.dialect == Postgres {
		var n float64
		err := s.db.WithContext(ctx).Raw("SELECT reltuples FROM pg_class WHERE oid = to_regclass('camera_models')").Scan(&n).Error
		if err == nil && n >= 0 {
			return int64(n), nil
		}
	}
	return s.CountModels(ctx)
}

// CountModels is how many camera models the registry holds.
func (s *Store) CountModels(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Model{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count camera models: %w", err)
	}
	return n, nil
}

// VisibleModelKeys is every camera model the viewer may see (CanSeeModel),
// by brand and model key (see fold.Key), read in one scan: on SQLite from
// the index camera_models_brand_id alone. It reports false, with no map,
// when the viewer sees more than limit models. The ids are remembered as
// visible to the viewer (RememberingModels), as VisibleModelIDsByKeys
// remembers those it finds. An importer whose file names a good part of
// the registry reads it this way once rather than seek each key: national
// certificates name 95,000 keys of 100,000 models.
//
// size is how many models the caller expects (EstimateModels), to make the
// map at its size once: grown from empty, its rehashing was a third of the
// read of the national registry's 100,000 keys.
func (s *Store) VisibleModelKeys(ctx context.Context, viewer Actor, limit int, size int64) (map[[2]string]string, bool, error) {
	q := visibleModels(s.db.WithContext(ctx).Model(&Model{}).Select("brand_key", "model_key", "id"), viewer)
	rows, err := q.Limit(limit + 1).Rows()
	if err != nil {
		return nil, false, fmt.Errorf("read the camera models' keys: %w", err)
	}
	defer rows.Close()
	size = min(max(size, 0), int64(limit))
	out := make(map[[2]string]string, size)
	ids := make([]string, 0, size)
	for rows.Next() {
		var k [2]string
		var id string
		if err := rows.Scan(&k[0], &k[1], &id); err != nil {
			return nil, false, fmt.Errorf("read the camera models' keys: %w", err)
		}
		if len(ids) == limit {
			return nil, false, nil
		}
		out[k] = id
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read the camera models' keys: %w", err)
	}
	s.known.note(viewer, ids)
	return out, true, nil
}
