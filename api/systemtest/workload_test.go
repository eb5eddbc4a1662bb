package systemtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"camreg/models"
)

// ack is a write that got a 2xx: it must be in the database, whatever
// happens after.
type ack struct {
	collection string // organizations, models or listings
	id         string
	// number is a model's model number, by which search must find it.
	number string
}

// writers drive concurrent creates and updates through a set of servers,
// recording every acknowledged write and counting what the clients saw.
type writers struct {
	urls  func() []string
	c     *client
	run   string // unique per test, in names and model numbers
	tally tally

	mu   sync.Mutex
	acks []ack
	seq  atomic.Int64
}

func newWriters(key string, urls func() []string) *writers {
	return &writers{urls: urls, c: newClient(key), run: fmt.Sprintf("%04d", rand.IntN(10000))}
}

// record keeps an acknowledged write.
func (w *writers) record(a ack) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.acks = append(w.acks, a)
}

// acked returns the acknowledged writes so far.
func (w *writers) acked() []ack {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]ack(nil), w.acks...)
}

// count is how many acknowledged writes are of a collection.
func (w *writers) count(collection string) int {
	n := 0
	for _, a := range w.acked() {
		if a.collection == collection {
			n++
		}
	}
	return n
}

// drive runs goroutines that each write until ctx ends or they have made
// perWorker rounds (0: no limit). A round creates a verified model and,
// every third round, renames it through another server; every fourth
// creates a retailer with a tax code and a listing of the model.
// writeFor starts 8 writers against srv that stop after d (or when the
// test ends): wait for them with <-done. ctx is the writers' context.
func writeFor(t *testing.T, key string, srv *server, d time.Duration) (*writers, context.Context, <-chan struct{}) {
	w := newWriters(key, func() []string { return []string{srv.url} })
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	done := make(chan struct{})
	go func() { w.drive(ctx, 8, 0); close(done) }()
	return w, ctx, done
}

func (w *writers) drive(ctx context.Context, goroutines, perWorker int) {
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; perWorker == 0 || i < perWorker; i++ {
				if ctx.Err() != nil {
					return
				}
				w.round(g, i)
			}
		}()
	}
	wg.Wait()
}

// round is one round of writes of goroutine g.
func (w *writers) round(g, i int) {
	urls := w.urls()
	at := func(k int) string { return urls[(g+i+k)%len(urls)] }
	n := w.seq.Add(1)
	number := fmt.Sprintf("SYS%s-%d-%05d", w.run, g, n)
	a := w.c.do(http.MethodPost, at(0)+"/v1/models", map[string]any{
		"brand": "Systest", "model_number": number, "name": "Camera thử nghiệm " + number, "kind": "ip", "status": "verified"})
	if !w.tally.add(a) {
		w.pause(a)
		return
	}
	modelID := a.str("id")
	w.record(ack{collection: "models", id: modelID, number: number})
	if i%3 == 2 {
		p := w.c.do(http.MethodPatch, at(1)+"/v1/models/"+modelID, map[string]any{"name": "Camera đã đổi tên " + number})
		if w.tally.add(p) {
			w.record(ack{collection: "models", id: modelID, number: number})
		}
	}
	if i%4 == 3 {
		o := w.c.do(http.MethodPost, at(1)+"/v1/organizations", map[string]any{
			"name": "Cửa hàng thử nghiệm " + number, "kind": "retailer", "tax_code": taxCode(w.run, n), "province": "Đà Nẵng"})
		if !w.tally.add(o) {
			w.pause(o)
			return
		}
		orgID := o.str("id")
		w.record(ack{collection: "organizations", id: orgID})
		l := w.c.do(http.MethodPost, at(0)+"/v1/listings", map[string]any{
			"trader_org_id": orgID, "camera_model_id": modelID, "channel": "shop", "shop_address": "1 Lê Duẩn", "province": "Đà Nẵng"})
		if w.tally.add(l) {
			w.record(ack{collection: "listings", id: l.str("id")})
		}
	}
}

