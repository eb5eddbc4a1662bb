package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"camreg/api"
	"camreg/importer"
	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/meili"
	"camreg/search/postgres"
)

// The serve command and the search backend it starts.

func serveCmd(cfg *config, log *slog.Logger) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Migrate the database and serve the HTTP API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if gogc, limit := serveGCPolicy(); gogc != 0 || limit != 0 {
				log.Info("garbage collector", "gogc", gogc, "memory_limit_bytes", limit)
			}
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
			if err := servePprof(ctx, os.Getenv("CAMREG_PPROF_ADDR"), log); err != nil {
				return err
			}
			signer, err := serveLogSigner(cfg, demo, log)
			if err != nil {
				return err
			}
			idx, indexer := startSearch(ctx, cfg, st, log)
			if idx != nil {
				defer idx.Close()
			}
			// Build the model-number matcher now rather than on the first
			// verify or search (it reads every verified model once), once
			// the search indexer's first catch-up has ended: a rebuild of a
			// far-behind index reads the whole registry too, and the two
			// competing made the catch-up slower than `camreg reindex`
			// (BENCHMARKS.md, "Catching up"). A verify or search asked
			// meanwhile builds what it needs itself.
			go func() {
				if indexer != nil {
					select {
					case <-indexer.Settled():
					case <-ctx.Done():
						return
					}
				}
				if err := st.Matcher().Warm(ctx); err != nil {
					log.Warn("matcher warm-up failed; it is built on first use", slog.String("error", err.Error()))
				}
				// And verify's snapshot of the rows it reads, likewise.
				start := time.Now()
				if err := st.WarmVerify(ctx); err != nil {
					log.Warn("verify warm-up failed; its snapshot is built on first use", slog.String("error", err.Error()))
				} else {
					log.Info("verify snapshot built", slog.Duration("took", time.Since(start)))
				}
			}()
			limits, err := importer.LimitsFromEnv(os.Getenv)
			if err != nil {
				return err
			}
			var settled <-chan struct{}
			if indexer != nil {
				settled = indexer.Settled()
			}
			alerts, err := startAlerts(ctx, st, log, settled)
			if err != nil {
				return err
			}
			// One line a request, written out in batches (serve_log.go).
			reqOut := newBatchWriter(os.Stderr, requestLogEvery)
			defer reqOut.Close()
			srv := api.New(st, api.Config{Addr: cfg.addr, Logger: log, Rates: rates, ImportLimits: limits,
				RequestLogger:  slog.New(slog.NewJSONHandler(reqOut, nil)),
				MetricsToken:   os.Getenv("CAMREG_METRICS_TOKEN"),
				TrustedProxies: splitList(cfg.proxies), CORSOrigins: splitList(cfg.cors),
				Search: idx, SearchLag: indexerErr(indexer), SearchProgress: indexerProgress(indexer), PublicURL: cfg.publicURL,
				LogSigner: signer, Webhooks: alerts.policy, NudgeSender: alerts.sender.Nudge,
				Collectors: alerts.metrics.Collectors()})
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

// openSearch opens the configured search backend: bleve under
// $CAMREG_DATA/search/bleve, the Meilisearch at MEILI_URL, or the
// registry's own PostgreSQL database; the last two keep their indexer
// cursor in the database. rebuilder opens bleve for a rebuild only,
// leaving the live index to a server that may hold it.
func openSearch(ctx context.Context, cfg *config, st *models.Store, rebuilder bool) (search.Index, error) {
	// CAMREG_SEARCH_ANSWERS=0 turns the remembered answers off (to
	// measure the search itself, or to spend no memory on them).
	answers := !rebuilder && os.Getenv("CAMREG_SEARCH_ANSWERS") != "0"
	// remember wraps a shared index (cursor c) with remembered answers,
	// keyed by the cursor's position (search/answers.go).
	remember := func(idx search.Index, err error, c search.DBCursor) (search.Index, error) {
		if err != nil || !answers {
			return idx, err
		}
		return search.RememberAnswers(idx, c.Position, search.AnswerBytes), nil
	}
	switch cfg.search {
	case "postgres":
		c := search.DBCursor{DB: st.DB(), Name: search.CursorName("postgres")}
		idx, err := postgres.New(ctx, postgres.Config{DB: st.DB(), Cursor: c})
		return remember(idx, err, c)
	case "meilisearch":
		c := search.DBCursor{DB: st.DB(), Name: search.CursorName("meilisearch")}
		idx, err := meili.New(meili.Config{URL: os.Getenv("MEILI_URL"), APIKey: os.Getenv("MEILI_API_KEY"),
			Index: "camreg", Cursor: c})
		return remember(idx, err, c)
	default:
		return bleve.Open(filepath.Join(cfg.data, "search", "bleve"), bleve.Options{Rebuilder: rebuilder, Answers: answers})
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
	// CAMREG_SEARCH_REBUILD_LAG overrides when a far-behind index is
	// rebuilt from the rows rather than replayed (search/catchup.go):
	// events, or -1 for never.
	if v := os.Getenv("CAMREG_SEARCH_REBUILD_LAG"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < -1 {
			log.Warn("CAMREG_SEARCH_REBUILD_LAG ignored: give a number of events, or -1 for never", slog.String("value", v))
		} else {
			ix.RebuildLag = n
		}
	}
	go ix.Run(ctx)
	log.Info("search indexer started", slog.String("backend", cfg.search))
	// The API searches through the registry's matcher, so the model hits
	// of a model number agree with verify; the indexer writes the engine.
	return search.WithMatcher(idx, search.StoreMatcher{Store: st}), ix
}

// indexerProgress is the indexer's lag reader for /readyz and /metrics,
// nil without one.
func indexerProgress(ix *search.Indexer) func(context.Context) (search.Progress, error) {
	if ix == nil {
		return nil
	}
	return ix.Progress
}

// indexerErr is the indexer's error reporter for /readyz, nil without one.
func indexerErr(ix *search.Indexer) func() error {
	if ix == nil {
		return nil
	}
	return ix.Err
}
