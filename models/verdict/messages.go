package verdict

import (
	"fmt"
	"strconv"
	"strings"

	"camreg/civil"
)

// Languages of reason messages.
const (
	LangVI = "vi"
	LangEN = "en"
)

// Message writes the reason as a sentence in Vietnamese (lang "vi", the
// default) or English ("en").
//
// The sentences are joined with + rather than fmt.Sprintf: a cold verify
// (every answer new) spent 2.7% of the server's CPU in Sprintf and its
// boxed arguments (BENCHMARKS.md, "Verify cold: messages without Sprintf,
// the answer straight from the engine's"); the text is byte for byte the
// same.
func (r Reason) Message(lang string) string {
	en := lang == LangEN
	e := r.Evidence
	day := func(d civil.Date) string { return FormatDay(d, en) }
	switch r.Code {
	case ReasonCertificateValid:
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " against " + e.StandardCode + " is valid (issued " + day(e.IssuedOn) + expiresEN(e) + ")."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " theo " + e.StandardCode + " còn hiệu lực (cấp ngày " + day(e.IssuedOn) + expiresVI(e) + ")."
	case ReasonFirmwareOnly:
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " covers firmware " + e.Firmware + " only; check the device's firmware."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " chỉ áp dụng cho firmware " + e.Firmware + "; hãy đối chiếu firmware của thiết bị."
	case ReasonCertificateExpired:
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " expired on " + day(e.ExpiresOn) + "."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " đã hết hạn ngày " + day(e.ExpiresOn) + "."
	case ReasonCertificateRevoked:
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " was revoked effective " + day(e.StatusChangedOn) + because(e.StatusReason, true) + "."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " bị thu hồi từ ngày " + day(e.StatusChangedOn) + because(e.StatusReason, false) + "."
	case ReasonCertificateSuspended:
		if e.StatusChangedOn.IsZero() {
			if en {
				return "Certificate of conformity " + e.CertificateNumber + " was suspended on that date."
			}
			return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " bị đình chỉ vào ngày này."
		}
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " is suspended since " + day(e.StatusChangedOn) + because(e.StatusReason, true) + "."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " bị đình chỉ từ ngày " + day(e.StatusChangedOn) + because(e.StatusReason, false) + "."
	case ReasonStandardNotInForce:
		if en {
			return "Certificate of conformity " + e.CertificateNumber + " is against " + e.StandardCode + ", which is not in force on " + day(e.On) + replacedEN(e) + "."
		}
		return "Giấy chứng nhận hợp quy " + e.CertificateNumber + " được cấp theo " + e.StandardCode + ", quy chuẩn không có hiệu lực vào ngày " + day(e.On) + replacedVI(e) + "."
	case ReasonNoCertificate:
		if en {
			return "No valid certificate of conformity; certification against " + e.StandardCode + " is mandatory since " + day(e.MandatoryFrom) + "."
		}
		return "Không có giấy chứng nhận hợp quy còn hiệu lực; chứng nhận hợp quy theo " + e.StandardCode + " là bắt buộc từ ngày " + day(e.MandatoryFrom) + "."
	case ReasonNotRequired:
		if e.StandardCode != "" {
			if en {
				return "On " + day(e.On) + " no standard made certification mandatory yet (" + e.StandardCode + " is mandatory from " + day(e.MandatoryFrom) + ")."
			}
			return "Ngày " + day(e.On) + " chưa có quy chuẩn nào bắt buộc chứng nhận hợp quy (" + e.StandardCode + " bắt buộc từ ngày " + day(e.MandatoryFrom) + ")."
		}
		if en {
			return "On " + day(e.On) + " no standard made certification mandatory."
		}
		return "Ngày " + day(e.On) + " không có quy chuẩn nào bắt buộc chứng nhận hợp quy."
	case ReasonWarnedModel, ReasonBannedModel:
		var head string
		if en {
			head = "Warning " + e.WarningReference + " of " + day(e.IssuedOn) + ": " + e.WarningTitle + ". Measure: " + strings.ReplaceAll(e.Measure, "_", " ")
		} else {
			head = "Cảnh báo " + e.WarningReference + " ngày " + day(e.IssuedOn) + ": " + e.WarningTitle + ". Biện pháp: " + MeasureVI[e.Measure]
		}
		if e.ModelNumber != "" {
			// One candidate of an ambiguous match (candidateWarnings).
			head = e.Brand + " " + e.ModelNumber + ": " + head
		}
		return head + firmwareScope(e, en) + "."
	case ReasonFirmwareNotAffected:
		if en {
			return "Firmware " + e.Firmware + " is outside the range of warning " + e.WarningReference + rangeText(e, true) + "."
		}
		return "Firmware " + e.Firmware + " nằm ngoài phạm vi ảnh hưởng của cảnh báo " + e.WarningReference + rangeText(e, false) + "."
	case ReasonNoOriginProof:
		if en {
			return "Imported model (origin " + e.OriginCountry + "), but the registry holds no valid certificate of origin (C/O); ask for the lot's origin papers."
		}
		return "Mẫu nhập khẩu (xuất xứ " + e.OriginCountry + ") nhưng cơ sở dữ liệu không có giấy chứng nhận xuất xứ (C/O) còn hiệu lực; hãy yêu cầu chứng từ xuất xứ của lô hàng."
	case ReasonOriginProof:
		if en {
			return "Certificate of origin " + e.OriginNumber + " (form " + e.OriginForm + ", exported from " + e.ExportingCountry + ", issued " + day(e.IssuedOn) + ")."
		}
		return "Có giấy chứng nhận xuất xứ " + e.OriginNumber + " (mẫu " + e.OriginForm + ", nước xuất khẩu " + e.ExportingCountry + ", cấp ngày " + day(e.IssuedOn) + ")."
	case ReasonOriginProofUnconfirmed:
		if en {
			return "Certificate of origin " + e.OriginNumber + " (form " + e.OriginForm + ", issued " + day(e.IssuedOn) + ") declared by the vendor and not confirmed: not taken as proof of origin."
		}
		return "Doanh nghiệp tự khai giấy chứng nhận xuất xứ " + e.OriginNumber + " (mẫu " + e.OriginForm + ", cấp ngày " + day(e.IssuedOn) + "), chưa được xác nhận: chưa coi là chứng từ xuất xứ."
	case ReasonUnregistered:
		if en {
			return "Not found in the registry: no registered model matches “" + e.Query + "”" + brandEN(e.Brand) + ". This alone does not prove the model is unregistered; check the number on the label."
		}
		return "Không tìm thấy trong cơ sở dữ liệu đăng ký: không có mẫu camera nào khớp với “" + e.Query + "”" + brandVI(e.Brand) + ". Điều này chưa chứng minh mẫu chưa đăng ký; hãy kiểm tra lại số hiệu trên nhãn."
	case ReasonAmbiguousMatch:
		if en {
			return strconv.Itoa(e.Candidates) + " models nearly match “" + e.Query + "”; give the brand and the full model number."
		}
		return "Có " + strconv.Itoa(e.Candidates) + " mẫu camera gần khớp với “" + e.Query + "”; hãy ghi rõ hãng và số hiệu đầy đủ."
	case ReasonPossibleMatch:
		if en {
			return "Near match: “" + e.Query + "” may be " + e.Brand + " " + e.ModelNumber + "; check the model number on the label."
		}
		return "Khớp gần đúng: “" + e.Query + "” có thể là " + e.Brand + " " + e.ModelNumber + "; hãy đối chiếu số hiệu trên nhãn."
	case ReasonGTINMismatch:
		if en {
			return "The box's barcode (GTIN " + e.GTIN + ") belongs to " + e.Brand + " " + e.ModelNumber + ", not to “" + e.Query + "”" + brandEN(e.TypedBrand) + ": this answer is for the number typed; compare the label with the box."
		}
		return "Mã vạch trên hộp (GTIN " + e.GTIN + ") thuộc mẫu " + e.Brand + " " + e.ModelNumber + ", không phải “" + e.Query + "”" + brandVI(e.TypedBrand) + ": kết quả này là của số hiệu đã nhập; hãy đối chiếu nhãn với hộp."
	case ReasonPending:
		if en {
			return "The model's registration is pending verification."
		}
		return "Hồ sơ đăng ký mẫu camera đang chờ xác minh."
	}
	return r.Code
}

