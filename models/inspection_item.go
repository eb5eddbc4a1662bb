package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// How an inspection item was settled. A finding is raised only for an item
// that is certain: exact (matched exactly, or the model the inspector
// chose) or not_in_registry (the inspector recorded the label as not in the
// registry). A possible, ambiguous or missing match needs confirmation and
// raises nothing until the inspector settles it.
const (
	ResolutionExact             = "exact"
	ResolutionNeedsConfirmation = "needs_confirmation"
	ResolutionNotInRegistry     = "not_in_registry"
)

// Resolutions lists every item resolution.
var Resolutions = []string{ResolutionExact, ResolutionNeedsConfirmation, ResolutionNotInRegistry}

// ItemCandidate is a model an unsettled item may be.
type ItemCandidate struct {
	ID          string `json:"id"`
	Brand       string `json:"brand"`
	ModelNumber string `json:"model_number"`
}

// ItemCandidates are an item's candidates, stored as a JSON array.
type ItemCandidates []ItemCandidate

// Value encodes the candidates as JSON.
func (c ItemCandidates) Value() (driver.Value, error) {
	if c == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]ItemCandidate(c))
	return string(b), err
}

// Scan decodes the JSON array.
func (c *ItemCandidates) Scan(src any) error {
	return scanJSON(src, (*[]ItemCandidate)(c), "ItemCandidates")
}

// ItemSettlement settles an item: the model the inspector chose, or the
// explicit mark that the label is not in the registry, with the label's
// text as printed and the ids of photos of it.
type ItemSettlement struct {
	CameraModelID *string
	NotInRegistry bool
	LabelText     string
	PhotoIDs      []string
}

// given reports whether the inspector settled anything.
func (st ItemSettlement) given() bool { return st.CameraModelID != nil || st.NotInRegistry }

// check validates a settlement; prefix names its fields.
func (st *ItemSettlement) check(v *ValidationError, prefix string) {
	if st.CameraModelID != nil {
		v.refID(prefix+"camera_model_id", st.CameraModelID, false)
		v.Check(!st.NotInRegistry, prefix+"not_in_registry", "must not be set with camera_model_id: choose a model, or mark the label as not in the registry")
	}
	st.LabelText = v.text(prefix+"label_text", &st.LabelText, st.NotInRegistry, 500)
	v.Check(len(st.PhotoIDs) <= 10, prefix+"photo_ids", "must list at most 10 photos")
	for i, id := range st.PhotoIDs {
		v.Check(ValidID(id), fmt.Sprintf("%sphoto_ids[%d]", prefix, i), "must be a photo id")
	}
	if !st.NotInRegistry && st.CameraModelID == nil && (st.LabelText != "" || len(st.PhotoIDs) > 0) {
		v.Add(prefix+"not_in_registry", "must be true when label_text or photo_ids are given")
	}
}

// settleItem applies to an item its verification (the same match as
// GET /v1/verify gives for its text) and the inspector's settlement, inside
// the write's transaction: it sets the resolution, the model, the verdict
// and the candidates, and returns the finding the item raises, if any.
// chosen is the verification of the model the inspector chose, if any.
func (s *Store) settleItem(v *ValidationError, field string, insp *Inspection, it *InspectionItem, typed *Verification,
	st ItemSettlement, chosen *Verification) *Finding {
	it.Match = typed.Match
	it.Candidates = ItemCandidates{}
	it.CameraModelID = nil
	switch {
	case chosen != nil:
		it.Resolution = ResolutionExact
		it.CameraModelID = strPtr(chosen.Model.ID)
		it.Verdict, it.Reasons = chosen.Verdict, chosen.Reasons
		return s.findingFor(insp, it, chosen)
	case st.NotInRegistry:
		if typed.Match == MatchExact {
			v.Add(field+"not_in_registry", "%s matches %s %s in the registry exactly: it is not unregistered", it.ModelText,
				typed.Model.Brand, typed.Model.ModelNumber)
			return nil
		}
		it.Resolution = ResolutionNotInRegistry
		it.LabelText, it.PhotoIDs = st.LabelText, StringList(st.PhotoIDs)
		it.Verdict, it.Reasons = VerdictUnknown, typed.Reasons
		if !typed.Mandatory() {
			return nil
		}
		f := s.newFinding(insp, it, ReasonUnregistered, typed.Reasons)
		f.Notes = st.LabelText
		return f
	case typed.Match == MatchExact:
		it.Resolution = ResolutionExact
		it.CameraModelID = strPtr(typed.Model.ID)
		it.Verdict, it.Reasons = typed.Verdict, typed.Reasons
		return s.findingFor(insp, it, typed)
	}
	// possible, ambiguous or none: the inspector must choose.
	it.Resolution = ResolutionNeedsConfirmation
	it.Verdict, it.Reasons = VerdictUnknown, nil
	if typed.Match == MatchNone {
		it.Reasons = typed.Reasons
	}
	seen := map[string]bool{}
	add := func(m *Model) {
		if m != nil && !seen[m.ID] {
			seen[m.ID] = true
			it.Candidates = append(it.Candidates, ItemCandidate{ID: m.ID, Brand: m.Brand, ModelNumber: m.ModelNumber})
		}
	}
	add(typed.Model)
	for i := range typed.Candidates {
		add(&typed.Candidates[i])
	}
	return nil
}

