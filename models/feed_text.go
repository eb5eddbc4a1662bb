package models

import (
	"camreg/models/verdict"

	"fmt"
	"strings"
)

// Title is the entry's headline in Vietnamese (lang "vi") or English.
func (e FeedEntry) Title(lang string) string {
	en := lang == LangEN
	pick := func(vi, eng string) string {
		if en {
			return eng
		}
		return vi
	}
	models := e.modelNames()
	switch e.Kind {
	case FeedWarningIssued:
		return pick("Cảnh báo mới "+e.Warning.Reference+": "+e.Warning.Title, "New warning "+e.Warning.Reference+": "+e.Warning.Title)
	case FeedWarningChanged:
		return pick("Cảnh báo "+e.Warning.Reference+" được cập nhật: "+e.Warning.Title, "Warning "+e.Warning.Reference+" updated: "+e.Warning.Title)
	case FeedWarningWithdrawn:
		return pick("Cảnh báo "+e.Warning.Reference+" đã được rút lại", "Warning "+e.Warning.Reference+" withdrawn")
	case FeedCertificateSuspended:
		return pick("Đình chỉ giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" suspended"+models)
	case FeedCertificateReinstated:
		return pick("Khôi phục giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" reinstated"+models)
	case FeedCertificateRevoked:
		return pick("Thu hồi giấy chứng nhận hợp quy "+e.Certificate.Number+models, "Certificate "+e.Certificate.Number+" revoked"+models)
	case FeedCertificateExpired:
		return pick("Giấy chứng nhận hợp quy "+e.Certificate.Number+" hết hạn"+models, "Certificate "+e.Certificate.Number+" expired"+models)
	case FeedModelVerified:
		return pick("Mẫu camera mới được xác minh: "+e.Model.Brand+" "+e.Model.ModelNumber, "Camera model verified: "+e.Model.Brand+" "+e.Model.ModelNumber)
	}
	return e.Kind
}

// Summary is the entry's text: what happened, when it took effect, why,
// and to which models.
func (e FeedEntry) Summary(lang string) string {
	en := lang == LangEN
	var parts []string
	add := func(vi, eng string) {
		if en {
			parts = append(parts, eng)
		} else {
			parts = append(parts, vi)
		}
	}
	switch {
	case e.Warning != nil:
		w := e.Warning
		add(fmt.Sprintf("Mức độ: %s. Biện pháp: %s. Ngày ban hành: %s.", w.Severity, verdict.MeasureVI[w.Measure], verdict.FormatDay(w.IssuedOn, false)),
			fmt.Sprintf("Severity: %s. Measure: %s. Issued: %s.", w.Severity, strings.ReplaceAll(w.Measure, "_", " "), w.IssuedOn))
		if w.Summary != "" {
			parts = append(parts, w.Summary)
		}
		if len(w.CVEIDs) > 0 {
			parts = append(parts, strings.Join(w.CVEIDs, ", ")+".")
		}
	case e.Certificate != nil:
		c := e.Certificate
		add(fmt.Sprintf("Theo %s, cấp ngày %s.", c.StandardCode, verdict.FormatDay(c.IssuedOn, false)),
			fmt.Sprintf("Against %s, issued %s.", c.StandardCode, c.IssuedOn))
	}
	if !e.EffectiveOn.IsZero() {
		add("Có hiệu lực từ ngày "+verdict.FormatDay(e.EffectiveOn, false)+".", "Effective "+e.EffectiveOn.String()+".")
	}
	if e.Reason != "" {
		add("Lý do: "+e.Reason, "Reason: "+e.Reason)
	}
	if names := e.modelNames(); names != "" {
		add("Mẫu camera:"+strings.TrimPrefix(names, " –"), "Models:"+strings.TrimPrefix(names, " –"))
	}
	return strings.Join(parts, " ")
}

// modelNames lists up to ten models, as " – Brand Model, ...".
func (e FeedEntry) modelNames() string {
	if len(e.Models) == 0 {
		return ""
	}
	var names []string
	for i, m := range e.Models {
		if i == 10 {
			names = append(names, fmt.Sprintf("+%d", len(e.Models)-10))
			break
		}
		names = append(names, m.Brand+" "+m.ModelNumber)
	}
	return " – " + strings.Join(names, ", ")
}
