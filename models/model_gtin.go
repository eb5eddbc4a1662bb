package models

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// MaxModelGTINs bounds the GTINs one model lists (one per pack size and
// market is typical).
const MaxModelGTINs = 50

// gtinTakenError says a GTIN already belongs to another camera model.
type gtinTakenError struct{ gtin string }

func (e *gtinTakenError) Error() string {
	return fmt.Sprintf("GTIN %s already belongs to another camera model", e.gtin)
}

func (e *gtinTakenError) Is(target error) bool { return target == ErrConflict }

// checkGTINs validates a model's GTINs and returns them as 14 digits,
// without repeats, in the order given.
func (v *ValidationError) checkGTINs(field string, in []string) StringList {
	out := StringList{}
	v.Check(len(in) <= MaxModelGTINs, field, "must list at most %d GTINs", MaxModelGTINs)
	for i, s := range in {
		g := v.gtin(fmt.Sprintf("%s[%d]", field, i), s)
		if g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// AfterCreate indexes a new model's GTINs (model_gtins), in the write's
// transaction. It runs for single and batch creates alike.
func (m *Model) AfterCreate(tx *gorm.DB) error {
	if len(m.GTINs) == 0 {
		return nil
	}
	return syncGTINs(tx, m)
}

// AfterUpdate re-indexes a saved model's GTINs. Only whole-row saves
// (saveVersioned selects every column) carry the GTINs.
func (m *Model) AfterUpdate(tx *gorm.DB) error {
	if m.ID == "" || !(slices.Contains(tx.Statement.Selects, "*") || slices.Contains(tx.Statement.Selects, "gtins")) {
		return nil
	}
	return syncGTINs(tx, m)
}

// syncGTINs makes model_gtins hold exactly m's GTINs for m; a GTIN of
// another model is a conflict.
func syncGTINs(tx *gorm.DB, m *Model) error {
	db := tx.Session(&gorm.Session{NewDB: true, SkipHooks: true})
	if len(m.GTINs) > 0 {
		var taken []string
		if err := db.Table("model_gtins").Where("gtin IN ? AND camera_model_id <> ?", []string(m.GTINs), m.ID).
			Pluck("gtin", &taken).Error; err != nil {
			return fmt.Errorf("check GTINs: %w", err)
		}
		if len(taken) > 0 {
			return &gtinTakenError{gtin: taken[0]}
		}
	}
	if err := db.Exec("DELETE FROM model_gtins WHERE camera_model_id = ?", m.ID).Error; err != nil {
		return fmt.Errorf("index GTINs: %w", err)
	}
	for _, g := range m.GTINs {
		if err := db.Exec("INSERT INTO model_gtins (gtin, camera_model_id) VALUES (?, ?)", g, m.ID).Error; err != nil {
			if isConflict(translate(err, "GTIN")) {
				return &gtinTakenError{gtin: g}
			}
			return fmt.Errorf("index GTINs: %w", err)
		}
	}
	return nil
}

// ModelByGTIN finds the camera model a GTIN (any of its 8, 12, 13 or 14
// digit forms) belongs to. Errors: ErrInvalid (not a GTIN), ErrNotFound.
func (s *Store) ModelByGTIN(ctx context.Context, gtin string) (*Model, error) {
	var v ValidationError
	g := v.gtin("gtin", gtin)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return modelByGTIN(s.db.WithContext(ctx), g)
}

func modelByGTIN(db *gorm.DB, g string) (*Model, error) {
	var m Model
	err := db.Where("id = (SELECT camera_model_id FROM model_gtins WHERE gtin = ?)", g).Take(&m).Error
	if err != nil {
		return nil, translate(err, "camera model with GTIN "+g)
	}
	return &m, nil
}

// isGTINTaken reports whether err is a GTIN conflict.
func isGTINTaken(err error) bool {
	var ge *gtinTakenError
	return errors.As(err, &ge)
}

// WithGTINs completes verify queries that name a GTIN (gtins[i], "" for
// none): a GTIN that belongs to a verified model becomes its number and
// brand when no number was typed, so that verify matches it exactly as it
// matches typed text; with a typed number, it is kept beside it
// (VerifyQuery.GTINModel) and the typed number is answered, with
// gtin_model_mismatch when the two name different models. An unknown GTIN
// alone is looked up as typed text, and is "not found in the registry".
// field names the i-th GTIN in errors. Two queries whatever the count.
// Errors: ErrInvalid (not a GTIN).
func (s *Store) WithGTINs(ctx context.Context, qs []VerifyQuery, gtins []string, field func(i int) string) error {
	var v ValidationError
	norm := make([]string, len(gtins))
	var want []string
	for i, g := range gtins {
		if g == "" {
			continue
		}
		if norm[i] = v.gtin(field(i), g); norm[i] != "" {
			want = append(want, norm[i])
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if len(want) == 0 {
		return nil
	}
	db := s.db.WithContext(ctx)
	var rows []struct {
		GTIN          string `gorm:"column:gtin"`
		CameraModelID string
	}
	if err := db.Table("model_gtins").Where("gtin IN ?", want).Find(&rows).Error; err != nil {
		return fmt.Errorf("look up GTINs: %w", err)
	}
	owner := map[string]string{}
	var ids []string
	for _, r := range rows {
		owner[r.GTIN] = r.CameraModelID
		ids = append(ids, r.CameraModelID)
	}
	byID := map[string]Model{}
	if len(ids) > 0 {
		var ms []Model
		// Only a verified model's GTIN stands for it: a pending
		// registration is private (its GTIN must not name it to whoever
		// scans the box), and verify matches verified models only.
		if err := db.Where("id IN ? AND status = ?", ids, ModelVerified).Find(&ms).Error; err != nil {
			return fmt.Errorf("load GTINs' models: %w", err)
		}
		for _, m := range ms {
			byID[m.ID] = m
		}
	}
	for i, g := range norm {
		if g == "" {
			continue
		}
		m, ok := byID[owner[g]]
		// The GTIN's own digits in the model box (typed off the box, or a
		// client that fills the model with them) are no model number: the
		// GTIN names the model, as with an empty box.
		if typed, isGTIN := NormalizeGTIN(qs[i].Model); isGTIN && typed == g {
			qs[i].Model = ""
		}
		switch {
		case ok && qs[i].Model == "":
			qs[i].Model, qs[i].Brand = m.ModelNumber, m.Brand
		case ok:
			// A number typed off the label stays the question: the box's
			// GTIN only chooses among its candidates, and a GTIN of another
			// model is a conflict the answer states, never a pass on that
			// model's papers (verdict.ReasonGTINMismatch).
			em := engineModel(&m)
			qs[i].GTIN, qs[i].GTINModel = g, &em
		case qs[i].Model == "":
			qs[i].Model = g
		}
	}
	return nil
}
