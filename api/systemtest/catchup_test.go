package systemtest

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// catchUpRows is how many models the catch-up fault imports before the
// server starts: enough that its rebuild from the rows takes seconds.
const catchUpRows = 30000

// Fault: kill -9 of a server in the middle of catching up from far
// behind (a rebuild from the rows, search/catchup.go), then a restart.
// Nothing is lost: the restarted server catches up again to every model,
// its index converges, and (bleve) the killed rebuild's directory is gone.
func TestFaultKillDuringCatchUp(t *testing.T) {
	needFaults(t)
	databases(t, func(t *testing.T, d deployment) {
		d.mustRun(t, "migrate", "up")
		key := d.adminKey(t)
		d.mustRun(t, "import", "models", writeModelsCSV(t, catchUpRows), "--batch-size", "1000")
		srv := startServer(t, "serve", d)
		c := newClient(key)
		lag := func() map[string]any {
			r := c.do(http.MethodGet, srv.url+"/readyz", nil)
			if r.status != http.StatusOK {
				return nil
			}
			l, _ := r.json()["search_lag"].(map[string]any)
			return l
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			if l := lag(); l != nil && l["rebuilding"] == true {
				break
			} else if l != nil && l["events"] == 0.0 {
				t.Fatalf("the server caught up before it could be killed mid-rebuild: make catchUpRows larger")
			}
			if time.Now().After(deadline) {
				t.Fatal("the server did not start rebuilding its index within 60 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		killedAt := time.Now()
		srv.p.kill()
		srv.restart(t)
		converged := waitIndexed(t, srv, nil, key, catchUpRows, 10*time.Minute)
		if l := lag(); l == nil || l["events"] != 0.0 || l["rebuilding"] != false {
			t.Errorf("readyz after the catch-up: %v", l)
		}
		if d["CAMREG_DB"] == "" {
			dirs, err := filepath.Glob(filepath.Join(d["CAMREG_DATA"], "search", "bleve", "idx-*"))
			if err != nil || len(dirs) != 1 {
				t.Errorf("bleve index directories after the restart: %v (%v), want only the live one", dirs, err)
			}
		}
		metrics := string(c.do(http.MethodGet, srv.url+"/metrics", nil).body)
		if !strings.Contains(metrics, `camreg_indexer_rebuilds_total{indexer="search"} 1`) {
			t.Errorf("the restarted server did not catch up by one rebuild:\n%s", grepLines(metrics, "camreg_indexer_"))
		}
		report(t, "kill-9-during-catch-up", "db", dialect(d), "models", catchUpRows,
			"index_converged_after_restart", converged.Round(10*time.Millisecond),
			"killed_at", killedAt.Format(time.TimeOnly), "rate", grepLines(metrics, "camreg_indexer_events_per_second"))
	})
}

// grepLines keeps the lines of s that hold sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}
