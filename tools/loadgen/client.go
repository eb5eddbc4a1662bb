package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// client is one closed-loop client: it sends a request, waits for the
// answer, and sends the next.
type client struct {
	id     int
	runID  string
	cfg    *Config
	hc     *http.Client
	fx     *fixture
	rec    *recorder
	rng    *rand.Rand
	picker *picker
	seq    int
	// owned are the listings this client created, with their last ETag:
	// a client changes only its own, so its If-Match is never stale
	// because of another client.
	owned []ownedListing
}

type ownedListing struct {
	id, etag string
}

// maxOwned bounds the listings a client remembers.
const maxOwned = 32

// call is one request to make.
type call struct {
	method  string
	path    string
	body    any
	keyed   bool
	ifMatch string
	// onDone reads a successful answer (a write remembers its listing).
	onDone func(resp *http.Response, body []byte)
}

// loop sends requests until the run ends (runCtx) or, with MaxRequests,
// until the run's count is reached. A request in flight at the end is let
// finish and recorded: cutting it off would show the server a client that
// went away, which is not what a run measures. Only ctx (an interrupt)
// aborts requests in flight.
func (c *client) loop(ctx, runCtx context.Context, sent, failed *atomic.Int64) {
	for runCtx.Err() == nil {
		if c.cfg.MaxRequests > 0 && sent.Add(1) > c.cfg.MaxRequests {
			return
		}
		class := c.picker.pick(c.rng)
		ok := c.do(ctx, class, c.next(class))
		if c.cfg.MaxRequests <= 0 {
			sent.Add(1)
		}
		if !ok {
			failed.Add(1)
		}
	}
}

func (c *client) next(class Class) call {
	switch class {
	case Search:
		return c.search()
	case Verify:
		return c.verify()
	case Read:
		return c.read()
	default:
		return c.write()
	}
}

// do sends one request and records it; it reports whether the answer was
// a success (2xx or 3xx). A request cut short by an interrupt (parent
// cancelled) is not recorded.
func (c *client) do(parent context.Context, class Class, cl call) bool {
	ctx, cancel := context.WithTimeout(parent, c.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			panic(fmt.Sprintf("loadgen: marshal a request body: %v", err))
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.cfg.URL+cl.path, body)
	if err != nil {
		panic(fmt.Sprintf("loadgen: build a request: %v", err))
	}
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.keyed || c.fx.keyed {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Key)
	}
	if cl.ifMatch != "" {
		req.Header.Set("If-Match", cl.ifMatch)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	if err != nil {
		if parent.Err() != nil {
			return true // interrupted: not the server's doing
		}
		c.rec.failure(class, took, isTimeout(err))
		return false
	}
	c.rec.answer(class, took, resp.StatusCode)
	if resp.StatusCode >= 400 {
		return false
	}
	if cl.onDone != nil {
		cl.onDone(resp, data)
	}
	return true
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func (c *client) search() call {
	fx := c.fx
	v := url.Values{"q": {fx.queries[c.rng.IntN(len(fx.queries))]}}
	switch c.rng.IntN(10) {
	case 0:
		v.Set("type", "model")
	case 1:
		v.Set("type", "organization")
	}
	return call{method: http.MethodGet, path: "/v1/search?" + v.Encode()}
}

// verify asks about a sampled model: with its brand half of the time, on a
// date a fifth of the time, with a firmware when the model lists one a
// quarter of the time.
func (c *client) verify() call {
	m := c.fx.models[c.rng.IntN(len(c.fx.models))]
	v := url.Values{"model": {m.ModelNumber}}
	if c.rng.IntN(2) == 0 {
		v.Set("brand", m.Brand)
	}
	if c.rng.IntN(5) == 0 {
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, c.rng.IntN(700))
		v.Set("at", day.Format(time.DateOnly))
	}
	if len(m.FirmwareVersions) > 0 && c.rng.IntN(4) == 0 {
		v.Set("firmware", m.FirmwareVersions[c.rng.IntN(len(m.FirmwareVersions))])
	}
	return call{method: http.MethodGet, path: "/v1/verify?" + v.Encode()}
}

// read is a record by id, a filtered list page, or a permalink.
func (c *client) read() call {
	fx, rng := c.fx, c.rng
	get := func(path string) call { return call{method: http.MethodGet, path: path} }
	switch rng.IntN(8) {
	case 0:
		return get("/v1/models/" + fx.models[rng.IntN(len(fx.models))].ID)
	case 1:
		if len(fx.certificates) > 0 {
			return get("/v1/certificates/" + fx.certificates[rng.IntN(len(fx.certificates))])
		}
	case 2:
		if len(fx.traders) > 0 {
			return get("/v1/organizations/" + fx.traders[rng.IntN(len(fx.traders))].ID)
		}
	case 3:
		return get("/v1/models?limit=20&brand=" + url.QueryEscape(fx.brands[rng.IntN(len(fx.brands))]))
	case 4:
		if len(fx.provinces) > 0 {
			return get("/v1/organizations?limit=20&province=" + url.QueryEscape(fx.provinces[rng.IntN(len(fx.provinces))]))
		}
	case 5:
		if len(fx.provinces) > 0 {
			return get("/v1/listings?limit=20&province=" + url.QueryEscape(fx.provinces[rng.IntN(len(fx.provinces))]))
		}
	case 6:
		if len(fx.verified) > 0 {
			return get(permalinkPath(fx.verified[rng.IntN(len(fx.verified))]))
		}
	case 7:
		if len(fx.listings) > 0 {
			return get("/v1/listings/" + fx.listings[rng.IntN(len(fx.listings))])
		}
	}
	return get("/v1/models/" + fx.models[rng.IntN(len(fx.models))].ID)
}

// write creates a listing (a new URL each time, so running the tool again
// only adds listings) or changes the price of one this client created,
// with the If-Match of its last answer.
func (c *client) write() call {
	if len(c.owned) > 0 && c.rng.IntN(2) == 0 {
		i := c.rng.IntN(len(c.owned))
		price := int64(500_000 + c.rng.IntN(5_000_000))
		return call{method: http.MethodPatch, path: "/v1/listings/" + c.owned[i].id, keyed: true,
			ifMatch: c.owned[i].etag, body: map[string]any{"price_vnd": price},
			onDone: func(resp *http.Response, _ []byte) { c.owned[i].etag = resp.Header.Get("ETag") }}
	}
	c.seq++
	trader := c.fx.traders[c.rng.IntN(len(c.fx.traders))]
	model := c.fx.models[c.rng.IntN(len(c.fx.models))]
	body := map[string]any{
		"trader_org_id":   trader.ID,
		"camera_model_id": model.ID,
		"channel":         "online",
		"url":             fmt.Sprintf("https://loadtest.camreg.invalid/%s/%d/%d", c.runID, c.id, c.seq),
		"price_vnd":       int64(500_000 + c.rng.IntN(5_000_000)),
		"source":          "marketplace",
	}
	return call{method: http.MethodPost, path: "/v1/listings", keyed: true, body: body,
		onDone: func(resp *http.Response, data []byte) {
			var l idOnly
			if json.Unmarshal(data, &l) != nil || l.ID == "" {
				return
			}
			own := ownedListing{id: l.ID, etag: resp.Header.Get("ETag")}
			if len(c.owned) < maxOwned {
				c.owned = append(c.owned, own)
			} else {
				c.owned[c.rng.IntN(maxOwned)] = own
			}
		}}
}
