package models

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"camreg/fold"
)

// lookalikeBrand refuses a model whose brand only the characters people
// confuse tell apart (the digit 0 for the letter O, 1 for I or l) from the
// brand of a verified model with the same model number, or one told apart
// by the same characters: "HIKVISI0N DS-2CD1023G0E-I" beside Hikvision's.
// Such a decoy, once verified, was the exact match of a query typed from
// its label, and verify answered for it instead of for the real model (the
// red team's pass of 2026-12-07). Keys keep 0 and O apart, as model numbers
// must; a brand differing only so is no real brand. Only a verified model
// is named: a pending one is not the public's, nor the actor's to learn of.
func (s *Store) lookalikeBrand(tx *gorm.DB, v *ValidationError, m *Model) error {
	if m.BrandKey == "" || m.LooseKey == "" || slices.ContainsFunc(v.Errors, func(e FieldError) bool { return e.Field == "brand" }) {
		return nil
	}
	others, known := []Model(nil), false
	if s.refs != nil && s.refs.lookalikes != nil {
		others, known = s.refs.lookalikes[m.LooseKey]
	}
	if !known {
		if err := tx.Select("brand", "brand_key", "model_number").Where("loose_key = ? AND brand_key <> ? AND status = ?", m.LooseKey, m.BrandKey, ModelVerified).
			Limit(50).Find(&others).Error; err != nil {
			return translate(err, "camera model")
		}
	}
	loose := fold.LooseKey(m.Brand)
	for _, o := range others {
		if o.BrandKey != m.BrandKey && fold.LooseKey(o.Brand) == loose {
			v.Add("brand", "%q looks like the brand %q, which has the model %s: write the brand as registered", m.Brand, o.Brand, o.ModelNumber)
			return nil
		}
	}
	return nil
}

// preloadLookalikes reads, for a batch of model rows, the verified models
// of their model numbers' loose keys in one query a chunk, so that
// lookalikeBrand asks the database nothing row by row (a query a row made
// PostgreSQL's national models import 3.7 times as slow: 10.5 -> 38.6 s).
// A key not preloaded (a number the row's checks spelt otherwise) is still
// looked up by lookalikeBrand itself.
func (s *Store) preloadLookalikes(tx *gorm.DB, rows []BatchRow[ModelInput]) error {
	if s.refs == nil {
		return nil
	}
	var keys []string
	for _, r := range rows {
		if r.In.ModelNumber != nil {
			if k := fold.LooseKey(*r.In.ModelNumber); k != "" {
				keys = append(keys, k)
			}
		}
	}
	keys = uniqueIDs(keys)
	if s.refs.lookalikes == nil {
		s.refs.lookalikes = make(map[string][]Model, len(keys))
	}
	for _, chunk := range chunks(keys, s.lookupChunk()) {
		var found []Model
		q := tx.Session(&gorm.Session{}).Select("brand", "brand_key", "loose_key", "model_number").Where("status = ?", ModelVerified)
		if err := whereIn(q, "loose_key", chunk).Find(&found).Error; err != nil {
			return fmt.Errorf("load the batch's verified models by number: %w", err)
		}
		for _, k := range chunk {
			s.refs.lookalikes[k] = nil
		}
		for _, o := range found {
			s.refs.lookalikes[o.LooseKey] = append(s.refs.lookalikes[o.LooseKey], o)
		}
	}
	return nil
}
