package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Report is a run's raw results, written as JSON under docs/bench/.
type Report struct {
	Scale        string            `json:"scale"`
	Seed         int               `json:"seed"`
	Started      time.Time         `json:"started"`
	Seconds      float64           `json:"seconds"`
	Dir          string            `json:"work_dir"`
	LoadDuration string            `json:"load_run_duration"`
	Machine      Machine           `json:"machine"`
	Gen          GenResult         `json:"gen"`
	Imports      []ImportResult    `json:"imports"`
	Reindex      []ReindexResult   `json:"reindex"`
	CatchUp      []CatchUpResult   `json:"catch_up"`
	Startup      []StartupResult   `json:"startup"`
	Search       []LoadResult      `json:"search"`
	Relevance    []RelevanceResult `json:"relevance"`
	Verify       []LoadResult      `json:"verify"`
	Ceiling      []WrkResult       `json:"verify_ceiling"`
	ServerRSS    []ServerRSS       `json:"server_peak_rss"`
	MeiliPeakRSS int64             `json:"meilisearch_peak_rss_bytes,omitempty"`
	PGDatabase   string            `json:"postgres_database,omitempty"`
	Steps        []StepTime        `json:"steps"`
	Commands     []string          `json:"commands"`
	Notes        []string          `json:"notes"`
	Estimate     string            `json:"national_estimate,omitempty"`
}

// Machine is where the suite ran.
type Machine struct {
	CPUs       int    `json:"nproc"`
	CPU        string `json:"cpu_model"`
	Memory     string `json:"memory"`
	LoadBefore string `json:"load_average_before"`
	LoadAfter  string `json:"load_average_after"`
	Go         string `json:"go"`
	Commit     string `json:"git_commit"`
}

type GenResult struct {
	Cached  bool              `json:"cached"`
	Seconds float64           `json:"seconds,omitempty"`
	PeakRSS int64             `json:"peak_rss_bytes,omitempty"`
	Files   map[string]string `json:"files"`
}

type ImportResult struct {
	Database   string  `json:"database"`
	Entity     string  `json:"entity"`
	Rows       int     `json:"rows"`
	Invalid    int     `json:"invalid"`
	Seconds    float64 `json:"seconds"`
	RowsPerSec float64 `json:"rows_per_second"`
	PeakRSS    int64   `json:"peak_rss_bytes"`
	// CPUSeconds is the import's user and system time, and Load the
	// machine's load average (1 minute) when it started: on a shared
	// machine, rows per CPU second say what the import costs.
	CPUSeconds float64 `json:"cpu_seconds"`
	Load       string  `json:"load_average"`
}

// wholeImport names the row that sums one database's imports: the whole
// national load in one figure.
const wholeImport = "all, in turn"

type ReindexResult struct {
	Backend    string  `json:"backend"`
	Database   string  `json:"database"`
	Documents  int     `json:"documents"`
	Seconds    float64 `json:"seconds"`
	DocsPerSec float64 `json:"documents_per_second"`
	PeakRSS    int64   `json:"peak_rss_bytes"`
}

type StartupResult struct {
	Backend  string  `json:"backend"`
	Database string  `json:"database"`
	Seconds  float64 `json:"seconds_to_readyz"`
}

// LoadResult is one camreg load run (the whole JSON is kept in the work dir).
type LoadResult struct {
	Backend  string `json:"backend"`
	Database string `json:"database"`
	// Answers is "first" for a server run with CAMREG_SEARCH_ANSWERS=0
	// (every query searched: the engines compared) and "remembered" for
	// serve's default; empty in results of runs before both were measured.
	Answers     string  `json:"answers,omitempty"`
	Clients     int     `json:"clients"`
	Requests    int     `json:"requests"`
	PerSec      float64 `json:"requests_per_second"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	Errors      int     `json:"errors"`
	RateLimited int     `json:"rate_limited"`
}

type RelevanceResult struct {
	Backend string  `json:"backend"`
	Queries int     `json:"queries"`
	At1     float64 `json:"recall_at_1"`
	At3     float64 `json:"recall_at_3"`
}

type ServerRSS struct {
	Backend  string `json:"backend"`
	Database string `json:"database"`
	PeakRSS  int64  `json:"peak_rss_bytes"`
	// Logged5xx counts the 5xx answers in the server's request log, a
	// check on the load tool's own count.
	Logged5xx int `json:"logged_5xx"`
}

type StepTime struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

func readMachine(root string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), CPU: cpuModel(), Memory: memTotal(), LoadBefore: loadAverage(), Go: runtime.Version()}
	if out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			m.Commit += " (with uncommitted changes)"
		}
	}
	return m
}

func cpuModel() string {
	return procField("/proc/cpuinfo", "model name")
}

func memTotal() string {
	v := procField("/proc/meminfo", "MemTotal")
	var kb int64
	if _, err := fmt.Sscanf(v, "%d kB", &kb); err == nil {
		return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	return v
}

// procField is the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// nationalRows is the national set of issue #7: 100,000 models, 30,000
// certificates, 20,000 C/Os, 3,000 warnings, 200,000 traders, 2,000,000
// listings.
const nationalRows = 100_000 + 30_000 + 20_000 + 3_000 + 200_000 + 2_000_000

// estimateNational scales the steps that grow with the data (generation,
// imports, reindexes) by the row ratio; the load runs and relevance take
// the same time at any scale. Imports slow down as tables grow, so it is
// a lower bound.
func (s *suite) estimateNational() string {
	if s.scale == "national" {
		return ""
	}
	rows := 0
	for _, im := range s.report.Imports {
		if im.Database == "SQLite" && im.Entity != wholeImport {
			rows += im.Rows
		}
	}
	if rows == 0 {
		return ""
	}
	ratio := float64(nationalRows) / float64(rows)
	var scaled, fixed float64
	for _, st := range s.report.Steps {
		switch {
		case strings.HasPrefix(st.Name, "generate"), strings.HasPrefix(st.Name, "import"), st.Name == "reindex":
			scaled += st.Seconds
		default:
			fixed += st.Seconds
		}
	}
	total := time.Duration((scaled*ratio + fixed) * float64(time.Second)).Round(time.Minute)
	reused := ""
	if s.report.Gen.Cached {
		reused = " (the dataset was reused here: generating the national set comes on top)"
	}
	return fmt.Sprintf("a national run (%s rows, %.0f× this run's %s) would take at least %d h %02d min on this machine: the data-bound steps (gen, imports, reindexes) took %.0f s here%s, the rest %.0f s",
		thousands(nationalRows), ratio, thousands(rows), int(total.Hours()), int(total.Minutes())%60, scaled, reused, fixed)
}

// writeJSON writes the report under docs/bench/, named by date and scale.
func (s *suite) writeJSON() (string, error) {
	dir := filepath.Join(s.root, "docs", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := s.started.UTC().Format("2006-01-02T1504Z") + "-" + s.scale + ".json"
	b, err := json.MarshalIndent(s.report, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, append(b, '\n'), 0o644)
}
