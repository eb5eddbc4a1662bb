package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"camreg/fold"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Batch services. The importer writes thousands of rows a second; through
// the single-row services every row costs a savepoint and half a dozen
// statements, and with a driver that parses every statement afresh that
// cost, not the work, sets the pace. A batch service takes the rows of one
// entity and, in one transaction, looks up their natural keys in a few
// queries, loads their references in one query per kind, checks each row
// with the same code as the single-row service (newListing, changeListing,
// ...), inserts the new rows with multi-row INSERTs, saves only the rows
// that really changed, and appends the batch's change-log events at once.

// BatchMode says what a batch service does with the rows it checked.
type BatchMode int

const (
	// BatchValidate checks every row and writes nothing: no transaction,
	// no rolled-back writes, the same checks.
	BatchValidate BatchMode = iota
	// BatchWriteValid writes the valid rows and reports the others.
	BatchWriteValid
	// BatchWriteAll writes every row, or none when one is invalid
	// (ErrBatchInvalid).
	BatchWriteAll
)

// Outcome is what a batch did, or would do, to a valid row.
type Outcome int

// The outcomes of a valid row.
const (
	Unchanged Outcome = iota
	Created
	Updated
)

// BatchRow is one row of a batch: the service input, and Hold, set when
// the caller already found the row invalid (a cell it could not read): the
// row is checked, so that its report lists every reason, but never written.
type BatchRow[In any] struct {
	In   In
	Hold bool
}

// BatchResult is the outcome of one row. Err, when set, is why the row is
// refused: ErrInvalid (a *ValidationError with every field error),
// ErrForbidden, ErrNotFound or ErrConflict.
type BatchResult struct {
	Outcome Outcome
	Err     error
}

// ErrBatchInvalid is returned by BatchWriteAll when a row is invalid: the
// results say which, and nothing was written.
var ErrBatchInvalid = errors.New("a row of the batch is invalid; nothing was written")

// batchCacheKiB is SQLite's page cache, in KiB, for a connection that
// writes batches (SQLite's default is 2,000).
const batchCacheKiB = 32 << 10

// batchCheckpointPages is how many pages the WAL of a connection that
// writes batches may hold before its commit checkpoints them into the
// database file (SQLite's default is 1,000, which a batch or two fills: a
// page that every batch touches, such as an index's last leaf, was copied
// back at nearly every commit). Durability is the same (WAL with
// synchronous=NORMAL): only how often the WAL is folded into the file
// changes, and the WAL may grow to some 40 MB meanwhile. National traders:
// checkpoints 1.09 s → 0.60 s of CPU, and one fsync of the file in ten.
const batchCheckpointPages = 10_000

// setCacheSize sets the page cache of the connection that runs tx.
func setCacheSize(tx *gorm.DB, kib int) error {
	if err := tx.Exec(fmt.Sprintf("PRAGMA cache_size = -%d", kib)).Error; err != nil {
		return fmt.Errorf("size the page cache: %w", err)
	}
	return nil
}

// bindVars is how many bound variables a batch puts in one statement.
// PostgreSQL allows 65,535 and pays little per statement. SQLite allows
// 32,766, but its former driver (glebarez/go-sqlite) found each argument
// by a linear scan of all of them, so a statement's binding cost the square
// of its size; measured on 100,000 listings, a few hundred was best.
// (mattn/go-sqlite3 binds by position; the size was not measured again.)
func (s *Store) bindVars() int {
	if s.dialect == SQLite {
		return sqliteBindVars
	}
	return 30_000
}

const sqliteBindVars = 500

