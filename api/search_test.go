package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"camreg/search"
	"camreg/search/bleve"
)

// searchEnv is a test server with a bleve index kept in sync by an
// indexer, over the API fixture.
type searchEnv struct {
	*testEnv
	idx *bleve.Index
	ix  *search.Indexer
	f   fixture
}

func newSearchEnv(t *testing.T, e *testEnv) *searchEnv {
	t.Helper()
	idx, ix := e.withSearch(t)
	se := &searchEnv{testEnv: e, idx: idx, ix: ix, f: e.fixture()}
	se.catchUp()
	return se
}

// withSearch gives e's server an empty bleve index on disk, and returns
// the index with an indexer that feeds it from the change log.
func (e *testEnv) withSearch(t *testing.T) (*bleve.Index, *search.Indexer) {
	t.Helper()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "bleve"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ix := &search.Indexer{Store: e.store, Index: idx, Builder: &search.Builder{Store: e.store}}
	generous := map[string]Rate{}
	for tier := range DefaultRates {
		generous[tier] = Rate{PerSecond: 1e6, Burst: 1e6}
	}
	e.srv = New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous,
		Search: idx, SearchLag: ix.Err, SearchProgress: ix.Progress})
	return idx, ix
}

func (e *searchEnv) catchUp() {
	e.t.Helper()
	if _, err := e.ix.CatchUp(context.Background()); err != nil {
		e.t.Fatalf("catch up: %v", err)
	}
}

// hits runs a search and returns the hits' ids in order.
func (e *searchEnv) hits(query string) ([]string, map[string]any) {
	e.t.Helper()
	body := e.do(http.MethodGet, "/v1/search?"+query, "", nil).want(http.StatusOK).json()
	var ids []string
	for _, it := range body["items"].([]any) {
		hit := it.(map[string]any)
		item := hit["item"].(map[string]any)
		if item["id"] != hit["id"] {
			e.t.Fatalf("hit %v carries item %v", hit["id"], item["id"])
		}
		ids = append(ids, hit["id"].(string))
	}
	return ids, body
}

