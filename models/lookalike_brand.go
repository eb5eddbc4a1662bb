package models

import (
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
func lookalikeBrand(tx *gorm.DB, v *ValidationError, m *Model) error {
	if m.BrandKey == "" || m.LooseKey == "" || slices.ContainsFunc(v.Errors, func(e FieldError) bool { return e.Field == "brand" }) {
		return nil
	}
	var others []Model
	if err := tx.Select("brand", "model_number").Where("loose_key = ? AND brand_key <> ? AND status = ?", m.LooseKey, m.BrandKey, ModelVerified).
		Limit(50).Find(&others).Error; err != nil {
		return translate(err, "camera model")
	}
	loose := fold.LooseKey(m.Brand)
	for _, o := range others {
		if fold.LooseKey(o.Brand) == loose {
			v.Add("brand", "%q looks like the brand %q, which has the model %s: write the brand as registered", m.Brand, o.Brand, o.ModelNumber)
			return nil
		}
	}
	return nil
}
