package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"camreg/models/verdict"
)

// MaxFleetDevices is the most devices one request may add.
const MaxFleetDevices = 500

// MaxDeviceQuantity bounds one device row's quantity.
const MaxDeviceQuantity = 1_000_000

// FleetDevice is one row of a fleet's inventory: cameras of one model
// text, as its owner recorded them (the report matches the text with
// verify's matcher; it is not a reference to a registered model).
type FleetDevice struct {
	Record
	FleetID  string `json:"fleet_id"`
	Brand    string `json:"brand"`
	Model    string `json:"model"`
	Firmware string `json:"firmware"`
	Quantity int    `json:"quantity"`
	// Location is where the cameras are, or the information system.
	Location string `json:"location"`
	// ExternalID is the owner's own id of the row (an asset tag).
	ExternalID string `json:"external_id"`
}

// DeviceInput is one device row to add.
type DeviceInput struct {
	Brand      *string
	Model      *string
	Firmware   *string
	Quantity   *int
	Location   *string
	ExternalID *string
}

func (in DeviceInput) apply(v *ValidationError, prefix string, d *FleetDevice) {
	d.Brand = v.text(prefix+"brand", in.Brand, false, verdict.MaxBrandLen)
	d.Model = v.text(prefix+"model", in.Model, true, verdict.MaxModelLen)
	d.Firmware = v.text(prefix+"firmware", in.Firmware, false, verdict.MaxFirmwareLen)
	d.Location = v.text(prefix+"location", in.Location, false, 500)
	d.ExternalID = v.text(prefix+"external_id", in.ExternalID, false, 200)
	d.Quantity = 1
	if in.Quantity != nil {
		v.Check(*in.Quantity >= 1 && *in.Quantity <= MaxDeviceQuantity, prefix+"quantity", "must be between 1 and %d", MaxDeviceQuantity)
		d.Quantity = *in.Quantity
	}
	if in.Model != nil && d.Model != "" && verdict.Parse(VerifyQuery{Model: d.Model}, Date{}).Keyless() {
		v.Add(prefix+"model", "must contain letters or digits")
	}
}

// AddFleetDevices adds up to MaxFleetDevices device rows to a fleet, all
// or none; field errors name the item ("items[3].model") when there are
// several. Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) AddFleetDevices(ctx context.Context, actor Actor, fleetID string, ins []DeviceInput, bulk bool) ([]FleetDevice, error) {
	var v ValidationError
	switch {
	case len(ins) == 0:
		v.Add("items", "must hold at least one device")
	case len(ins) > MaxFleetDevices:
		v.Add("items", "must hold at most %d devices, not %d; split the inventory into several requests", MaxFleetDevices, len(ins))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []FleetDevice
	err := s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if _, err := keptFleet(tx, actor, fleetID); err != nil {
			return err
		}
		out = make([]FleetDevice, len(ins))
		for i, in := range ins {
			prefix := ""
			if bulk {
				prefix = fmt.Sprintf("items[%d].", i)
			}
			out[i] = FleetDevice{Record: s.newRecord(), FleetID: fleetID}
			in.apply(&v, prefix, &out[i])
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.CreateInBatches(out, 100).Error; err != nil {
			return translate(err, "fleet device")
		}
		for i := range out {
			if err := log.created("fleet_device", out[i].ID, &out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FleetDevices lists a fleet's devices, as viewer may see the fleet.
// Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) FleetDevices(ctx context.Context, viewer Actor, fleetID string, p PageRequest) (Page[FleetDevice], error) {
	db := s.db.WithContext(ctx)
	if _, err := viewFleet(db, viewer, fleetID); err != nil {
		return Page[FleetDevice]{}, err
	}
	return findPage[FleetDevice](db.Model(&FleetDevice{}).Where("fleet_id = ?", fleetID), "fleet_devices", p)
}

// DeleteFleetDevice removes one device row of a fleet. A device of another
// fleet is ErrNotFound. Errors: ErrForbidden, ErrNotFound.
func (s *Store) DeleteFleetDevice(ctx context.Context, actor Actor, fleetID, deviceID string) error {
	return s.write(ctx, actor, func(tx *gorm.DB, log *changeLog) error {
		if _, err := keptFleet(tx, actor, fleetID); err != nil {
			return err
		}
		d, err := get[FleetDevice](tx, deviceID, "fleet device")
		if err != nil {
			return err
		}
		if d.FleetID != fleetID {
			return fmt.Errorf("fleet device %s: %w", deviceID, ErrNotFound)
		}
		if err := tx.Delete(&FleetDevice{}, "id = ?", deviceID).Error; err != nil {
			return translate(err, "fleet device")
		}
		return log.record(ActionDelete, "fleet_device", deviceID, d)
	})
}
