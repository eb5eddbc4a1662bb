package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"camreg/fold"
)

// fixture is what requests are drawn from: a sample of the target's own
// records, so that verifies name real models and reads real ids, whatever
// dataset the server holds.
type fixture struct {
	models       []sampleModel
	verified     []sampleModel // the ones with a permalink
	traders      []sampleOrg
	certificates []string
	listings     []string
	brands       []string
	provinces    []string
	queries      []string
	// keyed: the public sees no models (all are pending), so every request
	// is sent with the key, which sees them.
	keyed bool
}

type sampleModel struct {
	ID               string   `json:"id"`
	Brand            string   `json:"brand"`
	ModelNumber      string   `json:"model_number"`
	ModelKey         string   `json:"model_key"`
	FirmwareVersions []string `json:"firmware_versions"`
	Status           string   `json:"status"`
}

type sampleOrg struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	ProvinceCode *string `json:"province_code"`
}

type idOnly struct {
	ID string `json:"id"`
}

// page is the shape of every list answer.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// prepare fetches the sample through the public API.
func prepare(ctx context.Context, hc *http.Client, cfg Config) (*fixture, error) {
	fx := &fixture{}
	var err error
	if fx.models, err = fetchAll[sampleModel](ctx, hc, cfg, "", "/v1/models", cfg.Sample); err != nil {
		return nil, err
	}
	if len(fx.models) == 0 && cfg.Key != "" {
		fx.keyed = true
		if fx.models, err = fetchAll[sampleModel](ctx, hc, cfg, cfg.Key, "/v1/models", cfg.Sample); err != nil {
			return nil, err
		}
	}
	if len(fx.models) == 0 {
		return nil, errors.New("the server holds no camera models (or none the public or the key may see): load a dataset first (camreg gen --load, or serve --demo)")
	}
	key := ""
	if fx.keyed {
		key = cfg.Key
	}
	orgs, err := fetchAll[sampleOrg](ctx, hc, cfg, key, "/v1/organizations?trader=true", 2000)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 && cfg.Mix[Write] > 0 {
		return nil, errors.New("the server holds no traders, so listings cannot be written: leave write out of the mix")
	}
	fx.traders = orgs
	certs, err := fetchAll[idOnly](ctx, hc, cfg, key, "/v1/certificates", 1000)
	if err != nil {
		return nil, err
	}
	listings, err := fetchAll[idOnly](ctx, hc, cfg, key, "/v1/listings", 1000)
	if err != nil {
		return nil, err
	}
	fx.certificates, fx.listings = ids(certs), ids(listings)
	fx.derive(cfg.Queries)
	return fx, nil
}

// fetchAll follows a list's pages until it has max items or the list
// ends; with a key, it sees what the key may see.
func fetchAll[T any](ctx context.Context, hc *http.Client, cfg Config, key, path string, max int) ([]T, error) {
	var out []T
	cursor := ""
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for len(out) < max {
		u := cfg.URL + path + sep + "limit=500"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var p page[T]
		if err := getJSON(ctx, hc, u, key, &p); err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" || len(p.Items) == 0 {
			break
		}
		cursor = p.NextCursor
	}
	if len(out) > max {
		out = out[:max]
	}
	return out, nil
}

func getJSON(ctx context.Context, hc *http.Client, u, key string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

func ids(items []idOnly) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// derive fills what is computed from the sample: the verified models, the
// brands and provinces to filter lists on, and search queries in the
// shapes the public types them (a model number as printed, in lower case
// without dashes, a brand with a fragment of a number, a trader's name).
func (fx *fixture) derive(extra []string) {
	brands, provinces := map[string]bool{}, map[string]bool{}
	for _, m := range fx.models {
		if m.Status == "verified" {
			fx.verified = append(fx.verified, m)
		}
		if !brands[m.Brand] {
			brands[m.Brand] = true
			fx.brands = append(fx.brands, m.Brand)
		}
	}
	for _, o := range fx.traders {
		if o.ProvinceCode != nil && !provinces[*o.ProvinceCode] {
			provinces[*o.ProvinceCode] = true
			fx.provinces = append(fx.provinces, *o.ProvinceCode)
		}
	}
	fx.queries = append(fx.queries, extra...)
	for i, m := range fx.models {
		switch i % 4 {
		case 0:
			fx.queries = append(fx.queries, m.ModelNumber)
		case 1:
			fx.queries = append(fx.queries, strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(m.ModelNumber)))
		case 2:
			fx.queries = append(fx.queries, m.Brand+" "+fragment(m.ModelNumber))
		}
	}
	for i, o := range fx.traders {
		if i%5 == 0 {
			fx.queries = append(fx.queries, fold.Text(o.Name))
		}
	}
}

// fragment is the first part of a model number, as someone remembers it.
func fragment(number string) string {
	r := []rune(number)
	if len(r) > 6 {
		r = r[:len(r)*2/3]
	}
	return string(r)
}

// permalinkPath is the canonical e-label path of a verified model.
func permalinkPath(m sampleModel) string {
	return "/m/" + fold.Key(m.Brand) + "/" + m.ModelKey
}

// describe says what the sample held, for the report.
func (fx *fixture) describe() SampleInfo {
	return SampleInfo{Models: len(fx.models), Verified: len(fx.verified), Traders: len(fx.traders),
		Certificates: len(fx.certificates), Listings: len(fx.listings), Queries: len(fx.queries), AllKeyed: fx.keyed}
}

// ReadQueries reads the "q" of every query in a relevance file such as
// search/testdata/queries.json.
func ReadQueries(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read queries: %w", err)
	}
	var qs []struct {
		Q string `json:"q"`
	}
	if err := json.Unmarshal(b, &qs); err != nil {
		return nil, fmt.Errorf("read queries %s: %w", path, err)
	}
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		if q.Q != "" {
			out = append(out, q.Q)
		}
	}
	return out, nil
}
