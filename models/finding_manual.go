package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Label defects an inspector records by hand: the registry cannot see
// them, only the inspector holding the box.
const (
	ViolationNoVietnameseLabel = "no_vietnamese_label"
	ViolationTamperedLabel     = "tampered_label"
	ViolationMissingLabel      = "missing_label"
	ViolationLabelMismatch     = "label_mismatch"
)

// ManualViolations are the violations an inspector may record by hand:
// every verdict violation, the label defects, and other (with its text).
var ManualViolations = append(slices.Clone(Violations),
	ViolationNoVietnameseLabel, ViolationTamperedLabel, ViolationMissingLabel, ViolationLabelMismatch)

// ManualFindingInput records a finding by hand.
type ManualFindingInput struct {
	Violation string
	// Notes say what was seen; required for other.
	Notes string
	// ItemPosition names the inspection's item it is about, if any.
	ItemPosition *int
	// PhotoIDs attach photos of the inspection to the finding.
	PhotoIDs []string
}

// mayWriteInspection refuses an inspector of another office.
func mayWriteInspection(actor Actor, insp *Inspection) error {
	if actor.Role == RoleInspector && (insp.OfficeOrgID == nil || *insp.OfficeOrgID != actor.OrgID) {
		return Forbidden("only the inspecting office may add to this inspection")
	}
	return nil
}

