package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxInspectionItems is the most items one inspection may record.
const MaxInspectionItems = MaxVerifyItems

// Inspection is an inspector's visit to a trader: where and when, and the
// cameras observed on the shelf. Each item is verified when it is recorded,
// on the visit's date, and keeps that verdict: a later change in the
// registry never rewrites what the inspector saw.
type Inspection struct {
	Record
	// Number is the record's human number, KT-<year>-<6 digits>,
	// sequential per year of the visit.
	Number *string `json:"number"`
	// Inspector is the name of the key that recorded the visit.
	Inspector string `json:"inspector"`
	// OfficeOrgID is the inspecting office: the inspector key's
	// organization.
	OfficeOrgID  *string          `json:"office_org_id"`
	TraderOrgID  string           `json:"trader_org_id"`
	InspectedOn  Date             `json:"inspected_on"`
	Place        string           `json:"place"`
	ProvinceCode *string          `json:"province_code"`
	ProvinceName *string          `json:"province_name"`
	Notes        string           `json:"notes"`
	Items        []InspectionItem `gorm:"foreignKey:InspectionID" json:"items"`
}

// TableName is the table of inspections.
func (Inspection) TableName() string { return "inspections" }

// InspectionItem is one camera model observed during an inspection, with
// the verdict it got on the spot.
type InspectionItem struct {
	InspectionID  string  `json:"-"`
	Position      int     `json:"position"`
	ModelText     string  `json:"model"`
	Brand         string  `json:"brand"`
	Firmware      string  `json:"firmware"`
	Quantity      int     `json:"quantity"`
	PhotoRef      string  `json:"photo_ref"`
	GTIN          string  `gorm:"column:gtin" json:"gtin"`
	CameraModelID *string `json:"camera_model_id"`
	// Match is how the typed text matched the registry, exactly as
	// GET /v1/verify matches it.
	Match string `json:"match"`
	// Resolution is how the item was settled (Resolutions); Candidates
	// are the models an item that needs confirmation may be.
	Resolution string         `json:"resolution"`
	Candidates ItemCandidates `json:"candidates"`
	// LabelText and PhotoIDs record a label marked as not in the registry.
	LabelText string     `json:"label_text"`
	PhotoIDs  StringList `json:"photo_ids"`
	Verdict   string     `json:"verdict"`
	Reasons   Reasons    `json:"reasons"`
	// FindingID is the finding the item opened, if any.
	FindingID string `gorm:"-" json:"finding_id,omitempty"`
}

// TableName is the table of inspection items.
func (InspectionItem) TableName() string { return "inspection_items" }

// Reasons is a verdict's reasons, stored as a JSON array.
type Reasons []Reason

// Value encodes the reasons as JSON.
func (r Reasons) Value() (driver.Value, error) {
	if r == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Reason(r))
	return string(b), err
}

// Scan decodes the JSON array.
func (r *Reasons) Scan(src any) error {
	return scanJSON(src, (*[]Reason)(r), "Reasons")
}

// InspectionInput records an inspection.
type InspectionInput struct {
	// OfficeOrgID is taken from an inspector's key; an admin may name it.
	OfficeOrgID *string
	TraderOrgID *string
	// InspectedOn defaults to today; it cannot be in the future.
	InspectedOn *string
	Place       *string
	// Province defaults to the trader's.
	Province *string
	Notes    *string
	Items    []InspectionItemInput
}

// InspectionItemInput is one observed item, as the inspector reads it.
type InspectionItemInput struct {
	Model    string
	Brand    string
	Firmware string
	Quantity *int
	PhotoRef string
	// GTIN is the barcode scanned from the box, if any.
	GTIN string
	// Settlement is the inspector's choice, for an item whose text alone
	// is not certain.
	Settlement ItemSettlement
}

