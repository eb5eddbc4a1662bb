package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"camreg/models"
)

// A pass reads the file once, in batches: checking every row (nothing is
// written) or writing them, through the batch services where an entity has
// them and row by row otherwise.

// run is one import in progress.
type run struct {
	// encoding is the text encoding of a CSV or JSON file.
	encoding string
	st       *models.Store
	opts     Options
	h        *headerMap
	path     string
	refs     *refCache
	// in and size are the file being read by the pass, and its size, for
	// the part still to come (rest).
	in   *countingReader
	size int64
	// addDevices writes device rows into the fleet (import_devices.go).
	addDevices models.DeviceAdder
	// batchKeys holds, for each batch of the last pass, a digest of its
	// rows' natural keys and positions. checked is that of a checking pass
	// that found every row valid: the writing pass after it then compares
	// each batch with it instead of holding every key read (keySet), as a
	// repeated key would have failed the check, and a batch whose keys
	// differ from those checked (the file changed meanwhile) is refused
	// before it is written. The writing pass of the national listings held
	// the 48 MiB table of 2,000,000 keys; it now holds 8 bytes a batch.
	batchKeys, checked []uint64
	// onePass: the import's only pass checks and writes in one
	// transaction, tx, rolled back at the end if a row was invalid
	// (inOneTx); failed says a row was found invalid, after which its
	// batches are only checked.
	onePass bool
	tx      *models.Store
	failed  atomic.Bool
	// keysAtEnd: the one pass's transaction checks its covered models'
	// foreign keys at its end (models.CheckKeysAtEnd), holding the models'
	// table to commit, so that the import reads nothing outside it: each
	// batch's references are read in it, after the batch before.
	keysAtEnd bool
}

// reader is the Store the batches' references are read through: the
// import's transaction when it holds the tables they are read from
// (keysAtEnd), else the registry's.
func (r *run) reader() *models.Store {
	if r.keysAtEnd && r.tx != nil {
		return r.tx
	}
	return r.st
}

// writer is the Store the batches are written through: the import's
// transaction in one pass, else the registry's.
func (r *run) writer() *models.Store {
	if r.tx != nil {
		return r.tx
	}
	return r.st
}

// digestOffset starts a batch's key digest (FNV-1a's offset basis).
const digestOffset = 14695981039346656037

// digestKey adds a row's natural key and position to a batch's digest
// (FNV-1a over the key, a separator and the position).
func digestKey(d uint64, key string, pos int) uint64 {
	const prime = 1099511628211
	for i := 0; i < len(key); i++ {
		d = (d ^ uint64(key[i])) * prime
	}
	d = (d ^ 0xff) * prime
	for p := uint64(pos); ; p >>= 8 {
		d = (d ^ (p & 0xff)) * prime
		if p < 0x100 {
			break
		}
	}
	return d
}

// errFileChanged refuses a batch of the writing pass whose keys are not
// the ones the checking pass read.
var errFileChanged = errors.New("the file changed after it was checked")

