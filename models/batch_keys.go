package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ModelIDsByKeys resolves brand and model keys (see fold.Key) to camera
// model ids in a few queries; keys that name no model are absent.
func (s *Store) ModelIDsByKeys(ctx context.Context, keys [][2]string) (map[[2]string]string, error) {
	out, _, err := s.modelIDsByKeys(s.db.WithContext(ctx), keys)
	return out, err
}

// VisibleModelIDsByKeys is ModelIDsByKeys restricted to the models the
// viewer may see (CanSeeModel), in the same queries.
func (s *Store) VisibleModelIDsByKeys(ctx context.Context, viewer Actor, keys [][2]string) (map[[2]string]string, error) {
	out, ids, err := s.modelIDsByKeys(visibleModels(s.db.WithContext(ctx), viewer), keys)
	if err != nil {
		return nil, err
	}
	s.known.note(viewer, ids)
	return out, nil
}

// modelIDsByKeys is the ids of the models of tx (a query on camera_models,
// perhaps restricted) with the brand and model keys, and the ids found.
// The three columns are scanned as they are, not into a Model by gorm:
// warnings' 6,700 keys cost 0.17 s of six imports' 1.35 s in gorm.Scan
// (reflect.Append of whole Models, scanIntoStruct) with SQLite's steps.
func (s *Store) modelIDsByKeys(tx *gorm.DB, keys [][2]string) (map[[2]string]string, []string, error) {
	// On PostgreSQL the model key leads (whereTuplesPG restricts by its
	// leading column with = ANY): the national models have 21 brands,
	// thousands of models each, and by the brand key warnings' lookup
	// read camera_models whole (106-201 ms a batch); a model key is nearly
	// unique, and camera_models_model_key serves it.
	cols, b, m := []string{"brand_key", "model_key"}, 0, 1
	if s.dialect == Postgres {
		cols, b, m = []string{"model_key", "brand_key"}, 1, 0
	}
	var tuples [][]any
	seen := make(map[[2]string]bool, len(keys))
	for _, k := range keys {
		if k != [2]string{} && !seen[k] {
			seen[k] = true
			t := make([]any, 2)
			t[b], t[m] = k[0], k[1]
			tuples = append(tuples, t)
		}
	}
	out := make(map[[2]string]string, len(tuples))
	var ids []string
	q := tx.Model(&Model{}).Select("id", "brand_key", "model_key")
	err := eachTupleQuery(q, s.bindVars(), cols, tuples, func(q *gorm.DB) error {
		rows, err := q.Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var k [2]string
			if err := rows.Scan(&id, &k[0], &k[1]); err != nil {
				return err
			}
			out[k] = id
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("look up camera models by brand and model: %w", err)
	}
	return out, ids, nil
}
