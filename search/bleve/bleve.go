// Package bleve is camreg's embedded search backend, the default: a bleve
// index on disk under the data directory, needing no other server.
//
// Its default analyzer splits text with the unicode tokenizer and folds
// every token with fold.Text, so that case, Vietnamese diacritics and đ
// never stand between a query and a record. Model numbers are matched by
// keyword fields of their keys (exact, loose, and every suffix for partial
// numbers); words by term queries, with fuzzy queries for typos. A query
// is tried in plans, strictest first (every word as typed, every word
// allowing a typo, two words in three): see plans in query.go.
//
// The directory holds a file CURRENT naming the live index directory.
// Rebuild writes a complete new index beside it and then replaces CURRENT
// atomically; a process serving from the old index notices at its next
// Refresh and swaps, so search never goes offline during a reindex.
package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"camreg/fold"
	"camreg/search"
)

const (
	foldFilter   = "camreg_fold"
	analyzerName = "camreg"
	cursorKey    = "camreg_cursor@" + search.DocumentFormat
	currentFile  = "CURRENT"
)

func init() {
	err := registry.RegisterTokenFilter(foldFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// foldTokens folds each token with fold.Text: case, diacritics and đ.
type foldTokens struct{}

func (foldTokens) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		f := fold.Text(string(t.Term))
		if f == "" {
			continue
		}
		t.Term = []byte(f)
		out = append(out, t)
	}
	return out
}

// Mapping is the index mapping: the folding analyzer as the default, and
// keyword fields for keys and facets.
func Mapping() (mapping.IndexMapping, error) {
	im := blevelib.NewIndexMapping()
	err := im.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{foldFilter},
	})
	if err != nil {
		return nil, fmt.Errorf("bleve analyzer: %w", err)
	}
	im.DefaultAnalyzer = analyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false

	doc := blevelib.NewDocumentStaticMapping()
	text := func(store bool) *mapping.FieldMapping {
		f := blevelib.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		f.IncludeTermVectors = store
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(store, facet bool) *mapping.FieldMapping {
		f := blevelib.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = facet
		return f
	}
	doc.AddFieldMappingsAt("title", text(true))
	doc.AddFieldMappingsAt("body", text(true))
	doc.AddFieldMappingsAt("type", kw(true, true))
	doc.AddFieldMappingsAt("entity_id", kw(true, false))
	doc.AddFieldMappingsAt("brand", kw(false, true))
	doc.AddFieldMappingsAt("brand_key", kw(false, false))
	doc.AddFieldMappingsAt("province", kw(false, true))
	doc.AddFieldMappingsAt("status", kw(false, true))
	doc.AddFieldMappingsAt("keys", kw(false, false))
	doc.AddFieldMappingsAt("loose_keys", kw(false, false))
	doc.AddFieldMappingsAt("key_suffixes", kw(false, false))
	doc.AddFieldMappingsAt("sample", kw(false, false))
	im.DefaultMapping = doc
	return im, nil
}

// Options configure an Index.
type Options struct {
	// Rebuilder opens no live index: it only rebuilds, for `camreg
	// reindex` while a server holds the live index open.
	Rebuilder bool
	// Answers remembers up to AnswerBytes of answers until the index is
	// next written (see Index.ans): for a server, whose searches repeat.
	Answers bool
}

// Index is a search.Index on bleve.
type Index struct {
	root string
	opts Options

	mu      sync.RWMutex
	idx     blevelib.Index
	current string

	// ans remembers the answers of the live index as it is now, keyed by
	// gen, its write generation: every write to the live index (an upsert,
	// a delete, a rebuilt index swapped in) bumps gen and forgets them
	// all, so that a remembered answer is the one a search would give, to
	// the letter, until the index changes.
	ans *search.Answers[uint64] // nil unless opts.Answers
	gen atomic.Uint64
}

// Open opens (or creates) the index under root, such as
// $CAMREG_DATA/search/bleve.
func Open(root string, opts Options) (*Index, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create search directory: %w", err)
	}
	ix := &Index{root: root, opts: opts}
	if opts.Answers && !opts.Rebuilder {
		ix.ans = search.NewAnswers[uint64](AnswerBytes)
	}
	if opts.Rebuilder {
		return ix, nil
	}
	name, err := ix.readCurrent()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = newDirName()
		idx, err := create(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		if err := idx.Close(); err != nil {
			return nil, err
		}
		if err := ix.writeCurrent(name); err != nil {
			return nil, err
		}
	}
	idx, err := blevelib.Open(filepath.Join(root, name))
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", name, err)
	}
	ix.idx, ix.current = idx, name
	ix.removeOrphans()
	return ix, nil
}

