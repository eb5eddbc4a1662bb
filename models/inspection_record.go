package models

import (
	"context"
	"fmt"
)

// InspectionRecord is everything the signed-off record (biên bản) of an
// inspection shows: the inspection with its items, the trader, the
// inspecting office, the models the items resolved to, and the findings.
type InspectionRecord struct {
	Inspection *Inspection
	Trader     Organization
	// Office is nil for an inspection recorded without an office.
	Office *Organization
	// Models are the items' resolved models, by id.
	Models   map[string]Model
	Findings []Finding
}

// GetInspectionRecord loads an inspection's record for a viewer who may
// read the inspection (GetInspection's rule). Errors: ErrForbidden,
// ErrNotFound.
func (s *Store) GetInspectionRecord(ctx context.Context, viewer Actor, id string) (*InspectionRecord, error) {
	insp, err := s.GetInspection(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	rec := &InspectionRecord{Inspection: insp, Models: map[string]Model{}}
	if err := db.Where("id = ?", insp.TraderOrgID).Take(&rec.Trader).Error; err != nil {
		return nil, translate(err, "trader of inspection "+id)
	}
	if insp.OfficeOrgID != nil {
		var office Organization
		if err := db.Where("id = ?", *insp.OfficeOrgID).Take(&office).Error; err != nil {
			return nil, translate(err, "office of inspection "+id)
		}
		rec.Office = &office
	}
	var ids []string
	for _, it := range insp.Items {
		if it.CameraModelID != nil {
			ids = append(ids, *it.CameraModelID)
		}
	}
	if len(ids) > 0 {
		var ms []Model
		if err := db.Where("id IN ?", ids).Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("load the models of inspection %s: %w", id, err)
		}
		for _, m := range ms {
			rec.Models[m.ID] = m
		}
	}
	if err := db.Where("inspection_id = ?", id).Order("item_position, created_at").Find(&rec.Findings).Error; err != nil {
		return nil, fmt.Errorf("load the findings of inspection %s: %w", id, err)
	}
	return rec, nil
}
