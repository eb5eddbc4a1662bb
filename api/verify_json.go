package api

import (
	"strconv"

	"camreg/models"
)

// appendVerifyJSON appends the answer to one verification as encoding/json
// encodes it (json.Encoder's Encode: HTML-safe escaping and a trailing
// newline), byte for byte, written out by hand.
//
// Profiled under wrk (BENCHMARKS.md, verify cold over the national set):
// encoding the answer by reflection was 7% of the server's CPU, and its
// buffers and reflected values a good part of the garbage whose collection
// took a fifth of it. TestVerifyJSONByHand compares it with encoding/json
// over the verdict scenarios, and FuzzVerifyJSONByHand over any text in
// every field. An answer with a receipt or a GTIN is left to encoding/json
// (ok false): kept answers have neither.
func appendVerifyJSON(b []byte, r *verifyResponse) ([]byte, bool) {
	if r.Receipt != nil || r.Query.GTIN != "" {
		return b, false
	}
	b = append(b, `{"query":{"model":`...)
	b = models.AppendJSONString(b, r.Query.Model)
	b = append(b, `,"brand":`...)
	b = models.AppendJSONString(b, r.Query.Brand)
	b = append(b, `,"firmware":`...)
	b = models.AppendJSONString(b, r.Query.Firmware)
	b = append(b, `,"at":`...)
	b = models.AppendJSONString(b, r.Query.At)
	b = append(b, `},"at":`...)
	b = models.AppendJSONString(b, r.At)
	b = append(b, `,"match":`...)
	b = models.AppendJSONString(b, r.Match)
	b = append(b, `,"model":`...)
	if r.Model == nil {
		b = append(b, "null"...)
	} else {
		b = appendVerifiedModelJSON(b, r.Model)
	}
	b = append(b, `,"candidates":`...)
	if r.Candidates == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Candidates {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendVerifiedModelJSON(b, &r.Candidates[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"verdict":`...)
	b = models.AppendJSONString(b, r.Verdict)
	b = append(b, `,"summary":`...)
	b = models.AppendJSONString(b, r.Summary)
	b = append(b, `,"reasons":`...)
	if r.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Reasons {
			if i > 0 {
				b = append(b, ',')
			}
			x := &r.Reasons[i]
			b = append(b, `{"code":`...)
			b = models.AppendJSONString(b, x.Code)
			b = append(b, `,"effect":`...)
			b = models.AppendJSONString(b, x.Effect)
			b = append(b, `,"message":`...)
			b = models.AppendJSONString(b, x.Message)
			b = append(b, `,"evidence":`...)
			b = appendEvidenceJSON(b, &x.Evidence)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"standards":`...)
	if r.Standards == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Standards {
			if i > 0 {
				b = append(b, ',')
			}
			st := &r.Standards[i]
			b = append(b, `{"code":`...)
			b = models.AppendJSONString(b, st.Code)
			b = append(b, `,"title":`...)
			b = models.AppendJSONString(b, st.Title)
			b = append(b, `,"effective_from":`...)
			b = appendJSONStringPtr(b, st.EffectiveFrom)
			b = append(b, `,"mandatory_from":`...)
			b = appendJSONStringPtr(b, st.MandatoryFrom)
			b = append(b, `,"effective_to":`...)
			b = appendJSONStringPtr(b, st.EffectiveTo)
			b = append(b, `,"mandatory":`...)
			b = strconv.AppendBool(b, st.Mandatory)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...), true
}

// verifyJSONByHand false (tests only) encodes every answer with
// encoding/json.
var verifyJSONByHand = true

func appendVerifiedModelJSON(b []byte, m *verifiedModel) []byte {
	b = append(b, `{"id":`...)
	b = models.AppendJSONString(b, m.ID)
	b = append(b, `,"brand":`...)
	b = models.AppendJSONString(b, m.Brand)
	b = append(b, `,"brand_key":`...)
	b = models.AppendJSONString(b, m.BrandKey)
	b = append(b, `,"model_number":`...)
	b = models.AppendJSONString(b, m.ModelNumber)
	b = append(b, `,"model_key":`...)
	b = models.AppendJSONString(b, m.ModelKey)
	b = append(b, `,"name":`...)
	b = models.AppendJSONString(b, m.Name)
	b = append(b, `,"kind":`...)
	b = models.AppendJSONString(b, m.Kind)
	b = append(b, `,"origin_country":`...)
	b = models.AppendJSONString(b, m.OriginCountry)
	b = append(b, `,"status":`...)
	b = models.AppendJSONString(b, m.Status)
	if m.Permalink != "" {
		b = append(b, `,"permalink":`...)
		b = models.AppendJSONString(b, m.Permalink)
	}
	return append(b, '}')
}

// appendEvidenceJSON writes models.Evidence: every field omitted when empty
// (omitempty) or zero (omitzero, the dates).
func appendEvidenceJSON(b []byte, e *models.Evidence) []byte {
	n := len(b)
	b = append(b, '{')
	str := func(name, v string) {
		if v != "" {
			if len(b) > n+1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, name...)
			b = append(b, `":`...)
			b = models.AppendJSONString(b, v)
		}
	}
	day := func(name string, d models.Date) {
		if !d.IsZero() {
			if len(b) > n+1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, name...)
			b = append(b, `":"`...)
			b = append(b, d.String()...)
			b = append(b, '"')
		}
	}
	str("query", e.Query)
	str("model_number", e.ModelNumber)
	str("brand", e.Brand)
	if e.Candidates != 0 {
		if len(b) > n+1 {
			b = append(b, ',')
		}
		b = append(b, `"candidates":`...)
		b = strconv.AppendInt(b, int64(e.Candidates), 10)
	}
	str("certificate_id", e.CertificateID)
	str("certificate_number", e.CertificateNumber)
	str("standard_code", e.StandardCode)
	day("standard_effective_from", e.StandardFrom)
	day("standard_effective_to", e.StandardTo)
	str("superseded_by", e.SupersededBy)
	day("mandatory_from", e.MandatoryFrom)
	day("issued_on", e.IssuedOn)
	day("expires_on", e.ExpiresOn)
	str("lot_ref", e.LotRef)
	str("status", e.Status)
	str("status_reason", e.StatusReason)
	day("status_changed_on", e.StatusChangedOn)
	str("firmware", e.Firmware)
	str("warning_id", e.WarningID)
	str("warning_reference", e.WarningReference)
	str("warning_title", e.WarningTitle)
	str("measure", e.Measure)
	str("severity", e.Severity)
	str("introduced_in", e.IntroducedIn)
	str("fixed_in", e.FixedIn)
	if len(e.CVEIDs) > 0 {
		if len(b) > n+1 {
			b = append(b, ',')
		}
		b = append(b, `"cve_ids":[`...)
		for i, id := range e.CVEIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = models.AppendJSONString(b, id)
		}
		b = append(b, ']')
	}
	str("origin_certificate_id", e.OriginID)
	str("origin_certificate_number", e.OriginNumber)
	str("origin_form", e.OriginForm)
	str("exporting_country", e.ExportingCountry)
	str("origin_country", e.OriginCountry)
	str("gtin", e.GTIN)
	str("typed_brand", e.TypedBrand)
	day("on", e.On)
	return append(b, '}')
}

func appendJSONStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return models.AppendJSONString(b, *s)
}