// removeOrphans removes index directories that CURRENT does not name and
// no process holds open: what a rebuild killed before its swap (a server
// catching up, or camreg reindex) left behind. A rebuild in progress
// holds its directory's lock, and is left alone.
func (ix *Index) removeOrphans() {
	entries, err := os.ReadDir(ix.root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if name := e.Name(); e.IsDir() && strings.HasPrefix(name, "idx-") && name != ix.current && !ix.serverRunning(name) {
			_ = os.RemoveAll(filepath.Join(ix.root, name))
		}
	}
}

func newDirName() string { return "idx-" + strconv.FormatInt(time.Now().UnixNano(), 36) }

func create(path string) (blevelib.Index, error) {
	m, err := Mapping()
	if err != nil {
		return nil, err
	}
	idx, err := blevelib.New(path, m)
	if err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	return idx, nil
}

func (ix *Index) readCurrent() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.root, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read search index pointer: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// writeCurrent replaces CURRENT atomically (write, sync, rename).
func (ix *Index) writeCurrent(name string) error {
	tmp := filepath.Join(ix.root, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write search index pointer: %w", err)
	}
	if _, err := f.WriteString(name + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(ix.root, currentFile))
}

// live returns the live index for reading, with the read lock held;
// call the returned function to release it.
func (ix *Index) live() (blevelib.Index, func(), error) {
	ix.mu.RLock()
	if ix.idx == nil {
		ix.mu.RUnlock()
		return nil, func() {}, fmt.Errorf("bleve index closed: %w", search.ErrUnavailable)
	}
	return ix.idx, ix.mu.RUnlock, nil
}

// Refresh swaps in the index that CURRENT names, when another process
// (camreg reindex) has rebuilt it. The indexer calls it at each step.
func (ix *Index) Refresh() error {
	if ix.opts.Rebuilder {
		return nil
	}
	name, err := ix.readCurrent()
	if err != nil || name == "" {
		return err
	}
	ix.mu.RLock()
	same := name == ix.current
	ix.mu.RUnlock()
	if same {
		return nil
	}
	idx, err := blevelib.OpenUsing(filepath.Join(ix.root, name), map[string]interface{}{"bolt_timeout": "5s"})
	if err != nil {
		return fmt.Errorf("open rebuilt search index %s: %w", name, err)
	}
	ix.swap(idx, name)
	return nil
}

// swap makes idx the live index and discards the old one.
func (ix *Index) swap(idx blevelib.Index, name string) {
	ix.mu.Lock()
	old, oldName := ix.idx, ix.current
	ix.idx, ix.current = idx, name
	ix.written()
	ix.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	if oldName != "" && oldName != name {
		_ = os.RemoveAll(filepath.Join(ix.root, oldName))
	}
}

// Upsert indexes documents in one batch.
func (ix *Index) Upsert(_ context.Context, docs []search.Document) error {
	idx, done, err := ix.live()
	if err != nil {
		return err
	}
	defer done()
	defer ix.written()
	return upsert(idx, docs)
}

// written forgets the remembered answers: the live index has changed.
// Called after the write is visible to searches, so that an answer found
// during the write (from the index before or after it) is never kept past
// it.
func (ix *Index) written() {
	if ix.ans != nil {
		ix.gen.Add(1)
		ix.ans.Forget()
	}
}

func upsert(idx blevelib.Index, docs []search.Document) error {
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, fields(d)); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("write search batch: %w", err)
	}
	return nil
}

// fields is the document as bleve indexes it. Folded is left out: the
// analyzer folds title and body itself.
func fields(d search.Document) map[string]any {
	return map[string]any{
		"type": string(d.Type), "entity_id": d.EntityID, "title": d.Title, "body": d.Body,
		"brand": d.Brand, "brand_key": d.BrandKey, "province": d.Province, "status": d.Status,
		"keys": d.Keys, "loose_keys": d.LooseKeys, "key_suffixes": d.KeySuffixes,
		"sample": sampleTerm(search.SampleOf(d.ID)),
	}
}

// sampleTerm is a sample bucket as an indexed term, zero-padded so that
// the terms sort as the numbers do.
func sampleTerm(b int) string { return fmt.Sprintf("%03d", b) }

