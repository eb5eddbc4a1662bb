// Command camreg serves and administers the registry of surveillance
// cameras for Vietnam's market: camera models, certificates of conformity
// and origin, authorities' warnings, traders and their listings.
//
// main only wires things together: configuration, the database, the
// services and the command line. The work happens in models, api and importer.
//
//	@title						camreg API
//	@version					1.0
//	@description				The registry that tells compliant surveillance cameras from the ones that must come off the shelf (Directive 23/CT-TTg, QCVN 135:2024/BTTTT, QCVN 11:2026/BCA). Reads of the public registry need no key; writes need `Authorization: Bearer <key>`. Errors are RFC 9457 problem+json.
//	@BasePath					/
//	@securityDefinitions.apikey	BearerKey
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by a key from `camreg keys create`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // "today" is decided in Asia/Ho_Chi_Minh on any host

	"github.com/spf13/cobra"

	"camreg/api"
	"camreg/tools/loadgen"
	"camreg/importer"
	"camreg/importer/gen"
	"camreg/migrations"
	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/meili"
	"camreg/search/postgres"
)

// config is camreg's configuration: environment variables, overridden by
// flags of the same meaning.
type config struct {
	db     string
	data   string
	addr   string
	search string
	// rates, proxies and cors are serve's security settings.
	rates   string
	proxies string
	cors    string
	// publicURL is the base of permalinks, QR codes and feeds.
	publicURL string
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// dsn is the database to open: CAMREG_DB, or camreg.db in the data dir.
func (c *config) dsn() string {
	if c.db != "" {
		return c.db
	}
	return filepath.Join(c.data, "camreg.db")
}

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	if err := rootCmd(log).Execute(); err != nil {
		var ce *models.ChainError
		if errors.As(err, &ce) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

func rootCmd(log *slog.Logger) *cobra.Command {
	cfg := &config{}
	root := &cobra.Command{
		Use:           "camreg",
		Short:         "The registry of surveillance cameras for Vietnam's market",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&cfg.db, "db", env("CAMREG_DB", ""), "database: a SQLite path or a postgres:// URL (env CAMREG_DB; default $CAMREG_DATA/camreg.db)")
	pf.StringVar(&cfg.data, "data", env("CAMREG_DATA", "./data"), "data directory for the SQLite file and the search index (env CAMREG_DATA)")
	pf.StringVar(&cfg.addr, "addr", env("CAMREG_ADDR", ":8080"), "listen address (env CAMREG_ADDR)")
	pf.StringVar(&cfg.search, "search", env("CAMREG_SEARCH", "bleve"), "search backend: bleve, meilisearch or postgres (env CAMREG_SEARCH; postgres needs a PostgreSQL database)")

	root.AddCommand(serveCmd(cfg, log), migrateCmd(cfg), keysCmd(cfg), auditCmd(cfg))
	root.AddCommand(importCmd(cfg), exportCmd(cfg), genCmd(cfg))
	root.AddCommand(reindexCmd(cfg, log))
	root.AddCommand(loadgen.Command())
	return root
}

// open opens the store; with migrate, it first brings the schema up to date.
func open(ctx context.Context, cfg *config, migrate bool) (*models.Store, error) {
	if cfg.search != "bleve" && cfg.search != "meilisearch" && cfg.search != "postgres" {
		return nil, fmt.Errorf("search backend %q: use bleve, meilisearch or postgres", cfg.search)
	}
	st, err := models.Open(cfg.dsn())
	if err != nil {
		return nil, err
	}
	if cfg.search == "postgres" && st.Dialect() != models.Postgres {
		st.Close()
		return nil, fmt.Errorf("search backend postgres searches inside the registry's PostgreSQL database, "+
			"but the database is %s: set CAMREG_DB=postgres://... or choose CAMREG_SEARCH=bleve", st.Dialect())
	}
	if migrate {
		if _, err := migrations.Up(ctx, st.DB(), string(st.Dialect())); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

func serveCmd(cfg *config, log *slog.Logger) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Migrate the database and serve the HTTP API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, err := open(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			if demo {
				loaded, err := importer.LoadDemo(ctx, st)
				if err != nil {
					return fmt.Errorf("load demo data: %w", err)
				}
				if loaded {
					log.Info("demo data loaded")
				} else {
					log.Info("demo data skipped: the registry is not empty")
				}
			}
			rates, err := api.ParseRates(cfg.rates)
			if err != nil {
				return err
			}
			if u, err := url.Parse(cfg.publicURL); cfg.publicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
				return fmt.Errorf("public URL %q: give an absolute http(s) URL such as https://camreg.example.vn", cfg.publicURL)
			}
			idx, indexer := startSearch(ctx, cfg, st, log)
			if idx != nil {
				defer idx.Close()
			}
			srv := api.New(st, api.Config{Addr: cfg.addr, Logger: log, Rates: rates,
				TrustedProxies: splitList(cfg.proxies), CORSOrigins: splitList(cfg.cors),
				Search: idx, SearchLag: indexerErr(indexer), PublicURL: cfg.publicURL})
			log.Info("serving", slog.String("addr", cfg.addr), slog.String("database", string(st.Dialect())),
				slog.String("docs", "/swagger/index.html"))
			return srv.Start(ctx)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo dataset into an empty database")
	cmd.Flags().StringVar(&cfg.rates, "rate-limits", env("CAMREG_RATE_LIMITS", ""),
		"rate-limit tiers over the defaults, as tier=perSecond:burst,... (env CAMREG_RATE_LIMITS), e.g. public=20:40,procurement=100:200")
	cmd.Flags().StringVar(&cfg.proxies, "trusted-proxies", env("CAMREG_TRUSTED_PROXIES", ""),
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted (env CAMREG_TRUSTED_PROXIES)")
	cmd.Flags().StringVar(&cfg.cors, "cors-origins", env("CAMREG_CORS_ORIGINS", ""),
		"comma-separated browser origins allowed by CORS; empty turns CORS off (env CAMREG_CORS_ORIGINS)")
	cmd.Flags().StringVar(&cfg.publicURL, "public-url", env("CAMREG_PUBLIC_URL", ""),
		"absolute base URL of e-label permalinks, their QR codes and the feeds, e.g. https://camreg.example.vn; empty uses each request's host (env CAMREG_PUBLIC_URL)")
	return cmd
}

// splitList splits a comma-separated setting, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func migrateCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Apply, undo or show schema migrations"}
	run := func(fn func(ctx context.Context, st *models.Store) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			return fn(cmd.Context(), st)
		}
	}
	cmd.AddCommand(&cobra.Command{
		Use: "up", Short: "Apply every pending migration", Args: cobra.NoArgs,
		RunE: run(func(ctx context.Context, st *models.Store) error {
			v, err := migrations.Up(ctx, st.DB(), string(st.Dialect()))
			if err == nil {
				fmt.Printf("schema at version %d\n", v)
			}
			return err
		}),
	}, &cobra.Command{
		Use: "down", Short: "Undo the latest migration", Args: cobra.NoArgs,
		RunE: run(func(ctx context.Context, st *models.Store) error {
			p, err := migrations.Provider(st.DB(), string(st.Dialect()))
			if err != nil {
				return err
			}
			r, err := p.Down(ctx)
			if err != nil {
				return err
			}
			if r != nil && r.Source != nil {
				fmt.Printf("undid migration %d (%s)\n", r.Source.Version, filepath.Base(r.Source.Path))
			}
			return nil
		}),
	}, &cobra.Command{
		Use: "status", Short: "Show which migrations are applied", Args: cobra.NoArgs,
		RunE: run(func(ctx context.Context, st *models.Store) error {
			p, err := migrations.Provider(st.DB(), string(st.Dialect()))
			if err != nil {
				return err
			}
			status, err := p.Status(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tSTATE\tAPPLIED AT\tFILE")
			for _, s := range status {
				at := ""
				if !s.AppliedAt.IsZero() {
					at = s.AppliedAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, at, filepath.Base(s.Source.Path))
			}
			return w.Flush()
		}),
	})
	return cmd
}

func keysCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Create, list and revoke API keys"}
	var in struct {
		role, org, name string
		expires         time.Duration
	}
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API key; the key is printed alone on the last line, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			input := models.NewKeyInput{Role: models.Role(in.role), OrgID: in.org, Name: in.name}
			if in.expires > 0 {
				t := time.Now().Add(in.expires).UTC()
				input.ExpiresAt = &t
			}
			k, secret, err := st.CreateKey(cmd.Context(), models.System("cli"), input)
			if err != nil {
				return describe(err)
			}
			fmt.Printf("created %s key %s (id %s); it is shown only now:\n%s\n", k.Role, k.Prefix, k.ID, secret)
			return nil
		},
	}
	create.Flags().StringVar(&in.role, "role", "", "admin, authority, certifier, inspector, vendor or procurement")
	create.Flags().StringVar(&in.org, "org", "", "organization id the key acts for (required but for admin and procurement)")
	create.Flags().StringVar(&in.name, "name", "", "a label for the key's holder")
	create.Flags().DurationVar(&in.expires, "expires-in", 0, "optional lifetime, such as 720h")
	_ = create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "List API keys (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			keys, err := st.FindKeys(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PREFIX\tROLE\tORG\tNAME\tCREATED\tSTATE")
			for _, k := range keys {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked"
				} else if k.ExpiresAt != nil && time.Now().After(*k.ExpiresAt) {
					state = "expired"
				}
				org := ""
				if k.OrgID != nil {
					org = *k.OrgID
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Role, org, k.Name, k.CreatedAt.Format(time.RFC3339), state)
			}
			return w.Flush()
		},
	}
	revoke := &cobra.Command{
		Use: "revoke <prefix|id>", Short: "Revoke an API key; it stops working at once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			k, err := st.RevokeKey(cmd.Context(), models.System("cli"), args[0])
			if err != nil {
				return describe(err)
			}
			fmt.Printf("revoked key %s\n", k.Prefix)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func auditCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the change log"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Verify the change log's hash chain; exits 3 naming the first bad seq",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.VerifyChain(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Printf("change log intact: %d events verified\n", n)
			return nil
		},
	})
	return cmd
}