// countingReader counts the bytes read, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// pass reads the whole file once. With commit false every batch is rolled
// back (the validation pass); with commit true each batch is committed.
func (r *run) pass(ctx context.Context, sum *Summary, commit bool) error {
	f, err := os.Open(r.path)
	if err != nil {
		return fmt.Errorf("open %s: %w", r.path, err)
	}
	defer f.Close()
	var total int64
	if fi, err := f.Stat(); err == nil {
		total = fi.Size()
	}
	cr := &countingReader{r: ctxReader{ctx: ctx, r: f}}
	r.in, r.size = cr, total
	src, err := openSource(r.opts.Format, decodeText(cr, r.encoding), r.h, r.opts.Sheet, r.opts.Limits)
	if err != nil {
		return err
	}
	defer func() {
		// JSON names its keys record by record, so this is known at the end.
		if u := src.unknown(); len(u) > 0 && len(sum.Warnings) == 0 {
			sum.Warnings = append(sum.Warnings, fmt.Sprintf("ignored columns that match no %s column: %s (map them with --map 'header=column')",
				r.opts.Entity, strings.Join(u, ", ")))
		}
	}()
	phase := "writing"
	if !commit {
		phase = "validating"
	}
	// seen holds every natural key read so far (as a hash), so that a key
	// repeated in the file is reported, in the validation pass as in the
	// writing one.
	var seen keySet
	defer seen.free()
	// trust: the keys were checked (r.checked), so the table is not kept.
	trust := commit && r.checked != nil
	if trust && r.opts.KeyTable != nil {
		r.opts.KeyTable(0)
	}
	r.batchKeys = r.batchKeys[:0]
	digest := uint64(digestOffset)
	batch := make([]record, 0, r.opts.BatchSize)
	read := 0
	mode := r.mode(commit)
	// Batches run in a pipeline of two stages, as the machines camreg runs
	// on have two cores or more: while one batch is checked or written,
	// the next is read and parsed and, when writing, its references to
	// other entities are resolved. Checking writes nothing, so two batches
	// are checked at once; writing stays one batch after the other, in the
	// file's order, each in its own transaction. The results are taken in
	// order, here, so the summary, the reports and the progress read as
	// they did one batch at a time.
	depth := 2
	if r.opts.OneAtATime {
		depth = 0
	}
	var queue []*inflight
	var prev *inflight
	// take waits for the oldest batch in flight and counts its results.
	take := func() error {
		f := queue[0]
		queue = queue[1:]
		<-f.done
		results, err := f.results, f.err
		if r.onePass && errors.Is(err, errRowInvalid) {
			// Counted and reported like a checked batch; the
			// transaction is rolled back at the end (inOneTx).
			err = nil
		}
		var counts Counts
		var errs []RowError
		for _, res := range results {
			switch {
			case res.err != nil:
				errs = append(errs, *res.err)
				counts.Invalid++
			case res.out == created:
				counts.Created++
			case res.out == updated:
				counts.Updated++
			default:
				counts.Unchanged++
			}
		}
		for _, e := range errs {
			r.report(sum, e)
		}
		sum.Invalid += counts.Invalid
		switch {
		case errors.Is(err, errRowInvalid):
			return fmt.Errorf("%w: a row became invalid after validation; the batch was rolled back", ErrRowsInvalid)
		case errors.Is(err, errStopped):
			return err
		case f.unstarted:
			return fmt.Errorf("import interrupted after %d rows: %w", f.rows-len(f.batch), ctx.Err())
		case err != nil && ctx.Err() != nil:
			// The batch was stopped by the cancellation itself (a
			// database driver says so in its own words, SQLite's
			// "interrupted" among them): say it was interrupted, as
			// the caller asked for.
			return fmt.Errorf("import interrupted after %d rows (the batch in progress was rolled back): %w", f.rows-len(f.batch), ctx.Err())
		case err != nil:
			return fmt.Errorf("import batch ending at %s %d (rolled back): %w", sum.PosKind, f.batch[len(f.batch)-1].pos, err)
		}
		sum.Created += counts.Created
		sum.Updated += counts.Updated
		sum.Unchanged += counts.Unchanged
		if commit && !r.onePass && counts.Created+counts.Updated+counts.Unchanged > 0 {
			sum.Written = true
		}
		if r.opts.Progress != nil {
			r.opts.Progress(Progress{Phase: phase, Rows: f.rows, Bytes: cr.n.Load(), TotalBytes: total, Counts: sum.Counts})
		}
		return nil
	}
	// drain takes the batches in flight in order until one fails, then
	// waits for the others (a writing batch after a failed one writes
	// nothing); the first error wins.
	drain := func(first error) error {
		for first == nil && len(queue) > 0 {
			first = take()
		}
		for _, f := range queue {
			<-f.done
		}
		queue = nil
		return first
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if n := len(r.batchKeys); trust && (n >= len(r.checked) || r.checked[n] != digest) {
			return drain(fmt.Errorf("%w: the batch ending at %s %d is not the one checked (the batches before it were written): import the file again",
				errFileChanged, sum.PosKind, batch[len(batch)-1].pos))
		}
		r.batchKeys, digest = append(r.batchKeys, digest), digestOffset
		f := &inflight{batch: batch, rows: sum.Rows, done: make(chan struct{}), after: prev}
		batch = make([]record, 0, r.opts.BatchSize)
		prev = f
		go f.run(ctx, r, mode)
		queue = append(queue, f)
		for len(queue) >= depth+1 || (len(queue) > 0 && queue[0].finished()) {
			if err := take(); err != nil {
				return drain(err)
			}
		}
		return nil
	}
	defer func() {
		for _, f := range queue {
			<-f.done
		}
	}()
	end := func(err error) error {
		if ferr := flush(); ferr != nil {
			return ferr
		}
		return drain(err)
	}
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && read%256 == 0 && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err == nil {
			if read++; read > r.opts.Limits.Rows {
				err = &LimitError{Where: fmt.Sprintf("%s %d", sum.PosKind, rec.pos), What: fmt.Sprintf("more than %d rows", r.opts.Limits.Rows),
					Limit: int64(r.opts.Limits.Rows), Setting: "CAMREG_IMPORT_MAX_ROWS"}
			}
		}
		if err != nil {
			// The batches before are counted first: they may have been
			// written.
			if ctx.Err() != nil {
				if derr := drain(nil); derr != nil {
					return derr
				}
				return fmt.Errorf("import interrupted after %d rows: %w", sum.Rows, ctx.Err())
			}
			if errors.Is(err, ErrTooLarge) {
				// The file is refused: the rows read with it are not
				// written (without SkipInvalid, the validation pass met
				// this first, so nothing was).
				if derr := drain(nil); derr != nil {
					return derr
				}
				return err
			}
			// A file that cannot be read further: keep what is committed,
			// and say where reading stopped.
			return end(err)
		}
		if rec.blank {
			continue
		}
		sum.Rows++
		key := r.naturalKey(rec)
		if key != "" && !trust {
			slots := len(seen.hashes)
			first, dup := seen.add(key, rec.pos)
			if len(seen.hashes) != slots && r.opts.KeyTable != nil {
				r.opts.KeyTable(seen.bytes())
			}
			if dup {
				var v models.ValidationError
				v.Add(Columns(r.opts.Entity)[0], "repeats the natural key of %s %d (%s); each row must describe a different %s",
					sum.PosKind, first, key, strings.TrimSuffix(r.opts.Entity, "s"))
				sum.Invalid++
				r.failed.Store(true)
				r.report(sum, RowError{Line: rec.pos, Key: key, Errors: v.Errors})
				continue
			}
		}
		digest = digestKey(digest, key, rec.pos)
		batch = append(batch, rec)
		if len(batch) >= r.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := end(nil); err != nil {
		return err
	}
	if trust && len(r.batchKeys) != len(r.checked) {
		return fmt.Errorf("%w: it has %d batches of rows where %d were checked (every batch read was written): import the file again",
			errFileChanged, len(r.batchKeys), len(r.checked))
	}
	return nil
}

