package loadgen

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Command is `camreg load`. It lives here rather than in main.go so that
// main only adds it.
func Command() *cobra.Command {
	var (
		cfg     Config
		mix     string
		queries string
		out     string
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Drive a running server with N concurrent clients and a realistic mix; report latency, errors and memory",
		Long: `load sends requests from --clients concurrent clients, each sending its
next request as soon as the last is answered, for --duration (or --requests).
The mix (by default search=35,verify=35,read=20,write=10) draws on the
server's own data: a sample of its models, traders, certificates and
listings is fetched first. Searches, verifies and reads are sent without a
key, as the public sends them; writes (new listings, and PATCHes with
If-Match of listings this run created) use --key, an admin key.

Raise the server's rate limits for a load run, or requests come back 429
(counted apart): CAMREG_RATE_LIMITS=public=1000000:1000000,admin=1000000:1000000.

Memory: with --pid, the server's VmRSS from /proc every 5 s; else
process_resident_memory_bytes from /metrics. The report gives the slope
over the second half of the run, to show whether memory keeps growing.

Exit status: 0 when no request failed (429s aside), 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := ParseMix(mix)
			if err != nil {
				return err
			}
			cfg.Mix = m
			if queries != "" {
				cfg.Queries, err = ReadQueries(queries)
				if err != nil && cmd.Flags().Changed("queries") {
					return err
				} else if err != nil {
					fmt.Fprintf(os.Stderr, "note: %v; searching for the sample's own queries only\n", err)
				}
			}
			cfg.Progress = os.Stderr
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := Run(ctx, cfg)
			if err != nil {
				return err
			}
			if out != "" {
				b, err := json.MarshalIndent(res, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
					return fmt.Errorf("write the result: %w", err)
				}
			}
			if err := res.WriteSummary(os.Stdout); err != nil {
				return err
			}
			if res.Overall.Errors > 0 {
				return fmt.Errorf("%d requests failed", res.Overall.Errors)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the server's base URL")
	f.StringVar(&cfg.Key, "key", os.Getenv("CAMREG_LOAD_KEY"), "an admin API key, for the writes (env CAMREG_LOAD_KEY)")
	f.IntVar(&cfg.Clients, "clients", 200, "concurrent clients")
	f.DurationVar(&cfg.Duration, "duration", 5*time.Minute, "how long to run")
	f.Int64Var(&cfg.MaxRequests, "requests", 0, "stop after this many requests, if before --duration")
	f.StringVar(&mix, "mix", DefaultMix.String(), "weights of search, verify, read and write")
	f.IntVar(&cfg.PID, "pid", 0, "the server's process id, to sample its RSS from /proc (default: /metrics)")
	f.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "a request taking longer counts as a timeout")
	f.IntVar(&cfg.Sample, "sample", 5000, "models to fetch from the server to draw requests from")
	f.StringVar(&queries, "queries", "search/testdata/queries.json", "relevance queries to search for besides the sample's (empty: none)")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed of the clients' random choices")
	f.StringVar(&out, "out", "", "also write the result as JSON to this file")
	return cmd
}
