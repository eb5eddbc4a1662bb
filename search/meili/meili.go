// Package meili is camreg's Meilisearch backend, for deployments that run
// several camreg processes: they share one Meilisearch, and the indexer's
// cursor lives in the database (table search_cursors), so any process can
// carry on where another stopped.
//
// The index's settings (searchable, filterable and sortable attributes,
// typo rules, brand-alias synonyms) are applied idempotently on first use
// and again whenever the engine comes back, so a fresh or restarted
// Meilisearch is set up without an operator.
//
// Ranking. An exact key (model_key, certificate number, warning reference,
// tax code) must rank first, and a loose key (O/0, I/1 confusions) next,
// whatever Meilisearch's word ranking thinks. So one multi-search asks
// three disjoint questions: the documents whose keys equal the query's
// key, those whose loose keys equal its loose key, and the word search
// without both; pages are cut from their concatenation, and facet counts
// are their sums.
package meili

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	ms "github.com/meilisearch/meilisearch-go"

	"camreg/fold"
	"camreg/search"
)

// Cursor stores the indexer's cursor; search.DBCursor is the one to use.
type Cursor interface {
	Get(ctx context.Context) (int64, error)
	Set(ctx context.Context, seq int64) error
}

// Config configures the backend.
type Config struct {
	// URL and APIKey reach Meilisearch (MEILI_URL, MEILI_API_KEY).
	URL    string
	APIKey string
	// Index is the index uid; "camreg" by default.
	Index string
	// Cursor keeps the indexer's position in the change log.
	Cursor Cursor
	// Timeout bounds each request to Meilisearch; 10 s by default.
	Timeout time.Duration
}

// Index is a search.Index on Meilisearch.
type Index struct {
	cfg    Config
	client ms.ServiceManager

	mu    sync.Mutex
	ready bool
}

// New returns the backend. It does not contact Meilisearch: settings are
// applied on first use, so camreg starts (degraded) while the engine is down.
func New(cfg Config) (*Index, error) {
	if cfg.URL == "" {
		return nil, errors.New("meilisearch: MEILI_URL is not set")
	}
	if cfg.Cursor == nil {
		return nil, errors.New("meilisearch: no cursor store")
	}
	if cfg.Index == "" {
		cfg.Index = "camreg"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	opts := []ms.Option{
		ms.WithCustomClient(&http.Client{Timeout: cfg.Timeout, Transport: Transport()}),
		ms.WithCustomRetries([]int{502, 503, 504}, 2),
	}
	if cfg.APIKey != "" {
		opts = append(opts, ms.WithAPIKey(cfg.APIKey))
	}
	return &Index{cfg: cfg, client: ms.New(cfg.URL, opts...)}, nil
}

// Transport is the HTTP transport of the Meilisearch client: Go's default,
// dialling through dialQuickAck, which takes 40 ms off each search on a
// kept-alive connection, and asking for answers uncompressed.
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = dialQuickAck(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
	t.MaxIdleConnsPerHost = 64
	// No gzip: Meilisearch compresses each answer (tens of kilobytes of
	// hits and highlights) and the client inflates it, CPU spent on both
	// sides of a connection that is usually local.
	t.DisableCompression = true
	return t
}

// UID is the live index's uid.
func (ix *Index) UID() string { return ix.cfg.Index }

// oneTypo is the shortest word Meilisearch forgives a typo in.
const oneTypo = 3

// Settings are the index settings camreg relies on.
func Settings() *ms.Settings {
	return &ms.Settings{
		// Keys first: Meilisearch's attribute rule then prefers a match in
		// a model key over one in running text.
		SearchableAttributes: []string{"title", "keys", "loose_keys", "key_suffixes", "folded", "body"},
		FilterableAttributes: []string{"type", "brand", "brand_key", "province", "status", "keys", "loose_keys", "sample"},
		SortableAttributes:   []string{"title", "type"},
		DisplayedAttributes:  []string{"id", "type", "entity_id", "title", "body"},
		RankingRules:         []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
		Synonyms:             search.Synonyms(),
		TypoTolerance: &ms.TypoTolerance{
			Enabled: true,
			// One typo from three letters (Meilisearch's default is five):
			// a slip in a shop's short word ("cog ty", "THH", "Vệt Tiến",
			// "hon ha") otherwise matches nothing, and Meilisearch's
			// matching strategy drops only the query's last words, never
			// the slipped one, where bleve's and PostgreSQL's "most
			// words" plans do without any one word.
			MinWordSizeForTypos: ms.MinWordSizeForTypos{OneTypo: oneTypo, TwoTypos: 8},
			// A model key one character off is another model: near
			// matches of keys go through loose_keys, never typos.
			DisableOnAttributes: []string{"keys", "loose_keys", "key_suffixes"},
			DisableOnWords:      []string{},
			DisableOnNumbers:    true,
		},
		Pagination: &ms.Pagination{MaxTotalHits: search.MaxOffset + search.MaxLimit},
		Faceting:   &ms.Faceting{MaxValuesPerFacet: 100},
	}
}

// unavailable wraps an error from Meilisearch as search.ErrUnavailable.
func unavailable(what string, err error) error {
	return fmt.Errorf("meilisearch %s: %w: %w", what, search.ErrUnavailable, err)
}

// ensure creates the index and applies the settings, once per process
// and again after a failure.
func (ix *Index) ensure(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.ready {
		return nil
	}
	if err := ix.setUp(ctx, ix.cfg.Index); err != nil {
		return err
	}
	ix.ready = true
	return nil
}

// setUp creates index uid if needed and applies Settings; both are
// idempotent, so every start-up may do it.
func (ix *Index) setUp(ctx context.Context, uid string) error {
	if _, err := ix.client.GetIndexWithContext(ctx, uid); err != nil {
		var me *ms.Error
		if !errors.As(err, &me) || me.StatusCode != http.StatusNotFound {
			return unavailable("get index", err)
		}
		task, err := ix.client.CreateIndexWithContext(ctx, &ms.IndexConfig{Uid: uid, PrimaryKey: "id"})
		if err != nil {
			return unavailable("create index", err)
		}
		if err := ix.wait(ctx, task); err != nil && !strings.Contains(err.Error(), "index_already_exists") {
			return err
		}
	}
	task, err := ix.client.Index(uid).UpdateSettingsWithContext(ctx, Settings())
	if err != nil {
		return unavailable("update settings", err)
	}
	return ix.wait(ctx, task)
}

// wait waits for a task and reports its failure.
func (ix *Index) wait(ctx context.Context, info *ms.TaskInfo) error {
	task, err := ix.client.WaitForTaskWithContext(ctx, info.TaskUID, 25*time.Millisecond)
	if err != nil {
		return unavailable("wait for task", err)
	}
	if task.Status != ms.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch task %d (%s) %s: %s", task.UID, task.Type, task.Status, task.Error.Message+" "+task.Error.Code)
	}
	return nil
}

