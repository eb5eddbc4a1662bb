package api

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"camreg/models"
)

// The record's fonts: DejaVu Sans (Debian's fonts-dejavu-core; licence in
// fonts/LICENSE), which covers every Vietnamese letter. fpdf embeds only
// the glyphs the record uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

// recordText is the record's wording in one language.
type recordText struct {
	title, subtitle, number, date, time, place, office, inspector, trader, name, taxCode, address string
	items, quantity, verdict, model, matchedAs, label, pending, notInRegistry, findings           string
	noFindings, notes, none, traderSign, inspectorSign, signHint, scan, page                      string
	verdicts, violations                                                                          map[string]string
}

var recordTexts = map[string]recordText{
	models.LangVI: {
		title: "BIÊN BẢN KIỂM TRA", subtitle: "Camera giám sát lưu thông trên thị trường", number: "Số",
		date: "Ngày kiểm tra", time: "Giờ lập biên bản", place: "Địa điểm", office: "Cơ quan kiểm tra",
		inspector: "Người kiểm tra", trader: "Bên được kiểm tra", name: "Tên", taxCode: "Mã số thuế", address: "Địa chỉ",
		items: "Hàng hóa được kiểm tra", quantity: "Số lượng", verdict: "Kết quả", model: "Model trong cơ sở dữ liệu",
		matchedAs: "Ghi trên nhãn", label: "Nhãn ghi", pending: "Chờ người kiểm tra xác nhận model: chưa kết luận",
		notInRegistry: "Người kiểm tra xác nhận: không có trong cơ sở dữ liệu", findings: "Vi phạm ghi nhận",
		noFindings: "Không ghi nhận vi phạm.", notes: "Ghi chú", none: "(không có)",
		traderSign: "ĐẠI DIỆN BÊN ĐƯỢC KIỂM TRA", inspectorSign: "NGƯỜI KIỂM TRA", signHint: "(Ký, ghi rõ họ tên)",
		scan: "Quét mã để xem biên bản", page: "Trang",
		verdicts: map[string]string{models.VerdictCompliant: "Đạt", models.VerdictNonCompliant: "Không đạt",
			models.VerdictWarning: "Cần lưu ý", models.VerdictUnknown: "Chưa xác định"},
		violations: map[string]string{
			models.ReasonNoCertificate: "Không có giấy chứng nhận hợp quy", models.ReasonCertificateExpired: "Giấy chứng nhận hợp quy hết hạn",
			models.ReasonCertificateRevoked: "Giấy chứng nhận hợp quy bị thu hồi", models.ReasonCertificateSuspended: "Giấy chứng nhận hợp quy bị đình chỉ",
			models.ReasonWarnedModel: "Model bị cảnh báo", models.ReasonBannedModel: "Model bị cấm lưu thông",
			models.ReasonNoOriginProof: "Không có chứng từ xuất xứ", models.ReasonUnregistered: "Không có trong cơ sở dữ liệu",
			models.ViolationOther: "Vi phạm khác"},
	},
	models.LangEN: {
		title: "INSPECTION RECORD", subtitle: "Surveillance cameras on the market", number: "No.",
		date: "Date of inspection", time: "Time of record", place: "Place", office: "Inspecting office",
		inspector: "Inspector", trader: "Inspected trader", name: "Name", taxCode: "Tax code", address: "Address",
		items: "Goods inspected", quantity: "Quantity", verdict: "Verdict", model: "Registry model",
		matchedAs: "As labelled", label: "Label reads", pending: "Awaiting the inspector's confirmation of the model: no conclusion",
		notInRegistry: "Confirmed by the inspector: not in the registry", findings: "Findings",
		noFindings: "No findings.", notes: "Notes", none: "(none)",
		traderSign: "FOR THE INSPECTED TRADER", inspectorSign: "INSPECTOR", signHint: "(signature and full name)",
		scan: "Scan to view this record", page: "Page",
		verdicts: map[string]string{models.VerdictCompliant: "Compliant", models.VerdictNonCompliant: "Non-compliant",
			models.VerdictWarning: "Warning", models.VerdictUnknown: "Unknown"},
		violations: map[string]string{
			models.ReasonNoCertificate: "No certificate of conformity", models.ReasonCertificateExpired: "Certificate expired",
			models.ReasonCertificateRevoked: "Certificate revoked", models.ReasonCertificateSuspended: "Certificate suspended",
			models.ReasonWarnedModel: "Model under a warning", models.ReasonBannedModel: "Model banned",
			models.ReasonNoOriginProof: "No proof of origin", models.ReasonUnregistered: "Not in the registry",
			models.ViolationOther: "Other violation"},
	},
}

// label names a code in the record's language, the code itself when the
// record has no name for it.
func label(names map[string]string, code string) string {
	if s, ok := names[code]; ok {
		return s
	}
	return code
}

