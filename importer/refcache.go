package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"camreg/fold"
	"camreg/models"
)

// refCache remembers resolved references for the length of an import, so
// that a million listings of a thousand traders look each trader up once.
// Rows of the file's own entity are never cached: the import creates them.
type refCache struct {
	// viewer is the importing actor: a model it may not see (another
	// organization's pending registration) resolves as no model at all,
	// so a row's error never names it or its id.
	viewer models.Actor
	mu     sync.Mutex
	orgs   map[string]refResult
	models map[string]refResult
	// items are model references settled whole, by the brand column and
	// the cell's text as written (itemKey): a reference met again, later
	// in the file or in the writing pass, is answered without its keys
	// (modelTries folds every split of its words) being made again.
	items map[string]refResult
	// all is every camera model the viewer may see, by brand and model
	// key, read at once when the file has asked for a good part of the
	// registry (loadAll); nil before, or when the registry is too big. A
	// key it lacks is still asked of the database, as before.
	all map[[2]string]string
	// load serialises loadAll; asked (keys sent to the database so far),
	// registry (the models counted, -1 before) and allDone are its state.
	load     sync.Mutex
	asked    int
	registry int64
	allDone  bool
}

// An import reads the whole registry's model keys at once (loadAll) when
// the keys it expects still to ask for (the batch's, and as many again for
// each batch's worth of the file not yet read) reach an eighth of the
// registry's models: national certificates, 95,000 keys, took 1.5 s of
// CPU in seeks (some 15 µs a key) and take 0.2 s in one scan of 100,000
// models (2 µs a model). Past allModelsMax models the registry is not read
// (memory stays bounded), and below allModelsMin expected keys it is not
// even counted.
var (
	allModelsShare = 8.0
	allModelsMin   = 2_000.0
)

const allModelsMax = 150_000

type refResult struct {
	id  string
	err error
}

// maxCached bounds each cache; past it the cache starts afresh, so that
// memory stays flat however many distinct references a file makes.
const maxCached = 100_000

func newRefCache(viewer models.Actor) *refCache {
	return &refCache{viewer: viewer, orgs: map[string]refResult{}, models: map[string]refResult{}, items: map[string]refResult{}, registry: -1}
}

func (rc *refCache) get(m *map[string]refResult, key string) (refResult, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	r, ok := (*m)[key]
	return r, ok
}

func (rc *refCache) put(m *map[string]refResult, key string, r refResult) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(*m) >= maxCached {
		*m = map[string]refResult{}
	}
	(*m)[key] = r
}

// org resolves an organization by tax code or, failing that, by name.
func (rc *refCache) org(ctx context.Context, st *models.Store, ref string, kinds []string) (string, error) {
	key := orgCacheKey(ref, kinds)
	if r, ok := rc.get(&rc.orgs, key); ok {
		return r.id, r.err
	}
	r := refResult{}
	if tc, err := models.CheckTaxCode(fixTaxCode(ref)); err == nil {
		o, err := st.OrganizationByTaxCode(ctx, tc)
		if err != nil && !models.IsNotFound(err) {
			return "", err
		}
		id := ""
		if o != nil {
			id = o.ID
		}
		r = taxCodeResult(tc, id)
	} else {
		found, err := st.OrganizationsByName(ctx, ref, kinds...)
		if err != nil {
			return "", err
		}
		ids := make([]string, len(found))
		for i, o := range found {
			ids[i] = o.ID
		}
		r = nameResult(ref, kinds, ids)
	}
	rc.put(&rc.orgs, key, r)
	return r.id, r.err
}

// nameResult is the resolution of an organization named ref (of one of
// kinds), of which the registry holds the organizations ids.
func nameResult(ref string, kinds, ids []string) refResult {
	what := "organization"
	if len(kinds) > 0 {
		what = "organization of kind " + strings.Join(kinds, " or ")
	}
	var r refResult
	switch len(ids) {
	case 0:
		r.err = fmt.Errorf("no %s is named %q (give its tax code or its name as registered)", what, ref)
	case 1:
		r.id = ids[0]
	default:
		r.err = fmt.Errorf("%d organizations are named %q; give the tax code instead", len(ids), ref)
	}
	return r
}