// UpsertListings creates or updates listings on their natural key (the
// trader, the model, the channel, and the URL online or the shop's address
// in a shop), as CreateListing and UpdateListing would one by one. A row
// whose key an earlier row of the batch has is refused (ErrConflict).
// Errors: the database's; a row's own errors are in its result.
func (s *Store) UpsertListings(ctx context.Context, actor Actor, rows []BatchRow[ListingInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		var orgs, mods []string
		for _, r := range rows {
			orgs, mods = appendRef(orgs, r.In.TraderOrgID), appendRef(mods, r.In.CameraModelID)
		}
		if err := b.preloadRefs(tx, actor, orgs, mods); err != nil {
			return nil, err
		}
		return upsertBatch(b, tx, log, mode, rows, batchEntity[Listing, ListingInput, ListingKey]{
			entity: "listing", what: "listing", key: listingKeyOf,
			lookup: func(keys []ListingKey) (map[ListingKey]*Listing, error) {
				return b.listingsByKeys(tx, keys, mode != BatchValidate)
			},
			create: func(in ListingInput) (*Listing, error) { return b.newListing(tx, actor, in) },
			change: func(l *Listing, in ListingInput) (Listing, error) { return b.changeListing(tx, actor, l, in, nil) },
			record: func(l *Listing) *Record { return &l.Record },
		})
	})
}

// UpsertModels creates or updates camera models on their natural key (the
// brand and model keys), as CreateModel and UpdateModel would one by one. A
// row whose key an earlier row of the batch has is refused (ErrConflict).
// Errors: the database's; a row's own errors are in its result.
func (s *Store) UpsertModels(ctx context.Context, actor Actor, rows []BatchRow[ModelInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		var orgs []string
		for _, r := range rows {
			orgs = appendRef(orgs, r.In.RegistrantOrgID)
		}
		if actor.Role == RoleVendor {
			orgs = append(orgs, actor.OrgID)
		}
		if err := b.preloadRefs(tx, actor, orgs, nil); err != nil {
			return nil, err
		}
		if err := b.preloadLookalikes(tx, rows); err != nil {
			return nil, err
		}
		return upsertBatch(b, tx, log, mode, rows, batchEntity[Model, ModelInput, [2]string]{
			entity: "camera_model", what: "camera model", key: modelKeyOf,
			lookup: func(keys [][2]string) (map[[2]string]*Model, error) {
				return b.modelsByKeys(tx, keys, mode != BatchValidate)
			},
			create: func(in ModelInput) (*Model, error) { return b.newModel(tx, actor, in) },
			change: func(m *Model, in ModelInput) (Model, error) {
				before, err := b.changeModel(tx, actor, m, in, nil)
				if errors.Is(err, ErrNotFound) {
					// Another organization's pending registration: the row
					// is answered as POST answers it (the key is taken), in
					// the row's words, never with the stored row's id.
					return before, modelKeyTaken(in, m)
				}
				return before, err
			},
			record: func(m *Model) *Record { return &m.Record },
		})
	})
}

// batchEntity is what the batch loop needs of an entity T, created and
// changed from inputs In, and known by a natural key K.
type batchEntity[T, In any, K comparable] struct {
	// entity names T in the change log; what, in messages.
	entity, what string
	// key is the natural key an input names; zero when it lacks part of it.
	key func(In) K
	// lookup loads the stored rows of the keys.
	lookup func(keys []K) (map[K]*T, error)
	// create and change are the single-row services' checks (newListing,
	// changeListing, ...): a new row from an input, or the stored row
	// changed by an input, returned as it was.
	create func(In) (*T, error)
	change func(row *T, in In) (T, error)
	record func(*T) *Record
	// save, when set, ends an update instead of saveIfChanged: an entity
	// whose event names a status change, or that has child rows, saves as
	// its single-row update does (saveCertificate, ...).
	save func(before, row *T, in In) (bool, error)
	// children, when set, inserts the child rows of the created rows
	// (covered or affected models), after the rows themselves.
	children func(rows []*T) error
}

