package systemtest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// Several processes (issue #7, item 4): three `camreg serve` processes on
// one PostgreSQL database, each with its own bleve index, take concurrent
// writes through both. The change log stays one linear chain, each index
// converges to the database, and every acknowledged write can be read
// through the other process.
func TestSeveralProcesses(t *testing.T) {
	d, key := multiProcessDatabase(t)
	a := startServer(t, "serve-a", d.with("CAMREG_DATA", t.TempDir()))
	b := startServer(t, "serve-b", d.with("CAMREG_DATA", t.TempDir()))
	c := startServer(t, "serve-c", d.with("CAMREG_DATA", t.TempDir()))
	severalProcesses(t, "bleve", 60, d, key, a, b, c)
}

// The same with both processes on one shared Meilisearch, following one
// cursor in the database.
func TestSeveralProcessesMeilisearch(t *testing.T) {
	if os.Getenv("CAMREG_TEST_PG") == "" {
		t.Skip("note: CAMREG_TEST_PG is not set, so the several-processes test is skipped (it needs PostgreSQL)")
	}
	m := startMeili(t)
	d, key := multiProcessDatabase(t)
	d = m.deployment(d)
	a := startServer(t, "serve-a", d.with("CAMREG_DATA", t.TempDir()))
	b := startServer(t, "serve-b", d.with("CAMREG_DATA", t.TempDir()))
	// Meilisearch indexes slowly on a small machine: fewer rounds keep
	// the test near a minute.
	severalProcesses(t, "meilisearch", 30, d, key, a, b)
}

// multiProcessDatabase makes a private, migrated PostgreSQL database and
// an admin key on it.
func multiProcessDatabase(t *testing.T) (deployment, string) {
	t.Helper()
	pg := os.Getenv("CAMREG_TEST_PG")
	if pg == "" {
		t.Skip("note: CAMREG_TEST_PG is not set, so the several-processes test is skipped (it needs PostgreSQL)")
	}
	d := deployment{"CAMREG_DB": privateDatabase(t, pg)}
	d.mustRun(t, "migrate", "up")
	return d, d.adminKey(t)
}

// severalProcesses writes rounds per goroutine through every server at
// once, then checks the chain, the rows, the acknowledged writes and each
// index.
func severalProcesses(t *testing.T, backend string, rounds int, d deployment, key string, servers ...*server) {
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.url
	}
	w := newWriters(key, func() []string { return urls })
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	start := time.Now()
	w.drive(ctx, 8, rounds)
	took := time.Since(start)
	w.tally.wantNoHangsOrErrors(t)
	if w.tally.unavailable > 0 || w.tally.refused > 0 || w.tally.ok == 0 {
		t.Errorf("with no fault, clients saw %s", &w.tally)
	}

	f := readFacts(t, d["CAMREG_DB"])
	wantConsistent(t, d, f)
	if int(f.models) != w.count("models")-patches(w.acked()) {
		t.Errorf("the database holds %d models, the clients created %d", f.models, w.count("models")-patches(w.acked()))
	}
	acks := w.acked()
	converged := make([]time.Duration, len(servers))
	for i, s := range servers {
		wantAcksReadable(t, s, acks, key)
		converged[i] = waitIndexed(t, s, acks, key, int(f.models), 60*time.Second)
	}
	report(t, "several-processes", "backend", backend, "processes", len(servers), "writes", &w.tally,
		"took", took.Round(time.Millisecond), "events", f.events, "models", f.models, "organizations", f.organizations,
		"listings", f.listings, "half_written", f.halfWrittenTotal(), "index_converged_after", fmt.Sprint(roundAll(converged)))
}

// patches counts the acknowledged renames: a second ack of one model.
func patches(acks []ack) int {
	seen := map[string]bool{}
	n := 0
	for _, a := range acks {
		if a.collection != "models" {
			continue
		}
		if seen[a.id] {
			n++
		}
		seen[a.id] = true
	}
	return n
}

// roundAll rounds durations for reports.
func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Millisecond)
	}
	return out
}
