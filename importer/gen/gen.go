// Package gen generates a deterministic synthetic national registry: traders
// in all 34 provinces, camera models of the brands on the Vietnamese market,
// certificates of conformity and of origin, authorities' warnings and
// listings in shops and on marketplaces, as the CSV files that
// importer.Import reads.
//
// The same seed and counts always give byte-identical files: every row is
// drawn from its own PCG stream, seeded by the seed, the entity and the
// row's index, and dates count from fixed days, never from the clock. As a
// row can be drawn again from its index alone, files refer to rows of other
// files (a listing's trader and model) without keeping them in memory, so
// memory stays flat whatever the scale: what is kept is a plan of the
// certificates' groups and brand boundaries, four bytes per certified model.
package gen

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Counts are how many rows of each kind to generate. Organizations are the
// traders plus the certification bodies, authorities and foreign
// manufacturers that the other files refer to.
type Counts struct {
	Traders      int `json:"traders"`
	Models       int `json:"models"`
	Certificates int `json:"certificates"`
	Origins      int `json:"origin_certificates"`
	Warnings     int `json:"warnings"`
	Listings     int `json:"listings"`
}

// Scales are the named sizes: national is the whole country as issue #7
// sizes it; medium and small are a tenth and a hundredth of it.
var Scales = map[string]Counts{
	"national": {Traders: 200_000, Models: 100_000, Certificates: 30_000, Origins: 20_000, Warnings: 3_000, Listings: 2_000_000},
	"medium":   {Traders: 20_000, Models: 10_000, Certificates: 3_000, Origins: 2_000, Warnings: 300, Listings: 200_000},
	"small":    {Traders: 2_000, Models: 1_000, Certificates: 300, Origins: 200, Warnings: 30, Listings: 20_000},
}

// Check reports counts the generator cannot honour.
func (c Counts) Check() error {
	var errs []error
	for _, f := range []struct {
		name string
		n    int
	}{{"traders", c.Traders}, {"models", c.Models}, {"certificates", c.Certificates}, {"origin certificates", c.Origins},
		{"warnings", c.Warnings}, {"listings", c.Listings}} {
		if f.n < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", f.name))
		}
	}
	if c.Traders < minTraders {
		errs = append(errs, fmt.Errorf("traders must be at least %d (one of each kind, and the importers that register models)", minTraders))
	}
	if c.Traders > maxTraders {
		errs = append(errs, fmt.Errorf("traders must be at most %d (the tax codes' sequence runs out)", maxTraders))
	}
	if c.Models < 1 && c.Certificates+c.Origins+c.Warnings+c.Listings > 0 {
		errs = append(errs, errors.New("certificates, C/Os, warnings and listings need at least one model"))
	}
	if c.Certificates > c.Models {
		errs = append(errs, errors.New("certificates must not outnumber models: each covers at least one model of its own"))
	}
	if int64(c.Listings) > int64(c.Traders)*int64(c.Models)/4 {
		errs = append(errs, errors.New("listings must be at most a quarter of traders × models: a trader lists a model once"))
	}
	return errors.Join(errs...)
}

// Config is one run of the generator.
type Config struct {
	Seed uint64
	// Scale names the counts in the manifest ("national", or "custom"
	// when flags changed them).
	Scale  string
	Counts Counts
}

// The fixed days the data is placed around. "Today" for the data is
// 2026-11-20: certificates are issued up to the end of October 2026 and
// listings seen up to today, so that verify on any day of November 2026
// sees valid, expired, suspended and revoked certificates.
var epochToday = dayOf(2026, 11, 20)

// Files are the generated files, in import order.
var Files = []File{
	{Entity: "organizations", Name: "organizations.csv"},
	{Entity: "models", Name: "models.csv"},
	{Entity: "certificates", Name: "certificates.csv"},
	{Entity: "origin-certificates", Name: "origin-certificates.csv"},
	{Entity: "warnings", Name: "warnings.csv"},
	{Entity: "listings", Name: "listings.csv"},
}

