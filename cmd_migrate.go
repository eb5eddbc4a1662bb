package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"camreg/migrations"
	"camreg/models"
)

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
			if err != nil {
				return err
			}
			fmt.Printf("schema at version %d\n", v)
			if added, err := st.BuildLogTree(ctx); err != nil {
				return fmt.Errorf("build the log tree: %w", err)
			} else if added > 0 {
				fmt.Printf("log tree built over %d earlier events\n", added)
			}
			return nil
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
