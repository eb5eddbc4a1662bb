package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"camreg/models"
)

// CatchUpResult is `camreg serve` started on an empty index over the
// loaded registry: the time from its start until /readyz says the index
// is in step (issue #18, item 4), beside the same backend's reindex.
type CatchUpResult struct {
	Backend        string  `json:"backend"`
	Database       string  `json:"database"`
	Events         int64   `json:"events"`
	Seconds        float64 `json:"seconds"`
	EventsPerSec   float64 `json:"events_per_second"`
	ReindexSeconds float64 `json:"reindex_seconds"`
	Rebuilds       int     `json:"rebuilds"`
}

// catchUpAll empties each backend's index and times a server's catch-up.
func (s *suite) catchUpAll(ctx context.Context) error {
	for _, b := range s.backends {
		if err := s.catchUp(ctx, b); err != nil {
			s.note("catch-up of %s: %v", b.name, err)
		}
	}
	return nil
}

func envOf(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// emptyIndex throws b's index away, as a new or lost index would be: the
// bleve directory, the Meilisearch index, the postgres documents, and the
// cursors kept in the database.
func (s *suite) emptyIndex(ctx context.Context, b backend) error {
	switch b.name {
	case "bleve":
		return os.RemoveAll(filepath.Join(envOf(b.env, "CAMREG_DATA"), "search", "bleve"))
	case "meilisearch":
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, envOf(b.env, "MEILI_URL")+"/indexes/camreg", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+envOf(b.env, "MEILI_API_KEY"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		time.Sleep(2 * time.Second) // the deletion is a task of its own
	}
	st, err := models.Open(envOf(b.env, "CAMREG_DB"))
	if err != nil {
		return err
	}
	defer st.Close()
	stmts := []string{"DELETE FROM search_cursors"}
	if b.name == "postgres" {
		stmts = append(stmts, "DELETE FROM search_documents", "DELETE FROM search_words")
	}
	for _, q := range stmts {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// catchUp starts a server on b's emptied index and waits until its
// index is in step with the change log.
func (s *suite) catchUp(ctx context.Context, b backend) error {
	if err := s.emptyIndex(ctx, b); err != nil {
		return err
	}
	start := time.Now()
	srv, err := s.startServer(ctx, b.env, "catchup-"+b.name+".log")
	if err != nil {
		return err
	}
	defer srv.stop()
	var lag struct {
		SearchLag *struct {
			Events     int64 `json:"events"`
			Rebuilding bool  `json:"rebuilding"`
		} `json:"search_lag"`
	}
	var head int64
	for {
		if err := getJSON(ctx, srv.url+"/readyz", &lag); err == nil && lag.SearchLag != nil {
			if lag.SearchLag.Events > head {
				head = lag.SearchLag.Events
			}
			if lag.SearchLag.Events == 0 && !lag.SearchLag.Rebuilding {
				break
			}
		}
		if time.Since(start) > 2*time.Hour {
			return fmt.Errorf("not in step after 2 h")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	took := time.Since(start)
	r := CatchUpResult{Backend: b.name, Database: b.database, Seconds: took.Seconds(), Events: head}
	if r.Events == 0 {
		r.Events = int64(metric(srv.url, "camreg_indexer_events_applied_total"))
	}
	r.EventsPerSec = float64(r.Events) / took.Seconds()
	r.Rebuilds = int(metric(srv.url, "camreg_indexer_rebuilds_total"))
	for _, ri := range s.report.Reindex {
		if ri.Backend == b.name {
			r.ReindexSeconds = ri.Seconds
		}
	}
	s.report.CatchUp = append(s.report.CatchUp, r)
	s.progress("%s: an empty index caught up with %d events in %s (reindex: %s)", b.name, r.Events,
		took.Round(time.Millisecond), time.Duration(r.ReindexSeconds*float64(time.Second)).Round(time.Millisecond))
	return nil
}

func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// metric reads one search indexer metric from /metrics (loopback may).
func metric(base, name string) float64 {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+`{indexer="search"} `); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