func TestSearch(t *testing.T) {
	eachEnv(t, func(t *testing.T, te *testEnv) {
		e := newSearchEnv(t, te)
		f := e.f

		t.Run("finds and ranks", func(t *testing.T) {
			cases := []struct {
				query string
				first string
			}{
				{"q=ds2cd1023g0ei", f.model},
				{"q=2cd1023", f.model},
				{"q=" + url.QueryEscape("IPC HFW1230"), f.model2},
				{"q=" + url.QueryEscape("cua hang dien tu da nang"), f.retailer},
				{"q=" + url.QueryEscape("QCVN135-Q1-2025-0012"), f.cert},
				{"q=" + url.QueryEscape("383/cattt-ncsc"), f.warning},
				{"q=hikvison&type=model", f.model},
				{"q=dien+tu&type=organization&province=" + url.QueryEscape("Đà Nẵng"), f.retailer},
				{"brand=dahua", f.model2},
			}
			for _, c := range cases {
				ids, _ := e.hits(c.query)
				if len(ids) == 0 || ids[0] != c.first {
					t.Errorf("%s: hits %v, want %s first", c.query, ids, c.first)
				}
			}
		})

		t.Run("hit shape and facets", func(t *testing.T) {
			_, body := e.hits("q=hikvision")
			hit := body["items"].([]any)[0].(map[string]any)
			for _, k := range []string{"type", "id", "title", "highlight", "score", "item"} {
				if _, ok := hit[k]; !ok {
					t.Errorf("hit lacks %s: %v", k, hit)
				}
			}
			facets := body["facets"].(map[string]any)
			for _, k := range []string{"type", "brand", "province", "status"} {
				if _, ok := facets[k].(map[string]any); !ok {
					t.Errorf("facets lack %s: %v", k, facets)
				}
			}
			if n := facets["brand"].(map[string]any)["Hikvision"]; n != float64(1) {
				t.Errorf("brand facet %v", facets["brand"])
			}
		})

		t.Run("items in the engine's order, as GET shows them", func(t *testing.T) {
			// Every record, of every type, in one page: the items are loaded
			// by type in one query each, and must come back in the
			// engine's order, each as its own GET shows it.
			ids, body := e.hits("limit=100")
			res, err := e.idx.Search(context.Background(), search.Query{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range res.Hits {
				want = append(want, h.EntityID)
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("items %v, want the engine's order %v", ids, want)
			}
			types := map[string]bool{}
			collection := map[string]string{"model": "models", "organization": "organizations",
				"certificate": "certificates", "warning": "warnings"}
			for _, it := range body["items"].([]any) {
				hit := it.(map[string]any)
				types[hit["type"].(string)] = true
				got, _ := json.Marshal(hit["item"])
				one, _ := json.Marshal(e.do(http.MethodGet, "/v1/"+collection[hit["type"].(string)]+"/"+hit["id"].(string), "", nil).
					want(http.StatusOK).json())
				if string(got) != string(one) {
					t.Errorf("%s %s: item\n%s\nwant GET's\n%s", hit["type"], hit["id"], got, one)
				}
			}
			if len(types) != 4 {
				t.Errorf("the page holds types %v, want all four", types)
			}
			if body["facets_exact"] != true {
				t.Errorf("facets_exact %v on %d matches", body["facets_exact"], len(ids))
			}
		})

		t.Run("compliance status", func(t *testing.T) {
			// The fixture's Hikvision model is certified and warned: warned wins.
			if ids, _ := e.hits("status=warned"); !slices.Equal(ids, []string{f.model}) {
				t.Errorf("warned: %v", ids)
			}
			if ids, _ := e.hits("status=uncertified"); !slices.Equal(ids, []string{f.model2}) {
				t.Errorf("uncertified: %v", ids)
			}
		})

		t.Run("cursor paging", func(t *testing.T) {
			all, _ := e.hits("q=camera&limit=100")
			if len(all) < 3 {
				t.Fatalf("only %d hits", len(all))
			}
			var paged []string
			next := ""
			for range len(all) + 1 {
				q := "q=camera&limit=2"
				if next != "" {
					q += "&cursor=" + next
				}
				ids, body := e.hits(q)
				paged = append(paged, ids...)
				next, _ = body["next_cursor"].(string)
				if next == "" {
					break
				}
			}
			if !slices.Equal(paged, all) {
				t.Errorf("pages %v, want %v", paged, all)
			}
		})

		t.Run("rows come from the database", func(t *testing.T) {
			e.do(http.MethodDelete, "/v1/listings/"+f.listing, e.admin, nil).want(http.StatusNoContent)
			e.do(http.MethodPatch, "/v1/models/"+f.model2, e.admin, map[string]any{"name": "Camera thân trụ đổi tên"}).want(http.StatusOK)
			// Before the indexer runs, the hit shows the row as it is now.
			_, body := e.hits("q=" + url.QueryEscape("IPC-HFW1230S-S5"))
			item := body["items"].([]any)[0].(map[string]any)["item"].(map[string]any)
			if item["name"] != "Camera thân trụ đổi tên" {
				t.Errorf("item %v is stale", item)
			}
			e.catchUp()
			if ids, _ := e.hits("q=" + url.QueryEscape("than tru doi ten")); len(ids) == 0 || ids[0] != f.model2 {
				t.Errorf("renamed model not found by its new name: %v", ids)
			}
		})

		t.Run("bad parameters are 422", func(t *testing.T) {
			cases := []struct {
				query string
				field string
			}{
				{"q=x&colour=red", "colour"},
				{"type=shop", "type"},
				{"status=great", "status"},
				{"province=atlantis", "province"},
				{"limit=0", "limit"},
				{"limit=101", "limit"},
				{"limit=ten", "limit"},
				{"cursor=%21%21", "cursor"},
				{"q=a&q=b", "q"},
			}
			for _, c := range cases {
				fields := e.do(http.MethodGet, "/v1/search?"+c.query, "", nil).want(http.StatusUnprocessableEntity).problemFields()
				if !slices.Contains(fields, c.field) {
					t.Errorf("%s: error fields %v, want %s", c.query, fields, c.field)
				}
			}
		})

		t.Run("engine down: 503, and readyz degraded", func(t *testing.T) {
			e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK)
			if err := e.idx.Close(); err != nil {
				t.Fatal(err)
			}
			r := e.do(http.MethodGet, "/v1/search?q=camera", "", nil).want(http.StatusServiceUnavailable)
			r.problemFields()
			ready := e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK).json()
			if checks := ready["checks"].(map[string]any); checks["search"] != "degraded" || checks["database"] != "ok" {
				t.Errorf("readyz %v", ready)
			}
			// Writes go on: the indexer catches up when the engine returns.
			e.create("models", map[string]any{"brand": "Imou", "model_number": "IPC-A22EP", "status": "verified"})
		})
	})
}

func TestSearchWithoutIndex(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.do(http.MethodGet, "/v1/search?q=camera", "", nil).want(http.StatusServiceUnavailable).problemFields()
		ready := e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK).json()
		if _, ok := ready["checks"].(map[string]any)["search"]; ok {
			t.Errorf("readyz reports a search it does not have: %v", ready)
		}
	})
}

