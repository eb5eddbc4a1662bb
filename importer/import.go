package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

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
	// origin-certificates, warnings or listings; or devices, with FleetID.
	Entity string
	// FleetID is the fleet that devices are imported into.
	FleetID string
	// Replace makes a devices file the fleet's whole inventory: the stored
	// rows are removed in the import's transaction. Without it, rows with
	// an external id are upserted on it and the others are added.
	Replace bool
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
	// BulkIndexRows is the fewest new rows (found by the checking pass) for
	// which the writing pass sets the table's deferrable indexes aside and
	// builds them after it (bulk_index.go), when they are also at least as
	// many as the table holds: DefaultBulkIndexRows when zero.
	BulkIndexRows int
	// Encoding is the text encoding of a CSV or JSON file (encoding.go);
	// empty detects it.
	Encoding string
	// OneAtATime runs the batches one after the other, without the
	// pipeline (import_pass.go), to compare the two
	// (CAMREG_IMPORT_PIPELINE=0).
	OneAtATime bool
	// KeyTable, when set, is told the size in bytes of the table of the
	// natural keys read so far (keyset.go) each time it grows: memory held
	// outside Go's heap, which grows with the file (12 bytes a row, in a
	// table that doubles), so that camreg import can take it from the
	// heap's limit and keep the whole flat.
	KeyTable func(bytes int)

	// afterCommit is called with the rows committed so far after each
	// committed batch; the kill test uses it to know when to strike.
	afterCommit func(rows int)
	// rowByRow sends organizations, certificates, C/Os and warnings
	// through the single-row services, one row at a time, as before the
	// batch services: the test that compares the two paths sets it.
	rowByRow bool
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
	// Replaced counts the stored device rows a replacing import removed
	// (or, in a dry run, would remove).
	Replaced int `json:"replaced,omitempty"`
}

// Outcome is the counts to report to whoever ran the import: a dry run's
// say what would be written, and a run that wrote nothing (invalid rows
// rolled back, or a failure) created, updated and kept nothing, whatever
// its checking pass counted (the Summary's own counts); a failed devices
// import answered "created": 1 beside "nothing was written" (the red
// team's pass of 2026-12-07).
func (s *Summary) Outcome() Counts {
	if !s.DryRun && !s.Written {
		return Counts{Invalid: s.Invalid}
	}
	return s.Counts
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
	if err := CheckImportEntity(opts.Entity); err != nil {
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
	if slices.Contains([]string{"certificates", "origin-certificates", "warnings", "listings"}, opts.Entity) {
		// Their rows name models by brand and number, resolved once per
		// import (refCache); the batch services need not check each id again
		// (200,000 national listings: preloadRefs looked up 2.0 s of CPU's
		// worth of models by id that the import had just found by key).
		st = st.RememberingModels(opts.Actor)
	}
	r := &run{st: st, opts: opts, h: h, path: path, refs: newRefCache(opts.Actor), encoding: encoding}
	sum := &Summary{Entity: opts.Entity, Format: opts.Format, DryRun: opts.DryRun, Errors: []RowError{}, PosKind: posKind(opts.Format)}
	defer byLine(sum)
	if opts.Entity == "devices" {
		return sum, r.devices(ctx, sum)
	}
	if r.onePass = onePass(st, opts, path); r.onePass {
		return sum, r.inOneTx(ctx, sum)
	}
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
		created := sum.Created
		sum.Rows, sum.Counts = 0, Counts{}
		r.checked = slices.Clone(r.batchKeys)
		restore, err := r.deferIndexes(ctx, created)
		if err != nil {
			return sum, err
		}
		err = r.pass(ctx, sum, true)
		if rerr := restore(); err == nil {
			err = rerr
		}
		if err != nil {
			return sum, err
		}
	} else if err = r.pass(ctx, sum, true); err != nil {
		return sum, err
	}
	if sum.Counts.Created+sum.Counts.Updated > 0 {
		// A bulk load changes the tables faster than the database's own
		// statistics follow: refresh them before the registry is queried.
		err = st.RefreshStatisticsAfter(ctx, int64(sum.Counts.Created+sum.Counts.Updated), statisticsTables[opts.Entity]...)
	}
	return sum, err
}