// model resolves a model written as "Brand ModelNumber" (or as a model
// number of the given brand). As brands have spaces ("VNPT Technology"),
// every split of the words into brand and model number is tried; exactly
// one must name a model.
func (rc *refCache) model(ctx context.Context, st *models.Store, brand, item string) (string, error) {
	memo := itemKey(brand, item)
	if r, ok := rc.get(&rc.items, memo); ok {
		return r.id, r.err
	}
	r, _, err := settleModel(brand, item, modelTries(brand, item), func(t [2]string) (refResult, bool, error) {
		key := t[0] + "\x00" + t[1]
		if r, ok := rc.cachedModel(t, key); ok {
			return r, true, nil
		}
		var r refResult
		m, err := st.ModelByKeys(ctx, t[0], t[1])
		switch {
		case err == nil && !models.CanSeeModel(rc.viewer, m):
			r.err = fmt.Errorf("camera model: %w", models.ErrNotFound)
		case err == nil:
			r.id = m.ID
		case models.IsNotFound(err):
			r.err = err
		default:
			return r, false, err
		}
		rc.put(&rc.models, key, r)
		return r, true, nil
	})
	if err != nil {
		return "", err
	}
	rc.put(&rc.items, memo, r)
	return r.id, r.err
}

// settleModel resolves a model reference from its tries (modelTries), in
// order, each looked up by look; it reports false, without a result, when
// look does not know a try it needed (or fails).
func settleModel(brand, item string, tries [][2]string, look func([2]string) (refResult, bool, error)) (refResult, bool, error) {
	var found []string
	bk := fold.Key(brand)
	for _, t := range tries {
		r, ok, err := look(t)
		if err != nil || !ok {
			return refResult{}, false, err
		}
		if r.err == nil && !slices.Contains(found, r.id) {
			found = append(found, r.id)
		}
		if len(found) > 0 && t[0] == bk {
			break // the brand column settles it
		}
	}
	var r refResult
	switch len(found) {
	case 1:
		r.id = found[0]
	case 0:
		if bk != "" {
			r.err = fmt.Errorf("no camera model %q of brand %q is in the registry", item, brand)
		} else {
			r.err = fmt.Errorf("no camera model %q is in the registry (write the brand and model number, such as \"Hikvision DS-2CD1023G0E-I\")", item)
		}
	default:
		r.err = fmt.Errorf("%q names %d camera models; add the brand column or write it as brand and model number", item, len(found))
	}
	return r, true, nil
}

// itemKey is the key of a model reference in refCache.items.
func itemKey(brand, item string) string {
	return brand + "\x00" + item
}

// modelTries are the brand and model keys a model reference may mean, in
// the order they are tried: the brand column with the whole item, then
// every split of the item's words into brand and model number.
func modelTries(brand, item string) [][2]string {
	var tries [][2]string
	add := func(b, m string) {
		if b != "" && m != "" {
			tries = append(tries, [2]string{b, m})
		}
	}
	if bk := fold.Key(brand); bk != "" {
		add(bk, fold.Key(item))
	}
	words := strings.Fields(item)
	for i := 1; i < len(words) && i <= 11; i++ {
		add(fold.Key(strings.Join(words[:i], " ")), fold.Key(strings.Join(words[i:], " ")))
	}
	return tries
}

// taxCodeResult is the resolution of a tax code: the organization's id,
// or "" when none has it.
func taxCodeResult(tc, id string) refResult {
	if id == "" {
		return refResult{err: fmt.Errorf("no organization has tax code %s", tc)}
	}
	return refResult{id: id}
}

// orgCacheKey is the cache key of an organization reference.
func orgCacheKey(ref string, kinds []string) string {
	return strings.Join(kinds, ",") + "\x00" + fold.Text(ref)
}