// inflight is a batch in the pass's pipeline.
type inflight struct {
	batch []record
	// rows is the count of rows read up to the batch's end.
	rows int
	// after is the batch before it, which a writing batch waits for.
	after   *inflight
	done    chan struct{}
	results []rowResult
	err     error
	// unstarted says the import was interrupted before the batch began.
	unstarted bool
}

// errStopped is the error of a batch not written because one before it
// failed.
var errStopped = errors.New("not written: an earlier batch failed")

func (f *inflight) finished() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// run checks or writes the batch. A writing batch first resolves its
// references, beside the batch before it, then waits for that batch and
// writes only if it succeeded.
func (f *inflight) run(ctx context.Context, r *run, mode models.BatchMode) {
	defer close(f.done)
	// Only this goroutine reads after: let the batch before be collected
	// once it is done (a chain of every batch would hold the whole file).
	after := f.after
	f.after = nil
	if err := ctx.Err(); err != nil {
		f.err, f.unstarted = err, true
		return
	}
	write := func(ctx context.Context, mode models.BatchMode) ([]rowResult, error) {
		return r.checkOrWrite(ctx, f.batch, mode)
	}
	if mode != models.BatchValidate && r.keysAtEnd && after != nil {
		// Nothing beside the batch before: its transaction holds the
		// tables the references are read from.
		<-after.done
		if after.err != nil && !errors.Is(after.err, errRowInvalid) {
			f.err = errStopped
			return
		}
		after = nil
	}
	if mode != models.BatchValidate {
		perr := r.prefetch(ctx, f.batch)
		if perr == nil && early[r.opts.Entity] && !r.opts.rowByRow {
			write = r.prepare(ctx, f.batch)
		}
		if after != nil {
			<-after.done
			if after.err != nil && !(r.onePass && errors.Is(after.err, errRowInvalid)) {
				f.err = errStopped
				return
			}
		}
		if perr != nil {
			f.err = perr
			return
		}
	}
	if r.onePass && r.failed.Load() {
		// Nothing of the file will be written: check the rest, for the
		// report.
		mode = models.BatchValidate
	}
	f.results, f.err = write(ctx, mode)
	if r.onePass && errors.Is(f.err, errRowInvalid) {
		r.failed.Store(true)
	}
	if mode != models.BatchValidate && f.err == nil && r.opts.afterCommit != nil {
		// Told as the batch commits, as one batch at a time did, not
		// when the pass takes its results (the next batch is running by
		// then).
		r.opts.afterCommit(f.rows)
	}
}