// upsertBatch checks every row as the single-row services do and, unless
// mode is BatchValidate, writes the valid rows that are not held: updates
// row by row, only where something changed, creates with multi-row
// INSERTs, each with its change-log event.
func upsertBatch[T, In any, K comparable](b *Store, tx *gorm.DB, log *changeLog, mode BatchMode, rows []BatchRow[In], e batchEntity[T, In, K]) ([]BatchResult, error) {
	keys := make([]K, len(rows))
	for i, r := range rows {
		keys[i] = e.key(r.In)
	}
	found, err := e.lookup(keys)
	if err != nil {
		return nil, err
	}
	var zero K
	var creates []*T
	results := make([]BatchResult, len(rows))
	earlier := make(map[K]int, len(rows))
	for i, r := range rows {
		res := &results[i]
		if first, dup := earlier[keys[i]]; dup && keys[i] != zero {
			res.Err = Conflict("%s repeats the natural key of row %d of the batch", e.what, first+1)
			continue
		}
		earlier[keys[i]] = i
		if ex := found[keys[i]]; ex != nil {
			row := *ex
			before, err := e.change(&row, r.In)
			res.Outcome, res.Err = Unchanged, err
			if err == nil && !r.Hold {
				if res.Outcome, err = batchSave(b, tx, log, mode, e, &before, &row, r.In); err != nil {
					return nil, err
				}
			}
			continue
		}
		row, err := e.create(r.In)
		res.Outcome, res.Err = Created, err
		if err == nil && !r.Hold && mode != BatchValidate {
			if err := log.created(e.entity, e.record(row).ID, row); err != nil {
				return nil, err
			}
			creates = append(creates, row)
		}
	}
	ins := tx
	if e.children != nil {
		// The children go in their own multi-row INSERTs below.
		ins = tx.Omit(clause.Associations)
	}
	if err := insertRows(ins, b.bindVars(), creates, e.what); err != nil {
		return nil, fmt.Errorf("%w (another writer stored one of the batch's rows meanwhile; run the batch again)", err)
	}
	if e.children != nil && len(creates) > 0 {
		if err := e.children(creates); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// runBatch runs fn, a batch's checks and writes, on a Store whose
// reference cache lives for the batch. BatchValidate runs it outside any
// transaction and drops its events; the other modes run it in one
// transaction and append its events before commit. BatchWriteAll rolls
// back, with ErrBatchInvalid, when a row has an error.
func (s *Store) runBatch(ctx context.Context, actor Actor, mode BatchMode, fn func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error)) ([]BatchResult, error) {
	bind := func(tx *gorm.DB) *Store {
		b := *s
		b.db = tx
		b.refs = newRefCache()
		return &b
	}
	log := &changeLog{actor: actor}
	db, done := s.db.WithContext(ctx), func() {}
	if s.bulkConn != nil {
		// A batch of a bulk transaction (InBulkTx): on its connection.
		db = s.db.WithContext(s.bulkContext(ctx))
	} else {
		var err error
		if db, done, err = s.beginBulk(ctx, db); err != nil {
			return nil, err
		}
	}
	defer done()
	if mode == BatchValidate {
		return fn(bind(db), db, log)
	}
	var results []BatchResult
	err := db.Transaction(func(tx *gorm.DB) error {
		if s.dialect == SQLite {
			// A batch touches pages all over the tables' indexes, more
			// than SQLite's default cache (2 MB) holds, so that every
			// batch read them again from the file and spilled them
			// before commit (100,000 listings: 14.5 s, 2.6 s of it in
			// the kernel; with the cache kept, 10.7 s and 1.5 s). The
			// cache stays with the connection, which database/sql hands
			// back to the next batch (it reuses the most recent idle
			// one): a bound of 32 MB for each of the pool's connections.
			if err := setCacheSize(tx, batchCacheKiB); err != nil {
				return err
			}
			// A batch of a bulk transaction (InBulkTx) keeps its
			// connection's: no checkpoint at its commit.
			if !s.bulkSQLite {
				if err := tx.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", batchCheckpointPages)).Error; err != nil {
					return fmt.Errorf("set the checkpoint interval: %w", err)
				}
			}
		}
		var err error
		if results, err = fn(bind(tx), tx, log); err != nil {
			return err
		}
		if mode == BatchWriteAll {
			for _, r := range results {
				if r.Err != nil {
					return ErrBatchInvalid
				}
			}
		}
		return s.appendEvents(tx, log.events)
	})
	return results, err
}

