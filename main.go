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
	"log/slog"
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
	"camreg/importer"
	"camreg/migrations"
	"camreg/models"
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
	pf.StringVar(&cfg.search, "search", env("CAMREG_SEARCH", "bleve"), "search backend: bleve or meilisearch (env CAMREG_SEARCH)")

	root.AddCommand(serveCmd(cfg, log), migrateCmd(cfg), keysCmd(cfg), auditCmd(cfg))
	return root
}

// open opens the store; with migrate, it first brings the schema up to date.
func open(ctx context.Context, cfg *config, migrate bool) (*models.Store, error) {
	if cfg.search != "bleve" && cfg.search != "meilisearch" {
		return nil, fmt.Errorf("search backend %q: use bleve or meilisearch", cfg.search)
	}
	st, err := models.Open(cfg.dsn())
	if err != nil {
		return nil, err
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
			srv := api.New(st, api.Config{Addr: cfg.addr, Logger: log, Rates: rates,
				TrustedProxies: splitList(cfg.proxies), CORSOrigins: splitList(cfg.cors)})
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
