package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"camreg/fold"

	"gorm.io/gorm"
)

// UpsertOrganizations creates or updates organizations as a file names
// them: by tax code; without one, or with one the registry does not have
// yet, by name (case and diacritics ignored) and kind, where an
// organization that has no tax code yet is the same organization and gains
// it. Several organizations of that name are an error on the row. Each row
// sees the rows before it in the batch, as it would one by one: a row may
// update the organization an earlier row created. Rows are checked by
// newOrganization and changeOrganization, as CreateOrganization and
// UpdateOrganization do. Errors: the database's; a row's own errors are in
// its result.
func (s *Store) UpsertOrganizations(ctx context.Context, actor Actor, rows []BatchRow[OrganizationInput], mode BatchMode) ([]BatchResult, error) {
	return s.runBatch(ctx, actor, mode, func(b *Store, tx *gorm.DB, log *changeLog) ([]BatchResult, error) {
		known, err := b.orgsOfBatch(tx, rows, mode != BatchValidate)
		if err != nil {
			return nil, err
		}
		e := batchEntity[Organization, OrganizationInput, string]{entity: "organization", what: "organization",
			record: func(o *Organization) *Record { return &o.Record }}
		var pending []*Organization // created, not inserted yet
		inBatch := map[string]bool{}
		flush := func() error {
			if err := insertRows(tx, b.bindVars(), pending, "organization"); err != nil {
				return fmt.Errorf("%w (another writer stored one of the batch's rows meanwhile; run the batch again)", err)
			}
			pending = pending[:0]
			clear(inBatch)
			return nil
		}
		results := make([]BatchResult, len(rows))
		for i, r := range rows {
			res := &results[i]
			ex, ambiguous, err := known.find(r.In)
			if err != nil {
				return nil, err
			}
			if ex != nil {
				if inBatch[ex.ID] && mode != BatchValidate {
					// An earlier row of this batch created it: insert it
					// first, so that this row updates it as one by one.
					if err := flush(); err != nil {
						return nil, err
					}
				}
				row := *ex
				before, err := b.changeOrganization(actor, &row, r.In, nil)
				res.Outcome, res.Err = Unchanged, err
				if err != nil || r.Hold {
					continue
				}
				if res.Outcome, err = batchSave(b, tx, log, mode, e, &before, &row, r.In); err != nil {
					return nil, b.orgConflict(err, &row)
				}
				known.replace(ex, row)
				continue
			}
			o, err := b.newOrganization(actor, r.In)
			if ambiguous != nil {
				res.Err = ambiguous.with(err)
				continue
			}
			res.Outcome, res.Err = Created, err
			if err != nil || r.Hold {
				continue
			}
			known.add(o)
			if mode != BatchValidate {
				if err := log.created("organization", o.ID, o); err != nil {
					return nil, err
				}
				pending = append(pending, o)
				inBatch[o.ID] = true
			}
		}
		if err := flush(); err != nil {
			return nil, err
		}
		return results, nil
	})
}

// orgIndex is the organizations a batch may name, as they stand after
// the batch's rows so far: by tax code, and by folded name.
//
// A name is looked up whole (every stored organization of that name) only
// when the answer depends on it: for a row without a tax code, or when an
// organization of that name and kind has no tax code. A row with a tax
// code can only match an organization that has none (find), so for the
// other names the index holds just the stored organizations without a
// tax code. A national file of traders repeats a few thousand names
// (13,288 for 200,055 traders): loading every namesake made each batch
// read some 25,000 rows by the end of the file, 40 % of the import's CPU.
type orgIndex struct {
	byTax  map[string]*Organization
	byName map[string][]*Organization
	byID   map[string]*Organization
	// full is the names whose stored organizations are all loaded.
	full map[string]bool
	// load reads every stored organization of the names.
	load func(names []string) ([]Organization, error)
}

