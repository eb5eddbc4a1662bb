// Command searchcpu measures the CPU time each search costs on one search
// backend, over an existing index (a national one, say), for the query mix
// of `camreg load --mix search=100` and the relevance queries. CPU time,
// unlike latency, does not depend on what else the machine runs, so two
// versions of a backend's query can be compared on a busy machine.
//
// What is counted is every CPU nanosecond spent for the search: this
// process's (getrusage), plus, for postgres, its one server backend's
// and, for Meilisearch, the engine's whose pid --meili-pid gives (idle,
// its background threads cost little), each from the process's CPU clock,
// which keeps the time of a thread that ended (Meilisearch ends some).
// Hits are not loaded from the database (the API does that in one query;
// see models/byids.go).
//
//	go run ./tools/searchcpu --backend bleve --data $BENCH_DIR/sqlite --mix-db $BENCH_DIR/sqlite/camreg.db
//	go run ./tools/searchcpu --backend postgres --db postgres://... --mix-db $BENCH_DIR/sqlite/camreg.db
//	go run ./tools/searchcpu --backend meilisearch --meili-url URL --meili-key KEY --meili-pid PID --db ... --mix-db ...
//
// It prints the p50, p90, p99 and max of the per-query CPU time (each
// query's best of --repeat runs), the slowest queries, and with --out the
// time of every query as TSV, to pair two versions query by query.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"camreg/fold"
	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/meili"
	"camreg/search/postgres"
)

type query struct {
	Text string
	Type search.Type
	// From is where the query comes from: a relevance file, or "load"
	// for the load's own shapes.
	From string
}

