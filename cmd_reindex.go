package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"camreg/search"
)

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
