package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/importer"
	"camreg/models"
)

// defaultUploadBytes is the largest file POST /v1/imports accepts, unless
// CAMREG_IMPORT_MAX_BYTES says otherwise.
const defaultUploadBytes = 50 << 20

// maxReportedRows bounds the invalid rows a job keeps for its report; the
// counts stay exact.
const maxReportedRows = 1000

// staleAfter is how long a running job may go without a progress report
// before it is taken for dead (its process stopped).
const staleAfter = 5 * time.Minute

// importJobResponse is an import job as the API shows it: its state, its
// counts, and the invalid rows with every reason.
type importJobResponse struct {
	ID     string `json:"id"`
	Entity string `json:"entity" example:"listings"`
	// FleetID is the fleet a devices import writes into.
	FleetID string `json:"fleet_id,omitempty"`
	// Replace: the devices file replaces the fleet's whole inventory.
	Replace     bool   `json:"replace,omitempty"`
	Format      string `json:"format" example:"csv"`
	Filename    string `json:"filename" example:"listings.csv"`
	DryRun      bool   `json:"dry_run"`
	SkipInvalid bool   `json:"skip_invalid"`
	// Status is queued, running, succeeded or failed.
	Status string `json:"status" example:"running" enums:"queued,running,succeeded,failed"`
	// Phase is validating (the pass that checks every row first) or writing.
	Phase      string `json:"phase" example:"writing"`
	Rows       int    `json:"rows" example:"12000"`
	BytesDone  int64  `json:"bytes_done"`
	BytesTotal int64  `json:"bytes_total"`
	Created    int    `json:"created"`
	Updated    int    `json:"updated"`
	Unchanged  int    `json:"unchanged"`
	Invalid    int    `json:"invalid"`
	// Error says why a failed job failed.
	Error string `json:"error,omitempty"`
	// Position says what a row's line counts: line, row (XLSX) or record (JSON).
	Position string `json:"position" example:"line"`
	// Errors lists the invalid rows (at most 1000), each with every reason.
	Errors     []importer.RowError `json:"errors"`
	CreatedAt  time.Time           `json:"created_at"`
	UpdatedAt  time.Time           `json:"updated_at"`
	FinishedAt *time.Time          `json:"finished_at"`
}

func newImportJobResponse(j *models.ImportJob, now time.Time) importJobResponse {
	r := importJobResponse{ID: j.ID, Entity: j.Entity, FleetID: j.FleetID, Replace: j.ReplaceInventory, Format: j.Format, Filename: j.Filename, DryRun: j.DryRun,
		SkipInvalid: j.SkipInvalid, Status: j.Status, Phase: j.Phase, Rows: j.RowsDone, BytesDone: j.BytesDone,
		BytesTotal: j.BytesTotal, Created: j.Created, Updated: j.Updated, Unchanged: j.Unchanged, Invalid: j.Invalid,
		Error: j.Error, Position: posKind(j.Format), Errors: []importer.RowError{}, CreatedAt: j.CreatedAt,
		UpdatedAt: j.UpdatedAt, FinishedAt: j.FinishedAt}
	_ = json.Unmarshal([]byte(j.Report), &r.Errors)
	if (j.Status == models.JobRunning || j.Status == models.JobQueued) && now.Sub(j.UpdatedAt) > staleAfter {
		r.Status = models.JobFailed
		r.Error = "the process running this import stopped; send the file again: the batches already written are kept, and the re-run completes the rest"
	}
	return r
}

func posKind(format string) string {
	switch format {
	case importer.FormatXLSX:
		return "row"
	case importer.FormatJSON:
		return "record"
	}
	return "line"
}

