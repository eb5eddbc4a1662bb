package api

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"camreg/models"
)

// permalinkText is the permalink pages' wording in one language. The page
// follows Accept-Language: Vietnamese by default, English on request.
type permalinkText struct {
	Lang, TitleSuffix, Why, Certs, CertNumber, CertStandard, CertValidity, CertState, NoCerts    string
	Warnings, NoWarnings, About, Brand, ModelNumber, Kind, Origin, HSCode, QRAlt, Checked, ByDay string
	JSON, Receipt, NotFound, NotFoundText, Lookup, LookupButton, From, To, ByLot                 string
	WarningActive, WarningWithdrawn, WarningNotYet                                               string
	Verdicts, CertStates, Measures, Kinds                                                        map[string]string
}

var permalinkTexts = map[string]*permalinkText{
	models.LangVI: {
		Lang: models.LangVI, TitleSuffix: "Tra cứu hợp quy camera giám sát", Why: "Lý do",
		Certs: "Giấy chứng nhận hợp quy", CertNumber: "Số", CertStandard: "Quy chuẩn", CertValidity: "Hiệu lực",
		CertState: "Tình trạng", NoCerts: "Không có giấy chứng nhận hợp quy trong cơ sở dữ liệu.",
		Warnings: "Cảnh báo của cơ quan chức năng", NoWarnings: "Không có cảnh báo.", About: "Thông tin mẫu camera",
		Brand: "Hãng", ModelNumber: "Số hiệu", Kind: "Loại", Origin: "Xuất xứ", HSCode: "Mã HS", QRAlt: "Mã QR của trang này",
		Checked: "Kết quả tra cứu ngày %s theo cơ sở dữ liệu đăng ký camera giám sát.", ByDay: "Kiểm tra theo ngày hoặc firmware",
		JSON: "Dữ liệu dạng JSON", Receipt: "Biên nhận có chữ ký", NotFound: "Không tìm thấy",
		NotFoundText: "Không có mẫu camera đã xác minh nào có địa chỉ này trong cơ sở dữ liệu đăng ký. Hãy kiểm tra lại mã QR, hoặc tra cứu theo số hiệu trên nhãn.",
		Lookup:       "Số hiệu trên nhãn", LookupButton: "Tra cứu", From: "từ", To: "đến", ByLot: "theo lô",
		WarningActive: "đang có hiệu lực", WarningWithdrawn: "đã rút lại", WarningNotYet: "chưa có hiệu lực",
		Verdicts: verdictLabelsVI, CertStates: certStatesVI, Measures: measureLabelVI,
		Kinds: map[string]string{"ip": "Camera IP", "wifi": "Camera Wi-Fi", "analog": "Camera analog", "ptz": "Camera PTZ (quay quét)",
			"doorbell": "Chuông cửa có camera", "dashcam": "Camera hành trình", "thermal": "Camera nhiệt", "other": "Loại khác"},
	},
	models.LangEN: {
		Lang: models.LangEN, TitleSuffix: "Surveillance camera compliance lookup", Why: "Reasons",
		Certs: "Certificates of conformity", CertNumber: "Number", CertStandard: "Standard", CertValidity: "Validity",
		CertState: "State", NoCerts: "No certificate of conformity in the registry.",
		Warnings: "Warnings by the authorities", NoWarnings: "No warnings.", About: "About this model",
		Brand: "Brand", ModelNumber: "Model number", Kind: "Kind", Origin: "Origin", HSCode: "HS code", QRAlt: "QR code of this page",
		Checked: "Checked on %s against the surveillance camera registry.", ByDay: "Check another date or firmware",
		JSON: "Data as JSON", Receipt: "Signed receipt", NotFound: "Not found",
		NotFoundText: "No verified camera model has this address in the registry. Check the QR code, or look the model up by the number on its label.",
		Lookup:       "Model number on the label", LookupButton: "Look up", From: "from", To: "to", ByLot: "by lot",
		WarningActive: "in force", WarningWithdrawn: "withdrawn", WarningNotYet: "not yet in force",
		Verdicts: map[string]string{models.VerdictCompliant: "COMPLIANT", models.VerdictNonCompliant: "NOT COMPLIANT",
			models.VerdictWarning: "COMPLIANT WITH RESERVATIONS", models.VerdictUnknown: "UNKNOWN"},
		CertStates: map[string]string{models.CertStateValid: "Valid", models.CertStateNotYetValid: "Not yet valid",
			models.CertStateExpired: "Expired", models.CertStateSuspended: "Suspended", models.CertStateRevoked: "Revoked",
			models.CertStateStandardNotInForce: "Standard no longer in force"},
		Measures: map[string]string{"update_firmware": "update the firmware", "stop_sale": "stop sale", "recall": "recall", "ban": "ban"},
		Kinds: map[string]string{"ip": "IP camera", "wifi": "Wi-Fi camera", "analog": "Analog camera", "ptz": "PTZ camera",
			"doorbell": "Video doorbell", "dashcam": "Dashcam", "thermal": "Thermal camera", "other": "Other"},
	},
}

// kindLabel names a kind of camera; an unknown code is shown as it is.
func (t *permalinkText) kindLabel(kind string) string {
	if s, ok := t.Kinds[kind]; ok {
		return s
	}
	return kind
}

// countryName names a country by its ISO code, in the page's language
// (golang.org/x/text's CLDR names: "Trung Quốc", "China").
func (t *permalinkText) countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	tag := language.Vietnamese
	if t.Lang == models.LangEN {
		tag = language.English
	}
	if name := display.Regions(tag).Name(r); name != "" {
		return name
	}
	return code
}