func main() {
	backend := flag.String("backend", "bleve", "bleve, postgres or meilisearch")
	data := flag.String("data", "", "CAMREG_DATA of the bleve index ($DATA/search/bleve)")
	dsn := flag.String("db", "", "the database the postgres or Meilisearch backend keeps its cursor in (postgres: its documents too)")
	mixDB := flag.String("mix-db", "", "a SQLite database of the same registry, to draw the load's query mix from")
	testdata := flag.String("testdata", "search/testdata", "the relevance files (queries.json, typos.json, shops.json)")
	meiliURL := flag.String("meili-url", "", "Meilisearch's URL")
	meiliKey := flag.String("meili-key", "", "Meilisearch's key")
	meiliPID := flag.Int("meili-pid", 0, "Meilisearch's process id, to count its CPU time")
	nModels := flag.Int("models", 5000, "models drawn for the mix (the load's sample)")
	verified := flag.Bool("verified", false, "draw only verified models, as camreg load does (it reads the public /v1/models; a pending model is not indexed, so its number falls through to the looser plans)")
	nTraders := flag.Int("traders", 2000, "traders drawn for the mix")
	limit := flag.Int("max", 0, "measure at most this many queries (a seeded shuffle), 0 for all")
	repeat := flag.Int("repeat", 3, "runs of each query; its best counts")
	top := flag.Int("top", 25, "slowest queries to print")
	out := flag.String("out", "", "write every query's CPU time as TSV here")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the measured searches here")
	hitsOut := flag.String("hits", "", "write every query's total and ranked hits here, to check that two versions answer alike")
	answersOut := flag.String("answers", "", "write every query's whole answer here (hits with their scores and highlights, the facets), to check that two versions answer alike to the letter")
	parallel := flag.Bool("pg-parallel", false, "postgres: let the planner use parallel workers, whose CPU is not counted (off: the search's every nanosecond is in the one backend read)")
	flag.Parse()
	ctx := context.Background()

	qs, err := mix(*mixDB, *testdata, *nModels, *nTraders, *verified)
	if err != nil {
		log.Fatal(err)
	}
	if *limit > 0 && *limit < len(qs) {
		r := rand.New(rand.NewPCG(7, 7))
		r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		qs = qs[:*limit]
	}
	idx, server, err := open(ctx, *backend, *data, *dsn, *meiliURL, *meiliKey, *meiliPID, *parallel)
	if err != nil {
		log.Fatal(err)
	}
	// One search first, to open what opens lazily.
	if _, err := idx.Search(ctx, search.Query{Text: "camera", Limit: 20}); err != nil {
		log.Fatal(err)
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	type row struct {
		q       query
		cpu     time.Duration
		total   int
		hits    string
		answers string
	}
	rows := make([]row, len(qs))
	start := time.Now()
	for i, q := range qs {
		best := time.Duration(-1)
		total := 0
		for range max(1, *repeat) {
			before := cpu() + server()
			res, err := idx.Search(ctx, search.Query{Text: q.Text, Type: q.Type, Limit: 20})
			spent := cpu() + server() - before
			if err != nil {
				log.Fatalf("%q: %v", q.Text, err)
			}
			total = res.Total
			if *hitsOut != "" {
				ids := make([]string, len(res.Hits))
				for j, h := range res.Hits {
					ids[j] = string(h.Type) + ":" + h.EntityID
				}
				rows[i].hits = strings.Join(ids, " ")
			}
			if *answersOut != "" {
				b, err := json.Marshal(res)
				if err != nil {
					log.Fatal(err)
				}
				rows[i].answers = string(b)
			}
			if best < 0 || spent < best {
				best = spent
			}
		}
		rows[i].q, rows[i].cpu, rows[i].total = q, best, total
	}
	wall := time.Since(start)
	if *hitsOut != "" {
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", r.q.Text, r.q.Type, r.total, r.hits)
		}
		if err := os.WriteFile(*hitsOut, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *answersOut != "" {
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", r.q.Text, r.q.Type, r.answers)
		}
		if err := os.WriteFile(*answersOut, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *out != "" {
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintf(&b, "%s\t%s\t%d\t%d\t%s\n", r.q.Text, r.q.Type, r.cpu.Microseconds(), r.total, r.q.From)
		}
		if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	summary := func(name string, keep func(query) bool) {
		var times []time.Duration
		var sum time.Duration
		for _, r := range rows {
			if keep(r.q) {
				times = append(times, r.cpu)
				sum += r.cpu
			}
		}
		if len(times) == 0 {
			return
		}
		slices.Sort(times)
		pct := func(p float64) string {
			return fmt.Sprintf("%.2f ms", float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds())/1000)
		}
		fmt.Printf("SEARCHCPU backend=%s queries=%s n=%d p50=%s p90=%s p99=%s max=%s mean=%.2f ms\n",
			*backend, name, len(times), pct(0.50), pct(0.90), pct(0.99), pct(1), float64(sum.Microseconds())/1000/float64(len(times)))
	}
	summary("all", func(query) bool { return true })
	// The load (camreg load --mix search=100) draws from its own shapes
	// and queries.json; typos.json and shops.json are relevance classes
	// of typed errors, which fall through to the looser plans.
	summary("load", func(q query) bool { return q.From == "load" || q.From == "queries.json" })
	summary("typos+shops", func(q query) bool { return q.From == "typos.json" || q.From == "shops.json" })
	fmt.Printf("(wall %s, best of %d runs of each query)\n", wall.Round(time.Second), *repeat)
	slices.SortFunc(rows, func(a, b row) int { return int(b.cpu - a.cpu) })
	for _, r := range rows[:min(*top, len(rows))] {
		t := ""
		if r.q.Type != "" {
			t = " type=" + string(r.q.Type)
		}
		fmt.Printf("  %8.2f ms  %7d matches  %q%s\n", float64(r.cpu.Microseconds())/1000, r.total, r.q.Text, t)
	}
}

// cpu is this process's CPU time, user and system.
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time of process pid: its CPU clock (processCPU),
// or where that cannot be read, the sum of its threads' (schedTime).
func serverCPU(pid int) time.Duration {
	if d, ok := processCPU(pid); ok {
		return d
	}
	return schedTime(pid)
}

// schedTime is the CPU time of every live thread of process pid, from the
// scheduler's statistics (nanoseconds, unlike /proc/PID/stat's ticks); a
// thread that ended is missing from it.
func schedTime(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sum += time.Duration(n)
		}
	}
	return sum
}

