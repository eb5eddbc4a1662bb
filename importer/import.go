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

// DefaultBatchSize is how many rows one transaction writes. Big enough
// that the per-transaction cost is spread thin (a batch's rows share the
// index pages its commit writes: 100,000 listings cost 14 s of CPU in
// batches of 500, 12 s in 2,000 and 10.6 s in 5,000); small enough that a
// batch holds the write lock for about a second and a killed import loses
// little work. Memory grows with it: 140 MB peak in batches of 2,000, 175 MB
// in 5,000.
const DefaultBatchSize = 2000

// DefaultMaxReported bounds the invalid rows kept in memory for the
// summary; the counts stay exact, and OnRowError sees every one.
const DefaultMaxReported = 10000

// Options are the settings of one import.
type Options struct {
	// Entity is a collection name: organizations, models, certificates,
	// origin-certificates, warnings or listings.
	Entity string
	// Format is csv, xlsx, json or ndjson; empty detects it.
	Format string
	// Sheet is the XLSX sheet to read; empty reads the first.
	Sheet string
	// Map maps extra headers to columns ("Mã hàng" → model_number).
	Map map[string]string
	// DryRun validates every row and writes nothing.
	DryRun bool
	// SkipInvalid writes the valid rows and reports the invalid ones;
	// without it, one invalid row means nothing is written.
	SkipInvalid bool
	// BatchSize is the number of rows per transaction (DefaultBatchSize).
	BatchSize int
	// Actor is who the change log names. A vendor may import only models,
	// certificates of origin and listings of its own organization.
	Actor models.Actor
	// Progress, when set, is called after every batch.
	Progress func(Progress)
	// OnRowError, when set, is called for every invalid row.
	OnRowError func(RowError)
	// MaxReported bounds Summary.Errors (DefaultMaxReported).
	MaxReported int
	// Limits bound the file (limits.go); zero fields take their defaults.
	Limits Limits
	// Encoding is the text encoding of a CSV or JSON file (encoding.go);
	// empty detects it.
	Encoding string

	// afterCommit is called with the rows committed so far after each
	// committed batch; the kill test uses it to know when to strike.
	afterCommit func(rows int)
}

// Progress reports how far an import has come.
type Progress struct {
	// Phase is "validating" (the dry pass that checks every row before
	// anything is written) or "writing".
	Phase      string
	Rows       int
	Bytes      int64
	TotalBytes int64
	Counts     Counts
}

// Counts are the outcomes of rows.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Invalid   int `json:"invalid"`
}

// Summary is the outcome of an import.
type Summary struct {
	Entity string `json:"entity"`
	Format string `json:"format"`
	DryRun bool   `json:"dry_run"`
	// Written is true when rows were committed.
	Written bool `json:"written"`
	// Rows counts the data rows read (blank rows are not counted).
	Rows int `json:"rows"`
	Counts
	// PosKind says what RowError.Line counts: "line" (CSV, NDJSON), "row"
	// (the sheet row of XLSX) or "record" (the element of a JSON array).
	PosKind string     `json:"position"`
	Errors  []RowError `json:"errors"`
	// ErrorsOmitted counts invalid rows left out of Errors.
	ErrorsOmitted int `json:"errors_omitted,omitempty"`
	// Warnings are remarks on the file as a whole, such as headers that
	// match no column.
	Warnings []string `json:"warnings,omitempty"`
}

// RowError is one invalid row, with every reason.
type RowError struct {
	// Line is the row's position (see Summary.PosKind).
	Line int `json:"line"`
	// Key is the row's natural key, when it has one, to help find it.
	Key    string              `json:"key,omitempty"`
	Errors []models.FieldError `json:"errors"`
}

// ErrRowsInvalid is returned when some rows are invalid and SkipInvalid is
// off: nothing was written.
var ErrRowsInvalid = errors.New("some rows are invalid, so nothing was written (fix them, or use --skip-invalid)")

// errRollback ends a validation batch's transaction without committing it.
var errRollback = errors.New("roll back the validation batch")

// errRowInvalid stops a writing batch that met an invalid row.
var errRowInvalid = errors.New("invalid row")