// batchSave ends the update of one row of a batch: in BatchValidate it
// only tells whether the row would change; otherwise it saves a row that
// changed, with its event, as the single-row update does.
func batchSave[T, In any, K comparable](s *Store, tx *gorm.DB, log *changeLog, mode BatchMode, e batchEntity[T, In, K], before, row *T, in In) (Outcome, error) {
	if mode == BatchValidate {
		diff, err := diffJSON(before, row)
		if err != nil || len(diff) == 0 {
			return Unchanged, err
		}
		return Updated, nil
	}
	var changed bool
	var err error
	if e.save != nil {
		changed, err = e.save(before, row, in)
	} else {
		changed, err = s.saveIfChanged(tx, log, e.entity, e.what, e.record(row), before, row)
	}
	if err != nil || !changed {
		return Unchanged, err
	}
	return Updated, nil
}

// listingKeyOf is the natural key the input names; its TraderOrgID is ""
// when the input lacks part of it (the row is then a create, whose checks
// say what is missing).
func listingKeyOf(in ListingInput) ListingKey {
	if in.TraderOrgID == nil || in.CameraModelID == nil || in.Channel == nil {
		return ListingKey{}
	}
	k := ListingKey{TraderOrgID: *in.TraderOrgID, CameraModelID: *in.CameraModelID, Channel: *in.Channel}
	// Online, a listing is its URL; in a shop, the shop's address.
	if k.Channel == "online" && in.URL != nil {
		k.URL = strings.TrimSpace(*in.URL)
	} else if k.Channel != "online" && in.ShopAddress != nil {
		k.ShopAddress = strings.TrimSpace(*in.ShopAddress)
	}
	return k
}

// listingKeyOfRow is the natural key of a stored listing, as listingKeyOf
// forms it.
func listingKeyOfRow(l *Listing) ListingKey {
	k := ListingKey{TraderOrgID: l.TraderOrgID, CameraModelID: l.CameraModelID, Channel: l.Channel}
	if l.Channel == "online" {
		k.URL = l.URL
	} else {
		k.ShopAddress = l.ShopAddress
	}
	return k
}

// listingsByKeys loads the stored listings of the keys; where several
// share a key, the oldest wins, as in ListingByKey. A trader often offers
// one model in many shops, so it first reads only the key columns of the
// listings of each trader, model and channel, and then loads the rows that
// match whole. lock locks them for the transaction on PostgreSQL, as get
// does.
func (s *Store) listingsByKeys(tx *gorm.DB, keys []ListingKey, lock bool) (map[ListingKey]*Listing, error) {
	var tuples [][]any
	want := make(map[ListingKey]bool, len(keys))
	seen := map[[3]string]bool{}
	for _, k := range keys {
		t := [3]string{k.TraderOrgID, k.CameraModelID, k.Channel}
		if k.TraderOrgID != "" && !seen[t] {
			seen[t] = true
			tuples = append(tuples, []any{t[0], t[1], t[2]})
		}
		want[k] = true
	}
	cands, err := findByTuples[Listing](tx.Select("id", "trader_org_id", "camera_model_id", "channel", "url", "shop_address"), s.bindVars(),
		[]string{"trader_org_id", "camera_model_id", "channel"}, tuples)
	if err != nil {
		return nil, fmt.Errorf("look up listings by natural key: %w", err)
	}
	oldest := map[ListingKey]string{}
	for i := range cands {
		k := listingKeyOfRow(&cands[i])
		if id, ok := oldest[k]; want[k] && (!ok || cands[i].ID < id) {
			oldest[k] = cands[i].ID
		}
	}
	ids := make([]string, 0, len(oldest))
	for _, id := range oldest {
		ids = append(ids, id)
	}
	out := make(map[ListingKey]*Listing, len(ids))
	for _, chunk := range chunks(ids, s.bindVars()) {
		var rows []Listing
		if err := whereIn(s.lockFor(tx, lock), "id", chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("load listings by natural key: %w", err)
		}
		for i := range rows {
			out[listingKeyOfRow(&rows[i])] = &rows[i]
		}
	}
	return out, nil
}

