package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"camreg/importer"
	"camreg/models"
)

// The import command. It only wires flags to the importer;
// the work happens in package importer.

func importCmd(cfg *config) *cobra.Command {
	var (
		opts      importer.Options
		maps      []string
		report    string
		batchSize int
		cpuprof   string
	)
	cmd := &cobra.Command{
		Use:   "import <entity> <file>",
		Short: "Import a CSV, XLSX, JSON or NDJSON file of " + strings.Join(importer.ImportEntities, ", "),
		Long: `Import upserts the rows of a file on their natural keys, through the same
services as the API: each row is validated, written to the change log and
reaches the search index. Headers may be English or Vietnamese, with or
without diacritics. By default nothing is written unless every row is valid;
--skip-invalid writes the valid rows. Invalid rows are listed with their
line (or sheet row) and every reason; --report saves them as CSV or JSON.

devices imports a fleet's inventory into the fleet --fleet names, in one
transaction: rows with an external id (Mã thiết bị) are upserted on it,
the others added; --replace makes the file the fleet's whole inventory.

Exit status: 0 when every row was valid, 1 otherwise (or on any error).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Entity = args[0]
			if err := importer.CheckImportEntity(opts.Entity); err != nil {
				return err
			}
			if (opts.Entity == "devices") != (opts.FleetID != "") {
				return fmt.Errorf("--fleet names the fleet of a devices import, and only of one")
			}
			if opts.Replace && opts.Entity != "devices" {
				return fmt.Errorf("--replace is for a devices import")
			}
			m, err := importer.ParseMap(maps)
			if err != nil {
				return err
			}
			opts.Map, opts.BatchSize, opts.Actor = m, batchSize, models.System("import")
			// CAMREG_IMPORT_PIPELINE=0 imports one batch at a time, to
			// measure what the pipeline gives.
			opts.OneAtATime = os.Getenv("CAMREG_IMPORT_PIPELINE") == "0"
			if os.Getenv("GOGC") == "" {
				// An import's live heap is a few batches, whatever the
				// file's size: let it grow to four times that between
				// collections rather than twice (national traders: 9 %
				// less CPU, peak RSS 155 → 186 MiB, still flat).
				debug.SetGCPercent(300)
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				// The heap is held to importHeap less the table of the
				// keys read so far, which lives outside it and grows with
				// the file, so that the peak stays flat (the national
				// listings' check took 549 MiB for 2,000,000 rows, 195 MiB
				// for 200,000, while the table was on the heap for GOGC
				// to multiply).
				debug.SetMemoryLimit(importHeap)
				opts.KeyTable = func(n int) { debug.SetMemoryLimit(keyTableLimit(n)) }
			}
			if opts.Limits, err = importLimits(cmd); err != nil {
				return err
			}
			if report != "" {
				f, err := os.Create(report)
				if err != nil {
					return fmt.Errorf("create report: %w", err)
				}
				defer f.Close()
				format := "csv"
				if strings.EqualFold(filepath.Ext(report), ".json") {
					format = "json"
				}
				rw, err := importer.NewReportWriter(f, format)
				if err != nil {
					return fmt.Errorf("write report: %w", err)
				}
				opts.OnRowError = rw.Add
				defer func() {
					if err := rw.Close(); err != nil {
						fmt.Fprintf(os.Stderr, "writing the report failed: %v\n", err)
					}
				}()
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, err := open(ctx, cfg, true)
			if err != nil {
				return err
			}
			// The WAL is synced, not copied into the file: SQLite's next
			// writer checkpoints it in its normal course.
			defer st.CloseKeepingWAL(context.WithoutCancel(ctx))
			if cpuprof != "" {
				stop, err := startCPUProfile(cpuprof)
				if err != nil {
					return err
				}
				defer stop()
			}
			return importFile(ctx, st, args[1], opts, report)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.DryRun, "dry-run", false, "validate every row and write nothing")
	f.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "write the valid rows and report the invalid ones (default: all or nothing)")
	f.StringVar(&opts.Format, "format", "", "csv, xlsx, json or ndjson (default: from the file's extension and content)")
	f.StringVar(&opts.Encoding, "encoding", "", "text encoding of a CSV or JSON file: utf-8, utf-16 or windows-1258 (default: detected)")
	f.StringVar(&opts.Sheet, "sheet", "", "the XLSX sheet to read (default: the first)")
	f.StringArrayVar(&maps, "map", nil, "map a header to a column, as 'header=column' (repeatable)")
	f.StringVar(&report, "report", "", "write the invalid rows to this file: .json for JSON, else CSV")
	f.StringVar(&opts.FleetID, "fleet", "", "devices: the id of the fleet to import into")
	f.BoolVar(&opts.Replace, "replace", false, "devices: the file replaces the fleet's whole inventory (default: merge on external_id, add the rest)")
	f.IntVar(&batchSize, "batch-size", importer.DefaultBatchSize, "rows per transaction")
	f.StringVar(&cpuprof, "cpuprofile", "", "write a CPU profile of the import to this file (go tool pprof)")
	for _, l := range importer.LimitSettings {
		f.String(l.Flag, "", l.Help+" (env "+l.Env+")")
	}
	return cmd
}

// importLimits reads the import limits from CAMREG_IMPORT_MAX_*, then
// from the command's flags of the same meaning.
func importLimits(cmd *cobra.Command) (importer.Limits, error) {
	lim, err := importer.LimitsFromEnv(os.Getenv)
	if err != nil {
		return lim, err
	}
	for _, l := range importer.LimitSettings {
		if cmd.Flags().Changed(l.Flag) {
			v, _ := cmd.Flags().GetString(l.Flag)
			if err := lim.Set(l.Env, v); err != nil {
				return lim, fmt.Errorf("--%s: %q is not a positive number (suffixes KiB, MiB, GiB allowed)", l.Flag, v)
			}
		}
	}
	return lim, nil
}

// importHeap bounds the memory of camreg import's Go runtime and its table
// of the keys read (its soft memory limit, when GOMEMLIMIT is not set):
// about what a file of 200,000 listings reaches at GOGC=300, so that
// smaller files run as before and bigger ones no higher.
const importHeap = 160 << 20

// keyTableLimit is the runtime's memory limit while the table of the keys
// read is n bytes: importHeap less the table. It was less 1.5 times the
// table (room for the table before while it doubles, a moment's need held
// for the rest of the pass), which left the national listings' checking
// pass 85 MiB for a live heap of 65-80 MiB (the reference caches) once its
// table reached 48 MiB at 1,570,000 rows: the collector ran nearly without
// pause for the last fifth of the file (a third of the CPU, perf).
func keyTableLimit(n int) int64 {
	return max(importHeap-int64(n), importHeap/3)
}

// importFile imports one file with a progress line on stderr and prints
// the summary; any invalid row is an error. import and gen --load share it.
func importFile(ctx context.Context, st *models.Store, path string, opts importer.Options, report string) error {
	progress := importer.NewProgressPrinter(os.Stderr, 5*time.Second)
	opts.Progress = progress.Update
	if opts.Entity != "listings" {
		// Their batches' megabytes of bound JSON reuse the C heap's blocks
		// (models.ReuseBigCBlocks); listings keep the start-up setting,
		// measured for their flat memory over millions of rows.
		defer models.ReuseBigCBlocks()()
	}
	stopTrim := trimCHeap(cHeapTrimEvery)
	sum, err := importer.Import(ctx, st, path, opts)
	stopTrim()
	progress.Done()
	if sum != nil {
		printSummary(os.Stdout, sum, report)
	}
	if err != nil {
		return err
	}
	if sum.Invalid > 0 {
		return fmt.Errorf("%d invalid rows", sum.Invalid)
	}
	return nil
}

// cHeapTrimEvery is how often a running import hands the C heap's free
// pages back to the system.
const cHeapTrimEvery = 2 * time.Second

// trimCHeap calls models.ReleaseFreeCMemory every period until the
// returned stop is called: SQLite's allocations, freed, stayed in the
// process and grew its memory through a long import (BENCHMARKS.md).
func trimCHeap(period time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				models.ReleaseFreeCMemory()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// printSummary writes the counts and the first invalid rows.
func printSummary(w io.Writer, sum *importer.Summary, report string) {
	for _, warn := range sum.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	verb := "imported"
	if sum.DryRun {
		verb = "dry run (nothing written) of"
	} else if !sum.Written {
		verb = "nothing written from"
	}
	c := sum.Outcome()
	fmt.Fprintf(w, "%s %d %s rows: %d created, %d updated, %d unchanged, %d invalid\n",
		verb, sum.Rows, sum.Entity, c.Created, c.Updated, c.Unchanged, c.Invalid)
	if sum.Replaced > 0 {
		fmt.Fprintf(w, "replaced the %d rows the fleet held before\n", sum.Replaced)
	}
	const shown = 20
	for i, e := range sum.Errors {
		if i == shown {
			fmt.Fprintf(w, "… and %d more invalid rows", sum.Invalid-shown)
			if report != "" {
				fmt.Fprintf(w, " (all are in %s)", report)
			}
			fmt.Fprintln(w)
			break
		}
		reasons := make([]string, len(e.Errors))
		for j, fe := range e.Errors {
			if fe.Field == "" {
				reasons[j] = fe.Message
			} else {
				reasons[j] = fe.Field + ": " + fe.Message
			}
		}
		fmt.Fprintf(w, "  %s %d: %s\n", sum.PosKind, e.Line, strings.Join(reasons, "; "))
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
