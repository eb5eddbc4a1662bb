package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// rowFields flattens a summary's errors to "line:field" strings.
func rowFields(sum *importer.Summary) []string {
	var out []string
	for _, e := range sum.Errors {
		for _, f := range e.Errors {
			out = append(out, strconv.Itoa(e.Line)+":"+f.Field)
		}
	}
	slices.Sort(out)
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, st *models.Store) map[string]int64 {
	t.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func run(st *models.Store, entity, path string, opts importer.Options) (*importer.Summary, error) {
	opts.Entity = entity
	if opts.Actor.Role == "" {
		opts.Actor = models.System("import-test")
	}
	return importer.Import(context.Background(), st, path, opts)
}

// TestCSVQuirksAllOrNothing imports a semicolon CSV with a BOM, a title
// row, blank lines, headers without diacritics, an invalid tax code, a
// duplicate row and a row with two errors.
func TestCSVQuirksAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		path := filepath.Join("testdata", "organizations_bom_semicolon.csv")
		wantErrs := []string{"10:kind", "10:province", "7:tax_code", "9:tax_code"}

		// The default: one invalid row, nothing written.
		sum, err := run(st, "organizations", path, importer.Options{})
		if !errors.Is(err, importer.ErrRowsInvalid) {
			t.Fatalf("err = %v, want ErrRowsInvalid", err)
		}
		if got := rowFields(sum); !slices.Equal(got, wantErrs) {
			t.Fatalf("row errors %v, want %v (%+v)", got, wantErrs, sum.Errors)
		}
		if sum.Rows != 6 || sum.Invalid != 3 || sum.Written {
			t.Fatalf("summary %+v", sum)
		}
		if c := counts(t, st); c["organizations"] != 0 || c["events"] != 0 {
			t.Fatalf("an all-or-nothing import with invalid rows wrote: %v", c)
		}

		// A dry run counts what would happen, and writes nothing either.
		sum, err = run(st, "organizations", path, importer.Options{DryRun: true})
		if err != nil || sum.Created != 3 || sum.Invalid != 3 {
			t.Fatalf("dry run: %v %+v", err, sum)
		}
		if c := counts(t, st); c["organizations"] != 0 || c["events"] != 0 {
			t.Fatalf("a dry run wrote: %v", c)
		}

		// --skip-invalid writes the three valid rows.
		sum, err = run(st, "organizations", path, importer.Options{SkipInvalid: true})
		if err != nil || sum.Created != 3 || sum.Invalid != 3 || !sum.Written {
			t.Fatalf("skip-invalid: %v %+v", err, sum)
		}
		if got := rowFields(sum); !slices.Equal(got, wantErrs) {
			t.Fatalf("row errors %v, want %v", got, wantErrs)
		}
		o, err := st.OrganizationByTaxCode(context.Background(), "0314409058")
		if err != nil || o.Address != "45 Lê Lợi; Quận 1" || deref(o.ProvinceCode) != "79" || o.Kind != models.OrgRetailer {
			t.Fatalf("row 6 stored as %+v (%v)", o, err)
		}
		body, err := st.OrganizationsByName(context.Background(), "trung tam kiem dinh quatest 9", models.OrgCertificationBody)
		if err != nil || len(body) != 1 {
			t.Fatalf("the organization without a tax code: %v %v", body, err)
		}
		events := counts(t, st)["events"]

		// Again: nothing changes, not even the change log.
		sum, err = run(st, "organizations", path, importer.Options{SkipInvalid: true})
		if err != nil || sum.Unchanged != 3 || sum.Created+sum.Updated != 0 {
			t.Fatalf("second import: %v %+v", err, sum)
		}
		if c := counts(t, st); c["events"] != events || c["organizations"] != 3 {
			t.Fatalf("second import wrote: %v", c)
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// writeCertificatesXLSX builds a workbook in the shape authorities
// publish: a merged title row, a blank row, Vietnamese headers on row 3,
// dates as Excel serials and as text, a tax code stored as a number (its
// leading zero lost), models as a list cell, and one row with three errors.
// The data sits on the second sheet, after a notes sheet.
func writeCertificatesXLSX(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("Danh sách"); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sh := "Danh sách"
	must(f.SetCellValue("Sheet1", "A1", "Ghi chú: dữ liệu ở trang sau"))
	must(f.SetCellValue(sh, "A1", "DANH SÁCH GIẤY CHỨNG NHẬN HỢP QUY CAMERA GIÁM SÁT"))
	must(f.MergeCell(sh, "A1", "I1"))
	headers := []any{"Số chứng nhận", "Quy chuẩn", "Tổ chức chứng nhận", "Phương thức", "Mã số thuế", "Ngày cấp", "Ngày hết hạn", "Hãng sản xuất", "Model"}
	must(f.SetSheetRow(sh, "A3", &headers))
	body := "Trung tâm Kỹ thuật Đo lường Chất lượng 1 (Quatest 1)"
	rows := [][]any{
		{"TEST-XLSX-0001", "QCVN 135:2024/BTTTT", body, 5, 110934820, 45717, 46812, "Hikvision", "DS-2CD1023G0E-I\nDS-2CD2143G2-IU"},
		{"TEST-XLSX-0002", "QCVN 135:2024/BTTTT", body, "1", "0110934820", "01/03/2025", "28-02-2028", "", "Dahua IPC-HFW1230S-S5; KBVision KX-A2111N2 | firmware=2.800.0000000.16.R"},
		{"TEST-XLSX-0003", "QCVN 135:2024/BTTTT", "Quatest 99", 5, "0110934820", "31/02/2025", "2028-03-01", "", "Hikvision DS-NOPE"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		must(f.SetSheetRow(sh, cell, &r))
	}
	// Show the serials as dates, as a real workbook would; the importer
	// reads the raw serial either way.
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle(sh, "F4", "G4", style))
	must(f.SaveAs(path))
}

func TestXLSXTitleRowsSerialDatesAndSheet(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "chung-nhan.xlsx")
		writeCertificatesXLSX(t, path)

		// The first sheet holds only a note: no header row there.
		if _, err := run(st, "certificates", path, importer.Options{SkipInvalid: true}); err == nil || !strings.Contains(err.Error(), "no header row") {
			t.Fatalf("first sheet: %v", err)
		}
		sum, err := run(st, "certificates", path, importer.Options{Sheet: "Danh sách", SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		if sum.PosKind != "row" || sum.Created != 2 || sum.Invalid != 1 {
			t.Fatalf("summary %+v", sum)
		}
		want := []string{"6:certification_body", "6:issued_on", "6:models"}
		if got := rowFields(sum); !slices.Equal(got, want) {
			t.Fatalf("row errors %v, want %v (%+v)", got, want, sum.Errors)
		}
		c, err := st.CertificateByNumber(ctx, "TEST-XLSX-0001")
		if err != nil {
			t.Fatal(err)
		}
		if c.IssuedOn.String() != "2025-03-01" || c.ExpiresOn.String() != "2028-02-29" {
			t.Errorf("serial dates read as %s and %s", c.IssuedOn, c.ExpiresOn)
		}
		full, _ := st.GetCertificate(ctx, c.ID)
		holder, _ := st.GetOrganization(ctx, c.HolderOrgID)
		if len(full.Models) != 2 || deref(holder.TaxCode) != "0110934820" {
			t.Errorf("models %v, holder %v", full.Models, holder.TaxCode)
		}
		c2, _ := st.CertificateByNumber(ctx, "TEST-XLSX-0002")
		full2, _ := st.GetCertificate(ctx, c2.ID)
		if c2.IssuedOn.String() != "2025-03-01" || c2.ExpiresOn.String() != "2028-02-28" || len(full2.Models) != 2 {
			t.Errorf("text dates and models: %s %s %v", c2.IssuedOn, c2.ExpiresOn, full2.Models)
		}
		fw := 0
		for _, m := range full2.Models {
			if m.Firmware == "2.800.0000000.16.R" {
				fw++
			}
		}
		if fw != 1 {
			t.Errorf("the firmware option was not kept: %+v", full2.Models)
		}
	})
}

func TestJSONAndNDJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		sum, err := run(st, "models", filepath.Join("testdata", "models.json"), importer.Options{SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"3:brand", "4:brand", "4:kind", "4:origin_country"}
		if got := rowFields(sum); sum.PosKind != "record" || !slices.Equal(got, want) || sum.Created != 2 {
			t.Fatalf("models.json: %v, want %v; %+v", got, want, sum)
		}
		if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "Ghi chú") {
			t.Errorf("warnings %v, want the unknown header reported", sum.Warnings)
		}
		m, err := st.ModelByKeys(ctx, "tiandy", "tcc32xn")
		if err != nil || !slices.Equal([]string(m.FirmwareVersions), []string{"V4.1.0", "V4.2.3"}) || m.OriginCountry != "CN" || m.RegistrantOrgID == nil {
			t.Fatalf("model from JSON: %+v %v", m, err)
		}

		sum, err = run(st, "listings", filepath.Join("testdata", "listings.ndjson"), importer.Options{SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		want = []string{"4:", "5:model_number", "5:trader", "5:url"}
		if got := rowFields(sum); sum.PosKind != "line" || !slices.Equal(got, want) || sum.Created != 2 {
			t.Fatalf("listings.ndjson: %v, want %v; %+v", got, want, sum)
		}
		sum, err = run(st, "listings", filepath.Join("testdata", "listings.ndjson"), importer.Options{SkipInvalid: true})
		if err != nil || sum.Unchanged != 2 || sum.Created != 0 {
			t.Fatalf("listings again: %v %+v", err, sum)
		}
	})
}

