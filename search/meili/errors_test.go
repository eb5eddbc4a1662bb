package meili_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"camreg/search"
	"camreg/search/meili"
)

type memCursor struct{ seq int64 }

func (c *memCursor) Get(context.Context) (int64, error)     { return c.seq, nil }
func (c *memCursor) Set(_ context.Context, seq int64) error { c.seq = seq; return nil }

// A Meilisearch that fails or is gone is search.ErrUnavailable, which the
// API answers with 503 and /readyz reports as degraded; the cursor stays
// where it was, so nothing is lost.
func TestUnavailable(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"boom","code":"internal","type":"internal","link":""}`))
	}))
	defer failing.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()

	for name, url := range map[string]string{"failing": failing.URL, "gone": gone.URL} {
		t.Run(name, func(t *testing.T) {
			cur := &memCursor{seq: 7}
			idx, err := meili.New(meili.Config{URL: url, Index: "camreg", Cursor: cur, Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer idx.Close()
			ctx := context.Background()
			if _, err := idx.Search(ctx, search.Query{Text: "camera", Limit: 5}); !errors.Is(err, search.ErrUnavailable) {
				t.Errorf("search: %v, want ErrUnavailable", err)
			}
			if err := idx.Upsert(ctx, []search.Document{{ID: "model-x", Type: search.TypeModel}}); !errors.Is(err, search.ErrUnavailable) {
				t.Errorf("upsert: %v, want ErrUnavailable", err)
			}
			if name == "gone" {
				if err := idx.Ping(ctx); !errors.Is(err, search.ErrUnavailable) {
					t.Errorf("ping: %v, want ErrUnavailable", err)
				}
			}
			if c, _ := idx.Cursor(ctx); c != 7 {
				t.Errorf("cursor moved to %d", c)
			}
		})
	}
	if _, err := meili.New(meili.Config{Cursor: &memCursor{}}); err == nil {
		t.Error("New without MEILI_URL succeeded")
	}
}