// Upsert adds or replaces documents and waits until they are searchable.
func (ix *Index) Upsert(ctx context.Context, docs []search.Document) error {
	if err := ix.ensure(ctx); err != nil {
		return err
	}
	return ix.add(ctx, ix.cfg.Index, docs)
}

func (ix *Index) add(ctx context.Context, uid string, docs []search.Document) error {
	task, err := ix.enqueue(ctx, uid, docs)
	if err != nil || task == nil {
		return err
	}
	return ix.wait(ctx, task)
}

// enqueue sends documents without waiting for Meilisearch to index them;
// it returns nil for no documents.
func (ix *Index) enqueue(ctx context.Context, uid string, docs []search.Document) (*ms.TaskInfo, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	pk := "id"
	sampled := make([]sampledDocument, len(docs))
	for i, d := range docs {
		sampled[i] = sampledDocument{Document: d, Sample: search.SampleOf(d.ID)}
	}
	task, err := ix.client.Index(uid).AddDocumentsWithContext(ctx, sampled, &ms.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return nil, unavailable("add documents", err)
	}
	return task, nil
}

// sampledDocument is a document as Meilisearch stores it: with its sample
// bucket, which facet estimates filter by.
type sampledDocument struct {
	search.Document
	Sample int `json:"sample"`
}

// Delete removes documents and waits until they are gone.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := ix.ensure(ctx); err != nil {
		return err
	}
	task, err := ix.client.Index(ix.cfg.Index).DeleteDocumentsWithContext(ctx, ids, nil)
	if err != nil {
		return unavailable("delete documents", err)
	}
	return ix.wait(ctx, task)
}

// RebuildLease is the cursor in the database, when it is one: several
// processes share one Meilisearch index, and only one rebuilds it at a
// time (search/lease.go).
func (ix *Index) RebuildLease() (search.DBCursor, bool) {
	c, ok := ix.cfg.Cursor.(search.DBCursor)
	return c, ok
}