// getInspectionRecord godoc
//
//	@Summary		The inspection's signed-off record (biên bản), as an A4 PDF
//	@Description	The record's number, date and time, place, office and inspector; the trader with its tax code and address; every item with its verdict, reasons and evidence numbers (certificate, warning reference, C/O); the findings; the notes; signature lines for the inspector and the trader's representative; and a QR code linking to the inspection's page. Vietnamese by default, English with lang=en. Fonts with every Vietnamese letter are embedded. Only who may GET the inspection may read it.
//	@Tags			inspections
//	@Produce		application/pdf
//	@Security		BearerKey
//	@Param			id		path		string	true	"inspection id"
//	@Param			lang	query		string	false	"vi (default) or en"	Enums(vi, en)
//	@Success		200		{file}		file	"the record"
//	@Header			200		{string}	ETag	"weak: the record's version and language; send it as If-None-Match for a 304"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem	"no such inspection, or another organization's (for a vendor)"
//	@Failure		422		{object}	Problem
//	@Router			/v1/inspections/{id}/record.pdf [get]
func (s *Server) getInspectionRecord(c echo.Context) error {
	q := newQuery(c, "lang")
	lang := q.str("lang")
	if err := q.err(nil); err != nil {
		return err
	}
	switch lang {
	case "", models.LangVI:
		lang = models.LangVI
	case models.LangEN:
	default:
		return fieldProblem([]models.FieldError{{Field: "lang", Message: "must be vi or en"}})
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rec, err := s.store.GetInspectionRecord(c.Request().Context(), mustActor(c), id)
	if err != nil {
		return err
	}
	// A weak tag (RFC 9110 §8.8.1): the record's version and language
	// decide what it says, but its bytes also hold the latest signed
	// checkpoint, which grows with the log, and the link under its QR code.
	tag := fmt.Sprintf(`W/"%d-%s"`, rec.Inspection.Version, lang)
	if notModifiedTag(c, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	pdf, err := renderRecord(rec, lang, s.publicBase(c)+"/#inspection/"+rec.Inspection.ID, s.logFootnote(c, lang))
	if err != nil {
		return err
	}
	name := rec.Inspection.ID
	if rec.Inspection.Number != nil {
		name = *rec.Inspection.Number
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	h.Set("ETag", tag)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// renderRecord draws the record on A4 pages. logLine names the signed
// checkpoint of the change log that holds the inspection (its size and
// fingerprint), against which the record's verdicts can be checked; it is
// empty when the registry signs no checkpoints.
func renderRecord(rec *models.InspectionRecord, lang, pageURL, logLine string) ([]byte, error) {
	t := recordTexts[lang]
	insp := rec.Inspection
	number := ""
	if insp.Number != nil {
		number = *insp.Number
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(insp.CreatedAt)
	p.SetModificationDate(insp.UpdatedAt)
	p.SetTitle(t.title+" "+number, true)
	p.SetLang(lang)
	p.AddUTF8FontFromBytes("DejaVu", "", dejaVuSans)
	p.AddUTF8FontFromBytes("DejaVu", "B", dejaVuSansBold)
	p.SetMargins(18, 16, 18)
	p.SetAutoPageBreak(true, 18)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont("DejaVu", "", 8)
		p.CellFormat(0, 5, fmt.Sprintf("%s %s · %s %d/{nb}", t.number, number, t.page, p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	width, _ := p.GetPageSize()
	left, _, right, _ := p.GetMargins()
	body := width - left - right

	// The QR code, top right.
	qr, err := qrcode.Encode(pageURL, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("record QR code: %w", err)
	}
	p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	p.ImageOptions("qr", width-right-26, 12, 26, 26, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, pageURL)
	p.SetFont("DejaVu", "", 6.5)
	p.SetXY(width-right-30, 38)
	p.CellFormat(34, 3, t.scan, "", 0, "C", false, 0, "")

	// The heading.
	p.SetXY(left, 18)
	p.SetFont("DejaVu", "B", 15)
	p.CellFormat(body, 8, t.title, "", 1, "C", false, 0, "")
	p.SetFont("DejaVu", "", 10)
	p.CellFormat(body, 5, t.subtitle, "", 1, "C", false, 0, "")
	p.SetFont("DejaVu", "B", 11)
	p.CellFormat(body, 6, t.number+": "+number, "", 1, "C", false, 0, "")
	p.SetY(44)

	field := func(name, value string) {
		if value == "" {
			value = t.none
		}
		p.SetFont("DejaVu", "B", 10)
		w := p.GetStringWidth(name+": ") + 1
		p.CellFormat(w, 5.5, name+": ", "", 0, "L", false, 0, "")
		p.SetFont("DejaVu", "", 10)
		p.MultiCell(body-w, 5.5, value, "", "L", false)
	}
	section := func(title string) {
		p.Ln(2)
		p.SetFont("DejaVu", "B", 11)
		p.CellFormat(body, 7, title, "B", 1, "L", false, 0, "")
		p.Ln(1)
	}

	vn, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	at := insp.CreatedAt
	if vn != nil {
		at = at.In(vn)
	}
	field(t.date, insp.InspectedOn.String())
	field(t.time, at.Format("15:04"))
	place := insp.Place
	if insp.ProvinceName != nil && *insp.ProvinceName != "" && !strings.Contains(place, *insp.ProvinceName) {
		place = strings.TrimSpace(strings.TrimSuffix(place+", "+*insp.ProvinceName, ", "))
		place = strings.TrimPrefix(place, ", ")
	}
	field(t.place, place)
	if rec.Office != nil {
		field(t.office, rec.Office.Name)
	}
	field(t.inspector, insp.Inspector)

	section(t.trader)
	field(t.name, rec.Trader.Name)
	tax := ""
	if rec.Trader.TaxCode != nil {
		tax = *rec.Trader.TaxCode
	}
	field(t.taxCode, tax)
	addr := rec.Trader.Address
	if rec.Trader.ProvinceName != nil && *rec.Trader.ProvinceName != "" && !strings.Contains(addr, *rec.Trader.ProvinceName) {
		addr = strings.TrimPrefix(addr+", "+*rec.Trader.ProvinceName, ", ")
	}
	field(t.address, addr)

	section(t.items)
	for i, it := range insp.Items {
		p.SetFont("DejaVu", "B", 10)
		head := fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(it.Brand+" "+it.ModelText))
		p.MultiCell(body, 5.5, head, "", "L", false)
		p.SetFont("DejaVu", "", 9.5)
		indent := func(s string) {
			p.SetX(left + 5)
			p.MultiCell(body-5, 5, s, "", "L", false)
		}
		line := t.quantity + ": " + strconv.Itoa(it.Quantity)
		if it.Firmware != "" {
			line += " · firmware " + it.Firmware
		}
		if it.GTIN != "" {
			line += " · GTIN " + it.GTIN
		}
		indent(line)
		if it.CameraModelID != nil {
			if m, ok := rec.Models[*it.CameraModelID]; ok {
				indent(t.model + ": " + m.Brand + " " + m.ModelNumber)
			}
		}
		switch it.Resolution {
		case models.ResolutionNeedsConfirmation:
			indent(t.verdict + ": " + t.pending)
			continue
		case models.ResolutionNotInRegistry:
			indent(t.verdict + ": " + t.notInRegistry)
			if it.LabelText != "" {
				indent(t.label + ": " + it.LabelText)
			}
		default:
			p.SetFont("DejaVu", "B", 9.5)
			indent(t.verdict + ": " + label(t.verdicts, it.Verdict))
			p.SetFont("DejaVu", "", 9.5)
		}
		for _, r := range it.Reasons {
			indent("– " + r.Message(lang) + evidenceNumbers(r))
		}
		p.Ln(1)
	}

	section(t.findings)
	p.SetFont("DejaVu", "", 10)
	if len(rec.Findings) == 0 {
		p.MultiCell(body, 5.5, t.noFindings, "", "L", false)
	}
	for i, f := range rec.Findings {
		what := label(t.violations, f.Violation)
		subject := strings.TrimSpace(f.Brand + " " + f.ModelText)
		line := fmt.Sprintf("%d. %s: %s", i+1, what, subject)
		if f.Notes != "" {
			line += " (" + f.Notes + ")"
		}
		p.MultiCell(body, 5.5, line, "", "L", false)
	}

	section(t.notes)
	p.SetFont("DejaVu", "", 10)
	notes := insp.Notes
	if notes == "" {
		notes = t.none
	}
	p.MultiCell(body, 5.5, notes, "", "L", false)

	// The signatures: both on one page, with room to sign.
	_, pageH := p.GetPageSize()
	if p.GetY() > pageH-70 {
		p.AddPage()
	}
	p.Ln(8)
	y := p.GetY()
	half := body / 2
	for i, who := range []string{t.traderSign, t.inspectorSign} {
		x := left + float64(i)*half
		p.SetXY(x, y)
		p.SetFont("DejaVu", "B", 10)
		p.CellFormat(half, 5.5, who, "", 2, "C", false, 0, "")
		p.SetX(x)
		p.SetFont("DejaVu", "", 9)
		p.CellFormat(half, 5, t.signHint, "", 2, "C", false, 0, "")
	}
	p.SetXY(left+half, y+35)
	p.SetFont("DejaVu", "B", 10)
	p.CellFormat(half, 5.5, insp.Inspector, "", 0, "C", false, 0, "")
	if logLine != "" {
		p.SetXY(left, y+46)
		p.SetFont("DejaVu", "", 8)
		p.MultiCell(body, 4.5, logLine, "", "L", false)
	}

	var out bytes.Buffer
	if err := p.Output(&out); err != nil {
		return nil, fmt.Errorf("render the record: %w", err)
	}
	return out.Bytes(), nil
}

// evidenceNumbers names a reason's documents: certificate number, warning
// reference, C/O number.
func evidenceNumbers(r models.Reason) string {
	var ns []string
	for _, n := range []string{r.Evidence.CertificateNumber, r.Evidence.WarningReference, r.Evidence.OriginNumber} {
		if n != "" {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return ""
	}
	return " [" + strings.Join(ns, ", ") + "]"
}