// Delete removes documents.
func (ix *Index) Delete(_ context.Context, ids []string) error {
	idx, done, err := ix.live()
	if err != nil {
		return err
	}
	defer done()
	defer ix.written()
	b := idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("delete from search index: %w", err)
	}
	return nil
}

// Cursor reads the cursor kept inside the index.
func (ix *Index) Cursor(context.Context) (int64, error) {
	idx, done, err := ix.live()
	if err != nil {
		return 0, err
	}
	defer done()
	return cursorOf(idx)
}

func cursorOf(idx blevelib.Index) (int64, error) {
	b, err := idx.GetInternal([]byte(cursorKey))
	if err != nil {
		return 0, fmt.Errorf("read search cursor: %w", err)
	}
	if len(b) == 0 {
		return 0, nil
	}
	return strconv.ParseInt(string(b), 10, 64)
}

// SetCursor stores the cursor inside the index.
func (ix *Index) SetCursor(_ context.Context, seq int64) error {
	idx, done, err := ix.live()
	if err != nil {
		return err
	}
	defer done()
	return idx.SetInternal([]byte(cursorKey), []byte(strconv.FormatInt(seq, 10)))
}

// Rebuild builds a new index directory from fill, points CURRENT at it and
// swaps it in, then removes the old directory.
func (ix *Index) Rebuild(ctx context.Context, seq int64, fill func(put func([]search.Document) error) error) error {
	name := newDirName()
	path := filepath.Join(ix.root, name)
	idx, err := create(path)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		_ = idx.Close()
		_ = os.RemoveAll(path)
		return err
	}
	if err := fill(func(docs []search.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return upsert(idx, docs)
	}); err != nil {
		return fail(err)
	}
	if err := idx.SetInternal([]byte(cursorKey), []byte(strconv.FormatInt(seq, 10))); err != nil {
		return fail(err)
	}
	if err := compact(ctx, idx); err != nil {
		return fail(err)
	}
	// The new index is closed before CURRENT names it, so that a serving
	// process can open it (bleve holds an exclusive lock on an open index).
	if err := idx.Close(); err != nil {
		return fail(err)
	}
	previous, err := ix.readCurrent()
	if err != nil {
		return err
	}
	if err := ix.writeCurrent(name); err != nil {
		return err
	}
	if ix.opts.Rebuilder {
		// A serving process, if any, swaps at its next Refresh and removes
		// its old directory itself. Without one, nobody would.
		if previous != "" && !ix.serverRunning(previous) {
			_ = os.RemoveAll(filepath.Join(ix.root, previous))
		}
		return nil
	}
	return ix.Refresh()
}

// compact merges a freshly built index into one segment. A bulk build
// leaves a dozen or more, and every term of a query is looked up in each
// (its dictionary, its postings): on 300,000 documents that lookup was
// most of a search's time. Segments that later writes add are merged by
// bleve's own merger as usual.
func compact(ctx context.Context, idx blevelib.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	return nil
}

// serverRunning tells whether some process has the index dir open: bleve
// cannot be asked, so a rebuilder leaves the old directory to the server
// when one is running, which it can tell from the store's lock.
func (ix *Index) serverRunning(name string) bool {
	idx, err := openNoWait(filepath.Join(ix.root, name))
	if err != nil {
		return true
	}
	_ = idx.Close()
	return false
}

func openNoWait(path string) (blevelib.Index, error) {
	return blevelib.OpenUsing(path, map[string]interface{}{"bolt_timeout": "100ms"})
}

// Ping reports whether the index is open.
func (ix *Index) Ping(context.Context) error {
	_, done, err := ix.live()
	done()
	return err
}

// Close closes the live index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	return err
}

// DocCount is the number of documents in the live index.
func (ix *Index) DocCount() (uint64, error) {
	idx, done, err := ix.live()
	if err != nil {
		return 0, err
	}
	defer done()
	return idx.DocCount()
}

// Search answers a query: see query.go.
func (ix *Index) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	idx, done, err := ix.live()
	if err != nil {
		return nil, err
	}
	defer done()
	if ix.ans == nil {
		return run(ctx, idx, q)
	}
	gen := ix.gen.Load()
	if res, ok := ix.ans.Get(gen, q); ok {
		return res, nil
	}
	res, err := run(ctx, idx, q)
	if err == nil {
		ix.ans.Put(gen, q, res)
	}
	return res, err
}

var _ search.Index = (*Index)(nil)