// CreateInspection records an inspection by an inspector (or an admin):
// it verifies every item on the inspection's date, stores the verdicts, and
// opens a finding for each item that is non-compliant, or not found in the
// registry while certification is mandatory, all in one transaction with
// its change-log events. It returns the inspection and the findings it
// opened. Errors: ErrForbidden, ErrInvalid.
func (s *Store) CreateInspection(ctx context.Context, actor Actor, in InspectionInput) (*Inspection, []Finding, error) {
	if err := actor.may("record inspections", RoleInspector, RoleAdmin); err != nil {
		return nil, nil, err
	}
	today := s.Today()
	insp := &Inspection{Record: s.newRecord(), Inspector: actor.Name}
	if insp.Inspector == "" {
		insp.Inspector = actor.Label()
	}
	var v ValidationError
	switch {
	case actor.Role == RoleInspector && in.OfficeOrgID != nil && *in.OfficeOrgID != actor.OrgID:
		return nil, nil, Forbidden("an inspector records inspections for its own office only")
	case actor.Role == RoleInspector:
		if actor.OrgID == "" {
			return nil, nil, Forbidden("this inspector key belongs to no office")
		}
		insp.OfficeOrgID = strPtr(actor.OrgID)
	case in.OfficeOrgID != nil:
		insp.OfficeOrgID = optional(v.refID("office_org_id", in.OfficeOrgID, false))
	}
	insp.TraderOrgID = v.refID("trader_org_id", in.TraderOrgID, true)
	insp.InspectedOn = v.date("inspected_on", in.InspectedOn, false)
	if insp.InspectedOn.IsZero() {
		insp.InspectedOn = today
	}
	v.Check(!insp.InspectedOn.After(today), "inspected_on", "must not be in the future (today is %s)", today)
	insp.Place = v.text("place", in.Place, false, 500)
	insp.Notes = v.text("notes", in.Notes, false, 5000)
	if in.Province != nil {
		if p := v.province("province", in.Province, false); p != nil {
			insp.ProvinceCode, insp.ProvinceName = &p.Code, &p.Name
		}
	}
	switch {
	case len(in.Items) == 0:
		v.Add("items", "must list at least one observed item")
	case len(in.Items) > MaxInspectionItems:
		v.Add("items", "must list at most %d items", MaxInspectionItems)
	}
	qs := make([]parsedQuery, 0, len(in.Items))
	chosen, fields := map[int]string{}, map[int]string{}
	// A scanned GTIN names its model: the item is matched as that model's
	// number and brand, exactly as GET /v1/verify?gtin= does.
	typed := make([]VerifyQuery, len(in.Items))
	gtins := make([]string, len(in.Items))
	for i, it := range in.Items {
		typed[i] = VerifyQuery{Model: it.Model, Brand: it.Brand, Firmware: it.Firmware, At: insp.InspectedOn.String()}
		if _, ok := NormalizeGTIN(it.GTIN); ok {
			gtins[i] = it.GTIN
		}
	}
	if len(in.Items) <= MaxInspectionItems {
		if err := s.WithGTINs(ctx, typed, gtins, func(i int) string { return fmt.Sprintf("items[%d].gtin", i) }); err != nil {
			return nil, nil, err
		}
	}
	for i, it := range in.Items {
		prefix := fmt.Sprintf("items[%d].", i)
		q := s.checkQuery(&v, prefix, typed[i])
		qty := 1
		if it.Quantity != nil {
			qty = *it.Quantity
			v.Check(qty >= 1 && qty <= 1_000_000, prefix+"quantity", "must be between 1 and 1,000,000")
		}
		photo := v.text(prefix+"photo_ref", &it.PhotoRef, false, 500)
		gtin := v.text(prefix+"gtin", &it.GTIN, false, 20)
		if gtin != "" {
			gtin = v.gtin(prefix+"gtin", gtin)
		}
		it.Settlement.check(&v, prefix)
		if it.Settlement.CameraModelID != nil && ValidID(*it.Settlement.CameraModelID) {
			chosen[i] = *it.Settlement.CameraModelID
			fields[i] = prefix
		}
		qs = append(qs, q)
		insp.Items = append(insp.Items, InspectionItem{InspectionID: insp.ID, Position: i, ModelText: q.Model,
			Brand: q.Brand, Firmware: q.Firmware, Quantity: qty, PhotoRef: photo, GTIN: gtin})
	}
	var findings []Finding
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		var trader Organization
		if ValidID(insp.TraderOrgID) {
			if err := tx.Where("id = ?", insp.TraderOrgID).Take(&trader).Error; err != nil {
				v.Add("trader_org_id", "no organization has id %s", insp.TraderOrgID)
			} else if !containsStr(TraderKinds, trader.Kind) {
				v.Add("trader_org_id", "must be a trader (%s), not %s", joinComma(TraderKinds), trader.Kind)
			}
		}
		if insp.OfficeOrgID != nil && actor.Role != RoleInspector {
			checkOrgKind(tx, &v, "office_org_id", *insp.OfficeOrgID, OrgMarketSurveillance, OrgAuthority)
		}
		picked, err := s.verifyChosen(tx, &v, fields, insp.Items, chosen, insp.InspectedOn)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if insp.ProvinceCode == nil {
			insp.ProvinceCode, insp.ProvinceName = trader.ProvinceCode, trader.ProvinceName
		}
		// Verified on the spot: the same rules as /v1/verify, on the
		// inspection's date, inside this transaction.
		verdicts, err := verifyAll(s.txReader(tx), qs)
		if err != nil {
			return err
		}
		for i := range insp.Items {
			it := &insp.Items[i]
			f := s.settleItem(&v, fmt.Sprintf("items[%d].", i), insp, it, &verdicts[i], in.Items[i].Settlement, picked[i])
			if f != nil {
				it.FindingID = f.ID
				findings = append(findings, *f)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		number, err := nextRecordNumber(tx, insp.InspectedOn)
		if err != nil {
			return err
		}
		insp.Number = &number
		if err := tx.Omit(clause.Associations).Create(insp).Error; err != nil {
			return translate(err, "inspection")
		}
		if err := tx.CreateInBatches(insp.Items, 100).Error; err != nil {
			return translate(err, "inspection items")
		}
		if err := log.created("inspection", insp.ID, insp); err != nil {
			return err
		}
		if len(findings) > 0 {
			if err := tx.CreateInBatches(findings, 100).Error; err != nil {
				return translate(err, "findings")
			}
		}
		for i := range findings {
			if err := log.created("finding", findings[i].ID, &findings[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if findings == nil {
		findings = []Finding{}
	}
	return insp, findings, nil
}

// findingFor opens a finding for a certain item (an exact match, or the
// model the inspector chose) that is non-compliant, with the violation of
// its strongest blocking reason.
func (s *Store) findingFor(insp *Inspection, it *InspectionItem, vd *Verification) *Finding {
	b := vd.Blocking()
	if b == nil {
		return nil
	}
	return s.newFinding(insp, it, violationOf(b.Code), vd.Reasons)
}

// newFinding is an open finding against the inspection's trader, for item.
func (s *Store) newFinding(insp *Inspection, it *InspectionItem, violation string, evidence Reasons) *Finding {
	pos := it.Position
	return &Finding{
		Record:        s.newRecord(),
		InspectionID:  insp.ID,
		ItemPosition:  &pos,
		TraderOrgID:   insp.TraderOrgID,
		OfficeOrgID:   insp.OfficeOrgID,
		CameraModelID: it.CameraModelID,
		ModelText:     it.ModelText,
		Brand:         it.Brand,
		ProvinceCode:  insp.ProvinceCode,
		ProvinceName:  insp.ProvinceName,
		ObservedOn:    insp.InspectedOn,
		Violation:     violation,
		Evidence:      evidence,
		Status:        Status{Status: FindingOpen, StatusChangedOn: insp.InspectedOn},
	}
}

// violationOf maps a blocking reason to a finding's violation code. A
// certificate against a standard no longer in force leaves the model
// without a valid certificate.
func violationOf(code string) string {
	switch code {
	case ReasonStandardNotInForce:
		return ReasonNoCertificate
	case ReasonNoCertificate, ReasonCertificateExpired, ReasonCertificateRevoked, ReasonCertificateSuspended,
		ReasonWarnedModel, ReasonBannedModel, ReasonNoOriginProof, ReasonUnregistered:
		return code
	}
	return ViolationOther
}

// canSeeTraderRecords: inspectors, authorities and admins see every
// trader's inspections and findings; a vendor sees those against its own
// organization. Other roles and the public see none.
func canSeeTraderRecords(viewer Actor, traderOrgID string) bool {
	return viewer.Privileged() || (viewer.Role == RoleVendor && viewer.Owns(&traderOrgID))
}

// mayReadTraderRecords refuses roles that see no trader records at all.
func mayReadTraderRecords(viewer Actor, what string) error {
	return viewer.may("read "+what, RoleAdmin, RoleInspector, RoleAuthority, RoleVendor)
}

// GetInspection loads an inspection with its items as the viewer may see
// it: another organization's inspection is not found for a vendor. Errors:
// ErrForbidden, ErrNotFound.
func (s *Store) GetInspection(ctx context.Context, viewer Actor, id string) (*Inspection, error) {
	if err := mayReadTraderRecords(viewer, "inspections"); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	insp, err := get[Inspection](db, id, "inspection")
	if err != nil {
		return nil, err
	}
	if !canSeeTraderRecords(viewer, insp.TraderOrgID) {
		return nil, fmt.Errorf("inspection %s: %w", id, ErrNotFound)
	}
	page := []Inspection{*insp}
	if err := loadInspectionItems(db, page); err != nil {
		return nil, err
	}
	return &page[0], nil
}

// loadInspectionItems fills the inspections' items, and each item's
// finding id, in two queries.
func loadInspectionItems(db *gorm.DB, insps []Inspection) error {
	if len(insps) == 0 {
		return nil
	}
	ids := make([]string, len(insps))
	byID := map[string]*Inspection{}
	for i := range insps {
		ids[i] = insps[i].ID
		byID[ids[i]] = &insps[i]
		insps[i].Items = []InspectionItem{}
	}
	var items []InspectionItem
	if err := db.Where("inspection_id IN ?", ids).Order("inspection_id, position").Find(&items).Error; err != nil {
		return fmt.Errorf("load inspection items: %w", err)
	}
	var fs []Finding
	if err := db.Select("id", "inspection_id", "item_position").Where("inspection_id IN ? AND manual = ?", ids, false).Find(&fs).Error; err != nil {
		return fmt.Errorf("load inspection findings: %w", err)
	}
	type pos struct {
		insp string
		at   int
	}
	findingAt := map[pos]string{}
	for _, f := range fs {
		if f.ItemPosition != nil {
			findingAt[pos{f.InspectionID, *f.ItemPosition}] = f.ID
		}
	}
	for _, it := range items {
		it.FindingID = findingAt[pos{it.InspectionID, it.Position}]
		if p := byID[it.InspectionID]; p != nil {
			p.Items = append(p.Items, it)
		}
	}
	return nil
}

// InspectionFilter selects inspections.
type InspectionFilter struct {
	TraderOrgID string
	OfficeOrgID string
	Province    string
	From, To    string
	// Inspector is the recording key's name, exactly.
	Inspector string
	// Status is InspectionPending (some item needs confirmation) or
	// InspectionComplete.
	Status string
	// Number is a record number, exactly.
	Number string
}

// The states of an inspection, derived from its items.
const (
	InspectionPending  = "needs_confirmation"
	InspectionComplete = "complete"
)

// StatusOf tells whether every item of the inspection is settled.
func (in *Inspection) StatusOf() string {
	for _, it := range in.Items {
		if it.Resolution == ResolutionNeedsConfirmation {
			return InspectionPending
		}
	}
	return InspectionComplete
}

// FindInspections lists the inspections the viewer may see, with their
// items. Errors: ErrForbidden, ErrInvalid.
func (s *Store) FindInspections(ctx context.Context, viewer Actor, f InspectionFilter, p PageRequest) (Page[Inspection], error) {
	if err := mayReadTraderRecords(viewer, "inspections"); err != nil {
		return Page[Inspection]{}, err
	}
	var v ValidationError
	db := s.db.WithContext(ctx)
	q := db.Model(&Inspection{})
	if !viewer.Privileged() {
		q = q.Where("trader_org_id = ?", viewer.OrgID)
	}
	if f.TraderOrgID != "" {
		q = q.Where("trader_org_id = ?", f.TraderOrgID)
	}
	if f.OfficeOrgID != "" {
		q = q.Where("office_org_id = ?", f.OfficeOrgID)
	}
	if f.Province != "" {
		if pr := v.province("province", &f.Province, false); pr != nil {
			q = q.Where("province_code = ?", pr.Code)
		}
	}
	if f.Inspector != "" {
		q = q.Where("inspector = ?", v.text("inspector", &f.Inspector, false, 200))
	}
	if f.Number != "" {
		q = q.Where("number = ?", v.text("number", &f.Number, false, 20))
	}
	const pending = "EXISTS (SELECT 1 FROM inspection_items i WHERE i.inspection_id = inspections.id AND i.resolution = ?)"
	switch f.Status {
	case "":
	case InspectionPending:
		q = q.Where(pending, ResolutionNeedsConfirmation)
	case InspectionComplete:
		q = q.Where("NOT "+pending, ResolutionNeedsConfirmation)
	default:
		v.Add("status", "must be one of %s, %s", InspectionPending, InspectionComplete)
	}
	q = dateRange(&v, q, "inspected_on", f.From, f.To)
	if err := v.Err(); err != nil {
		return Page[Inspection]{}, err
	}
	page, err := findPage[Inspection](q, "inspections", p)
	if err != nil {
		return page, err
	}
	return page, loadInspectionItems(db, page.Items)
}

// dateRange filters column to [from, to], each bound optional.
func dateRange(v *ValidationError, q *gorm.DB, column, from, to string) *gorm.DB {
	var f, t Date
	if from != "" {
		f = v.date("from", &from, false)
		if !f.IsZero() {
			q = q.Where(column+" >= ?", f)
		}
	}
	if to != "" {
		t = v.date("to", &to, false)
		if !t.IsZero() {
			q = q.Where(column+" <= ?", t)
		}
	}
	if !f.IsZero() && !t.IsZero() && t.Before(f) {
		v.Add("to", "must not be before from")
	}
	return q
}