// CreateManualFinding records a finding by hand against an inspection's
// trader, on the inspection's date, optionally about one of its items and
// with photos of the inspection; it starts open, like any finding. Only
// the inspecting office's inspectors and admins may. Errors: ErrForbidden,
// ErrNotFound, ErrInvalid.
func (s *Store) CreateManualFinding(ctx context.Context, actor Actor, inspectionID string, in ManualFindingInput) (*Finding, error) {
	if err := actor.may("record findings", RoleInspector, RoleAdmin); err != nil {
		return nil, err
	}
	var v ValidationError
	v.enum("violation", &in.Violation, true, ManualViolations...)
	in.Notes = v.text("notes", &in.Notes, in.Violation == ViolationOther, 2000)
	v.Check(len(in.PhotoIDs) <= 10, "photo_ids", "must list at most 10 photos")
	for i, id := range in.PhotoIDs {
		v.Check(ValidID(id), fmt.Sprintf("photo_ids[%d]", i), "must be a photo id")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var f *Finding
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		insp, err := get[Inspection](tx, inspectionID, "inspection")
		if err != nil {
			return err
		}
		if err := mayWriteInspection(actor, insp); err != nil {
			return err
		}
		f = &Finding{Record: s.newRecord(), InspectionID: insp.ID, Manual: true, TraderOrgID: insp.TraderOrgID,
			OfficeOrgID: insp.OfficeOrgID, ProvinceCode: insp.ProvinceCode, ProvinceName: insp.ProvinceName,
			ObservedOn: insp.InspectedOn, Violation: in.Violation, Evidence: Reasons{}, Notes: in.Notes,
			Status: Status{Status: FindingOpen, StatusChangedOn: insp.InspectedOn}}
		if in.ItemPosition != nil {
			var it InspectionItem
			if err := tx.Where("inspection_id = ? AND position = ?", insp.ID, *in.ItemPosition).Take(&it).Error; err != nil {
				if err := translate(err, "item"); !isNotFound(err) {
					return err
				}
				v.Add("item_position", "the inspection has no item %d", *in.ItemPosition)
			} else {
				pos := it.Position
				f.ItemPosition, f.CameraModelID, f.ModelText, f.Brand = &pos, it.CameraModelID, it.ModelText, it.Brand
			}
		}
		if len(in.PhotoIDs) > 0 {
			var n int64
			if err := tx.Model(&Photo{}).Where("id IN ? AND inspection_id = ?", in.PhotoIDs, insp.ID).Count(&n).Error; err != nil {
				return fmt.Errorf("check photos: %w", err)
			}
			v.Check(int(n) == len(slices.Compact(slices.Sorted(slices.Values(in.PhotoIDs)))), "photo_ids", "must be photos of this inspection")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.Create(f).Error; err != nil {
			return translate(err, "finding")
		}
		if len(in.PhotoIDs) > 0 {
			if err := tx.Model(&Photo{}).Where("id IN ?", in.PhotoIDs).Update("finding_id", f.ID).Error; err != nil {
				return fmt.Errorf("attach photos: %w", err)
			}
		}
		return log.created("finding", f.ID, findingWithPhotos{f, in.PhotoIDs})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// findingWithPhotos is a finding as the change log records its creation.
type findingWithPhotos struct {
	*Finding
	PhotoIDs []string `json:"photo_ids,omitempty"`
}

// MaxPhotoBytes bounds one photo.
const MaxPhotoBytes = 5 << 20

// PhotoTypes are the image types accepted, as sniffed from their bytes.
var PhotoTypes = []string{"image/jpeg", "image/png", "image/webp"}

// Photo is a photo taken during an inspection, kept privately.
type Photo struct {
	ID           string    `json:"id"`
	CreatedAt    time.Time `json:"created_at"`
	InspectionID string    `json:"inspection_id"`
	FindingID    *string   `json:"finding_id"`
	ContentType  string    `json:"content_type"`
	Size         int       `json:"size"`
	SHA256       string    `gorm:"column:sha256" json:"sha256"`
	Data         []byte    `json:"-"`
}

// TableName is the table of photos.
func (Photo) TableName() string { return "inspection_photos" }

// AddPhoto stores a photo of an inspection, or of one of its findings
// (findingID non-empty; the inspection is the finding's). The type is
// sniffed from the bytes, never taken from the client: JPEG, PNG or WebP,
// at most MaxPhotoBytes. Only the inspecting office's inspectors and
// admins may. Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) AddPhoto(ctx context.Context, actor Actor, inspectionID, findingID string, data []byte) (*Photo, error) {
	if err := actor.may("add photos", RoleInspector, RoleAdmin); err != nil {
		return nil, err
	}
	var v ValidationError
	ct := http.DetectContentType(data)
	switch {
	case len(data) == 0:
		v.Add("body", "must be a photo: JPEG, PNG or WebP")
	case len(data) > MaxPhotoBytes:
		v.Add("body", "must be at most %d bytes", MaxPhotoBytes)
	case !slices.Contains(PhotoTypes, ct):
		v.Add("body", "must be a JPEG, PNG or WebP image, not %s", ct)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	p := &Photo{ID: newID(), CreatedAt: s.timestamp(), ContentType: ct, Size: len(data), SHA256: hex.EncodeToString(sum[:]), Data: data}
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if findingID != "" {
			f, err := get[Finding](tx, findingID, "finding")
			if err != nil {
				return err
			}
			inspectionID, p.FindingID = f.InspectionID, &f.ID
			// The finding's answer lists its photos: its ETag must change.
			s.touch(&f.Record)
			if err := tx.Model(&Finding{}).Where("id = ?", f.ID).
				Updates(map[string]any{"version": f.Version, "updated_at": f.UpdatedAt}).Error; err != nil {
				return translate(err, "finding")
			}
		}
		insp, err := get[Inspection](tx, inspectionID, "inspection")
		if err != nil {
			return err
		}
		if err := mayWriteInspection(actor, insp); err != nil {
			return err
		}
		p.InspectionID = insp.ID
		if err := tx.Create(p).Error; err != nil {
			return translate(err, "photo")
		}
		return log.created("photo", p.ID, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetPhoto returns a photo to a viewer who may read its inspection (and so
// its findings): inspectors, authorities and admins, and the inspected
// trader's vendors. Errors: ErrForbidden, ErrNotFound.
func (s *Store) GetPhoto(ctx context.Context, viewer Actor, id string) (*Photo, error) {
	if err := mayReadTraderRecords(viewer, "photos"); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	p, err := get[Photo](db, id, "photo")
	if err != nil {
		return nil, err
	}
	if _, err := s.GetInspection(ctx, viewer, p.InspectionID); err != nil {
		return nil, fmt.Errorf("photo %s: %w", id, ErrNotFound)
	}
	return p, nil
}

// PhotoIDsOf lists the ids of a finding's photos, oldest first.
func (s *Store) PhotoIDsOf(ctx context.Context, findingID string) ([]string, error) {
	ids := []string{}
	err := s.db.WithContext(ctx).Model(&Photo{}).Where("finding_id = ?", findingID).Order("created_at, id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	return ids, nil
}

// InspectionPhotos lists an inspection's photos, oldest first, without
// their bytes: those of the visit as a whole (FindingID nil), of its
// findings, and of its labels marked not in the registry. Only a viewer
// who may read the inspection may list them; for another organization's
// inspection, a vendor gets ErrNotFound. Errors: ErrForbidden, ErrNotFound.
func (s *Store) InspectionPhotos(ctx context.Context, viewer Actor, inspectionID string) ([]Photo, error) {
	insp, err := s.GetInspection(ctx, viewer, inspectionID)
	if err != nil {
		return nil, err
	}
	photos := []Photo{}
	err = s.db.WithContext(ctx).Model(&Photo{}).
		Select("id", "created_at", "inspection_id", "finding_id", "content_type", "size", "sha256").Where("inspection_id = ?", insp.ID).
		Order("created_at, id").Limit(maxInspectionPhotos).Find(&photos).Error
	if err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	return photos, nil
}

// maxInspectionPhotos bounds the photos listed for one inspection.
const maxInspectionPhotos = 500