// orgsOfBatch loads the stored organizations the rows may name: those with
// their tax codes, those of their names without a tax code, and every one
// of the names of rows that give no tax code.
func (s *Store) orgsOfBatch(tx *gorm.DB, rows []BatchRow[OrganizationInput], lock bool) (*orgIndex, error) {
	var taxes, names, whole []string
	for _, r := range rows {
		if tc := orgTaxKey(r.In); tc != "" {
			taxes = append(taxes, tc)
		}
		if r.In.Name != nil {
			k := fold.Text(*r.In.Name)
			names = append(names, k)
			if r.In.TaxCode == nil {
				whole = append(whole, k)
			}
		}
	}
	idx := &orgIndex{byTax: map[string]*Organization{}, byName: map[string][]*Organization{},
		byID: map[string]*Organization{}, full: map[string]bool{}}
	query := func(pre, col string, keys []string) ([]Organization, error) {
		var out []Organization
		for _, chunk := range chunks(uniqueIDs(keys), s.bindVars()) {
			var found []Organization
			q := s.lockFor(tx.Session(&gorm.Session{}), lock)
			if pre != "" {
				q = q.Where(pre)
			}
			if err := whereIn(q, col, chunk).Find(&found).Error; err != nil {
				return nil, fmt.Errorf("look up organizations: %w", err)
			}
			out = append(out, found...)
		}
		return out, nil
	}
	idx.load = func(names []string) ([]Organization, error) { return query("", "name_key", names) }
	for _, q := range []struct {
		pre, col string
		keys     []string
	}{{"", "tax_code", taxes}, {"tax_code IS NULL", "name_key", names}} {
		found, err := query(q.pre, q.col, q.keys)
		if err != nil {
			return nil, err
		}
		for i := range found {
			if idx.byID[found[i].ID] == nil {
				idx.add(&found[i])
			}
		}
	}
	if err := idx.loadWhole(whole); err != nil {
		return nil, err
	}
	return idx, nil
}

// loadWhole adds every stored organization of the names that is not held
// yet: the ones held are as the batch left them.
func (x *orgIndex) loadWhole(names []string) error {
	var want []string
	for _, n := range names {
		if !x.full[n] {
			x.full[n] = true
			want = append(want, n)
		}
	}
	if len(want) == 0 {
		return nil
	}
	found, err := x.load(want)
	if err != nil {
		return err
	}
	for i := range found {
		if x.byID[found[i].ID] == nil {
			x.add(&found[i])
		}
	}
	return nil
}

// orgTaxKey is the tax code an input names, when it is a valid one.
func orgTaxKey(in OrganizationInput) string {
	if in.TaxCode == nil {
		return ""
	}
	tc, err := CheckTaxCode(*in.TaxCode)
	if err != nil {
		return ""
	}
	return tc
}

func (x *orgIndex) add(o *Organization) {
	x.byID[o.ID] = o
	if o.TaxCode != nil {
		x.byTax[*o.TaxCode] = o
	}
	x.byName[o.NameKey] = append(x.byName[o.NameKey], o)
}

// replace puts the changed row in place of o, under its new keys.
func (x *orgIndex) replace(o *Organization, row Organization) {
	if o.TaxCode != nil && x.byTax[*o.TaxCode] == o {
		delete(x.byTax, *o.TaxCode)
	}
	x.byName[o.NameKey] = slices.DeleteFunc(x.byName[o.NameKey], func(p *Organization) bool { return p == o })
	*o = row
	x.add(o)
}

// find is the organization the input names, as the importer's lookup one
// row at a time found it (OrganizationByTaxCode, then OrganizationsByName:
// at most 10, by id), or the error of a name that several have.
func (x *orgIndex) find(in OrganizationInput) (*Organization, *ambiguousName, error) {
	if tc := orgTaxKey(in); tc != "" {
		if o := x.byTax[tc]; o != nil {
			return o, nil, nil
		}
	}
	if in.Name == nil {
		return nil, nil, nil
	}
	key := fold.Text(*in.Name)
	if !x.full[key] {
		// With a tax code, only a namesake without one can match: none
		// held (and so none stored) means no match, whatever the others.
		if in.TaxCode != nil && !slices.ContainsFunc(x.byName[key], func(o *Organization) bool {
			return o.TaxCode == nil && (in.Kind == nil || o.Kind == *in.Kind)
		}) {
			return nil, nil, nil
		}
		if err := x.loadWhole([]string{key}); err != nil {
			return nil, nil, err
		}
	}
	var same []*Organization
	for _, o := range x.byName[key] {
		if in.Kind == nil || o.Kind == *in.Kind {
			same = append(same, o)
		}
	}
	slices.SortFunc(same, func(a, b *Organization) int { return strings.Compare(a.ID, b.ID) })
	same = same[:min(len(same), 10)]
	same = slices.DeleteFunc(same, func(o *Organization) bool { return in.TaxCode != nil && o.TaxCode != nil })
	switch {
	case len(same) == 1:
		return same[0], nil, nil
	case len(same) > 1:
		return nil, &ambiguousName{n: len(same), name: *in.Name}, nil
	}
	return nil, nil, nil
}

// ambiguousName is a row whose name several organizations have.
type ambiguousName struct {
	n    int
	name string
}

// with is the row's error: the ambiguity, with what creating it would
// have said besides.
func (a *ambiguousName) with(err error) error {
	var v ValidationError
	v.Add("name", "%d organizations are named %q; give the tax code or the kind to tell them apart", a.n, a.name)
	switch ve := err.(type) {
	case nil:
	case *ValidationError:
		v.Errors = append(v.Errors, ve.Errors...)
	default:
		v.Add("", "%s", err.Error())
	}
	return &v
}
