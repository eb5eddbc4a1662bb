package importer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// ProgressPrinter shows an import's progress on w: a bar with the rate and
// the time left when w is a terminal, and otherwise (a log file, CI) a plain
// line every interval.
type ProgressPrinter struct {
	w        io.Writer
	tty      bool
	interval time.Duration
	bar      *progressbar.ProgressBar
	phase    string
	start    time.Time
	last     time.Time
}

// NewProgressPrinter returns a printer for w; interval applies when w is
// not a terminal.
func NewProgressPrinter(w io.Writer, interval time.Duration) *ProgressPrinter {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &ProgressPrinter{w: w, tty: tty, interval: interval}
}

// Update is an Options.Progress callback.
func (p *ProgressPrinter) Update(pr Progress) {
	now := time.Now()
	if pr.Phase != p.phase {
		p.Done()
		p.phase, p.start, p.last = pr.Phase, now, now
		if p.tty {
			p.bar = progressbar.NewOptions64(pr.TotalBytes,
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionSetWidth(30),
				progressbar.OptionFullWidth(),
			)
		}
	}
	rate := float64(pr.Rows) / max(now.Sub(p.start).Seconds(), 0.001)
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s %d rows (%.0f rows/s)", pr.Phase, pr.Rows, rate))
		_ = p.bar.Set64(pr.Bytes)
		return
	}
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	pct, eta := "", ""
	if pr.TotalBytes > 0 && pr.Bytes > 0 {
		frac := float64(pr.Bytes) / float64(pr.TotalBytes)
		pct = fmt.Sprintf(", %.0f%% of the file", 100*frac)
		if frac > 0 && frac < 1 {
			left := time.Duration(float64(now.Sub(p.start)) * (1 - frac) / frac)
			eta = ", about " + left.Round(time.Second).String() + " left"
		}
	}
	fmt.Fprintf(p.w, "%s: %d rows%s, %.0f rows/s%s\n", pr.Phase, pr.Rows, pct, rate, eta)
}

// Done ends the current bar.
func (p *ProgressPrinter) Done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
		p.bar = nil
	}
}

// ReportWriter writes invalid rows to a report file as they are found: CSV
// (one line per field error: line, key, field, message) or JSON (an array
// of rows, each with all its errors).
type ReportWriter struct {
	csv  *csv.Writer
	w    io.Writer
	json bool
	n    int
	err  error
}

// NewReportWriter starts a report in format "csv" or "json".
func NewReportWriter(w io.Writer, format string) (*ReportWriter, error) {
	r := &ReportWriter{w: w, json: format == "json"}
	if r.json {
		_, r.err = io.WriteString(w, "[")
		return r, r.err
	}
	r.csv = csv.NewWriter(&crlfWriter{w: w}) // RFC 4180: records end with CRLF
	r.err = r.csv.Write([]string{"line", "key", "field", "message"})
	return r, r.err
}

// Add writes one invalid row; it is an Options.OnRowError callback. The
// first write error is kept for Close.
func (r *ReportWriter) Add(e RowError) {
	if r.err != nil {
		return
	}
	if r.json {
		sep := ",\n"
		if r.n == 0 {
			sep = "\n"
		}
		b, err := json.Marshal(e)
		if err == nil {
			_, err = io.WriteString(r.w, sep+string(b))
		}
		r.err = err
	} else {
		for _, fe := range e.Errors {
			if r.err = r.csv.Write([]string{fmt.Sprint(e.Line), NeutraliseCell(e.Key), NeutraliseCell(fe.Field), NeutraliseCell(fe.Message)}); r.err != nil {
				return
			}
		}
	}
	r.n++
}

// Close finishes the report.
func (r *ReportWriter) Close() error {
	if r.err != nil {
		return r.err
	}
	if r.json {
		end := "\n]\n"
		if r.n == 0 {
			end = "]\n"
		}
		_, err := io.WriteString(r.w, end)
		return err
	}
	r.csv.Flush()
	return r.csv.Error()
}
