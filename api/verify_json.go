package api

import (
	"strconv"
	"unicode/utf8"

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
	b = appendJSONString(b, r.Query.Model)
	b = append(b, `,"brand":`...)
	b = appendJSONString(b, r.Query.Brand)
	b = append(b, `,"firmware":`...)
	b = appendJSONString(b, r.Query.Firmware)
	b = append(b, `,"at":`...)
	b = appendJSONString(b, r.Query.At)
	b = append(b, `},"at":`...)
	b = appendJSONString(b, r.At)
	b = append(b, `,"match":`...)
	b = appendJSONString(b, r.Match)
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
	b = appendJSONString(b, r.Verdict)
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, r.Summary)
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
			b = appendJSONString(b, x.Code)
			b = append(b, `,"effect":`...)
			b = appendJSONString(b, x.Effect)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, x.Message)
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
			b = appendJSONString(b, st.Code)
			b = append(b, `,"title":`...)
			b = appendJSONString(b, st.Title)
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
	b = appendJSONString(b, m.ID)
	b = append(b, `,"brand":`...)
	b = appendJSONString(b, m.Brand)
	b = append(b, `,"brand_key":`...)
	b = appendJSONString(b, m.BrandKey)
	b = append(b, `,"model_number":`...)
	b = appendJSONString(b, m.ModelNumber)
	b = append(b, `,"model_key":`...)
	b = appendJSONString(b, m.ModelKey)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, m.Name)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, m.Kind)
	b = append(b, `,"origin_country":`...)
	b = appendJSONString(b, m.OriginCountry)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, m.Status)
	if m.Permalink != "" {
		b = append(b, `,"permalink":`...)
		b = appendJSONString(b, m.Permalink)
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
			b = appendJSONString(b, v)
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
			b = appendJSONString(b, id)
		}
		b = append(b, ']')
	}
	str("origin_certificate_id", e.OriginID)
	str("origin_certificate_number", e.OriginNumber)
	str("origin_form", e.OriginForm)
	str("exporting_country", e.ExportingCountry)
	str("origin_country", e.OriginCountry)
	day("on", e.On)
	return append(b, '}')
}

func appendJSONStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

const jsonHex = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping (its
// default): <, > and & as \u003c, \u003e, \u0026, control characters
// escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
