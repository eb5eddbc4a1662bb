package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"camreg/models"
)

// ExportFormats are the formats the exporter writes.
var ExportFormats = []string{FormatCSV, FormatXLSX, FormatNDJSON, FormatJSON}

// ContentType is the media type of an export format.
func ContentType(format string) string {
	switch format {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatNDJSON:
		return "application/x-ndjson"
	}
	return "application/json"
}

// exportPage is how many rows the exporter reads at a time: memory holds
// one page, whatever the size of the registry.
const exportPage = 500

// ExportColumns are the columns the exporter writes for an entity: the
// importer's canonical names, so that an exported file imports back as it
// is. The brand column of certificates, C/Os and warnings is left out, as
// their model cells name the brand themselves.
func ExportColumns(entity string) []string {
	cols := Columns(entity)
	if entity == "certificates" || entity == "origin-certificates" || entity == "warnings" {
		cols = slices.DeleteFunc(cols, func(c string) bool { return c == "brand" })
	}
	return cols
}

// Export writes the whole dataset of an entity to w, as the command line
// sees it (everything), reading it a page at a time and writing as it goes.
// References are written as natural keys (tax codes or names, brand and
// model number), in the columns the importer reads, so the file imports
// back to the same data.
func Export(ctx context.Context, st *models.Store, entity, format string, w io.Writer) error {
	return ExportAs(ctx, st, models.System("export"), entity, format, w)
}

// ExportAs is Export as viewer sees the registry: the public gets neither
// pending registrations nor unconfirmed certificates nor contact details.
func ExportAs(ctx context.Context, st *models.Store, viewer models.Actor, entity, format string, w io.Writer) error {
	if err := CheckEntity(entity); err != nil {
		return err
	}
	if !slices.Contains(ExportFormats, format) {
		return fmt.Errorf("unknown export format %q: use one of %s", format, strings.Join(ExportFormats, ", "))
	}
	cols := ExportColumns(entity)
	out, err := newRowWriter(format, w, cols)
	if err != nil {
		return err
	}
	if err := exportRows(ctx, st, viewer, entity, out.row); err != nil {
		return err
	}
	return out.close()
}

// cell values are strings, int64s (amounts) or []string (lists).
type rowFunc func(vals []any) error

