package importer

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"camreg/models"
)

// The demo dataset is data: importer/demo/*.csv, one file per entity in
// the importer's own format (what `camreg export` writes), loaded through
// Import like any other file. importer/demo/README.md says how to edit it.
//
// A cell may give a date relative to the day the demo is loaded:
// "today-115d", "today+3y-116d" (steps of d, m or y, applied left to
// right). Dates that must stay current (certificates against QCVN
// 11:2026/BCA, recent warnings and sightings, an expiry just past) are
// written that way, so the demo shows today's market on whatever day it
// is loaded; dates of history (QCVN 135 certificates of 2025, a revocation
// on 2026-09-15) are plain dates.

//go:embed demo/*.csv
var demoFiles embed.FS

// relativeDate matches a cell that is a date relative to the load day.
var relativeDate = regexp.MustCompile(`^today((?:[+-][0-9]{1,5}[dmy])*)$`)

var relativeStep = regexp.MustCompile(`([+-])([0-9]{1,5})([dmy])`)

// resolveDate returns the cell with a relative date replaced by the date
// it names, counted from today; any other cell is returned as it is.
func resolveDate(cell string, today time.Time) string {
	m := relativeDate.FindStringSubmatch(cell)
	if m == nil {
		return cell
	}
	t := today
	for _, s := range relativeStep.FindAllStringSubmatch(m[1], -1) {
		n, _ := strconv.Atoi(s[2]) // the pattern allows only digits
		if s[1] == "-" {
			n = -n
		}
		switch s[3] {
		case "d":
			t = t.AddDate(0, 0, n)
		case "m":
			t = t.AddDate(0, n, 0)
		case "y":
			t = t.AddDate(n, 0, 0)
		}
	}
	return t.Format(models.DateLayout)
}

// LoadDemo loads the demo dataset into an empty registry, with its
// relative dates counted from today in Vietnam. It returns false, and
// changes nothing, when the registry already holds organizations or models.
//
// Each file is imported whole or not at all, in the order of Entities; an
// error in a later file leaves the earlier ones loaded, and names the file
// and its invalid rows. Start again from an empty database after fixing it.
func LoadDemo(ctx context.Context, st *models.Store) (bool, error) {
	return loadDemo(ctx, st, time.Now().In(models.Zone))
}

// loadDemo is LoadDemo on a given day.
func loadDemo(ctx context.Context, st *models.Store, now time.Time) (bool, error) {
	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return false, fmt.Errorf("load demo: %w", err)
	}
	if !empty {
		return false, nil
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	dir, err := os.MkdirTemp("", "camreg-demo-")
	if err != nil {
		return false, fmt.Errorf("load demo: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, entity := range Entities {
		path := filepath.Join(dir, entity+".csv")
		if err := writeDemoFile(entity, path, today); err != nil {
			return false, fmt.Errorf("load demo: %w", err)
		}
		sum, err := Import(ctx, st, path, Options{Entity: entity, Format: "csv", Actor: models.System("demo")})
		if err != nil {
			return false, fmt.Errorf("load demo: importer/demo/%s.csv: %w%s", entity, err, describeRows(sum))
		}
	}
	return true, nil
}

// writeDemoFile writes the embedded file of entity to path with its
// relative dates resolved.
func writeDemoFile(entity, path string, today time.Time) error {
	in, err := demoFiles.Open("demo/" + entity + ".csv")
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	r, w := csv.NewReader(in), csv.NewWriter(out)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Close()
			return fmt.Errorf("importer/demo/%s.csv: %w", entity, err)
		}
		for i := range rec {
			rec[i] = resolveDate(rec[i], today)
		}
		if err := w.Write(rec); err != nil {
			out.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// describeRows lists a summary's invalid rows for an error message.
func describeRows(sum *Summary) string {
	if sum == nil || len(sum.Errors) == 0 {
		return ""
	}
	var b strings.Builder
	for _, e := range sum.Errors {
		fmt.Fprintf(&b, "\n  line %d %s:", e.Line, e.Key)
		for _, fe := range e.Errors {
			fmt.Fprintf(&b, " %s: %s;", fe.Field, fe.Message)
		}
	}
	return b.String()
}
