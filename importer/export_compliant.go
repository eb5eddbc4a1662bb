package importer

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"camreg/models"
)

// CompliantFormats are the formats of the published list's export.
var CompliantFormats = []string{FormatCSV, FormatXLSX, FormatNDJSON}

// CompliantColumns are the columns of the published list's export: the
// date it is for, the model, and the certificate that makes it compliant.
var CompliantColumns = []string{"at", "brand", "model_number", "name", "kind", "origin_country",
	"certificate_number", "standard_code", "certification_body", "certificate_issued_on", "certificate_expires_on"}

// ExportCompliant streams the list of models compliant on the filter's date
// (the same list as GET /v1/compliant-models), a batch at a time, so memory
// stays flat at any registry size. Errors: models.ErrInvalid for a bad
// filter, and the writer's.
func ExportCompliant(ctx context.Context, st *models.Store, f models.CompliantFilter, at, format string, w io.Writer) error {
	if !slices.Contains(CompliantFormats, format) {
		return fmt.Errorf("unknown export format %q: use one of %s", format, strings.Join(CompliantFormats, ", "))
	}
	out, err := newRowWriter(format, w, CompliantColumns)
	if err != nil {
		return err
	}
	err = st.EachCompliantModel(ctx, f, func(cms []models.CompliantModel) error {
		for _, cm := range cms {
			m := cm.Model
			vals := []any{at, m.Brand, m.ModelNumber, m.Name, m.Kind, m.OriginCountry, "", "", "", "", ""}
			if c := cm.Certificate; c != nil {
				vals[6], vals[7], vals[8], vals[9], vals[10] = c.Number, c.StandardCode, c.CertificationBody,
					c.IssuedOn.String(), c.ExpiresOn.String()
			}
			if err := out.row(vals); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.close()
}
