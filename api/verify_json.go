package api

import (
	"strconv"

	"camreg/models"
)

// The answers of GET /v1/verify are written by hand (appendVerificationJSON,
// verify_json_direct.go) as encoding/json encodes them (json.Encoder's
// Encode: HTML-safe escaping and a trailing newline), byte for byte.
//
// Profiled under wrk (BENCHMARKS.md, verify cold over the national set):
// encoding the answer by reflection was 7% of the server's CPU, and its
// buffers and reflected values a good part of the garbage whose collection
// took a fifth of it. TestVerifyJSONByHand compares the served answers with
// encoding/json over the verdict scenarios, and FuzzVerifyJSONByHand over
// any text in every field. An answer with a receipt or a GTIN is left to
// encoding/json: kept answers have neither.

// verifyJSONByHand false (tests only) encodes every answer with
// encoding/json.
var verifyJSONByHand = true

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