func exportRows(ctx context.Context, st *models.Store, viewer models.Actor, entity string, emit rowFunc) error {
	switch entity {
	case "organizations":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.Organization], error) {
			return st.FindOrganizations(ctx, models.OrganizationFilter{}, p)
		}, func(page []models.Organization) error {
			for _, o := range page {
				email, phone := o.Email, o.Phone
				if !models.CanSeeContacts(viewer, &o) {
					email, phone = "", ""
				}
				if err := emit([]any{deref(o.TaxCode), o.Name, o.Kind, o.Address, deref(o.ProvinceName), o.Country,
					o.Website, email, phone}); err != nil {
					return err
				}
			}
			return nil
		})
	case "models":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.Model], error) {
			return st.FindModels(ctx, models.ModelFilter{Viewer: &viewer}, p)
		}, func(page []models.Model) error {
			var orgIDs []string
			for _, m := range page {
				orgIDs = append(orgIDs, deref(m.RegistrantOrgID))
			}
			orgs, err := st.OrgRefs(ctx, orgIDs)
			if err != nil {
				return err
			}
			for _, m := range page {
				if err := emit([]any{m.Brand, m.ModelNumber, m.Name, m.Kind, m.HSCode, m.OriginCountry,
					[]string(m.FirmwareVersions), orgKey(orgs, deref(m.RegistrantOrgID)), m.Status, []string(m.GTINs)}); err != nil {
					return err
				}
			}
			return nil
		})
	case "certificates":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.Certificate], error) {
			return st.FindCertificates(ctx, models.CertificateFilter{Viewer: &viewer}, p)
		}, func(page []models.Certificate) error {
			var orgIDs, modelIDs []string
			for _, c := range page {
				orgIDs = append(orgIDs, c.CertificationBodyOrgID, c.HolderOrgID)
				for _, m := range c.Models {
					modelIDs = append(modelIDs, m.CameraModelID)
				}
			}
			orgs, mods, err := refs(ctx, st, viewer, orgIDs, modelIDs)
			if err != nil {
				return err
			}
			for _, c := range page {
				items := make([]string, 0, len(c.Models))
				for _, m := range c.Models {
					if _, ok := mods[m.CameraModelID]; ok {
						items = append(items, modelKey(mods, m.CameraModelID)+itemOpt("firmware", m.Firmware))
					}
				}
				if err := emit([]any{c.Number, c.StandardCode, orgKey(orgs, c.CertificationBodyOrgID), fmt.Sprint(c.Method),
					orgKey(orgs, c.HolderOrgID), c.IssuedOn.String(), c.ExpiresOn.String(), c.LotRef,
					c.Status.Status, c.StatusReason, c.StatusChangedOn.String(), items}); err != nil {
					return err
				}
			}
			return nil
		})
	case "origin-certificates":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.OriginCertificate], error) {
			return st.FindOriginCertificates(ctx, models.OriginCertificateFilter{}, p)
		}, func(page []models.OriginCertificate) error {
			var orgIDs, modelIDs []string
			for _, o := range page {
				orgIDs = append(orgIDs, deref(o.HolderOrgID))
				for _, m := range o.Models {
					modelIDs = append(modelIDs, m.CameraModelID)
				}
			}
			orgs, mods, err := refs(ctx, st, viewer, orgIDs, modelIDs)
			if err != nil {
				return err
			}
			for _, o := range page {
				items := make([]string, 0, len(o.Models))
				for _, m := range o.Models {
					if _, ok := mods[m.CameraModelID]; ok {
						items = append(items, modelKey(mods, m.CameraModelID))
					}
				}
				if err := emit([]any{o.Number, o.ExportingCountry, o.Form, o.Issuer, o.IssuedOn.String(),
					orgKey(orgs, deref(o.HolderOrgID)), o.LotRef, o.InvoiceRef, o.Status.Status, o.StatusReason,
					o.StatusChangedOn.String(), items}); err != nil {
					return err
				}
			}
			return nil
		})
	case "warnings":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.Warning], error) {
			return st.FindWarnings(ctx, models.WarningFilter{}, p)
		}, func(page []models.Warning) error {
			var orgIDs, modelIDs []string
			for _, w := range page {
				orgIDs = append(orgIDs, w.AuthorityOrgID)
				for _, a := range w.Affected {
					modelIDs = append(modelIDs, a.CameraModelID)
				}
			}
			orgs, mods, err := refs(ctx, st, viewer, orgIDs, modelIDs)
			if err != nil {
				return err
			}
			for _, w := range page {
				items := make([]string, 0, len(w.Affected))
				for _, a := range w.Affected {
					if _, ok := mods[a.CameraModelID]; ok {
						items = append(items, modelKey(mods, a.CameraModelID)+itemOpt("introduced_in", a.IntroducedIn)+itemOpt("fixed_in", a.FixedIn))
					}
				}
				if err := emit([]any{w.Reference, orgKey(orgs, w.AuthorityOrgID), w.Title, w.Summary, w.Severity,
					w.IssuedOn.String(), w.Measure, []string(w.CVEIDs), w.URL, w.Status.Status, w.StatusReason,
					w.StatusChangedOn.String(), items}); err != nil {
					return err
				}
			}
			return nil
		})
	case "listings":
		return eachPage(ctx, func(p models.PageRequest) (models.Page[models.Listing], error) {
			return st.FindListings(ctx, models.ListingFilter{Viewer: &viewer}, p)
		}, func(page []models.Listing) error {
			var orgIDs, modelIDs []string
			for _, l := range page {
				orgIDs = append(orgIDs, l.TraderOrgID)
				modelIDs = append(modelIDs, l.CameraModelID)
			}
			orgs, mods, err := refs(ctx, st, viewer, orgIDs, modelIDs)
			if err != nil {
				return err
			}
			for _, l := range page {
				m, ok := mods[l.CameraModelID]
				if !ok {
					continue
				}
				var price any = ""
				if l.PriceVND != nil {
					price = *l.PriceVND
				}
				if err := emit([]any{orgKey(orgs, l.TraderOrgID), m.Brand, m.ModelNumber, l.Channel, l.URL, l.ShopAddress,
					deref(l.ProvinceName), price, l.FirstSeenOn.String(), l.LastSeenOn.String(), l.Source}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return CheckEntity(entity)
}

// eachPage walks a keyset-paged list to its end.
func eachPage[T any](ctx context.Context, find func(models.PageRequest) (models.Page[T], error), fn func([]T) error) error {
	p := models.PageRequest{Limit: exportPage}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := find(p)
		if err != nil {
			return err
		}
		if err := fn(page.Items); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		p.Cursor = page.NextCursor
	}
}

// refs loads the natural keys of the organizations and of the models the
// viewer may see; a model it may not (a pending registration) is absent,
// and the rows and items that name it are left out.
func refs(ctx context.Context, st *models.Store, viewer models.Actor, orgIDs, modelIDs []string) (map[string]models.OrgRef, map[string]models.ModelRef, error) {
	orgs, err := st.OrgRefs(ctx, orgIDs)
	if err != nil {
		return nil, nil, err
	}
	mods, err := st.ModelRefsAs(ctx, viewer, modelIDs)
	return orgs, mods, err
}

func orgKey(orgs map[string]models.OrgRef, id string) string {
	if id == "" {
		return ""
	}
	return orgs[id].Key()
}

func modelKey(mods map[string]models.ModelRef, id string) string {
	m := mods[id]
	return m.Brand + " " + m.ModelNumber
}

// itemOpt renders an option of a model item, such as " | firmware=V5.5".
func itemOpt(name, value string) string {
	if value == "" {
		return ""
	}
	return " | " + name + "=" + value
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// rowWriter writes rows in one format.
type rowWriter interface {
	row(vals []any) error
	close() error
}

func newRowWriter(format string, w io.Writer, cols []string) (rowWriter, error) {
	switch format {
	case FormatCSV:
		bw := bufio.NewWriterSize(w, 64<<10)
		// A BOM, so that Excel opens the Vietnamese text as UTF-8; the
		// importer skips it.
		if _, err := bw.Write(utf8BOM); err != nil {
			return nil, err
		}
		cw := csv.NewWriter(&crlfWriter{w: bw}) // RFC 4180: records end with CRLF
		if err := cw.Write(cols); err != nil {
			return nil, err
		}
		return &csvWriter{cw: cw, bw: bw}, nil
	case FormatXLSX:
		return newXLSXWriter(w, cols)
	case FormatNDJSON, FormatJSON:
		bw := bufio.NewWriterSize(w, 64<<10)
		jw := &jsonWriter{bw: bw, cols: cols, array: format == FormatJSON}
		if jw.array {
			if _, err := bw.WriteString("["); err != nil {
				return nil, err
			}
		}
		return jw, nil
	}
	return nil, fmt.Errorf("unknown export format %q", format)
}

// cellText renders a value for CSV and XLSX: lists joined by "; ".
func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, "; ")
	}
	return fmt.Sprint(v)
}

