// Command camreg serves and administers the registry of surveillance
// cameras for Vietnam's market: camera models, certificates of conformity
// and origin, authorities' warnings, traders and their listings.
//
// main only wires things together: configuration, the database, the
// services and the command line, one file per command (cmd_*.go). The
// work happens in models, api and importer.
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
	"path/filepath"
	"strings"
	_ "time/tzdata" // "today" is decided in Asia/Ho_Chi_Minh on any host

	"github.com/spf13/cobra"

	"camreg/migrations"
	"camreg/models"
	"camreg/tools/loadgen"
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
		var ee *exitError
		if errors.As(err, &ce) {
			os.Exit(3)
		}
		if errors.As(err, &ee) {
			os.Exit(ee.code)
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
	root.AddCommand(logCmd(cfg), receiptCmd())
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
		// Indexes a killed bulk load set aside are built again.
		if err := st.RestoreDeferredIndexes(ctx, ""); err != nil {
			st.Close()
			return nil, err
		}
		// Databases written before the verifiable log get its tree.
		if _, err := st.BuildLogTree(ctx); err != nil {
			st.Close()
			return nil, fmt.Errorf("build the log tree: %w", err)
		}
		// Keys stored by an older fold are recomputed.
		if err := rekey(ctx, st, os.Stderr); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
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