// verifyChosen verifies, inside tx, the models the inspector chose for
// items (index → model id), with each item's firmware, on the inspection's
// date, by the same rules as GET /v1/verify. A chosen id must be a
// verified model.
func (s *Store) verifyChosen(tx *gorm.DB, v *ValidationError, fields map[int]string, items []InspectionItem,
	chosen map[int]string, on Date) (map[int]*Verification, error) {
	out := map[int]*Verification{}
	if len(chosen) == 0 {
		return out, nil
	}
	var idx []int
	var qs []parsedQuery
	for i, id := range chosen {
		var m Model
		if err := tx.Where("id = ?", id).Take(&m).Error; err != nil {
			if err := translate(err, "camera model"); !isNotFound(err) {
				return nil, err
			}
			v.Add(fields[i]+"camera_model_id", "no camera model has id %s", id)
			continue
		}
		if m.Status != ModelVerified {
			v.Add(fields[i]+"camera_model_id", "%s %s is not a verified registration", m.Brand, m.ModelNumber)
			continue
		}
		var qv ValidationError
		q := s.checkQuery(&qv, "", VerifyQuery{Model: m.ModelNumber, Brand: m.Brand, Firmware: items[i].Firmware, At: on.String()})
		if qv.Err() != nil {
			v.Add(fields[i]+"camera_model_id", "%s %s cannot be verified", m.Brand, m.ModelNumber)
			continue
		}
		idx, qs = append(idx, i), append(qs, q)
	}
	if len(qs) == 0 {
		return out, nil
	}
	vs, err := verifyAll(s.txReader(tx), qs)
	if err != nil {
		return nil, err
	}
	for j, i := range idx {
		if vs[j].Model == nil || vs[j].Model.ID != chosen[i] || vs[j].Match != MatchExact {
			return nil, fmt.Errorf("verify chosen model %s: matched %s", chosen[i], vs[j].Match)
		}
		out[i] = &vs[j]
	}
	return out, nil
}

// nextRecordNumber takes the next inspection number of the visit's year,
// KT-<year>-<6 digits>, inside the write's transaction: the counter row is
// locked until commit, so numbers are sequential and never repeat.
func nextRecordNumber(tx *gorm.DB, on Date) (string, error) {
	prefix := "KT-" + on.String()[:4]
	var n int64
	err := tx.Raw("INSERT INTO record_counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = record_counters.value + 1 RETURNING value",
		prefix).Scan(&n).Error
	if err != nil {
		return "", fmt.Errorf("number the inspection: %w", err)
	}
	return fmt.Sprintf("%s-%06d", prefix, n), nil
}

// ResolveItemInput settles one item of an inspection.
type ResolveItemInput = ItemSettlement