// prefetch resolves, in a few queries, the references of a batch's rows
// the cache does not hold yet: organizations named in orgCol by tax code
// or by name (kinds as the row will ask), and camera models in modelCol.
// rest is the part of the file not read yet over the part read (the
// batches still to come, per batch read so far).
func (rc *refCache) prefetch(ctx context.Context, st *models.Store, batch []record, orgCol string, kinds []string, modelCol string, list bool, rest float64) error {
	orgs := map[string][]string{} // tax code -> cache keys
	// named: the references by name, by cache key, with the first cell
	// that made each (the error quotes it, as org does).
	named := map[string]string{}
	var pairs [][2]string
	// unsettled are the batch's model references not settled before,
	// with their tries, settled below once every try is known.
	type reference struct {
		brand, item string
		tries       [][2]string
	}
	var unsettled []reference
	for _, rec := range batch {
		if ref := strings.TrimSpace(rec.values[orgCol]); orgCol != "" && ref != "" {
			key := orgCacheKey(ref, kinds)
			if _, ok := rc.get(&rc.orgs, key); !ok {
				if tc, err := models.CheckTaxCode(fixTaxCode(ref)); err == nil {
					orgs[tc] = append(orgs[tc], key)
				} else if _, ok := named[key]; !ok {
					named[key] = ref
				}
			}
		}
		items := []string{strings.TrimSpace(rec.values[modelCol])}
		if list {
			// A list of models, each "model | option=value" (rowCtx.models).
			items = splitList(items[0])
			for i, it := range items {
				items[i], _, _ = strings.Cut(it, "|")
				items[i] = strings.TrimSpace(items[i])
			}
		}
		brand := strings.TrimSpace(rec.values["brand"])
		for _, item := range items {
			if modelCol == "" || item == "" {
				continue
			}
			if _, ok := rc.get(&rc.items, itemKey(brand, item)); ok {
				continue // settled before (model)
			}
			tries := modelTries(brand, item)
			unsettled = append(unsettled, reference{brand, item, tries})
			for _, t := range tries {
				if _, ok := rc.cachedModel(t, t[0]+"\x00"+t[1]); !ok {
					pairs = append(pairs, t)
				}
			}
		}
	}
	if len(orgs) > 0 {
		codes := make([]string, 0, len(orgs))
		for tc := range orgs {
			codes = append(codes, tc)
		}
		ids, err := st.OrganizationIDsByTaxCodes(ctx, codes)
		if err != nil {
			return err
		}
		for tc, keys := range orgs {
			for _, k := range keys {
				rc.put(&rc.orgs, k, taxCodeResult(tc, ids[tc]))
			}
		}
	}
	if len(named) > 0 {
		names := make([]string, 0, len(named))
		for _, ref := range named {
			names = append(names, ref)
		}
		ids, err := st.OrganizationIDsByNames(ctx, names, kinds...)
		if err != nil {
			return err
		}
		for key, ref := range named {
			rc.put(&rc.orgs, key, nameResult(ref, kinds, ids[fold.Text(ref)]))
		}
	}
	if len(pairs) > 0 {
		if err := rc.loadAll(ctx, st, len(pairs), rest); err != nil {
			return err
		}
		pairs = slices.DeleteFunc(pairs, func(p [2]string) bool {
			_, ok := rc.cachedModel(p, p[0]+"\x00"+p[1])
			return ok
		})
	}
	if len(pairs) > 0 {
		// Only the models the importer may see resolve (as in model).
		ids, err := st.VisibleModelIDsByKeys(ctx, rc.viewer, pairs)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			r := refResult{id: ids[p]}
			if r.id == "" {
				r.err = fmt.Errorf("camera model: %w", models.ErrNotFound)
			}
			rc.put(&rc.models, p[0]+"\x00"+p[1], r)
		}
	}
	// Every try is known now (unless a cache started afresh): settle the
	// references here, as model would, so that the rows find them settled
	// instead of making and looking up their tries again (national
	// certificates: 118,000 references in the checking pass).
	for _, u := range unsettled {
		r, ok, _ := settleModel(u.brand, u.item, u.tries, func(t [2]string) (refResult, bool, error) {
			r, ok := rc.cachedModel(t, t[0]+"\x00"+t[1])
			return r, ok, nil
		})
		if ok {
			rc.put(&rc.items, itemKey(u.brand, u.item), r)
		}
	}
	return nil
}

// cachedModel is the cached resolution of a brand and model key (key is
// the two joined by a NUL), from the keys resolved before or from the
// registry read whole (all).
func (rc *refCache) cachedModel(t [2]string, key string) (refResult, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r, ok := rc.models[key]; ok {
		return r, true
	}
	if id, ok := rc.all[t]; ok {
		return refResult{id: id}, true
	}
	return refResult{}, false
}

// loadAll reads every model the viewer may see into all, once the keys
// the import expects still to ask for, with the batch's n, are worth it
// (see allModelsShare).
func (rc *refCache) loadAll(ctx context.Context, st *models.Store, n int, rest float64) error {
	rc.load.Lock()
	defer rc.load.Unlock()
	if rc.allDone {
		return nil
	}
	rc.asked += n
	expected := float64(n) + float64(rc.asked)*rest
	if expected < allModelsMin {
		return nil
	}
	if rc.registry < 0 {
		c, err := st.EstimateModels(ctx)
		if err != nil {
			return err
		}
		rc.registry = c
	}
	if rc.registry > allModelsMax {
		rc.allDone = true
		return nil
	}
	if expected*allModelsShare < float64(rc.registry) {
		return nil
	}
	rc.allDone = true
	all, ok, err := st.VisibleModelKeys(ctx, rc.viewer, allModelsMax, rc.registry)
	if err != nil || !ok {
		return err
	}
	rc.mu.Lock()
	rc.all = all
	rc.mu.Unlock()
	return nil
}