// Import reads the file at path and upserts its rows, through the same
// services as the API, in transactions of BatchSize rows.
//
// Unless SkipInvalid or DryRun is set, it reads the file twice: a first
// pass checks every row as the services would, writing nothing (listings
// and models through the batch services' checking mode; the other
// entities through the single-row services in transactions that are
// rolled back), so that every invalid row is found before anything is
// written; only if none is, a second pass writes. With SkipInvalid one
// pass writes the valid rows. Either way each batch commits whole or not at
// all, and as rows are upserted on their natural keys, re-running an
// interrupted import completes it.
//
// After a pass that wrote rows it refreshes the database's planner
// statistics (Store.RefreshStatistics), so that the registry is queried
// well right after a bulk load.
//
// It returns ErrRowsInvalid (with the summary) when rows are invalid and
// nothing was written; other errors are the file's or the database's.
func Import(ctx context.Context, st *models.Store, path string, opts Options) (*Summary, error) {
	if err := CheckEntity(opts.Entity); err != nil {
		return nil, err
	}
	if err := checkActor(opts.Actor, opts.Entity); err != nil {
		return nil, err
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.MaxReported <= 0 {
		opts.MaxReported = DefaultMaxReported
	}
	h, err := newHeaderMap(opts.Entity, opts.Map)
	if err != nil {
		return nil, err
	}
	if opts.Format == "" {
		if opts.Format, err = sniffFile(path); err != nil {
			return nil, err
		}
	} else if !slices.Contains(Formats, opts.Format) {
		return nil, fmt.Errorf("unknown format %q: use one of %s", opts.Format, strings.Join(Formats, ", "))
	}
	opts.Limits = opts.Limits.withDefaults()
	if err := CheckFile(path, opts.Format, opts.Limits); err != nil {
		return nil, err
	}
	if opts.Format == FormatXLSX {
		if err := scanXLSX(ctx, path, opts.Limits); err != nil {
			return nil, err
		}
	}
	encoding := ""
	if opts.Format != FormatXLSX {
		if encoding, err = detectEncoding(path, opts.Encoding); err != nil {
			return nil, err
		}
	}
	r := &run{st: st, opts: opts, h: h, path: path, refs: newRefCache(opts.Actor), encoding: encoding}
	sum := &Summary{Entity: opts.Entity, Format: opts.Format, DryRun: opts.DryRun, Errors: []RowError{}, PosKind: posKind(opts.Format)}
	defer byLine(sum)
	if opts.DryRun || !opts.SkipInvalid {
		if err := r.pass(ctx, sum, false); err != nil {
			return sum, err
		}
		if opts.DryRun {
			return sum, nil
		}
		if sum.Invalid > 0 {
			return sum, ErrRowsInvalid
		}
		// Every row is valid: write them, counting afresh.
		sum.Rows, sum.Counts = 0, Counts{}
	}
	if err = r.pass(ctx, sum, true); err != nil {
		return sum, err
	}
	if sum.Counts.Created+sum.Counts.Updated > 0 {
		// A bulk load changes the tables faster than the database's own
		// statistics follow: refresh them before the registry is queried.
		err = st.RefreshStatistics(ctx)
	}
	return sum, err
}

// byLine orders a summary's invalid rows as they stand in the file: a
// duplicate is found as it is read, other errors as its batch runs.
func byLine(sum *Summary) {
	slices.SortStableFunc(sum.Errors, func(a, b RowError) int { return a.Line - b.Line })
}

// checkActor refuses an import the actor's role may not make.
func checkActor(a models.Actor, entity string) error {
	switch a.Role {
	case models.RoleAdmin:
		return nil
	case models.RoleVendor:
		if a.OrgID == "" {
			return models.Forbidden("a vendor key must belong to an organization to import")
		}
		if slices.Contains(VendorEntities, entity) {
			return nil
		}
		return models.Forbidden("a vendor may import only %s", strings.Join(VendorEntities, ", "))
	}
	return models.Forbidden("the %s role may not import", a.Role)
}

// VendorEntities are what a vendor may import, for its own organization.
var VendorEntities = []string{"models", "origin-certificates", "listings"}

func posKind(format string) string {
	switch format {
	case FormatXLSX:
		return "row"
	case FormatJSON:
		return "record"
	}
	return "line"
}

// sniffFile detects a file's format from its name and first bytes.
func sniffFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return DetectFormat(path, head[:n]), nil
}

