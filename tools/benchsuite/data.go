package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"camreg/importer/gen"
)

// entities are the files of a dataset, in the order they must be imported
// (what a row refers to comes first). It is importer.Entities' order.
var entities = []string{"organizations", "models", "certificates", "origin-certificates", "warnings", "listings"}

// generate runs camreg gen into the work dir, unless a dataset of the same
// seed and scale is already there.
func (s *suite) generate(ctx context.Context) error {
	out := s.path("gen")
	if manifestMatches(out, s.seed, s.scale) {
		s.progress("reusing the dataset in %s (its manifest says seed %d, scale %s)", out, s.seed, s.scale)
		s.report.Gen = GenResult{Cached: true}
		s.commands = append(s.commands, s.shorten(fmt.Sprintf("%s gen --seed %d --scale %s --out %s   # reused", s.bin, s.seed, s.scale, out)))
	} else {
		if err := os.RemoveAll(out); err != nil {
			return err
		}
		r, err := s.exec(ctx, command{name: s.bin, args: []string{"gen", "--seed", strconv.Itoa(s.seed), "--scale", s.scale, "--out", out}})
		if err != nil {
			return err
		}
		s.report.Gen = GenResult{Seconds: r.Seconds, PeakRSS: r.PeakRSS}
	}
	files, err := datasetFiles(out)
	if err != nil {
		return err
	}
	s.report.Gen.Files = files
	return nil
}

// manifestMatches reports whether dir holds a dataset made with this seed
// and scale, whole: its manifest.json says so and every file it lists is
// there with the listed sha256.
func manifestMatches(dir string, seed int, scale string) bool {
	b, err := os.ReadFile(filepath.Join(dir, gen.ManifestName))
	if err != nil {
		return false
	}
	var m gen.Manifest
	if json.Unmarshal(b, &m) != nil || m.Seed != uint64(seed) || m.Scale != scale {
		return false
	}
	for _, f := range m.Files {
		if sum, err := fileSHA256(filepath.Join(dir, f.Name)); err != nil || sum != f.SHA256 {
			return false
		}
	}
	return true
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// datasetFiles finds each entity's file in dir: entity.csv (or .ndjson,
// .json, .xlsx; origin-certificates may be spelt with an underscore).
func datasetFiles(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		base := strings.ReplaceAll(strings.TrimSuffix(name, filepath.Ext(name)), "_", "-")
		switch filepath.Ext(name) {
		case ".csv", ".ndjson", ".json", ".xlsx":
		default:
			continue
		}
		for _, ent := range entities {
			if base == ent {
				files[ent] = filepath.Join(dir, name)
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no entity files (organizations.csv, models.csv, …) in %s", dir)
	}
	return files, nil
}

// summaryLine is camreg import's count line.
var summaryLine = regexp.MustCompile(`(?m)^imported (\d+) \S+ rows: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) invalid`)

// importAll imports every file of the dataset into the database db.
func (s *suite) importAll(ctx context.Context, dbName string, env []string) error {
	total := ImportResult{Database: dbName, Entity: wholeImport, Load: loadAverage()}
	defer func() {
		if total.Seconds > 0 {
			total.RowsPerSec = float64(total.Rows) / total.Seconds
			s.report.Imports = append(s.report.Imports, total)
		}
	}()
	for _, ent := range entities {
		file, ok := s.report.Gen.Files[ent]
		if !ok {
			s.note("the dataset has no %s file: not imported into %s", ent, dbName)
			continue
		}
		load := loadAverage()
		r, err := s.exec(ctx, command{env: env, name: s.bin, args: []string{"import", ent, file, "--skip-invalid"}})
		row := ImportResult{Database: dbName, Entity: ent, Seconds: r.Seconds, PeakRSS: r.PeakRSS, CPUSeconds: r.CPUSeconds, Load: load}
		if m := summaryLine.FindStringSubmatch(r.Stdout); m != nil {
			row.Rows, _ = strconv.Atoi(m[1])
			row.Invalid, _ = strconv.Atoi(m[5])
		}
		if r.Seconds > 0 {
			row.RowsPerSec = float64(row.Rows) / r.Seconds
		}
		s.report.Imports = append(s.report.Imports, row)
		total.Rows += row.Rows
		total.Invalid += row.Invalid
		total.Seconds += row.Seconds
		total.CPUSeconds += row.CPUSeconds
		total.PeakRSS = max(total.PeakRSS, row.PeakRSS)
		if err != nil && row.Rows == 0 {
			return err
		}
		if row.Invalid > 0 {
			s.note("%d invalid %s rows were skipped in %s", row.Invalid, ent, dbName)
		}
	}
	return nil
}

func (s *suite) sqliteEnv() []string {
	return []string{"CAMREG_DB=" + s.path("sqlite/camreg.db"), "CAMREG_DATA=" + s.path("sqlite")}
}

// importSQLite imports into a new SQLite file.
func (s *suite) importSQLite(ctx context.Context) error {
	if s.reuseSQLite {
		if _, err := os.Stat(s.path("sqlite/camreg.db")); err != nil {
			return fmt.Errorf("--reuse-sqlite: %w", err)
		}
		s.note("SQLite: the database imported by an earlier run was reused (its import is not measured here)")
		return nil
	}
	if err := os.RemoveAll(s.path("sqlite")); err != nil {
		return err
	}
	if err := os.MkdirAll(s.path("sqlite"), 0o755); err != nil {
		return err
	}
	return s.importAll(ctx, "SQLite", s.sqliteEnv())
}

// importPostgres creates a private database on the --pg server and
// imports into it; dropPostgres drops it at the end.
func (s *suite) importPostgres(ctx context.Context) error {
	if s.reusePG != "" {
		s.pgDSN = s.reusePG
		s.note("PostgreSQL: a database imported by an earlier run was reused (its import is not measured here)")
		return nil
	}
	if s.pgAdmin == "" || s.pgAdmin == "none" {
		s.note("PostgreSQL skipped (--pg none)")
		return nil
	}
	name := fmt.Sprintf("camreg_bench_%d", time.Now().UnixNano())
	dsn, err := withDatabase(s.pgAdmin, name)
	if err != nil {
		return err
	}
	if err := pgExec(ctx, s.pgAdmin, "CREATE DATABASE "+name); err != nil {
		s.note("PostgreSQL skipped: %v", err)
		return nil
	}
	s.report.PGDatabase = name
	s.pgDSN = dsn
	return s.importAll(ctx, "PostgreSQL", s.pgEnv())
}

func (s *suite) pgEnv() []string {
	return []string{"CAMREG_DB=" + s.pgDSN, "CAMREG_DATA=" + s.path("pgdata")}
}

func (s *suite) dropPostgres() {
	if s.report.PGDatabase == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pgExec(ctx, s.pgAdmin, "DROP DATABASE IF EXISTS "+s.report.PGDatabase+" WITH (FORCE)"); err != nil {
		s.progress("could not drop the database %s: %v", s.report.PGDatabase, err)
	}
}

// withDatabase is dsn with its database replaced.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "", errors.New("--pg: give a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func pgExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