// describe spells out a validation error for the terminal.
func describe(err error) error {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		lines := make([]string, len(ve.Errors))
		for i, e := range ve.Errors {
			lines[i] = "  " + e.Field + ": " + e.Message
		}
		return fmt.Errorf("invalid input:\n%s", strings.Join(lines, "\n"))
	}
	return err
}

// The import and export commands. They only wire flags to the importer;
// the work happens in package importer.

func importCmd(cfg *config) *cobra.Command {
	var (
		opts      importer.Options
		maps      []string
		report    string
		batchSize int
	)
	cmd := &cobra.Command{
		Use:   "import <entity> <file>",
		Short: "Import a CSV, XLSX, JSON or NDJSON file of " + strings.Join(importer.Entities, ", "),
		Long: `Import upserts the rows of a file on their natural keys, through the same
services as the API: each row is validated, written to the change log and
reaches the search index. Headers may be English or Vietnamese, with or
without diacritics. By default nothing is written unless every row is valid;
--skip-invalid writes the valid rows. Invalid rows are listed with their
line (or sheet row) and every reason; --report saves them as CSV or JSON.

Exit status: 0 when every row was valid, 1 otherwise (or on any error).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Entity = args[0]
			if err := importer.CheckEntity(opts.Entity); err != nil {
				return err
			}
			m, err := importer.ParseMap(maps)
			if err != nil {
				return err
			}
			opts.Map, opts.BatchSize, opts.Actor = m, batchSize, models.System("import")
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
			defer st.Close()
			return importFile(ctx, st, args[1], opts, report)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.DryRun, "dry-run", false, "validate every row and write nothing")
	f.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "write the valid rows and report the invalid ones (default: all or nothing)")
	f.StringVar(&opts.Format, "format", "", "csv, xlsx, json or ndjson (default: from the file's extension and content)")
	f.StringVar(&opts.Sheet, "sheet", "", "the XLSX sheet to read (default: the first)")
	f.StringArrayVar(&maps, "map", nil, "map a header to a column, as 'header=column' (repeatable)")
	f.StringVar(&report, "report", "", "write the invalid rows to this file: .json for JSON, else CSV")
	f.IntVar(&batchSize, "batch-size", importer.DefaultBatchSize, "rows per transaction")
	return cmd
}

// importFile imports one file with a progress line on stderr and prints
// the summary; any invalid row is an error. import and gen --load share it.
func importFile(ctx context.Context, st *models.Store, path string, opts importer.Options, report string) error {
	progress := importer.NewProgressPrinter(os.Stderr, 5*time.Second)
	opts.Progress = progress.Update
	sum, err := importer.Import(ctx, st, path, opts)
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

// genCmd writes the deterministic synthetic dataset, and with --load
// imports it in order through the same path as import.
func genCmd(cfg *config) *cobra.Command {
	var (
		seed  uint64
		scale string
		out   string
		load  bool
		n     gen.Counts
	)
	cmd := &cobra.Command{
		Use:   "gen --seed N --scale national|medium|small --out DIR [--load]",
		Short: "Generate a deterministic synthetic national dataset as importable CSV files",
		Long: `gen writes organizations.csv, models.csv, certificates.csv,
origin-certificates.csv, warnings.csv and listings.csv (the import order),
and manifest.json with the seed, the counts and each file's sha256. The same
seed and counts give byte-identical files. national is 200,000 traders,
100,000 models, 30,000 certificates, 20,000 C/Os, 3,000 warnings and
2,000,000 listings; medium and small are a tenth and a hundredth of it.
Count flags override the scale's. --load then imports the files into the
configured database (CAMREG_DB / --db).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			counts, ok := gen.Scales[scale]
			if !ok {
				return fmt.Errorf("scale %q: use national, medium or small", scale)
			}
			name := scale
			for _, o := range []struct {
				flag string
				to   *int
				v    int
			}{{"traders", &counts.Traders, n.Traders}, {"models", &counts.Models, n.Models},
				{"certificates", &counts.Certificates, n.Certificates}, {"origins", &counts.Origins, n.Origins},
				{"warnings", &counts.Warnings, n.Warnings}, {"listings", &counts.Listings, n.Listings}} {
				if cmd.Flags().Changed(o.flag) {
					*o.to, name = o.v, "custom"
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			start := time.Now()
			m, err := gen.Generate(ctx, gen.Config{Seed: seed, Scale: name, Counts: counts}, out)
			if err != nil {
				return err
			}
			for _, f := range m.Files {
				fmt.Printf("wrote %s: %d rows, sha256 %s\n", filepath.Join(out, f.Name), f.Rows, f.SHA256)
			}
			fmt.Printf("generated the %s set (seed %d) in %s\n", name, seed, time.Since(start).Round(time.Millisecond))
			if !load {
				return nil
			}
			st, err := open(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, f := range m.Files {
				opts := importer.Options{Entity: f.Entity, Actor: models.System("gen")}
				if err := importFile(ctx, st, filepath.Join(out, f.Name), opts, ""); err != nil {
					return fmt.Errorf("load %s: %w", f.Name, err)
				}
			}
			fmt.Printf("loaded in %s\n", time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 1, "the seed: the same seed and counts give the same files")
	f.StringVar(&scale, "scale", "small", "national, medium (1/10) or small (1/100)")
	f.StringVar(&out, "out", "", "the directory to write the files into (created if missing)")
	f.BoolVar(&load, "load", false, "then import the files into the database (CAMREG_DB / --db)")
	f.IntVar(&n.Traders, "traders", 0, "traders, overriding the scale's")
	f.IntVar(&n.Models, "models", 0, "camera models, overriding the scale's")
	f.IntVar(&n.Certificates, "certificates", 0, "certificates of conformity, overriding the scale's")
	f.IntVar(&n.Origins, "origins", 0, "certificates of origin (C/Os), overriding the scale's")
	f.IntVar(&n.Warnings, "warnings", 0, "warnings, overriding the scale's")
	f.IntVar(&n.Listings, "listings", 0, "listings, overriding the scale's")
	_ = cmd.MarkFlagRequired("out")
	return cmd
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
	fmt.Fprintf(w, "%s %d %s rows: %d created, %d updated, %d unchanged, %d invalid\n",
		verb, sum.Rows, sum.Entity, sum.Created, sum.Updated, sum.Unchanged, sum.Invalid)
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

func exportCmd(cfg *config) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export <entity>",
		Short: "Export the public dataset of " + strings.Join(importer.Entities, ", ") + " (re-importable)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := importer.CheckEntity(args[0]); err != nil {
				return err
			}
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			var w io.Writer = os.Stdout
			if out != "" {
				// Write beside the target and rename, so that a failed
				// export never leaves a truncated file under its name.
				tmp, err := os.CreateTemp(filepath.Dir(out), ".camreg-export-*")
				if err != nil {
					return fmt.Errorf("create %s: %w", out, err)
				}
				defer os.Remove(tmp.Name())
				if err := importer.Export(cmd.Context(), st, args[0], format, tmp); err != nil {
					tmp.Close()
					return err
				}
				if err := tmp.Close(); err != nil {
					return err
				}
				return os.Rename(tmp.Name(), out)
			}
			if format == importer.FormatXLSX && isTerminal(os.Stdout) {
				return errors.New("refusing to write XLSX to a terminal: use --out or redirect stdout")
			}
			return importer.Export(cmd.Context(), st, args[0], format, w)
		},
	}
	cmd.Flags().StringVar(&format, "format", importer.FormatCSV, "csv, xlsx, ndjson or json")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of stdout")
	return cmd
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// openSearch opens the configured search backend: bleve under
// $CAMREG_DATA/search/bleve, the Meilisearch at MEILI_URL, or the
// registry's own PostgreSQL database; the last two keep their indexer
// cursor in the database. rebuilder opens bleve for a rebuild only,
// leaving the live index to a server that may hold it.
func openSearch(ctx context.Context, cfg *config, st *models.Store, rebuilder bool) (search.Index, error) {
	switch cfg.search {
	case "postgres":
		return postgres.New(ctx, postgres.Config{DB: st.DB(), Cursor: search.DBCursor{DB: st.DB(), Name: "postgres:camreg"}})
	case "meilisearch":
		return meili.New(meili.Config{URL: os.Getenv("MEILI_URL"), APIKey: os.Getenv("MEILI_API_KEY"),
			Index: "camreg", Cursor: search.DBCursor{DB: st.DB(), Name: "meilisearch:camreg"}})
	default:
		return bleve.Open(filepath.Join(cfg.data, "search", "bleve"), bleve.Options{Rebuilder: rebuilder})
	}
}

// startSearch opens the search backend and runs its indexer in the
// background until ctx ends. A backend that cannot be opened leaves the
// server without search (503 on /v1/search), never without the registry.
func startSearch(ctx context.Context, cfg *config, st *models.Store, log *slog.Logger) (search.Index, *search.Indexer) {
	idx, err := openSearch(ctx, cfg, st, false)
	if err != nil {
		log.Error("search disabled", slog.String("backend", cfg.search), slog.String("error", err.Error()))
		return nil, nil
	}
	ix := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}, Log: log,
		Interval: 300 * time.Millisecond}
	go ix.Run(ctx)
	log.Info("search indexer started", slog.String("backend", cfg.search))
	return idx, ix
}

func reindexCmd(cfg *config, log *slog.Logger) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the database, without taking search offline",
		Long: "Builds a new index from every record (bleve: a new directory; Meilisearch: a new index; postgres: " +
			"every document rewritten in one transaction) and then swaps it in atomically. A running server keeps answering from the old index until the swap, and " +
			"its indexer then applies the changes made meanwhile.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			idx, err := openSearch(cmd.Context(), cfg, st, true)
			if err != nil {
				return err
			}
			defer idx.Close()
			start := time.Now()
			n, err := search.Reindex(cmd.Context(), st, idx)
			if err != nil {
				return err
			}
			log.Info("reindexed", slog.String("backend", cfg.search), slog.Int("documents", n),
				slog.Duration("took", time.Since(start)))
			fmt.Printf("reindexed %d documents into %s in %s\n", n, cfg.search, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

// indexerErr is the indexer's error reporter for /readyz, nil without one.
func indexerErr(ix *search.Indexer) func() error {
	if ix == nil {
		return nil
	}
	return ix.Err
}