// run is one import in progress.
type run struct {
	// encoding is the text encoding of a CSV or JSON file.
	encoding string
	st       *models.Store
	opts     Options
	h        *headerMap
	path     string
	refs     *refCache
}

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
	batch := make([]record, 0, r.opts.BatchSize)
	read := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import interrupted after %d rows: %w", sum.Rows-len(batch), err)
		}
		results, err := r.checkOrWrite(ctx, batch, r.mode(commit))
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
		case err != nil:
			return fmt.Errorf("import batch ending at %s %d (rolled back): %w", sum.PosKind, batch[len(batch)-1].pos, err)
		}
		sum.Created += counts.Created
		sum.Updated += counts.Updated
		sum.Unchanged += counts.Unchanged
		if commit && counts.Created+counts.Updated+counts.Unchanged > 0 {
			sum.Written = true
		}
		batch = batch[:0]
		if commit && r.opts.afterCommit != nil {
			r.opts.afterCommit(sum.Rows)
		}
		if r.opts.Progress != nil {
			r.opts.Progress(Progress{Phase: phase, Rows: sum.Rows, Bytes: cr.n.Load(), TotalBytes: total, Counts: sum.Counts})
		}
		return nil
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
			if ctx.Err() != nil {
				return fmt.Errorf("import interrupted after %d rows: %w", sum.Rows, ctx.Err())
			}
			if errors.Is(err, ErrTooLarge) {
				// The file is refused: the rows read with it are not
				// written (without SkipInvalid, the validation pass met
				// this first, so nothing was).
				return err
			}
			// A file that cannot be read further: keep what is committed,
			// and say where reading stopped.
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		}
		if rec.blank {
			continue
		}
		sum.Rows++
		if key := r.naturalKey(rec); key != "" {
			if first, dup := seen.add(key, rec.pos); dup {
				var v models.ValidationError
				v.Add(Columns(r.opts.Entity)[0], "repeats the natural key of %s %d (%s); each row must describe a different %s",
					sum.PosKind, first, key, strings.TrimSuffix(r.opts.Entity, "s"))
				sum.Invalid++
				r.report(sum, RowError{Line: rec.pos, Key: key, Errors: v.Errors})
				continue
			}
		}
		batch = append(batch, rec)
		if len(batch) >= r.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
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
// says. Listings and models go through the batch services of models;
// the other entities, which files hold by the thousand rather than the
// million, go row by row through the single-row services. With
// BatchWriteAll an invalid row rolls the batch back (errRowInvalid). Other
// errors are the database's.
func (r *run) checkOrWrite(ctx context.Context, batch []record, mode models.BatchMode) ([]rowResult, error) {
	switch r.opts.Entity {
	case "listings":
		if err := r.refs.prefetch(ctx, r.st, batch, "trader", models.TraderKinds, "model_number"); err != nil {
			return nil, err
		}
		return viaBatch(ctx, r, batch, mode, (*rowCtx).listingInput, r.st.UpsertListings)
	case "models":
		if err := r.refs.prefetch(ctx, r.st, batch, "registrant", nil, ""); err != nil {
			return nil, err
		}
		return viaBatch(ctx, r, batch, mode, (*rowCtx).modelInput, r.st.UpsertModels)
	}
	return r.rowByRow(ctx, batch, mode)
}

// viaBatch turns the batch's records into inputs and hands them to a batch
// service. A row whose cells are already wrong is held: checked, so that
// its report lists every reason, and not written.
func viaBatch[In any](ctx context.Context, r *run, batch []record, mode models.BatchMode, input func(*rowCtx) In,
	upsert func(context.Context, models.Actor, []models.BatchRow[In], models.BatchMode) ([]models.BatchResult, error)) ([]rowResult, error) {
	out := make([]rowResult, len(batch))
	rows := make([]models.BatchRow[In], 0, len(batch))
	ctxs := make([]*rowCtx, 0, len(batch))
	at := make([]int, 0, len(batch))
	held := false
	for i, rec := range batch {
		rc := &rowCtx{ctx: ctx, st: r.st, run: r, rec: rec}
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