// Cursor reads the cursor from the database.
func (ix *Index) Cursor(ctx context.Context) (int64, error) { return ix.cfg.Cursor.Get(ctx) }

// SetCursor stores the cursor in the database.
func (ix *Index) SetCursor(ctx context.Context, seq int64) error { return ix.cfg.Cursor.Set(ctx, seq) }

// Rebuild fills a new index, swaps it with the live one (Meilisearch's
// swap is atomic), deletes the old contents and records seq as the cursor.
func (ix *Index) Rebuild(ctx context.Context, seq int64, fill func(put func([]search.Document) error) error) error {
	if err := ix.ensure(ctx); err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s_rebuild_%d", ix.cfg.Index, time.Now().UnixNano())
	if err := ix.setUp(ctx, tmp); err != nil {
		return err
	}
	drop := func() {
		if task, err := ix.client.DeleteIndexWithContext(context.WithoutCancel(ctx), tmp); err == nil {
			_ = ix.wait(context.WithoutCancel(ctx), task)
		}
	}
	// Send every page before waiting for any: Meilisearch merges queued
	// additions to one index into one indexing batch, which is many times
	// faster than indexing page by page. Tasks run in order, so waiting for
	// each in turn costs nothing once the last is done.
	var tasks []*ms.TaskInfo
	err := fill(func(docs []search.Document) error {
		task, err := ix.enqueue(ctx, tmp, docs)
		if task != nil {
			tasks = append(tasks, task)
		}
		return err
	})
	for _, task := range tasks {
		if err != nil {
			break
		}
		err = ix.wait(ctx, task)
	}
	if err != nil {
		drop()
		return err
	}
	task, err := ix.client.SwapIndexesWithContext(ctx, []*ms.SwapIndexesParams{{Indexes: []string{ix.cfg.Index, tmp}}})
	if err != nil {
		drop()
		return unavailable("swap indexes", err)
	}
	if err := ix.wait(ctx, task); err != nil {
		drop()
		return err
	}
	// The cursor moves before the old contents (now in tmp) are deleted,
	// so that the answers remembered from them (search/answers.go) are
	// forgotten as soon as the new index is searched.
	err = ix.SetCursor(ctx, seq)
	drop()
	return err
}

// Ping asks Meilisearch for its health.
func (ix *Index) Ping(ctx context.Context) error {
	if _, err := ix.client.HealthWithContext(ctx); err != nil {
		ix.mu.Lock()
		ix.ready = false // settings are re-applied when it returns
		ix.mu.Unlock()
		return unavailable("health", err)
	}
	return nil
}

// Close releases the client.
func (ix *Index) Close() error {
	ix.client.Close()
	return nil
}

// quote makes a filter value.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// filters are the query's filters as Meilisearch expressions.
func filters(q search.Query) []string {
	var f []string
	add := func(field, value string) {
		if value != "" {
			f = append(f, field+" = "+quote(value))
		}
	}
	add("type", string(q.Type))
	add("brand_key", fold.Key(q.Brand))
	add("province", q.Province)
	add("status", q.Status)
	return f
}

var facetNames = []string{"type", "brand", "province", "status"}

