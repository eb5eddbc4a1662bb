package verdict

import (
	"fmt"
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
func (r Reason) Message(lang string) string {
	en := lang == LangEN
	e := r.Evidence
	day := func(d civil.Date) string { return FormatDay(d, en) }
	switch r.Code {
	case ReasonCertificateValid:
		if en {
			return fmt.Sprintf("Certificate of conformity %s against %s is valid (issued %s%s).", e.CertificateNumber, e.StandardCode, day(e.IssuedOn), expiresEN(e))
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s theo %s còn hiệu lực (cấp ngày %s%s).", e.CertificateNumber, e.StandardCode, day(e.IssuedOn), expiresVI(e))
	case ReasonFirmwareOnly:
		if en {
			return fmt.Sprintf("Certificate of conformity %s covers firmware %s only; check the device's firmware.", e.CertificateNumber, e.Firmware)
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s chỉ áp dụng cho firmware %s; hãy đối chiếu firmware của thiết bị.", e.CertificateNumber, e.Firmware)
	case ReasonCertificateExpired:
		if en {
			return fmt.Sprintf("Certificate of conformity %s expired on %s.", e.CertificateNumber, day(e.ExpiresOn))
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s đã hết hạn ngày %s.", e.CertificateNumber, day(e.ExpiresOn))
	case ReasonCertificateRevoked:
		if en {
			return fmt.Sprintf("Certificate of conformity %s was revoked effective %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, true))
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s bị thu hồi từ ngày %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, false))
	case ReasonCertificateSuspended:
		if e.StatusChangedOn.IsZero() {
			if en {
				return fmt.Sprintf("Certificate of conformity %s was suspended on that date.", e.CertificateNumber)
			}
			return fmt.Sprintf("Giấy chứng nhận hợp quy %s bị đình chỉ vào ngày này.", e.CertificateNumber)
		}
		if en {
			return fmt.Sprintf("Certificate of conformity %s is suspended since %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, true))
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s bị đình chỉ từ ngày %s%s.", e.CertificateNumber, day(e.StatusChangedOn), because(e.StatusReason, false))
	case ReasonStandardNotInForce:
		if en {
			return fmt.Sprintf("Certificate of conformity %s is against %s, which is not in force on %s%s.", e.CertificateNumber, e.StandardCode, day(e.On), replacedEN(e))
		}
		return fmt.Sprintf("Giấy chứng nhận hợp quy %s được cấp theo %s, quy chuẩn không có hiệu lực vào ngày %s%s.", e.CertificateNumber, e.StandardCode, day(e.On), replacedVI(e))
	case ReasonNoCertificate:
		if en {
			return fmt.Sprintf("No valid certificate of conformity; certification against %s is mandatory since %s.", e.StandardCode, day(e.MandatoryFrom))
		}
		return fmt.Sprintf("Không có giấy chứng nhận hợp quy còn hiệu lực; chứng nhận hợp quy theo %s là bắt buộc từ ngày %s.", e.StandardCode, day(e.MandatoryFrom))
	case ReasonNotRequired:
		if e.StandardCode != "" {
			if en {
				return fmt.Sprintf("On %s no standard made certification mandatory yet (%s is mandatory from %s).", day(e.On), e.StandardCode, day(e.MandatoryFrom))
			}
			return fmt.Sprintf("Ngày %s chưa có quy chuẩn nào bắt buộc chứng nhận hợp quy (%s bắt buộc từ ngày %s).", day(e.On), e.StandardCode, day(e.MandatoryFrom))
		}
		if en {
			return fmt.Sprintf("On %s no standard made certification mandatory.", day(e.On))
		}
		return fmt.Sprintf("Ngày %s không có quy chuẩn nào bắt buộc chứng nhận hợp quy.", day(e.On))
	case ReasonWarnedModel, ReasonBannedModel:
		var head string
		if en {
			head = fmt.Sprintf("Warning %s of %s: %s. Measure: %s", e.WarningReference, day(e.IssuedOn), e.WarningTitle, strings.ReplaceAll(e.Measure, "_", " "))
		} else {
			head = fmt.Sprintf("Cảnh báo %s ngày %s: %s. Biện pháp: %s", e.WarningReference, day(e.IssuedOn), e.WarningTitle, MeasureVI[e.Measure])
		}
		return head + firmwareScope(e, en) + "."
	case ReasonFirmwareNotAffected:
		if en {
			return fmt.Sprintf("Firmware %s is outside the range of warning %s%s.", e.Firmware, e.WarningReference, rangeText(e, true))
		}
		return fmt.Sprintf("Firmware %s nằm ngoài phạm vi ảnh hưởng của cảnh báo %s%s.", e.Firmware, e.WarningReference, rangeText(e, false))
	case ReasonNoOriginProof:
		if en {
			return fmt.Sprintf("Imported model (origin %s), but the registry holds no valid certificate of origin (C/O); ask for the lot's origin papers.", e.OriginCountry)
		}
		return fmt.Sprintf("Mẫu nhập khẩu (xuất xứ %s) nhưng cơ sở dữ liệu không có giấy chứng nhận xuất xứ (C/O) còn hiệu lực; hãy yêu cầu chứng từ xuất xứ của lô hàng.", e.OriginCountry)
	case ReasonOriginProof:
		if en {
			return fmt.Sprintf("Certificate of origin %s (form %s, exported from %s, issued %s).", e.OriginNumber, e.OriginForm, e.ExportingCountry, day(e.IssuedOn))
		}
		return fmt.Sprintf("Có giấy chứng nhận xuất xứ %s (mẫu %s, nước xuất khẩu %s, cấp ngày %s).", e.OriginNumber, e.OriginForm, e.ExportingCountry, day(e.IssuedOn))
	case ReasonOriginProofUnconfirmed:
		if en {
			return fmt.Sprintf("Certificate of origin %s (form %s, issued %s) declared by the vendor and not confirmed: not taken as proof of origin.", e.OriginNumber, e.OriginForm, day(e.IssuedOn))
		}
		return fmt.Sprintf("Doanh nghiệp tự khai giấy chứng nhận xuất xứ %s (mẫu %s, cấp ngày %s), chưa được xác nhận: chưa coi là chứng từ xuất xứ.", e.OriginNumber, e.OriginForm, day(e.IssuedOn))
	case ReasonUnregistered:
		if en {
			return fmt.Sprintf("Not found in the registry: no registered model matches “%s”%s. This alone does not prove the model is unregistered; check the number on the label.", e.Query, brandEN(e.Brand))
		}
		return fmt.Sprintf("Không tìm thấy trong cơ sở dữ liệu đăng ký: không có mẫu camera nào khớp với “%s”%s. Điều này chưa chứng minh mẫu chưa đăng ký; hãy kiểm tra lại số hiệu trên nhãn.", e.Query, brandVI(e.Brand))
	case ReasonAmbiguousMatch:
		if en {
			return fmt.Sprintf("%d models nearly match “%s”; give the brand and the full model number.", e.Candidates, e.Query)
		}
		return fmt.Sprintf("Có %d mẫu camera gần khớp với “%s”; hãy ghi rõ hãng và số hiệu đầy đủ.", e.Candidates, e.Query)
	case ReasonPossibleMatch:
		if en {
			return fmt.Sprintf("Near match: “%s” may be %s %s; check the model number on the label.", e.Query, e.Brand, e.ModelNumber)
		}
		return fmt.Sprintf("Khớp gần đúng: “%s” có thể là %s %s; hãy đối chiếu số hiệu trên nhãn.", e.Query, e.Brand, e.ModelNumber)
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
	return fmt.Sprintf("%02d/%02d/%04d", d.Day(), int(d.Month()), d.Year())
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
			return fmt.Sprintf(" (affects firmware from %s, fixed in %s)", e.IntroducedIn, e.FixedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware từ %s, đã sửa ở %s)", e.IntroducedIn, e.FixedIn)
	case e.FixedIn != "":
		if en {
			return fmt.Sprintf(" (affects firmware before %s)", e.FixedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware trước %s)", e.FixedIn)
	case e.IntroducedIn != "":
		if en {
			return fmt.Sprintf(" (affects firmware from %s on)", e.IntroducedIn)
		}
		return fmt.Sprintf(" (ảnh hưởng firmware từ %s trở đi)", e.IntroducedIn)
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