// /metrics shows how far the index is behind the change log: events
// written since the last catch-up, then none once the indexer has run.
func TestSearchLagMetric(t *testing.T) {
	eachEnv(t, func(t *testing.T, te *testEnv) {
		e := newSearchEnv(t, te)
		lag := func() string {
			t.Helper()
			for _, line := range strings.Split(e.do(http.MethodGet, "/metrics", e.admin, nil).want(http.StatusOK).Body.String(), "\n") {
				if v, ok := strings.CutPrefix(line, "camreg_search_lag_events "); ok {
					return v
				}
			}
			t.Fatal("/metrics lacks camreg_search_lag_events")
			return ""
		}
		if got := lag(); got != "0" {
			t.Fatalf("after the catch-up: lag %s, want 0", got)
		}
		e.create("organizations", map[string]any{"name": "Cửa hàng mới", "kind": "retailer"})
		if got := lag(); got != "1" {
			t.Fatalf("after a write: lag %s, want 1", got)
		}
		e.catchUp()
		if got := lag(); got != "0" {
			t.Fatalf("after the next catch-up: lag %s, want 0", got)
		}
	})
}

// /metrics gives each indexer's lag in events and seconds, its rate and
// its rebuilds; /readyz gives the lag and calls an index whose oldest
// unapplied event is old "catching_up", still 200 (verify does not use
// search).
func TestIndexerLagMetrics(t *testing.T) {
	eachEnv(t, func(t *testing.T, te *testEnv) {
		e := newSearchEnv(t, te)
		metric := func(name string) string {
			t.Helper()
			for _, line := range strings.Split(e.do(http.MethodGet, "/metrics", e.admin, nil).want(http.StatusOK).Body.String(), "\n") {
				if v, ok := strings.CutPrefix(line, name+`{indexer="search"} `); ok {
					return v
				}
			}
			t.Fatalf("/metrics lacks %s", name)
			return ""
		}
		ready := func() (string, map[string]any) {
			t.Helper()
			r := e.do(http.MethodGet, "/readyz", "", nil).want(http.StatusOK).json()
			return r["checks"].(map[string]any)["search"].(string), r["search_lag"].(map[string]any)
		}
		if got := metric("camreg_indexer_lag_events"); got != "0" {
			t.Fatalf("after the catch-up: lag %s events, want 0", got)
		}
		if check, lag := ready(); check != "ok" || lag["events"] != 0.0 || lag["seconds"] != 0.0 {
			t.Fatalf("readyz in step: %s %v", check, lag)
		}
		applied := metric("camreg_indexer_events_applied_total")
		if applied == "0" {
			t.Errorf("events applied: %s, want the fixture's", applied)
		}

		// Two events written an hour ago (by the store's clock) and not
		// applied: an hour behind.
		e.store.SetClock(func() time.Time { return time.Now().Add(-time.Hour) })
		e.create("organizations", map[string]any{"name": "Cửa hàng mới", "kind": "retailer"})
		e.create("organizations", map[string]any{"name": "Cửa hàng mới nữa", "kind": "retailer"})
		e.store.SetClock(time.Now)
		if got := metric("camreg_indexer_lag_events"); got != "2" {
			t.Errorf("after two writes: lag %s events, want 2", got)
		}
		if got, err := strconv.ParseFloat(metric("camreg_indexer_lag_seconds"), 64); err != nil || got < 3500 || got > 3700 {
			t.Errorf("lag %v seconds (%v), want about 3600", got, err)
		}
		if check, lag := ready(); check != "catching_up" || lag["events"] != 2.0 || lag["seconds"].(float64) < 3500 {
			t.Errorf("readyz an hour behind: %s %v", check, lag)
		}
		e.catchUp()
		if got := metric("camreg_indexer_lag_events"); got != "0" {
			t.Errorf("after the next catch-up: lag %s events, want 0", got)
		}
		if got := metric("camreg_indexer_lag_seconds"); got != "0" {
			t.Errorf("after the next catch-up: lag %s seconds, want 0", got)
		}
		if got := metric("camreg_indexer_rebuilds_total"); got != "0" {
			t.Errorf("rebuilds %s: a lag of two events is replayed", got)
		}
		if check, _ := ready(); check != "ok" {
			t.Errorf("readyz after the catch-up: %s", check)
		}
	})
}

// Searches beyond the slots wait their turn; one that waits too long is
// answered 503 with Retry-After, and a client that leaves stops waiting.
func TestSearchSlots(t *testing.T) {
	sl := &slots{ch: make(chan struct{}, 2), busy: searchBusy}
	var releases []func()
	for range 2 {
		release, err := sl.acquireWithin(t.Context(), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	_, err := sl.acquireWithin(t.Context(), 10*time.Millisecond)
	p, ok := toProblem(err)
	if !ok || p.Status != http.StatusServiceUnavailable || p.retryAfter != 1 || p.Type != "/problems/search-busy" {
		t.Fatalf("a search with no slot: %+v (%v)", p, err)
	}
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := sl.acquireWithin(gone, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("a client that left: %v", err)
	}
	releases[0]()
	release, err := sl.acquireWithin(t.Context(), 10*time.Millisecond)
	if err != nil {
		t.Fatalf("after a slot was given back: %v", err)
	}
	release()
	releases[1]()
	if len(sl.ch) != 0 {
		t.Fatalf("%d slots still taken", len(sl.ch))
	}
}
