package systemtest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"camreg/models"
)

// facts are what the database holds after a run, read directly.
type facts struct {
	events, minSeq, maxSeq int64
	// broken counts events whose prev_hash is not the previous event's hash.
	broken int64
	// models are the verified Systest models: the ones search must hold.
	models, organizations, listings int64
	// halfWritten counts rows without their change-log event, and create
	// events whose row is missing without a delete event to explain it.
	halfWritten map[string]int64
}

// entityTables pairs each checked table with its change-log entity.
var entityTables = []struct{ table, entity string }{
	{"organizations", "organization"},
	{"camera_models", "camera_model"},
	{"listings", "listing"},
}

// readFacts opens the database at dsn and reads its facts.
func readFacts(t *testing.T, dsn string) facts {
	t.Helper()
	st, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("open the database to check it: %v", err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := st.DB()
	f := facts{halfWritten: map[string]int64{}}
	scan := func(dst []any, q string, args ...any) {
		t.Helper()
		if err := db.QueryRowContext(ctx, q, args...).Scan(dst...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	scan([]any{&f.events, &f.minSeq, &f.maxSeq}, "SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM events")
	scan([]any{&f.broken}, "SELECT COUNT(*) FROM events e JOIN events p ON p.seq = e.seq - 1 WHERE e.prev_hash <> p.hash")
	scan([]any{&f.models}, "SELECT COUNT(*) FROM camera_models WHERE brand = 'Systest' AND status = 'verified'")
	scan([]any{&f.organizations}, "SELECT COUNT(*) FROM organizations")
	scan([]any{&f.listings}, "SELECT COUNT(*) FROM listings")
	for _, et := range entityTables {
		var rows, events int64
		scan([]any{&rows}, fmt.Sprintf(`SELECT COUNT(*) FROM %s r WHERE NOT EXISTS
			(SELECT 1 FROM events e WHERE e.entity = $1 AND e.entity_id = r.id)`, et.table), et.entity)
		scan([]any{&events}, fmt.Sprintf(`SELECT COUNT(*) FROM events e WHERE e.entity = $1 AND e.action = 'create'
			AND NOT EXISTS (SELECT 1 FROM %s r WHERE r.id = e.entity_id)
			AND NOT EXISTS (SELECT 1 FROM events d WHERE d.entity = e.entity AND d.entity_id = e.entity_id AND d.action = 'delete')`,
			et.table), et.entity)
		f.halfWritten[et.table+" without event"] = rows
		f.halfWritten[et.entity+" events without row"] = events
	}
	return f
}

// halfWrittenTotal is the sum of every half-written count.
func (f facts) halfWrittenTotal() int64 {
	var n int64
	for _, v := range f.halfWritten {
		n += v
	}
	return n
}

// wantConsistent checks the change log and the rows: the chain linear
// and contiguous (no fork, no gap), and nothing half-written. It also runs
// `camreg audit verify`.
func wantConsistent(t *testing.T, d deployment, f facts) {
	t.Helper()
	if f.events > 0 && (f.minSeq != 1 || f.maxSeq != f.events) {
		t.Errorf("change log not contiguous: %d events, seq %d..%d", f.events, f.minSeq, f.maxSeq)
	}
	if f.broken != 0 {
		t.Errorf("change log forked: %d events do not link to their predecessor", f.broken)
	}
	for what, n := range f.halfWritten {
		if n != 0 {
			t.Errorf("half-written: %d %s", n, what)
		}
	}
	out := d.auditVerify(t)
	if !strings.Contains(out, fmt.Sprintf("%d events verified", f.events)) {
		t.Logf("audit verify: %s (the log grew since it was read, or: %d events)", out, f.events)
	}
}

// privateDatabase creates a PostgreSQL database of its own on the server
// of CAMREG_TEST_PG, dropped when the test ends, and returns its URL.
func privateDatabase(t *testing.T, adminURL string) string {
	t.Helper()
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("CAMREG_TEST_PG: %v", err)
	}
	name := fmt.Sprintf("camreg_mp_%d", time.Now().UnixNano()%1_000_000_000)
	admin, err := models.Open(adminURL)
	if err != nil {
		t.Fatalf("reach CAMREG_TEST_PG: %v", err)
	}
	if _, err := admin.DB().Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.DB().Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
