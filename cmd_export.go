package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"camreg/importer"
)

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
