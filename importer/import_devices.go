package importer

import (
	"context"
	"errors"

	"camreg/models"
)

// Devices: an operator's inventory, imported into one fleet
// (models.ImportDevices). Unlike the registry's entities, a devices file is
// written in one transaction, so the file needs only one pass: the rows are
// checked and written as they are read, and the transaction is rolled back
// at the end when a row was invalid (unless SkipInvalid). A dry run checks
// them without a transaction.

// devices runs an import of devices.
func (r *run) devices(ctx context.Context, sum *Summary) error {
	if r.opts.FleetID == "" {
		var v models.ValidationError
		v.Add("fleet_id", "is required: the fleet to import the devices into")
		return v.Err()
	}
	res, err := r.st.ImportDevices(ctx, r.opts.Actor, r.opts.FleetID, r.opts.Replace, r.opts.DryRun,
		func(add models.DeviceAdder) (bool, error) {
			r.addDevices = add
			if err := r.pass(ctx, sum, !r.opts.DryRun); err != nil {
				return false, err
			}
			return !r.opts.DryRun && (sum.Invalid == 0 || r.opts.SkipInvalid), nil
		})
	sum.Replaced = res.Replaced
	if err != nil {
		sum.Written = false
		return err
	}
	if r.opts.DryRun {
		return nil
	}
	if sum.Invalid > 0 && !r.opts.SkipInvalid {
		// Rolled back: nothing of the file was written.
		sum.Written, sum.Replaced = false, 0
		return ErrRowsInvalid
	}
	sum.Written = sum.Written || res.Replaced > 0
	if sum.Created+sum.Updated > 0 {
		return r.st.RefreshStatistics(ctx)
	}
	return nil
}

// deviceBatch checks or writes a batch of device rows. All of a file's
// batches share one transaction, so a row found invalid does not stop the
// pass: the others are checked too, for the report, and the transaction
// is rolled back at its end.
func (r *run) deviceBatch(ctx context.Context, batch []record, mode models.BatchMode) ([]rowResult, error) {
	if mode == models.BatchWriteAll {
		mode = models.BatchWriteValid
	}
	out, err := viaBatch(ctx, r, batch, (*rowCtx).deviceInput,
		func(_ context.Context, _ models.Actor, rows []models.BatchRow[models.DeviceInput], mode models.BatchMode) ([]models.BatchResult, error) {
			return r.addDevices(rows, mode)
		})(ctx, mode)
	if errors.Is(err, errRowInvalid) {
		err = nil
	}
	return out, err
}

// deviceInput reads a device row.
func (c *rowCtx) deviceInput() models.DeviceInput {
	return models.DeviceInput{Brand: c.str("brand"), Model: c.str("model"), Firmware: c.str("firmware"),
		Quantity: c.integer("quantity"), Location: c.str("location"), ExternalID: c.str("external_id")}
}