// report records an invalid row.
func (r *run) report(sum *Summary, e RowError) {
	if r.opts.OnRowError != nil {
		r.opts.OnRowError(e)
	}
	if len(sum.Errors) < r.opts.MaxReported {
		sum.Errors = append(sum.Errors, e)
	} else {
		sum.ErrorsOmitted++
	}
}

// outcome is what happened to a valid row.
type outcome = models.Outcome

const (
	unchanged = models.Unchanged
	created   = models.Created
	updated   = models.Updated
)

// rowResult is what became of one row of a batch: its outcome, or its
// errors.
type rowResult struct {
	out outcome
	err *RowError
}

// mode is what a pass does with its batches: the validation pass only
// checks; the writing pass writes every row, or with SkipInvalid the
// valid ones.
func (r *run) mode(commit bool) models.BatchMode {
	switch {
	case !commit:
		return models.BatchValidate
	case r.opts.SkipInvalid:
		return models.BatchWriteValid
	}
	return models.BatchWriteAll
}

// checkOrWrite checks a batch, or writes it in one transaction, as mode
// says, through the batch services of models (or, for the test that
// compares the two, row by row through the single-row services). With
// BatchWriteAll an invalid row rolls the batch back (errRowInvalid). Other
// errors are the database's.
func (r *run) checkOrWrite(ctx context.Context, batch []record, mode models.BatchMode) ([]rowResult, error) {
	if r.opts.rowByRow && slices.Contains([]string{"organizations", "certificates", "origin-certificates", "warnings"}, r.opts.Entity) {
		return r.rowByRow(ctx, batch, mode)
	}
	if mode == models.BatchValidate {
		// A writing batch's references were resolved already, by its
		// run beside the batch before it: resolving them again found
		// every one in the cache, at a cost (two lookups a reference).
		if err := r.prefetch(ctx, batch); err != nil {
			return nil, err
		}
	}
	if r.opts.Entity == "devices" {
		return r.deviceBatch(ctx, batch, mode)
	}
	return r.prepare(ctx, batch)(ctx, mode)
}

// prefetch resolves, in a few queries, the references the batch's rows
// make to other entities (the traders and models of listings, the holders
// and models of certificates, ...) into the import's reference cache. It
// only reads, and only rows the import does not write, so it may run while
// the batch before is being written.
func (r *run) prefetch(ctx context.Context, batch []record) error {
	switch r.opts.Entity {
	case "listings":
		return r.refs.prefetch(ctx, r.reader(), batch, "trader", models.TraderKinds, "model_number", false, r.rest())
	case "models":
		return r.refs.prefetch(ctx, r.reader(), batch, "registrant", nil, "", false, r.rest())
	case "certificates", "origin-certificates":
		return r.refs.prefetch(ctx, r.reader(), batch, "holder", nil, "models", true, r.rest())
	case "warnings":
		return r.refs.prefetch(ctx, r.reader(), batch, "authority", authorityKinds, "affected", true, r.rest())
	}
	return nil
}