// MeasureVI names a warning's measure in Vietnamese.
var MeasureVI = map[string]string{
	"update_firmware": "cập nhật firmware",
	"stop_sale":       "dừng kinh doanh",
	"recall":          "thu hồi sản phẩm",
	"ban":             "cấm sử dụng",
}

// FormatDay writes a date as YYYY-MM-DD in English and DD/MM/YYYY in
// Vietnamese, and "?" for no date.
func FormatDay(d civil.Date, en bool) string {
	if d.IsZero() {
		return "?"
	}
	if en {
		return d.String()
	}
	y, m, dd := d.Year(), int(d.Month()), d.Day()
	if y < 0 || y > 9999 {
		return fmt.Sprintf("%02d/%02d/%04d", dd, m, y)
	}
	b := [10]byte{byte('0' + dd/10), byte('0' + dd%10), '/', byte('0' + m/10), byte('0' + m%10), '/',
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)}
	return string(b[:])
}

func expiresVI(e Evidence) string {
	if e.ExpiresOn.IsZero() {
		if e.LotRef != "" {
			return ", chứng nhận theo lô: " + e.LotRef
		}
		return ""
	}
	return ", hết hạn ngày " + FormatDay(e.ExpiresOn, false)
}

func expiresEN(e Evidence) string {
	if e.ExpiresOn.IsZero() {
		if e.LotRef != "" {
			return ", lot certificate: " + e.LotRef
		}
		return ""
	}
	return ", expires " + FormatDay(e.ExpiresOn, true)
}