// Search answers q with one multi-search of up to three disjoint tiers:
// exact keys, loose keys, words. Each tier counts its facets over every
// match in the search that ranks it: Meilisearch counts a facet by
// intersecting each value's documents with the matches, which costs far
// less than the search, so the facets are exact whatever the total; a
// second search to count them (a sample beyond q.FacetLimit(), as bleve
// and postgres do) searched every word again, and cost half the engine's
// time and a round trip.
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if err := ix.ensure(ctx); err != nil {
		return nil, err
	}
	q.Text = search.Rewrite(q.Text)
	base := filters(q)
	key, loose := fold.Key(q.Text), fold.LooseKey(q.Text)
	want := q.Offset + q.Limit
	if len(strings.Fields(q.Text)) >= 2 {
		// A few more, for the coverage of titles to choose among (see below).
		want += rerankExtra
	}
	req := func(text string, extra ...string) *ms.SearchRequest {
		r := &ms.SearchRequest{
			IndexUID: ix.cfg.Index, Query: wholeLastWord(text), Limit: int64(want),
			AttributesToRetrieve:  []string{"type", "entity_id", "title"},
			AttributesToHighlight: []string{"title", "body"},
			HighlightPreTag:       markOpen, HighlightPostTag: markClose,
			ShowRankingScore: true, Facets: facetNames,
			Filter: strings.Join(append(clone(base), extra...), " AND "),
		}
		if r.Filter == "" {
			r.Filter = nil
		}
		return r
	}
	var queries []*ms.SearchRequest
	var tierScore []float64
	// With a province named: its words, and all the words and the rest
	// (the name's), for the titles that hold them as a phrase.
	var provWords, allWords, nameWords []string
	ws := strings.FieldsFunc(fold.Text(q.Text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if key != "" {
		exact := "keys = " + quote(key)
		near := "loose_keys = " + quote(loose)
		// The tiers search the text too, only to get highlights.
		queries = append(queries,
			req(fold.Text(q.Text), exact),
			req(fold.Text(q.Text), near, "NOT "+exact),
			req(fold.Text(q.Text), "NOT "+exact, "NOT "+near))
		// A tier's own word ranking may drop a document whose words do
		// not match; the tiers match by filter alone.
		queries[0].Query, queries[1].Query = "", ""
		tierScore = []float64{3, 2, 0}
		if code, from, to, ok := search.ProvinceWords(ws); ok && q.Province == "" {
			// A province named in the query (search.ProvinceWords): the
			// records of that province first, as bleve's and PostgreSQL's
			// province agreement ranks them, in a tier of their own that
			// searches the rest of the words (the shop's name), every
			// record of the tier being of the province.
			in := "province = " + quote(code)
			name := strings.Join(append(slices.Clone(ws[:from]), ws[to:]...), " ")
			queries = append(queries, req(name, "NOT "+exact, "NOT "+near, in))
			queries[2].Filter = strings.Join(append(clone(base), "NOT "+exact, "NOT "+near, "NOT "+in), " AND ")
			tierScore = append(tierScore, 1)
			// A title that names the province agrees as well ("Cửa hàng
			// Camera Hòa Bình", wherever it is).
			provWords, allWords, nameWords = ws[from:to], ws, strings.Fields(name)
		}
	} else {
		queries = append(queries, req(""))
		tierScore = []float64{0}
	}
	res, err := ix.multi(ctx, queries)
	if err != nil {
		return nil, err
	}
	out := &search.Result{Facets: search.Facets{Type: map[string]int{}, Brand: map[string]int{},
		Province: map[string]int{}, Status: map[string]int{}}, FacetsExact: true}
	type ranked struct {
		hit        search.Hit
		tier       float64
		full, name bool // the title holds every word, or the name's, as a phrase
		phrase     bool // the title or the body holds every word as a phrase
		leads      bool // the body starts with it (see leads)
	}
	var all []ranked
	for i, r := range res.Results {
		if err := addFacets(&out.Facets, r.FacetDistribution); err != nil {
			return nil, err
		}
		for _, h := range r.Hits {
			hit, body, err := decodeHit(h)
			if err != nil {
				return nil, err
			}
			rh := ranked{tier: tierScore[i]}
			if len(ws) >= 2 {
				// Meilisearch takes the last word as a prefix too ("da"
				// for "Đạo"): an address typed whole ranks before it.
				rh.phrase = search.HoldsPhrase(hit.Title, ws) || search.HoldsPhrase(body, ws)
				rh.leads = rh.phrase && (leads(hit.Title, ws) || leads(body, ws))
			}
			if i == 2 && search.HoldsPhrase(hit.Title, provWords) {
				rh.tier++
			}
			if provWords != nil {
				rh.full, rh.name = search.HoldsPhrase(hit.Title, allWords), search.HoldsPhrase(hit.Title, nameWords)
			}
			hit.Score += rh.tier
			rh.hit = hit
			all = append(all, rh)
		}
	}
	// Between words hits that Meilisearch scores alike, the title that
	// the query covers best comes first: with a typo in a shop's name,
	// Meilisearch's exactness no longer prefers "Cửa hàng Camera Thiên
	// Phúc" itself to "Cửa hàng Camera Thiên Phúc Cà Mau 11".
	words := strings.Fields(fold.Text(q.Text))
	// With a province named, within a tier, a title holding every word
	// as a phrase and then one holding the name's come first, as bleve's
	// and PostgreSQL's phrase boosts rank them.
	slices.SortStableFunc(all, func(ra, rb ranked) int {
		if d := cmp.Or(cmp.Compare(rb.tier, ra.tier), cmpTrue(ra.full, rb.full), cmpTrue(ra.name, rb.name),
			cmpTrue(ra.phrase, rb.phrase), cmpTrue(ra.leads, rb.leads)); d != 0 {
			return d
		}
		a, b := ra.hit, rb.hit
		if d := cmp.Compare(math.Round(b.Score*scoreGrain), math.Round(a.Score*scoreGrain)); d != 0 || len(words) < 2 {
			return d
		}
		ca, ua := coverage(a.Title, words)
		cb, ub := coverage(b.Title, words)
		return cmp.Or(cmp.Compare(cb, ca), cmp.Compare(ua, ub))
	})
	if q.Offset < len(all) {
		for _, rh := range all[q.Offset:min(len(all), q.Offset+q.Limit)] {
			out.Hits = append(out.Hits, rh.hit)
		}
	}
	if out.Hits == nil {
		out.Hits = []search.Hit{}
	}
	// Every document has a type: the type counts add up to the matches,
	// exhaustively (estimatedTotalHits is capped by maxTotalHits).
	for _, n := range out.Facets.Type {
		out.Total += n
	}
	return out, nil
}

// multi sends one multi-search; a failure marks the engine as needing its
// settings again.
func (ix *Index) multi(ctx context.Context, queries []*ms.SearchRequest) (*ms.MultiSearchResponse, error) {
	res, err := ix.client.MultiSearchWithContext(ctx, &ms.MultiSearchRequest{Queries: queries})
	if err != nil {
		ix.mu.Lock()
		ix.ready = false
		ix.mu.Unlock()
		return nil, unavailable("search", err)
	}
	return res, nil
}

func clone(s []string) []string { return append([]string(nil), s...) }

// Meilisearch marks matches with these, and does not escape the text
// around them; the hit's highlight is escaped as HTML and then marked with
// <mark>, as bleve's is.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

func highlight(formatted string) string {
	if !strings.Contains(formatted, markOpen) {
		return ""
	}
	return marks.Replace(html.EscapeString(formatted))
}

// marks turns Meilisearch's marks into <mark> tags (built once: a
// Replacer is safe for concurrent use).
var marks = strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>")

func addFacets(f *search.Facets, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(raw, &dist); err != nil {
		return fmt.Errorf("meilisearch facets: %w", err)
	}
	for name, into := range map[string]map[string]int{"type": f.Type, "brand": f.Brand, "province": f.Province, "status": f.Status} {
		for k, v := range dist[name] {
			if k != "" {
				into[k] += v
			}
		}
	}
	return nil
}

// hitDoc is the part of a Meilisearch hit camreg reads.
type hitDoc struct {
	Type      string  `json:"type"`
	EntityID  string  `json:"entity_id"`
	Title     string  `json:"title"`
	Score     float64 `json:"_rankingScore"`
	Formatted struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"_formatted"`
}

// hit is the search hit d describes, and its body as highlighted.
func (d *hitDoc) hit() (search.Hit, string) {
	hit := search.Hit{Type: search.Type(d.Type), EntityID: d.EntityID, Title: d.Title, Score: d.Score}
	for _, f := range []string{d.Formatted.Title, d.Formatted.Body} {
		if hl := highlight(f); hl != "" {
			hit.Highlight = hl
			break
		}
	}
	return hit, d.Formatted.Body
}

// decodeHit reads a hit, and its body as highlighted (marks are no letters).
func decodeHit(h ms.Hit) (search.Hit, string, error) {
	var doc hitDoc
	// Each field from its own raw value: marshalling the whole hit (its
	// highlighted body included) to unmarshal it again parsed every hit
	// twice.
	for _, f := range [...]struct {
		name string
		into any
	}{{"type", &doc.Type}, {"entity_id", &doc.EntityID}, {"title", &doc.Title},
		{"_rankingScore", &doc.Score}, {"_formatted", &doc.Formatted}} {
		if raw := h[f.name]; len(raw) > 0 {
			if err := json.Unmarshal(raw, f.into); err != nil {
				return search.Hit{}, "", fmt.Errorf("meilisearch hit: %s: %w", f.name, err)
			}
		}
	}
	hit, body := doc.hit()
	return hit, body, nil
}

var _ search.Index = (*Index)(nil)

// Drop deletes the live index, for tests and for a clean reinstall.
func (ix *Index) Drop(ctx context.Context) error {
	task, err := ix.client.DeleteIndexWithContext(ctx, ix.cfg.Index)
	if err != nil {
		return unavailable("delete index", err)
	}
	return ix.wait(ctx, task)
}