// modelKeyOf is the brand and model key the input names, or zero.
func modelKeyOf(in ModelInput) [2]string {
	if in.Brand == nil || in.ModelNumber == nil {
		return [2]string{}
	}
	k := [2]string{fold.Key(*in.Brand), fold.Key(*in.ModelNumber)}
	if k[0] == "" || k[1] == "" {
		return [2]string{}
	}
	return k
}

// modelsByKeys loads the stored camera models of the brand and model keys.
func (s *Store) modelsByKeys(tx *gorm.DB, keys [][2]string, lock bool) (map[[2]string]*Model, error) {
	var tuples [][]any
	seen := map[[2]string]bool{}
	for _, k := range keys {
		if k != [2]string{} && !seen[k] {
			seen[k] = true
			tuples = append(tuples, []any{k[0], k[1]})
		}
	}
	rows, err := findByTuples[Model](s.lockFor(tx, lock), s.bindVars(), []string{"brand_key", "model_key"}, tuples)
	if err != nil {
		return nil, fmt.Errorf("look up camera models by brand and model: %w", err)
	}
	out := make(map[[2]string]*Model, len(rows))
	for i := range rows {
		out[[2]string{rows[i].BrandKey, rows[i].ModelKey}] = &rows[i]
	}
	return out, nil
}

// OrganizationIDsByTaxCodes resolves tax codes to organization ids in a
// few queries; codes no organization has are absent.
func (s *Store) OrganizationIDsByTaxCodes(ctx context.Context, taxCodes []string) (map[string]string, error) {
	out := map[string]string{}
	for _, chunk := range chunks(uniqueIDs(taxCodes), s.lookupChunk()) {
		var rows []Organization
		q := s.db.WithContext(ctx).Select("id", "tax_code")
		if err := whereIn(q, "tax_code", chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("look up organizations by tax code: %w", err)
		}
		for _, o := range rows {
			if o.TaxCode != nil {
				out[*o.TaxCode] = o.ID
			}
		}
	}
	return out, nil
}

// lockFor adds PostgreSQL's row lock to a lookup whose rows the
// transaction may update, as get does for one row.
func (s *Store) lockFor(tx *gorm.DB, lock bool) *gorm.DB {
	if lock && s.dialect == Postgres {
		return tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	return tx
}

// findByTuples loads the rows whose columns equal one of the tuples, with
// a row-value IN over the unnested arrays on PostgreSQL, over json_each on
// SQLite (string tuples), or else over a VALUES list in chunks within the
// bound-variable limit.
func findByTuples[T any](tx *gorm.DB, vars int, cols []string, tuples [][]any) ([]T, error) {
	var out []T
	err := eachTupleQuery(tx, vars, cols, tuples, func(q *gorm.DB) error {
		var rows []T
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		out = append(out, rows...)
		return nil
	})
	return out, err
}

// eachTupleQuery runs read on each query findByTuples would run: tx
// restricted to one chunk of the tuples.
func eachTupleQuery(tx *gorm.DB, vars int, cols []string, tuples [][]any, read func(*gorm.DB) error) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	asJSON := !isPostgres(tx) && allStrings(tuples)
	per := max(1, vars/len(cols))
	if asJSON {
		per = sqliteLookupKeys
	}
	for _, chunk := range chunks(tuples, per) {
		q := tx.Session(&gorm.Session{})
		switch {
		case asJSON:
			q = whereTuplesJSON(q, cols, chunk)
		case isPostgres(tx):
			q = whereTuplesPG(q, cols, chunk)
		default:
			args := make([]any, 0, len(chunk)*len(cols))
			for _, t := range chunk {
				args = append(args, t...)
			}
			q = q.Where("("+strings.Join(cols, ", ")+") IN (VALUES "+strings.TrimSuffix(strings.Repeat(one+",", len(chunk)), ",")+")", args...)
		}
		if err := read(q); err != nil {
			return err
		}
	}
	return nil
}