// createImport godoc
//
//	@Summary		Import a file of registry rows or of a fleet's devices, in the background
//	@Description	Send a CSV, XLSX, JSON or NDJSON file (at most 50 MiB) as multipart/form-data. Its rows are upserted on their natural keys through the same services as the API, in transactions of 500 rows. Headers may be English or Vietnamese (see the README for each entity's columns). By default nothing is written unless every row is valid; `skip_invalid` writes the valid rows. The answer is 202 with the job; poll its Location. An admin imports anything; a vendor imports models (registered to its organization), certificates of origin and listings of its own organization only, and rows that touch another organization's objects are reported as invalid. An operator imports `devices` into a fleet of its own organization (`fleet_id`; another organization's fleet is 404), and an admin into any: rows with an `external_id` are upserted on it, the others added; `replace` makes the file the fleet's whole inventory. A devices file is written in one transaction, whole or not at all.
//	@Tags			imports
//	@Accept			mpfd
//	@Produce		json
//	@Param			file			formData	file	true	"the file"
//	@Param			entity			formData	string	true	"organizations, models, certificates, origin-certificates, warnings, listings or devices"
//	@Param			fleet_id		formData	string	false	"devices: the fleet to import into"
//	@Param			replace			formData	bool	false	"devices: the file replaces the fleet's inventory (default: merge on external_id)"
//	@Param			format			formData	string	false	"csv, xlsx, json or ndjson; detected when omitted"
//	@Param			sheet			formData	string	false	"the XLSX sheet to read; the first when omitted"
//	@Param			encoding		formData	string	false	"utf-8, utf-16 or windows-1258, for CSV and JSON; detected when omitted (TCVN3 and VNI files are refused)"
//	@Param			dry_run			formData	bool	false	"validate every row, write nothing"
//	@Param			skip_invalid	formData	bool	false	"write the valid rows, report the invalid ones"
//	@Param			map				formData	string	false	"header=column, to map an unknown header (repeatable)"
//	@Param			Idempotency-Key	header		string	false	"one key per upload: the same fields and file sent again replay the first answer (the same job), whatever the multipart boundary; another upload with it is 422; while the first runs, 409"
//	@Success		202				{object}	importJobResponse
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		409				{object}	Problem	"a request with this Idempotency-Key is still running"
//	@Failure		413				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Security		BearerKey
//	@Router			/v1/imports [post]
func (s *Server) createImport(c echo.Context) error {
	actor := mustActor(c)
	req := c.Request()
	// An Idempotency-Key is read first (a bad one is refused before the
	// upload); the request's fingerprint is its fields and the file's
	// bytes, not the multipart body, whose boundary changes per send.
	idemKey := ""
	if raw, present := req.Header[IdempotencyKeyHeader]; present {
		k, err := parseIdempotencyKey(raw)
		if err != nil {
			return err
		}
		idemKey = k
	}
	maxUploadBytes := s.importLimits.Bytes
	tooLarge := problem(http.StatusRequestEntityTooLarge, "body-too-large", "Upload too large",
		fmt.Sprintf("the file must be at most %d bytes (CAMREG_IMPORT_MAX_BYTES)", maxUploadBytes))
	if req.ContentLength > maxUploadBytes+1<<20 {
		return tooLarge
	}
	// An upload may take longer than the server's read timeout for JSON bodies.
	_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(10 * time.Minute))
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxUploadBytes+1<<20)
	mr, err := req.MultipartReader()
	if err != nil {
		return problem(http.StatusBadRequest, "bad-upload", "Malformed upload", "send multipart/form-data with a file part")
	}
	var (
		v        models.ValidationError
		form     = map[string][]string{}
		path     string
		filename string
	)
	defer func() {
		// The file is handed to the job on success, which clears path.
		if path != "" {
			os.Remove(path)
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadError(err, tooLarge)
		}
		name := part.FormName()
		if name == "file" {
			if path != "" {
				v.Add("file", "send one file")
				continue
			}
			filename = filepath.Base(part.FileName())
			if path, err = saveUpload(part, filename, maxUploadBytes); err != nil {
				return uploadError(err, tooLarge)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 4<<10))
		if err != nil {
			return uploadError(err, tooLarge)
		}
		form[name] = append(form[name], strings.TrimSpace(string(b)))
	}
	first := func(k string) string {
		if vs := form[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	for k := range form {
		if !slices.Contains([]string{"entity", "fleet_id", "replace", "format", "sheet", "encoding", "dry_run", "skip_invalid", "map"}, k) {
			v.Add(k, "is not a field of an import; the fields are file, entity, fleet_id, replace, format, sheet, encoding, dry_run, skip_invalid and map")
		}
	}
	opts := importer.Options{Entity: first("entity"), FleetID: first("fleet_id"), Format: first("format"), Sheet: first("sheet"), Actor: actor,
		MaxReported: maxReportedRows}
	switch {
	case opts.Entity == "":
		v.Add("entity", "is required: one of %s", strings.Join(importer.ImportEntities, ", "))
	case importer.CheckImportEntity(opts.Entity) != nil:
		v.Add("entity", "must be one of %s", strings.Join(importer.ImportEntities, ", "))
	case opts.Entity == "devices" && opts.FleetID == "":
		v.Add("fleet_id", "is required with entity devices: the fleet to import into")
	case opts.Entity != "devices" && opts.FleetID != "":
		v.Add("fleet_id", "is only for entity devices")
	}
	opts.Encoding = first("encoding")
	if opts.Encoding != "" && !slices.Contains(importer.Encodings, opts.Encoding) {
		v.Add("encoding", "must be one of %s", strings.Join(importer.Encodings, ", "))
	}
	if opts.Format != "" && !slices.Contains(importer.Formats, opts.Format) {
		v.Add("format", "must be one of %s", strings.Join(importer.Formats, ", "))
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"dry_run", &opts.DryRun}, {"skip_invalid", &opts.SkipInvalid}, {"replace", &opts.Replace}} {
		if s := first(f.name); s != "" {
			b, err := strconv.ParseBool(s)
			v.Check(err == nil, f.name, "must be true or false")
			*f.dst = b
		}
	}
	if m, err := importer.ParseMap(form["map"]); err != nil {
		v.Add("map", "%s", err.Error())
	} else {
		opts.Map = m
	}
	if path == "" {
		v.Add("file", "is required: the file to import, as a multipart file part")
	}
	if err := v.Err(); err != nil {
		// Form fields come from a map: sort, so the answer is stable.
		slices.SortStableFunc(v.Errors, func(a, b models.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return err
	}
	if actor.Role == models.RoleVendor && !slices.Contains(importer.VendorEntities, opts.Entity) {
		return forbidden("a vendor may import only " + strings.Join(importer.VendorEntities, ", "))
	}
	if actor.Role == models.RoleOperator && opts.Entity != "devices" {
		return forbidden("an operator may import only devices, into its own organization's fleets")
	}
	if opts.Replace && opts.Entity != "devices" {
		return fieldProblem([]models.FieldError{{Field: "replace", Message: "is only for entity devices"}})
	}
	if opts.Entity == "devices" {
		// Another organization's fleet is 404 now, not a failed job later.
		if err := s.store.CheckDeviceImport(c.Request().Context(), actor, opts.FleetID); err != nil {
			return err
		}
	}
	if opts.Format == "" {
		opts.Format = detectFormat(path, filename)
	}
	opts.Limits = s.importLimits
	// A file over the limits (an XLSX whose parts inflate too far: a zip
	// bomb) is refused now, before a job reads it.
	if err := importer.CheckFile(path, opts.Format, opts.Limits); err != nil {
		if errors.Is(err, importer.ErrTooLarge) {
			return problem(http.StatusRequestEntityTooLarge, "import-too-large", "Import file over a limit", err.Error())
		}
		return problem(http.StatusUnprocessableEntity, "bad-file", "Unreadable import file", err.Error())
	}
	if idemKey != "" {
		fp, err := uploadFingerprint(form, filename, path)
		if err != nil {
			return err
		}
		return s.runIdempotent(c, &models.IdempotencyKey{Scope: actor.KeyID, Key: idemKey, Fingerprint: fp}, func(c echo.Context) error {
			return s.startImport(c, actor, opts, filename, &path)
		})
	}
	return s.startImport(c, actor, opts, filename, &path)
}

// startImport records the job and starts it on the file at *path, which
// the job then owns (*path is cleared, so the caller keeps it).
func (s *Server) startImport(c echo.Context, actor models.Actor, opts importer.Options, filename string, path *string) error {
	job := &models.ImportJob{Entity: opts.Entity, FleetID: opts.FleetID, ReplaceInventory: opts.Replace, Format: opts.Format, Filename: filename, DryRun: opts.DryRun,
		SkipInvalid: opts.SkipInvalid, CreatorKey: actor.KeyID}
	if actor.OrgID != "" {
		org := actor.OrgID
		job.CreatorOrg = &org
	}
	if fi, err := os.Stat(*path); err == nil {
		job.BytesTotal = fi.Size()
	}
	if err := s.store.CreateImportJob(c.Request().Context(), job); err != nil {
		return err
	}
	resp := newImportJobResponse(job, time.Now())
	file := *path
	s.imports.start(func(ctx context.Context) { s.runImport(ctx, job, file, opts) })
	*path = ""
	c.Response().Header().Set(echo.HeaderLocation, "/v1/imports/"+job.ID)
	return c.JSON(http.StatusAccepted, resp)
}

// uploadFingerprint identifies an upload for its Idempotency-Key: the form
// fields (sorted), the file's name and the SHA-256 of its bytes.
func uploadFingerprint(form map[string][]string, filename, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read the upload: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	keys := slices.Sorted(maps.Keys(form))
	fmt.Fprintf(h, "POST /v1/imports\n%q\n", filename)
	for _, k := range keys {
		fmt.Fprintf(h, "%q=%q\n", k, form[k])
	}
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read the upload: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// saveUpload copies a file part to a temporary file, keeping its
// extension for format detection.
func saveUpload(part *multipart.Part, filename string, maxUploadBytes int64) (string, error) {
	f, err := os.CreateTemp("", "camreg-import-*"+strings.ToLower(filepath.Ext(filename)))
	if err != nil {
		return "", fmt.Errorf("store upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(part, maxUploadBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxUploadBytes {
		err = &http.MaxBytesError{Limit: maxUploadBytes}
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func uploadError(err error, tooLarge error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge
	}
	return problem(http.StatusBadRequest, "bad-upload", "Malformed upload", "the multipart body could not be read")
}

func detectFormat(path, filename string) string {
	head := make([]byte, 512)
	f, err := os.Open(path)
	if err != nil {
		return importer.FormatCSV
	}
	defer f.Close()
	n, _ := io.ReadFull(f, head)
	return importer.DetectFormat(filename, head[:n])
}

// importJobs runs this process's import jobs, detached from the requests
// that started them, so that a graceful shutdown can stop them cleanly
// instead of leaving them to die with the process.
type importJobs struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (j *importJobs) init() {
	j.once.Do(func() { j.ctx, j.cancel = context.WithCancel(context.Background()) })
}

// start runs a job in its own goroutine, with a context that stop cancels.
func (j *importJobs) start(run func(ctx context.Context)) {
	j.init()
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		run(j.ctx)
	}()
}

// stop cancels the running jobs and waits until they have stopped, or ctx
// ends. A job stops between batches or rolls its current batch back, so
// what it wrote is whole batches; it marks itself failed with a note that
// sending the file again completes the import. Call it once no request can
// start a job any more.
func (j *importJobs) stop(ctx context.Context) error {
	j.init()
	j.cancel()
	done := make(chan struct{})
	go func() {
		j.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("import jobs still running at shutdown: %w", ctx.Err())
	}
}

// errShutdown is a job's error when the server stopped it.
const errShutdown = "the server shut down during the import; send the file again: the batches already written are kept, and the re-run completes the rest"

// runImport runs a job to its end, or until ctx is cancelled (shutdown),
// saving its progress at most once a second and its outcome at the end.
func (s *Server) runImport(ctx context.Context, job *models.ImportJob, path string, opts importer.Options) {
	defer os.Remove(path)
	// The job's state is saved even when ctx is cancelled: that is when
	// the failure must be recorded.
	saveCtx := context.WithoutCancel(ctx)
	save := func() {
		if err := s.store.SaveImportJob(saveCtx, job); err != nil {
			s.log.Error("save import job", slog.String("job", job.ID), slog.String("error", err.Error()))
		}
	}
	job.Status = models.JobRunning
	save()
	last := time.Now()
	opts.Progress = func(p importer.Progress) {
		job.Phase, job.RowsDone, job.BytesDone = p.Phase, p.Rows, p.Bytes
		job.Created, job.Updated, job.Unchanged, job.Invalid = p.Counts.Created, p.Counts.Updated, p.Counts.Unchanged, p.Counts.Invalid
		if time.Since(last) >= time.Second {
			last = time.Now()
			save()
		}
	}
	sum, err := importer.Import(ctx, s.store, path, opts)
	now := time.Now().UTC()
	job.FinishedAt = &now
	job.Status = models.JobSucceeded
	if sum != nil {
		c := sum.Outcome()
		job.RowsDone, job.Created, job.Updated, job.Unchanged, job.Invalid = sum.Rows, c.Created, c.Updated, c.Unchanged, c.Invalid
		job.Format = sum.Format
		if b, merr := json.Marshal(sum.Errors); merr == nil {
			job.Report = string(b)
		}
	}
	if err != nil {
		job.Status = models.JobFailed
		job.Error = err.Error()
		if ctx.Err() != nil {
			job.Error = errShutdown
		}
		if !errors.Is(err, importer.ErrRowsInvalid) {
			s.log.Warn("import failed", slog.String("job", job.ID), slog.String("error", err.Error()))
		}
	}
	save()
}

// getImport godoc
//
//	@Summary		An import job's progress and row report
//	@Description	Only the key that started the job, or an admin, may read it; anyone else gets 404.
//	@Tags			imports
//	@Produce		json
//	@Param			id	path		string	true	"job id"
//	@Success		200	{object}	importJobResponse
//	@Failure		401	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Security		BearerKey
//	@Router			/v1/imports/{id} [get]
func (s *Server) getImport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	job, err := s.store.GetImportJob(c.Request().Context(), id)
	if err != nil {
		return err
	}
	a := mustActor(c)
	if a.Role != models.RoleAdmin && job.CreatorKey != a.KeyID {
		return fmt.Errorf("import job %s: %w", id, models.ErrNotFound)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, newImportJobResponse(job, time.Now()))
}
