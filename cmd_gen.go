package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"camreg/importer"
	"camreg/importer/gen"
	"camreg/models"
)

// genCmd writes the deterministic synthetic dataset, and with --load
// imports it in order through the same path as import.
func genCmd(cfg *config) *cobra.Command {
	var (
		seed    uint64
		scale   string
		out     string
		load    bool
		n       gen.Counts
		devices int
		badRows bool
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
configured database (CAMREG_DB / --db).

--devices N writes only devices.csv instead: a fleet's inventory of N rows
(Vietnamese headers, asset tags as external ids) naming the models of the
dataset of the same seed and scale, some typed loosely and some unknown;
--bad-rows makes about one row in 500 invalid. Import it with
'camreg import devices devices.csv --fleet ID'.`,
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
			if devices > 0 {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				path := filepath.Join(out, gen.DevicesFile)
				rows, sum, err := gen.WriteDevices(ctx, gen.Config{Seed: seed, Scale: name, Counts: counts}, path, devices, badRows)
				if err != nil {
					return err
				}
				fmt.Printf("wrote %s: %d rows, sha256 %s, in %s\n", path, rows, sum, time.Since(start).Round(time.Millisecond))
				return nil
			}
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
	f.IntVar(&devices, "devices", 0, "write only devices.csv, a fleet inventory of this many rows")
	f.BoolVar(&badRows, "bad-rows", false, "with --devices: make about one row in 500 invalid")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
