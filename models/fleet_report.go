package models

import (
	"context"
	"fmt"
)

// The fleet report: every device row of a fleet matched and judged by
// VerifyMany, verify's own matcher and rules, in batches of MaxVerifyItems.
// A row whose model text matches no registered model exactly (none,
// possible, ambiguous) is listed for its owner to fix and is never counted
// compliant: verify itself answers a possible match unknown (or
// non_compliant), and a compliant row to fix would be counted unknown all
// the same, since the owner has not said it is that model.

// MaxReportToFix bounds the rows to fix that the report's summary lists;
// the CSV holds every row.
const MaxReportToFix = 1000

// maxReportKnown bounds the verifications a report keeps to reuse: an
// inventory of a million rows of as many distinct models keeps memory flat.
const maxReportKnown = 20_000

// FleetReportRow is one device row and verify's answer for it.
type FleetReportRow struct {
	Device FleetDevice
	// Verification is verify's answer for the row's brand, model text and
	// firmware on the report's date.
	Verification Verification
	// Verdict is the verdict the report counts: verify's, except that a
	// row matched only possibly is never compliant (unknown instead).
	Verdict string
	// ToFix is true when the model text matched no model exactly.
	ToFix bool
}

// FleetCount counts device rows and the cameras they hold (the sum of
// their quantities).
type FleetCount struct {
	Rows    int `json:"rows"`
	Cameras int `json:"cameras"`
}

func (c *FleetCount) add(d *FleetDevice) {
	c.Rows++
	c.Cameras += d.Quantity
}

// FleetReport sums up a fleet on a date.
type FleetReport struct {
	Fleet     Fleet
	At        Date
	Total     FleetCount
	ByVerdict map[string]FleetCount
	ByReason  map[string]FleetCount
	ByMatch   map[string]FleetCount
	// ToFix are the first MaxReportToFix rows to fix; ToFixTotal counts
	// them all.
	ToFix      []FleetReportRow
	ToFixTotal int
}

// EachFleetReportBatch verifies a fleet's devices on the date at
// (YYYY-MM-DD; today when empty), in batches of up to MaxVerifyItems rows
// ordered by id, and hands each batch to fn. Errors: ErrForbidden,
// ErrNotFound, ErrInvalid (at).
func (s *Store) EachFleetReportBatch(ctx context.Context, viewer Actor, fleetID, at string, fn func(*Fleet, Date, []FleetReportRow) error) error {
	var v ValidationError
	day := v.date("at", &at, false)
	if err := v.Err(); err != nil {
		return err
	}
	if day.IsZero() {
		day = s.Today()
	}
	db := s.db.WithContext(ctx)
	f, err := viewFleet(db, viewer, fleetID)
	if err != nil {
		return err
	}
	after := ""
	known := map[VerifyQuery]Verification{}
	for {
		var ds []FleetDevice
		if err := db.Where("fleet_id = ? AND id > ?", fleetID, after).Order("id").Limit(MaxVerifyItems).Find(&ds).Error; err != nil {
			return fmt.Errorf("read devices of fleet %s: %w", fleetID, err)
		}
		if len(ds) == 0 {
			return fn(f, day, nil)
		}
		// An inventory names a few models many times: each distinct
		// brand, model text and firmware is verified once per report.
		var fresh []VerifyQuery
		batch := map[VerifyQuery]Verification{}
		for _, d := range ds {
			q := VerifyQuery{Model: d.Model, Brand: d.Brand, Firmware: d.Firmware, At: day.String()}
			if _, ok := known[q]; ok {
				continue
			}
			if _, ok := batch[q]; !ok {
				batch[q] = Verification{}
				fresh = append(fresh, q)
			}
		}
		if len(fresh) > 0 {
			vs, err := s.VerifyMany(ctx, fresh)
			if err != nil {
				return fmt.Errorf("verify devices of fleet %s: %w", fleetID, err)
			}
			for i, q := range fresh {
				batch[q] = vs[i]
				if len(known) < maxReportKnown {
					known[q] = vs[i]
				}
			}
		}
		rows := make([]FleetReportRow, len(ds))
		for i, d := range ds {
			q := VerifyQuery{Model: d.Model, Brand: d.Brand, Firmware: d.Firmware, At: day.String()}
			v, ok := known[q]
			if !ok {
				v = batch[q]
			}
			rows[i] = FleetReportRow{Device: ds[i], Verification: v, Verdict: v.Verdict, ToFix: v.Match != MatchExact}
			if rows[i].ToFix && rows[i].Verdict == VerdictCompliant {
				rows[i].Verdict = VerdictUnknown
			}
		}
		if err := fn(f, day, rows); err != nil {
			return err
		}
		if len(ds) < MaxVerifyItems {
			return nil
		}
		after = ds[len(ds)-1].ID
	}
}

// FleetReportOn sums up a fleet's devices on the date at (YYYY-MM-DD;
// today when empty): counts by verdict, by reason code and by match, and
// the rows to fix. Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) FleetReportOn(ctx context.Context, viewer Actor, fleetID, at string) (*FleetReport, error) {
	rep := &FleetReport{ByVerdict: map[string]FleetCount{}, ByReason: map[string]FleetCount{}, ByMatch: map[string]FleetCount{},
		ToFix: []FleetReportRow{}}
	bump := func(m map[string]FleetCount, k string, d *FleetDevice) {
		c := m[k]
		c.add(d)
		m[k] = c
	}
	err := s.EachFleetReportBatch(ctx, viewer, fleetID, at, func(f *Fleet, day Date, rows []FleetReportRow) error {
		rep.Fleet, rep.At = *f, day
		for i := range rows {
			r := &rows[i]
			rep.Total.add(&r.Device)
			bump(rep.ByVerdict, r.Verdict, &r.Device)
			bump(rep.ByMatch, r.Verification.Match, &r.Device)
			seen := map[string]bool{}
			for _, reason := range r.Verification.Reasons {
				if !seen[reason.Code] {
					seen[reason.Code] = true
					bump(rep.ByReason, reason.Code, &r.Device)
				}
			}
			if r.ToFix {
				rep.ToFixTotal++
				if len(rep.ToFix) < MaxReportToFix {
					rep.ToFix = append(rep.ToFix, *r)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}
