package importer

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"camreg/models"
)

// FleetReportFormats are the formats of a fleet report's export.
var FleetReportFormats = []string{FormatCSV, FormatXLSX}

// FleetReportColumns are the columns of a fleet report's export: the
// device row as its owner recorded it, then verify's answer for it. Cells
// are neutralised against spreadsheet formulas like every export's.
var FleetReportColumns = []string{"at", "device_id", "external_id", "brand", "model", "firmware", "quantity", "location",
	"match", "verdict", "to_fix", "matched_brand", "matched_model_number", "reasons"}

// ExportFleetReport streams a fleet's report (the rows of
// GET /v1/fleets/{id}/report, every one of them), a batch of devices at a
// time, so memory stays flat at any fleet size. The caller checks that the
// viewer may read the fleet first; this checks it again. Errors: those of
// models.Store.EachFleetReportBatch and the writer's.
func ExportFleetReport(ctx context.Context, st *models.Store, viewer models.Actor, fleetID, at, format string, w io.Writer) error {
	if !slices.Contains(FleetReportFormats, format) {
		return fmt.Errorf("unknown fleet report format %q: use one of %s", format, strings.Join(FleetReportFormats, ", "))
	}
	out, err := newRowWriter(format, w, FleetReportColumns)
	if err != nil {
		return err
	}
	err = st.EachFleetReportBatch(ctx, viewer, fleetID, at, func(_ *models.Fleet, day models.Date, rows []models.FleetReportRow) error {
		for i := range rows {
			r := &rows[i]
			d := &r.Device
			var brand, number string
			if m := r.Verification.Model; m != nil {
				brand, number = m.Brand, m.ModelNumber
			}
			codes := make([]string, len(r.Verification.Reasons))
			for j, reason := range r.Verification.Reasons {
				codes[j] = reason.Code
			}
			if err := out.row([]any{day.String(), d.ID, d.ExternalID, d.Brand, d.Model, d.Firmware, d.Quantity, d.Location,
				r.Verification.Match, r.Verdict, r.ToFix, brand, number, codes}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.close()
}
