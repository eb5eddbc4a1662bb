package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteSummary writes the human summary of a run.
func (r *Result) WriteSummary(w io.Writer) error {
	fmt.Fprintf(w, "%s: %d clients, %.1f s, mix %s\n", r.URL, r.Clients, r.Elapsed, r.Mix)
	fmt.Fprintf(w, "sample: %d models (%d verified), %d traders, %d certificates, %d listings, %d search queries\n",
		r.Sample.Models, r.Sample.Verified, r.Sample.Traders, r.Sample.Certificates, r.Sample.Listings, r.Sample.Queries)
	if r.Sample.AllKeyed {
		fmt.Fprintln(w, "note: the public sees no models (all pending), so every request was sent with the key")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t5xx\t429\ttimeouts\t")
	for _, s := range append(slices.Clone(r.Classes), r.Overall) {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.1f\t%d\t%d\t%d\t%d\t\n", s.Class, s.Requests, s.PerSec,
			s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs, s.Errors, s.ServerErrors, s.RateLimited, s.Timeouts)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "statuses: %s\n", statusLine(r.Overall.Status))
	if r.Overall.Transport > 0 {
		fmt.Fprintf(w, "transport errors (refused, reset): %d\n", r.Overall.Transport)
	}
	if m := r.Memory; m != nil {
		fmt.Fprintf(w, "memory (%s): first %.1f MB, last %.1f MB, peak %.1f MB, slope over the second half %+.2f MB/min (%d samples)\n",
			m.Source, mb(m.First), mb(m.Last), mb(m.Peak), m.SlopeMBPerMin, len(m.Samples))
	} else {
		fmt.Fprintln(w, "memory: not sampled (no --pid, and /metrics did not answer)")
	}
	verdict := "OK: no errors, no 5xx"
	if r.Overall.Errors > 0 {
		verdict = fmt.Sprintf("NOT OK: %d errors (%d 5xx, %d timeouts)", r.Overall.Errors, r.Overall.ServerErrors, r.Overall.Timeouts)
	}
	if r.Overall.RateLimited > 0 {
		verdict += fmt.Sprintf("; %d requests were rate-limited (429): raise the server's limits for a load run", r.Overall.RateLimited)
	}
	_, err := fmt.Fprintln(w, verdict)
	return err
}

func mb(b int64) float64 { return float64(b) / 1e6 }

func statusLine(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, " ")
}