func because(reason string, en bool) string {
	if reason == "" {
		return ""
	}
	if en {
		return " (" + reason + ")"
	}
	return " (lý do: " + reason + ")"
}

func replacedVI(e Evidence) string {
	s := ""
	if !e.StandardTo.IsZero() {
		s += "; hết hiệu lực sau ngày " + FormatDay(e.StandardTo, false)
	}
	if e.SupersededBy != "" {
		s += ", được thay thế bởi " + e.SupersededBy
	}
	return s
}

func replacedEN(e Evidence) string {
	s := ""
	if !e.StandardTo.IsZero() {
		s += "; it ceased to apply after " + FormatDay(e.StandardTo, true)
	}
	if e.SupersededBy != "" {
		s += ", superseded by " + e.SupersededBy
	}
	return s
}

// firmwareScope says which firmware a warning covers, and whether the
// firmware given falls in it.
func firmwareScope(e Evidence, en bool) string {
	if e.IntroducedIn == "" && e.FixedIn == "" {
		return ""
	}
	r := rangeText(e, en)
	if e.Firmware == "" {
		if en {
			return r + "; no firmware was given, so the device may be affected"
		}
		return r + "; chưa cho biết firmware nên thiết bị có thể bị ảnh hưởng"
	}
	if en {
		return r + "; firmware " + e.Firmware + " is affected"
	}
	return r + "; firmware " + e.Firmware + " bị ảnh hưởng"
}

func rangeText(e Evidence, en bool) string {
	switch {
	case e.IntroducedIn != "" && e.FixedIn != "":
		if en {
			return " (affects firmware from " + e.IntroducedIn + ", fixed in " + e.FixedIn + ")"
		}
		return " (ảnh hưởng firmware từ " + e.IntroducedIn + ", đã sửa ở " + e.FixedIn + ")"
	case e.FixedIn != "":
		if en {
			return " (affects firmware before " + e.FixedIn + ")"
		}
		return " (ảnh hưởng firmware trước " + e.FixedIn + ")"
	case e.IntroducedIn != "":
		if en {
			return " (affects firmware from " + e.IntroducedIn + " on)"
		}
		return " (ảnh hưởng firmware từ " + e.IntroducedIn + " trở đi)"
	}
	return ""
}

func brandVI(b string) string {
	if b == "" {
		return ""
	}
	return " của hãng “" + b + "”"
}

func brandEN(b string) string {
	if b == "" {
		return ""
	}
	return " of brand “" + b + "”"
}