// TestVendorImportsOnlyItsOwn: a vendor's rows are forced into its own
// organization, and rows that touch another organization's objects are
// row errors.
func TestVendorImportsOnlyItsOwn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		own, err := st.OrganizationByTaxCode(ctx, "0110934820")
		if err != nil {
			t.Fatal(err)
		}
		vendor := models.Actor{Role: models.RoleVendor, OrgID: own.ID, Name: "vendor", Prefix: "vendor000001"}
		dir := t.TempDir()
		path := filepath.Join(dir, "models.csv")
		writeFile(t, path, "brand,model_number,name,registrant\n"+
			"Tiandy,TC-NEW-1,Mới,\n"+ // forced to the vendor's organization
			"Tiandy,TC-NEW-2,Mới,0314572600\n"+ // names another organization
			"Dahua,IPC-HFW1230S-S5,Đổi tên,\n") // registered by another organization
		sum, err := run(st, "models", path, importer.Options{Actor: vendor, SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := rowFields(sum); sum.Created != 1 || !slices.Equal(got, []string{"3:registrant", "4:"}) {
			t.Fatalf("vendor models: %v %+v", got, sum)
		}
		m, _ := st.ModelByKeys(ctx, "tiandy", "tcnew1")
		if m == nil || deref(m.RegistrantOrgID) != own.ID {
			t.Fatalf("vendor's model: %+v", m)
		}
		if _, err := run(st, "certificates", path, importer.Options{Actor: vendor}); !errors.Is(err, models.ErrForbidden) {
			t.Fatalf("vendor importing certificates: %v", err)
		}
	})
}

func TestDuplicateRowsAndMap(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		path := filepath.Join(t.TempDir(), "brands.csv")
		writeFile(t, path, "Nhà SX,Ký hiệu,Tên gọi\nAxis,M3086-V,Camera dome\nAXIS,m3086v,Trùng\nAxis,P1465-LE,Thân trụ\n")
		if _, err := run(st, "models", path, importer.Options{}); err == nil {
			t.Fatal("unmapped headers were accepted")
		}
		m, err := importer.ParseMap([]string{"Nhà SX=brand", "ky hieu=model_number", "Tên gọi=name"})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := run(st, "models", path, importer.Options{Map: m, SkipInvalid: true})
		if err != nil || sum.Created != 2 || !slices.Equal(rowFields(sum), []string{"3:brand"}) {
			t.Fatalf("%v %+v", err, sum)
		}
		if !strings.Contains(sum.Errors[0].Errors[0].Message, "line 2") {
			t.Errorf("the duplicate does not name the first line: %v", sum.Errors[0])
		}
	})
}