// pause backs off after a failed write, as a client told Retry-After
// would (capped, so that the test sees the recovery soon).
func (w *writers) pause(a answer) {
	d := 100 * time.Millisecond
	if a.status == http.StatusServiceUnavailable {
		d = 250 * time.Millisecond
	}
	time.Sleep(d)
}

// taxCode makes a valid, unique tax code (MST) from a run and a counter:
// nine digits and the check digit, skipping bases that have none. Each
// counter has sixteen bases of its own (n*16 to n*16+15: about one base in
// eleven has no check digit), so codes stay unique up to 625,000 rounds.
// (It was (n*7+k) mod 100,000 over five digits: past 14,286 rounds, which
// a fast machine writes in the 30 s of TestFaultKillServerDuringWrites, a
// counter's code could be an earlier one's, and the second was a 409.)
func taxCode(run string, n int64) string {
	for k := int64(0); k < 16; k++ {
		base := fmt.Sprintf("%s%07d", "9"+run[:1], (n*16+k)%10_000_000)
		for d := '0'; d <= '9'; d++ {
			if tc, err := models.CheckTaxCode(base + string(d)); err == nil {
				return tc
			}
		}
	}
	panic(fmt.Sprintf("no valid tax code among the 16 bases of round %d", n))
}

// wantAcksReadable checks that every acknowledged write can be read back
// through srv: no acknowledged write is lost.
func wantAcksReadable(t *testing.T, srv *server, acks []ack, key string) {
	t.Helper()
	c := newClient(key)
	seen := map[string]bool{}
	missing := 0
	for _, a := range acks {
		if seen[a.collection+a.id] {
			continue
		}
		seen[a.collection+a.id] = true
		if r := c.do(http.MethodGet, srv.url+"/v1/"+a.collection+"/"+a.id, nil); r.status != http.StatusOK {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged %s %s is not readable through %s: %s", a.collection, a.id, srv.name, r)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged records are lost", missing, len(seen))
	}
}

// waitIndexed waits until srv's search finds every acknowledged model by
// its model number, and its count of models equals the database's (count),
// and returns how long that took.
func waitIndexed(t *testing.T, srv *server, acks []ack, key string, wantModels int, within time.Duration) time.Duration {
	t.Helper()
	c := newClient(key)
	start := time.Now()
	pending := map[string]string{} // model number -> id
	for _, a := range acks {
		if a.collection == "models" {
			pending[a.number] = a.id
		}
	}
	var total int
	for {
		// Count first, with one query: searching for every model while the
		// engine still indexes would slow it down.
		r := c.do(http.MethodGet, srv.url+"/v1/search?type=model&limit=1&brand=Systest", nil)
		if r.status == http.StatusOK {
			total = indexedModels(r)
		}
		if total == wantModels {
			for number, id := range pending {
				r := c.do(http.MethodGet, srv.url+"/v1/search?type=model&limit=10&q="+url.QueryEscape(number), nil)
				if r.status == http.StatusOK && hasHit(r, id) {
					delete(pending, number)
				}
			}
		}
		if len(pending) == 0 && total == wantModels {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Errorf("%s's index did not converge within %s: %d acknowledged models not found, %d models indexed of %d",
				srv.name, within, len(pending), total, wantModels)
			return -1
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// indexedModels reads how many models a search matched from its type
// facet, which every backend counts exactly: Meilisearch caps its total
// at search.MaxOffset + search.MaxLimit.
func indexedModels(r answer) int {
	facets, _ := r.json()["facets"].(map[string]any)
	types, _ := facets["type"].(map[string]any)
	n, _ := types["model"].(float64)
	return int(n)
}

// hasHit tells whether a search answer holds the record id.
func hasHit(r answer, id string) bool {
	items, _ := r.json()["items"].([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m["id"] == id {
			return true
		}
	}
	return false
}