// ResolveInspectionItem settles an item that needs confirmation: with the
// model the inspector chose (verified on the inspection's date, with the
// item's firmware), or as not in the registry with the label's text. It
// raises the item's finding, if any, in the same transaction, and returns
// the inspection and that finding. Only the inspecting office's inspectors
// and admins may. Errors: ErrForbidden, ErrNotFound, ErrInvalid,
// ErrConflict (the item is already settled).
func (s *Store) ResolveInspectionItem(ctx context.Context, actor Actor, id string, position int, in ResolveItemInput) (*Inspection, *Finding, error) {
	if err := actor.may("settle inspection items", RoleInspector, RoleAdmin); err != nil {
		return nil, nil, err
	}
	var v ValidationError
	in.check(&v, "")
	if !in.given() {
		v.Add("camera_model_id", "choose a model (camera_model_id), or set not_in_registry with the label_text")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	var insp *Inspection
	var finding *Finding
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var err error
		if insp, err = get[Inspection](tx, id, "inspection"); err != nil {
			return err
		}
		if actor.Role == RoleInspector && (insp.OfficeOrgID == nil || *insp.OfficeOrgID != actor.OrgID) {
			return Forbidden("only the inspecting office may settle this inspection's items")
		}
		page := []Inspection{*insp}
		if err := loadInspectionItems(tx, page); err != nil {
			return err
		}
		insp = &page[0]
		if position < 0 || position >= len(insp.Items) {
			return fmt.Errorf("inspection %s item %d: %w", id, position, ErrNotFound)
		}
		it := &insp.Items[position]
		if it.Resolution != ResolutionNeedsConfirmation {
			return Conflict("item %d is already settled (%s)", position, it.Resolution)
		}
		before := *it
		var qv ValidationError
		q := s.checkQuery(&qv, "", VerifyQuery{Model: it.ModelText, Brand: it.Brand, Firmware: it.Firmware, At: insp.InspectedOn.String()})
		typed, err := verifyAll(s.txReader(tx), []parsedQuery{q})
		if err != nil {
			return err
		}
		var chosen *Verification
		if in.CameraModelID != nil {
			vs, err := s.verifyChosen(tx, &v, map[int]string{position: ""}, insp.Items, map[int]string{position: *in.CameraModelID}, insp.InspectedOn)
			if err != nil {
				return err
			}
			chosen = vs[position]
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(in.PhotoIDs) > 0 {
			var n int64
			if err := tx.Model(&Photo{}).Where("id IN ? AND inspection_id = ?", in.PhotoIDs, id).Count(&n).Error; err != nil {
				return fmt.Errorf("check photos: %w", err)
			}
			v.Check(int(n) == len(slices.Compact(slices.Sorted(slices.Values(in.PhotoIDs)))), "photo_ids", "must be photos of this inspection")
		}
		finding = s.settleItem(&v, "", insp, it, &typed[0], in, chosen)
		if err := v.Err(); err != nil {
			return err
		}
		err = tx.Model(&InspectionItem{}).Where("inspection_id = ? AND position = ?", id, position).Select(
			"resolution", "camera_model_id", "verdict", "reasons", "candidates", "label_text", "photo_ids", "match").
			Updates(it).Error
		if err != nil {
			return translate(err, "inspection item")
		}
		prev := insp.Version
		s.touch(&insp.Record)
		if err := tx.Model(&Inspection{}).Where("id = ? AND version = ?", id, prev).
			Updates(map[string]any{"version": insp.Version, "updated_at": insp.UpdatedAt}).Error; err != nil {
			return translate(err, "inspection")
		}
		if err := log.record(ActionUpdate, "inspection", id, map[string]any{"item": position,
			"before": itemState(before), "after": itemState(*it)}); err != nil {
			return err
		}
		if finding != nil {
			it.FindingID = finding.ID
			if err := tx.Create(finding).Error; err != nil {
				return translate(err, "finding")
			}
			// The label's photos are the finding's evidence.
			if len(in.PhotoIDs) > 0 {
				if err := tx.Model(&Photo{}).Where("id IN ?", in.PhotoIDs).Update("finding_id", finding.ID).Error; err != nil {
					return fmt.Errorf("attach photos: %w", err)
				}
			}
			return log.created("finding", finding.ID, finding)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return insp, finding, nil
}

// itemState is what the change log records of a settled item.
func itemState(it InspectionItem) map[string]any {
	return map[string]any{"resolution": it.Resolution, "camera_model_id": it.CameraModelID, "verdict": it.Verdict,
		"label_text": it.LabelText, "photo_ids": it.PhotoIDs}
}

// isNotFound reports whether err is a not-found.
func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