// File is one generated file, as the manifest lists it.
type File struct {
	Entity string `json:"entity"`
	Name   string `json:"file"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a generated dataset: how it was made and its files in
// import order, with their checksums.
type Manifest struct {
	Seed   uint64 `json:"seed"`
	Scale  string `json:"scale"`
	Counts Counts `json:"counts"`
	// Organizations counts every row of organizations.csv: the traders and
	// the bodies, authorities and manufacturers the other files name.
	Organizations int    `json:"organizations"`
	Files         []File `json:"files"`
}

// ManifestName is the manifest's file name in the output directory.
const ManifestName = "manifest.json"

// Generator draws the dataset's rows. Its methods recompute any row from
// its index.
type Generator struct {
	seed   uint64
	n      Counts
	brands []brandPlan
	kinds  traderKinds
	certs  certPlan
	// streams, one per kind of row, so that drawing a trader while writing
	// a listing never disturbs the listing's own draws.
	traders, cameras, series, listings, origins, warnings, weights *stream
	provinceWeights                                                []int
	popularity                                                     []int
}

// New plans a dataset. It returns an error when the counts are impossible.
func New(cfg Config) (*Generator, error) {
	if err := cfg.Counts.Check(); err != nil {
		return nil, err
	}
	g := &Generator{seed: cfg.Seed, n: cfg.Counts}
	for _, s := range []struct {
		p  **stream
		id uint64
	}{{&g.traders, streamTraders}, {&g.cameras, streamCameras}, {&g.series, streamSeries}, {&g.listings, streamListings},
		{&g.origins, streamOrigins}, {&g.warnings, streamWarnings}, {&g.weights, streamWeights}} {
		*s.p = newStream(cfg.Seed, s.id)
	}
	g.brands = newBrandPlans(cfg.Seed, cfg.Counts.Models)
	g.kinds = newTraderKinds(cfg.Counts.Traders)
	for _, p := range provinces {
		g.provinceWeights = append(g.provinceWeights, p.weight)
	}
	for _, p := range g.brands {
		g.popularity = append(g.popularity, p.popular)
	}
	g.certs = g.planCertificates()
	return g, nil
}

// Generate writes the dataset's files and manifest into dir, creating it.
// It stops, leaving no manifest, when ctx ends.
func Generate(ctx context.Context, cfg Config, dir string) (*Manifest, error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	// An earlier dataset's manifest would vouch for files this run replaces.
	if err := os.Remove(filepath.Join(dir, ManifestName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	m := &Manifest{Seed: cfg.Seed, Scale: cfg.Scale, Counts: cfg.Counts}
	writers := map[string]func(w *rowWriter) (int, error){
		"organizations": g.writeOrganizations, "models": g.writeModels, "certificates": g.writeCertificates,
		"origin-certificates": g.writeOrigins, "warnings": g.writeWarnings, "listings": g.writeListings,
	}
	for _, f := range Files {
		rows, sum, err := writeFile(ctx, filepath.Join(dir, f.Name), writers[f.Entity])
		if err != nil {
			return nil, err
		}
		f.Rows, f.SHA256 = rows, sum
		m.Files = append(m.Files, f)
		if f.Entity == "organizations" {
			m.Organizations = rows
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	return m, nil
}

// writeFile streams one CSV file through a buffer, hashing what it writes.
// It writes beside the target and renames, so that an interrupted run never
// leaves a truncated file under the final name.
func writeFile(ctx context.Context, path string, write func(w *rowWriter) (int, error)) (int, string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return 0, "", fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	cw := csv.NewWriter(bw)
	rows, err := write(&rowWriter{ctx: ctx, w: cw})
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes it private; the data is not
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, "", fmt.Errorf("write %s: %w", path, err)
	}
	return rows, hex.EncodeToString(h.Sum(nil)), nil
}

// rowWriter writes CSV rows, and stops when its context ends.
type rowWriter struct {
	ctx  context.Context
	w    *csv.Writer
	rows int
}

// Write writes one row, checking the context on the first row and every
// thousand after.
func (w *rowWriter) Write(rec []string) error {
	if w.rows++; w.rows%1024 == 1 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	return w.w.Write(rec)
}

// The streams' identities: each kind of row draws from its own.
const (
	streamBrands uint64 = iota + 1
	streamTraders
	streamCameras
	streamSeries
	streamCertPlan
	streamCerts
	streamOrigins
	streamWarnings
	streamListings
	streamWeights
	streamDevices
)

// stream hands out a generator positioned for one row: reseeding the same
// PCG is cheaper than making one per row, and the draws of row i depend on
// nothing but the seed, the stream and i.
type stream struct {
	pcg  *rand.PCG
	rand *rand.Rand
	seed uint64
}

func newStream(seed, id uint64) *stream {
	pcg := rand.NewPCG(0, 0)
	return &stream{pcg: pcg, rand: rand.New(pcg), seed: seed*0x9E3779B97F4A7C15 ^ id*0xD1B54A32D192ED03}
}

// at returns the stream's generator for row i. The previous row's
// generator is reused, so a caller must be done with it.
func (s *stream) at(i int) *rand.Rand {
	s.pcg.Seed(s.seed, uint64(i))
	return s.rand
}

// day is a calendar day, as days since 1970-01-01, so that dates are
// plain integers and never come from the clock.
type day struct{ n int }

func dayOf(y int, m time.Month, d int) day {
	return day{int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)}
}

func (d day) add(n int) day   { return day{d.n + n} }
func (d day) time() time.Time { return time.Unix(int64(d.n)*86400, 0).UTC() }

// String writes YYYY-MM-DD.
func (d day) String() string { return d.time().Format("2006-01-02") }

// compact writes YYMMDD, as firmware builds are dated.
func (d day) compact() string { return d.time().Format("060102") }

// earlier returns the earlier of two days.
func earlier(a, b day) day {
	if a.n < b.n {
		return a
	}
	return b
}

func (d day) year() int { return d.time().Year() }

// between draws a day in [from, to].
func between(r *rand.Rand, from, to day) day {
	if to.n <= from.n {
		return from
	}
	return from.add(r.IntN(to.n - from.n + 1))
}

// apportion shares n among weights by largest remainder, exactly.
func apportion(n int, weights []int) []int {
	total := 0
	for _, w := range weights {
		total += w
	}
	out := make([]int, len(weights))
	if total == 0 {
		return out
	}
	type rem struct{ i, r int }
	var rems []rem
	given := 0
	for i, w := range weights {
		out[i] = n * w / total
		given += out[i]
		rems = append(rems, rem{i, n * w % total})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.r - a.r })
	for j := 0; given < n; j++ {
		out[rems[j%len(rems)].i]++
		given++
	}
	return out
}

// pick draws an index with probability proportional to its weight.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// oneOf draws one of the strings.
func oneOf(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

// chance is true per-mille times in a thousand.
func chance(r *rand.Rand, perMille int) bool { return r.IntN(1000) < perMille }