// preloadRefs loads, in one query per kind, the organizations (with their
// kinds) and camera models the batch names, into the batch's reference
// cache, so that the single-row reference checks find them there. Models
// the import already found visible (knownModels) are not asked again. An id
// not found is left out; its check then queries it, and reports it.
func (s *Store) preloadRefs(tx *gorm.DB, actor Actor, orgIDs, modelIDs []string) error {
	for _, chunk := range chunks(uniqueIDs(orgIDs), s.lookupChunk()) {
		var rows []Organization
		if err := whereIn(tx.Session(&gorm.Session{}).Select("id", "kind"), "id", chunk).Find(&rows).Error; err != nil {
			return fmt.Errorf("load the batch's organizations: %w", err)
		}
		for _, o := range rows {
			s.refs.orgKinds[o.ID] = o.Kind
		}
	}
	known, unknown := s.known.split(actor, uniqueIDs(modelIDs))
	for _, id := range known {
		s.refs.models[id] = true
	}
	for _, chunk := range chunks(unknown, s.lookupChunk()) {
		var ids []string
		// Only the models the actor may see count as found (authz.go).
		if err := whereIn(visibleModels(tx.Session(&gorm.Session{}).Model(&Model{}), actor), "id", chunk).Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("load the batch's camera models: %w", err)
		}
		for _, id := range ids {
			s.refs.models[id] = true
		}
		s.known.note(actor, ids)
	}
	return nil
}

// appendRef adds a reference that has the shape of an id.
func appendRef(ids []string, ref *string) []string {
	if ref != nil && ValidID(*ref) {
		ids = append(ids, *ref)
	}
	return ids
}

// insertRows inserts rows: by COPY on PostgreSQL; listings,
// organizations, models, certificates, C/Os and warnings by one INSERT
// over a JSON array on SQLite (bulk_sqlite_insert.go); else with multi-row
// INSERTs, as many rows a statement as the bound-variable limit allows.
func insertRows[T any](tx *gorm.DB, vars int, rows []*T, what string) error {
	if len(rows) == 0 {
		return nil
	}
	if done, err := copyRows(tx, rows, what); done {
		if err != nil {
			return err
		}
		// COPY runs no hooks: a model's AfterCreate (its GTINs) runs
		// after the rows are in, as on SQLite below. National models
		// went in by multi-row INSERTs for their hook alone (gorm built
		// 1,000 rows' parameters a statement: 17 % of camreg's CPU).
		return afterCreates(tx, rows, what)
	}
	switch any(rows[0]).(type) {
	case *Listing, *Organization, *Model, *Certificate, *OriginCertificate, *Warning:
		// Measured on listings, organizations and models (national
		// traders: the INSERTs 1.37 -> 0.44 s of CPU), and on
		// certificates: over json_each they took more CPU than their
		// INSERTs (df32c19), over jsonb_each half as much (national
		// certificates' insertRows 0.54/0.58 -> 0.25/0.29 s, paired).
		// A model's AfterCreate (its GTINs) runs after the rows are in,
		// as gorm runs it after each multi-row INSERT.
		done, err := insertJSONNoHooks(tx, rows, what)
		if !done || err != nil {
			if done {
				return err
			}
			break
		}
		return afterCreates(tx, rows, what)
	}
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(rows[0]); err != nil {
		return fmt.Errorf("insert %s rows: %w", what, err)
	}
	per := max(1, vars/len(stmt.Schema.DBNames))
	err := cachedPlans(tx, func() error {
		return tx.Session(&gorm.Session{}).CreateInBatches(rows, per).Error
	})
	if err != nil {
		return translate(err, what)
	}
	return nil
}

// afterCreate is a model's hook that gorm calls after inserting a row.
type afterCreate interface{ AfterCreate(*gorm.DB) error }

// afterCreates runs the AfterCreate hook of each row inserted without
// gorm's hooks (by COPY or over a JSON array), as gorm runs it after a
// multi-row INSERT.
func afterCreates[T any](tx *gorm.DB, rows []*T, what string) error {
	for _, r := range rows {
		if h, ok := any(r).(afterCreate); ok {
			if err := h.AfterCreate(tx); err != nil {
				return translate(err, what)
			}
		}
	}
	return nil
}

// chunks splits s into slices of at most n.
func chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