// open opens the backend, and returns with it the CPU time of the server
// process that answers it, if any.
func open(ctx context.Context, backend, data, dsn, meiliURL, meiliKey string, meiliPID int, parallel bool) (search.Index, func() time.Duration, error) {
	none := func() time.Duration { return 0 }
	switch backend {
	case "bleve":
		ix, err := bleve.Open(filepath.Join(data, "search", "bleve"), bleve.Options{})
		return ix, none, err
	case "postgres", "meilisearch":
	default:
		return nil, nil, fmt.Errorf("unknown backend %q", backend)
	}
	st, err := models.Open(dsn)
	if err != nil {
		return nil, nil, err
	}
	db := st.DB()
	if backend == "meilisearch" {
		ix, err := meili.New(meili.Config{URL: meiliURL, APIKey: meiliKey, Index: "camreg",
			Cursor: search.DBCursor{DB: db, Name: search.CursorName("meilisearch")}})
		if meiliPID == 0 {
			return ix, none, err
		}
		return ix, func() time.Duration { return serverCPU(meiliPID) }, err
	}
	// One connection, so one server backend answers every search.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	var pid int
	if err := db.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return nil, nil, err
	}
	// A parallel scan's workers are other backends: their CPU would be
	// missed (a planMost that read 120,000 records counted half its CPU).
	if !parallel {
		if _, err := db.ExecContext(ctx, "SET max_parallel_workers_per_gather = 0"); err != nil {
			return nil, nil, err
		}
	}
	ix, err := postgres.New(ctx, postgres.Config{DB: db, Cursor: search.DBCursor{DB: db, Name: search.CursorName("postgres")}})
	return ix, func() time.Duration { return serverCPU(pid) }, err
}

// mix is the load's search queries (tools/loadgen's derive: a model
// number as printed, in lower case without dashes, a brand and a fragment
// of the number, a trader's folded name; a tenth of each kind filtered to
// models and a tenth to organizations), drawn from the registry in db,
// and the relevance files' queries.
func mix(db, testdata string, nModels, nTraders int, verified bool) ([]query, error) {
	var texts, from []string
	for _, name := range []string{"queries.json", "typos.json", "shops.json"} {
		b, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			return nil, err
		}
		var qs []struct {
			Q string `json:"q"`
		}
		if err := json.Unmarshal(b, &qs); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, q := range qs {
			texts, from = append(texts, q.Q), append(from, name)
		}
	}
	if db != "" {
		conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		where := ""
		if verified {
			where = "WHERE status = 'verified' "
		}
		rows, err := conn.Query("SELECT brand, model_number FROM camera_models "+where+"ORDER BY id LIMIT ?", nModels)
		if err != nil {
			return nil, err
		}
		for i := 0; rows.Next(); i++ {
			var brand, number string
			if err := rows.Scan(&brand, &number); err != nil {
				return nil, err
			}
			switch i % 4 {
			case 0:
				texts = append(texts, number)
			case 1:
				texts = append(texts, strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(number)))
			case 2:
				r := []rune(number)
				if len(r) > 6 {
					r = r[:len(r)*2/3]
				}
				texts = append(texts, brand+" "+string(r))
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = conn.Query("SELECT name FROM organizations WHERE tax_code IS NOT NULL ORDER BY id LIMIT ?", nTraders)
		if err != nil {
			return nil, err
		}
		for i := 0; rows.Next(); i++ {
			var name string
			if err := rows.Scan(&name); err != nil {
				return nil, err
			}
			if i%5 == 0 {
				texts = append(texts, fold.Text(name))
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]query, 0, len(texts))
	r := rand.New(rand.NewPCG(1, 1))
	for i, t := range texts {
		q := query{Text: t, From: "load"}
		if i < len(from) {
			q.From = from[i]
		}
		switch r.IntN(10) {
		case 0:
			q.Type = search.TypeModel
		case 1:
			q.Type = search.TypeOrganization
		}
		out = append(out, q)
	}
	return out, nil
}
