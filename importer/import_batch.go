package importer

import (
	"context"
	"errors"
	"fmt"

	"camreg/models"
)

// early are the entities whose writing batches are turned into inputs
// (prepare) beside the batch before them, as their references are
// resolved: an input reads only the import's reference cache and rows of
// other entities, never one the import writes. On PostgreSQL the batch
// before is then mostly the server's work (its COPYs and their foreign-key
// checks), and a writing batch waited for it before making its inputs:
// national certificates, their inputs 0.18 s of camreg's 0.78 s of CPU in
// the writing batches' serial part. Listings' inputs name traders and
// models, which a listings import never writes: 500,000 national
// listings, their inputs 1.5 s of 23 s of CPU, half of it in the writing
// pass. Models' inputs name their registrants, organizations (national
// models: 0.37 s of 6.0 s of camreg's CPU, both passes).
var early = map[string]bool{"models": true, "certificates": true, "origin-certificates": true, "warnings": true, "listings": true}

// prepare turns the batch's records into the inputs of its entity's batch
// service and returns what checks or writes them (entities without a batch
// service are checked or written row by row when it is called).
func (r *run) prepare(ctx context.Context, batch []record) func(context.Context, models.BatchMode) ([]rowResult, error) {
	switch r.opts.Entity {
	case "organizations":
		return viaBatch(ctx, r, batch, (*rowCtx).organizationInput, r.writer().UpsertOrganizations)
	case "listings":
		return viaBatch(ctx, r, batch, (*rowCtx).listingInput, r.writer().UpsertListings)
	case "models":
		return viaBatch(ctx, r, batch, (*rowCtx).modelInput, r.writer().UpsertModels)
	case "certificates":
		return viaBatch(ctx, r, batch, (*rowCtx).certificateInput, r.writer().UpsertCertificates)
	case "origin-certificates":
		return viaBatch(ctx, r, batch, (*rowCtx).originInput, r.writer().UpsertOriginCertificates)
	case "warnings":
		return viaBatch(ctx, r, batch, (*rowCtx).warningInput, r.writer().UpsertWarnings)
	}
	return func(ctx context.Context, mode models.BatchMode) ([]rowResult, error) {
		return r.rowByRow(ctx, batch, mode)
	}
}

// viaBatch turns the batch's records into inputs and returns what hands
// them to a batch service. A row whose cells are already wrong is held:
// checked, so that its report lists every reason, and not written.
func viaBatch[In any](ctx context.Context, r *run, batch []record, input func(*rowCtx) In,
	upsert func(context.Context, models.Actor, []models.BatchRow[In], models.BatchMode) ([]models.BatchResult, error)) func(context.Context, models.BatchMode) ([]rowResult, error) {
	out := make([]rowResult, len(batch))
	rows := make([]models.BatchRow[In], 0, len(batch))
	ctxs := make([]*rowCtx, 0, len(batch))
	at := make([]int, 0, len(batch))
	held := false
	for i, rec := range batch {
		rc := &rowCtx{ctx: ctx, st: r.reader(), run: r, rec: rec}
		if msg, bad := rec.values[badJSON]; bad {
			rc.pre.Add("", "%s", msg)
			out[i].err = &RowError{Line: rec.pos, Errors: rc.pre.Errors}
			held = true
			continue
		}
		in := input(rc)
		hold := len(rc.pre.Errors) > 0
		held = held || hold
		rows = append(rows, models.BatchRow[In]{In: in, Hold: hold})
		ctxs, at = append(ctxs, rc), append(at, i)
	}
	return func(ctx context.Context, mode models.BatchMode) ([]rowResult, error) {
		return toBatch(ctx, r, out, rows, ctxs, at, held, mode, upsert)
	}
}

// toBatch hands a batch's inputs to its batch service and reads its
// results into out (viaBatch).
func toBatch[In any](ctx context.Context, r *run, out []rowResult, rows []models.BatchRow[In], ctxs []*rowCtx, at []int, held bool, mode models.BatchMode,
	upsert func(context.Context, models.Actor, []models.BatchRow[In], models.BatchMode) ([]models.BatchResult, error)) ([]rowResult, error) {
	all := mode == models.BatchWriteAll
	if all && held {
		// A row is invalid: write nothing, but check them all, for the report.
		mode = models.BatchValidate
	}
	results, err := upsert(ctx, r.opts.Actor, rows, mode)
	if err != nil && !errors.Is(err, models.ErrBatchInvalid) {
		return nil, err
	}
	for j, res := range results {
		fields, rowLevel := r.rowErrors(ctxs[j], res.Err)
		if !rowLevel {
			return nil, fmt.Errorf("%s %d: %w", posKind(r.opts.Format), ctxs[j].rec.pos, res.Err)
		}
		if len(fields) > 0 {
			out[at[j]].err = &RowError{Line: ctxs[j].rec.pos, Key: r.naturalKey(ctxs[j].rec), Errors: fields}
			continue
		}
		out[at[j]].out = res.Outcome
	}
	if all && (held || err != nil) {
		return out, errRowInvalid
	}
	return out, nil
}