// rest is the part of the file the pass has not read yet over the part
// it has (0 when that is not known).
func (r *run) rest() float64 {
	read := r.in.n.Load()
	if read <= 0 || r.size <= read {
		return 0
	}
	return float64(r.size-read) / float64(read)
}

// rowByRow checks or writes a batch one row at a time through the
// single-row services, in one transaction: rolled back when only checking,
// or when BatchWriteAll meets an invalid row.
func (r *run) rowByRow(ctx context.Context, batch []record, mode models.BatchMode) ([]rowResult, error) {
	var out []rowResult
	err := r.st.InTx(ctx, func(tx *models.Store) error {
		out = out[:0]
		for _, rec := range batch {
			o, rowErr, err := r.row(ctx, tx, rec)
			if err != nil {
				return fmt.Errorf("%s %d: %w", posKind(r.opts.Format), rec.pos, err)
			}
			out = append(out, rowResult{out: o, err: rowErr})
			if rowErr != nil && mode == models.BatchWriteAll {
				// The validation pass found no invalid row, yet this one
				// is (the registry changed in between): stop before
				// committing any of this batch.
				return errRowInvalid
			}
		}
		if mode == models.BatchValidate {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return out, err
}

// row upserts one record on tx. A row the registry refuses yields a
// RowError; only a failure of the database itself is an error.
func (r *run) row(ctx context.Context, tx *models.Store, rec record) (outcome, *RowError, error) {
	rc := &rowCtx{ctx: ctx, st: tx, run: r, rec: rec}
	if msg, bad := rec.values[badJSON]; bad {
		rc.pre.Add("", "%s", msg)
		return 0, &RowError{Line: rec.pos, Errors: rc.pre.Errors}, nil
	}
	var out outcome
	var err error
	switch r.opts.Entity {
	case "organizations":
		out, err = rc.organization()
	case "certificates":
		out, err = rc.certificate()
	case "origin-certificates":
		out, err = rc.origin()
	case "warnings":
		out, err = rc.warning()
	}
	fields, rowLevel := r.rowErrors(rc, err)
	if !rowLevel {
		return 0, nil, err
	}
	if len(fields) > 0 {
		return 0, &RowError{Line: rec.pos, Key: r.naturalKey(rec), Errors: fields}, nil
	}
	return out, nil, nil
}

// rowErrors merges the row's own errors (unparseable dates, unresolvable
// references) with the service's. It reports rowLevel false for an error
// that is not about the row.
func (r *run) rowErrors(rc *rowCtx, err error) ([]models.FieldError, bool) {
	all := append([]models.FieldError{}, rc.pre.Errors...)
	if err == nil {
		return all, true
	}
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		have := map[string]bool{}
		for _, e := range all {
			have[e.Field] = true
		}
		for _, e := range ve.Errors {
			e.Field = columnOf(r.opts.Entity, e.Field)
			// A reference the row could not resolve is already reported
			// in the row's words; the service's "is required" adds nothing.
			if !have[e.Field] {
				all = append(all, e)
			}
		}
		return all, true
	case errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrNotFound),
		errors.Is(err, models.ErrForbidden), errors.Is(err, models.ErrPrecondition):
		return append(all, models.FieldError{Field: "", Message: err.Error()}), true
	}
	return nil, false
}

// columnOf maps a service's field name to the file's column.
func columnOf(entity, field string) string {
	base, _, _ := strings.Cut(field, "[")
	base, _, _ = strings.Cut(base, ".")
	switch base {
	case "holder_org_id":
		return "holder"
	case "certification_body_org_id":
		return "certification_body"
	case "authority_org_id":
		return "authority"
	case "trader_org_id":
		return "trader"
	case "registrant_org_id":
		return "registrant"
	case "camera_model_ids":
		return "models"
	case "camera_model_id":
		if entity == "listings" {
			return "model_number"
		}
		return "models"
	}
	return base
}