// onePass says whether the import checks and writes its rows in one pass,
// in one transaction that it rolls back when a row is invalid, instead of
// a checking pass before the writing one: certificates, C/Os and warnings,
// on SQLite and on PostgreSQL. The checking pass was 28-30 % of their
// import, and its work was done again by the writing pass; one transaction
// also commits (and copies into the WAL the pages every batch touches) once
// instead of once a batch. On PostgreSQL the transaction runs on one pinned
// connection with the batches' settings, each batch by COPY as before
// (Store.InBulkTx). The transaction holds the write lock over the whole
// file (SQLite's, or PostgreSQL's lock on the change log's appends), so
// only a file of at most onePassBytes goes this way: other writers (the
// API's, in this process or another) wait for it, and on SQLite give up
// after 10 s. Listings (millions of rows) and the other entities keep their
// two passes, as a bigger file does: a killed import keeps its committed
// batches.
func onePass(st *models.Store, opts Options, path string) bool {
	if opts.DryRun || opts.SkipInvalid || opts.rowByRow ||
		!slices.Contains([]string{"certificates", "origin-certificates", "warnings"}, opts.Entity) {
		return false
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	limit := int64(onePassBytes)
	if opts.Format == FormatXLSX {
		// Compressed: some eight times as many rows a byte.
		limit /= 8
	}
	return fi.Size() <= limit
}

// onePassBytes bounds the files imported in one transaction: 16 MiB of CSV
// are some 65,000 certificates (the national file's 30,000 are 7.6 MB),
// about 3 s of writing at 20,000 rows/s.
const onePassBytes = 16 << 20

// inOneTx runs an import's only pass in one transaction: each batch is
// checked and written in a savepoint of it; after the first invalid row the
// batches are only checked, for the report, and the whole transaction is
// rolled back, so that nothing is written, as after a checking pass.
func (r *run) inOneTx(ctx context.Context, sum *Summary) error {
	if r.st.Dialect() == models.Postgres {
		// Covered models checked in one join at the end, and every
		// reference read in the transaction (reader).
		ctx, r.keysAtEnd = models.CheckKeysAtEnd(ctx), true
	}
	err := r.st.InBulkTx(ctx, func(tx *models.Store) error {
		r.tx = tx
		defer func() { r.tx = nil }()
		if err := r.pass(ctx, sum, true); err != nil {
			return err
		}
		if sum.Invalid > 0 {
			return ErrRowsInvalid
		}
		return nil
	})
	if err != nil {
		sum.Written = false
		return err
	}
	sum.Written = sum.Created+sum.Updated+sum.Unchanged > 0
	if sum.Created+sum.Updated > 0 {
		err = r.st.RefreshStatisticsAfter(ctx, int64(sum.Created+sum.Updated), statisticsTables[r.opts.Entity]...)
	}
	return err
}

// statisticsTables are the tables an import of each entity writes, whose
// statistics it refreshes; an entity not named here refreshes them all.
var statisticsTables = map[string][]string{
	"organizations":       {"organizations", "events"},
	"models":              {"camera_models", "model_gtins", "events"},
	"certificates":        {"conformity_certificates", "certificate_models", "events"},
	"origin-certificates": {"origin_certificates", "origin_certificate_models", "events"},
	"warnings":            {"warnings", "warning_models", "events"},
	"listings":            {"listings", "events"},
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
	case models.RoleOperator:
		if entity == "devices" && a.OrgID != "" {
			// Only into its own organization's fleets (models.ImportDevices).
			return nil
		}
		return models.Forbidden("an operator may import only devices, into its own organization's fleets")
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