type csvWriter struct {
	cw  *csv.Writer
	bw  *bufio.Writer
	buf []string
}

func (c *csvWriter) row(vals []any) error {
	c.buf = c.buf[:0]
	for _, v := range vals {
		c.buf = append(c.buf, NeutraliseCell(cellText(v)))
	}
	return c.cw.Write(c.buf)
}

func (c *csvWriter) close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

type jsonWriter struct {
	bw    *bufio.Writer
	cols  []string
	array bool
	n     int
}

func (j *jsonWriter) row(vals []any) error {
	if j.array {
		sep := ",\n"
		if j.n == 0 {
			sep = "\n"
		}
		if _, err := j.bw.WriteString(sep); err != nil {
			return err
		}
	}
	j.n++
	// A fixed key order, as the columns are written in CSV.
	if err := j.bw.WriteByte('{'); err != nil {
		return err
	}
	for i, c := range j.cols {
		if i > 0 {
			j.bw.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		j.bw.Write(k)
		j.bw.WriteByte(':')
		v := vals[i]
		if l, ok := v.([]string); ok && l == nil {
			v = []string{}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		j.bw.Write(b)
	}
	j.bw.WriteByte('}')
	if !j.array {
		j.bw.WriteByte('\n')
	}
	return nil
}

func (j *jsonWriter) close() error {
	if j.array {
		end := "\n]\n"
		if j.n == 0 {
			end = "]\n"
		}
		if _, err := j.bw.WriteString(end); err != nil {
			return err
		}
	}
	return j.bw.Flush()
}

// xlsxWriter streams rows into a sheet with excelize's StreamWriter, which
// spills to a temporary file rather than holding the sheet in memory.
type xlsxWriter struct {
	f  *excelize.File
	sw *excelize.StreamWriter
	w  io.Writer
	n  int
}

func newXLSXWriter(w io.Writer, cols []string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("start XLSX sheet: %w", err)
	}
	x := &xlsxWriter{f: f, sw: sw, w: w}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c
	}
	if err := x.write(head); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxWriter) write(vals []any) error {
	x.n++
	cell, _ := excelize.CoordinatesToCellName(1, x.n)
	if err := x.sw.SetRow(cell, vals); err != nil {
		return fmt.Errorf("write XLSX row %d: %w", x.n, err)
	}
	return nil
}

func (x *xlsxWriter) row(vals []any) error {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch t := v.(type) {
		case int64:
			out[i] = t
		default:
			out[i] = cellText(v)
		}
	}
	return x.write(out)
}

func (x *xlsxWriter) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("finish XLSX sheet: %w", err)
	}
	if _, err := x.f.WriteTo(x.w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
