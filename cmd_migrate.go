package main

import (
	"context"
	"fmt"
	"io"
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
			if err := st.RestoreDeferredIndexes(ctx, ""); err != nil {
				return err
			}
			if added, err := st.BuildLogTree(ctx); err != nil {
				return fmt.Errorf("build the log tree: %w", err)
			} else if added > 0 {
				fmt.Printf("log tree built over %d earlier events\n", added)
			}
			return rekey(ctx, st, os.Stdout)
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

// rekey recomputes the natural keys stored by an older fold (models.Store.Rekey)
// and says what it changed and which lookalike duplicates it found.
func rekey(ctx context.Context, st *models.Store, w io.Writer) error {
	r, err := st.Rekey(ctx)
	if err != nil {
		return err
	}
	if r.From >= r.To {
		return nil
	}
	total := 0
	for _, n := range r.Changed {
		total += n
	}
	// A new or already current database: nothing changed, nothing to say
	// (a newcomer's first `make run` printed "0 rows changed").
	if total == 0 && len(r.Collisions) == 0 {
		return nil
	}
	fmt.Fprintf(w, "natural keys recomputed (fold keys version %d to %d): %d rows changed", r.From, r.To, total)
	for _, t := range []string{"camera_models", "organizations", "conformity_certificates", "origin_certificates", "warnings"} {
		if r.Changed[t] > 0 {
			fmt.Fprintf(w, ", %s %d", t, r.Changed[t])
		}
	}
	fmt.Fprintln(w)
	if total > 0 {
		fmt.Fprintln(w, "the search index holds keys of its own: run camreg reindex")
	}
	for _, c := range r.Collisions {
		if c.Kept {
			fmt.Fprintf(w, "COLLISION %s %s (%s): its new key %q is %s's; it keeps its old key until one of the two is renamed or removed\n",
				c.Table, c.ID, c.Text, c.Key, c.With)
		} else {
			fmt.Fprintf(w, "note: %s %s (%s) now shares its name key %q with %s\n", c.Table, c.ID, c.Text, c.Key, c.With)
		}
	}
	return nil
}
