package importer

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"camreg/fold"
	"camreg/models"
)

// rowCtx converts one record into a service input, collecting the errors
// the file's own cells cause (a date that is no date, an organization that
// is not in the registry) in pre.
type rowCtx struct {
	ctx context.Context
	st  *models.Store
	run *run
	rec record
	pre models.ValidationError
}

// str is the trimmed cell, or nil when it is empty or absent: an empty
// cell never clears a stored value, it leaves it as it is.
func (c *rowCtx) str(col string) *string {
	v := strings.TrimSpace(c.rec.values[col])
	if v == "" {
		return nil
	}
	return &v
}

func (c *rowCtx) enum(col, set string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	v := enumValue(set, *p)
	return &v
}

func (c *rowCtx) date(col string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	d, err := ParseDate(*p)
	if err != nil {
		c.pre.Add(col, "%s", err.Error())
		return nil
	}
	return &d
}

func (c *rowCtx) list(col string) *[]string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	l := splitList(*p)
	return &l
}

func (c *rowCtx) integer(col string) *int {
	p := c.str(col)
	if p == nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(*p, ".0"))
	if err != nil {
		c.pre.Add(col, "%q is not a whole number", *p)
		return nil
	}
	return &n
}

var (
	thousands           = regexp.MustCompile(`^[0-9]{1,3}([.,][0-9]{3})+$`)
	thousandsSeparators = strings.NewReplacer(".", "", ",", "")
)

// price reads an amount of đồng as people write it: 650000, 650.000,
// 650,000, "650.000 đ" or "650 000 VNĐ".
func (c *rowCtx) price(col string) *int64 {
	p := c.str(col)
	if p == nil {
		return nil
	}
	s := fold.Text(*p)
	for _, unit := range []string{"vnd", "dong", "d", "₫"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	s = strings.ReplaceAll(s, " ", "")
	if thousands.MatchString(s) {
		s = thousandsSeparators.Replace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			c.pre.Add(col, "%q is not an amount of đồng such as 650000 or 650.000", *p)
			return nil
		}
		n = int64(f)
	}
	return &n
}

// taxCode reads a tax code cell, restoring a leading zero a spreadsheet dropped.
func (c *rowCtx) taxCode(col string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	tc := fixTaxCode(*p)
	return &tc
}

// org resolves a reference to an organization, written as its tax code or
// its name, to its id; kinds narrow a name to organizations of those kinds.
func (c *rowCtx) org(col string, kinds ...string) *string {
	p := c.str(col)
	if p == nil {
		return nil
	}
	id, err := c.run.refs.org(c.ctx, c.st, *p, kinds)
	if err != nil {
		c.pre.Add(col, "%s", err.Error())
		return nil
	}
	return &id
}

// modelItem is one entry of a models cell: "Brand ModelNumber", followed
// by options such as "| firmware=V5.5" or "| fixed_in=V5.7".
type modelItem struct {
	id   string
	opts map[string]string
}

// models resolves a list cell of models. brand, when the row has a brand
// column, is the brand of items that name only a model number.
func (c *rowCtx) models(col string, allowed ...string) *[]modelItem {
	p := c.str(col)
	if p == nil {
		return nil
	}
	brand := strings.TrimSpace(c.rec.values["brand"])
	out := []modelItem{}
	for _, item := range splitList(*p) {
		parts := strings.Split(item, "|")
		it := modelItem{opts: map[string]string{}}
		bad := false
		for _, o := range parts[1:] {
			k, v, ok := strings.Cut(o, "=")
			k = strings.TrimSpace(strings.ToLower(k))
			if !ok || !slices.Contains(allowed, k) {
				c.pre.Add(col, "%q: write options as '| name=value' with name one of %s", strings.TrimSpace(o), strings.Join(allowed, ", "))
				bad = true
				continue
			}
			it.opts[k] = strings.TrimSpace(v)
		}
		id, err := c.run.refs.model(c.ctx, c.st, brand, strings.TrimSpace(parts[0]))
		if err != nil {
			c.pre.Add(col, "%s", err.Error())
			continue
		}
		if !bad {
			it.id = id
			out = append(out, it)
		}
	}
	return &out
}

// vendorOrg applies a vendor's scope to a reference column: the reference
// must be the vendor's own organization, and is filled in when absent.
func (c *rowCtx) vendorOrg(col string, ref *string) *string {
	a := c.run.opts.Actor
	if a.Role != models.RoleVendor {
		return ref
	}
	if ref != nil && *ref != a.OrgID {
		c.pre.Add(col, "names another organization; a vendor imports only for its own organization")
	}
	org := a.OrgID
	return &org
}

// ownedBy refuses a row that would change another organization's object.
func (c *rowCtx) ownedBy(owner *string, what string) bool {
	a := c.run.opts.Actor
	if a.Role != models.RoleVendor {
		return true
	}
	if owner == nil || *owner != a.OrgID {
		c.pre.Add("", "%s belongs to another organization; a vendor may change only its own", what)
		return false
	}
	return true
}
