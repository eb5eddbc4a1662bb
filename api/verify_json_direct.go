package api

import (
	"bytes"
	"strconv"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// appendVerificationJSON writes the answer to one verification straight
// from the engine's answer: the same bytes as encoding/json writes for
// newVerifyResponse's verifyResponse (TestVerifyJSONByHand and
// FuzzVerifyJSONByHand compare them), without building the response's
// structs first.
//
// Profiled under wrk (BENCHMARKS.md, "Verify cold: messages without
// Sprintf, the answer straight from the engine's"): on a cold run every
// answer is new, and the response's structs (a copy of every reason's
// evidence, the models, the standards' dates as *string) were 0.6 KB and a
// dozen allocations a question, all garbage once written. base is the
// permalinks' base (publicBase).
func appendVerificationJSON(b []byte, v *models.Verification, lang, base string) []byte {
	b = append(b, `{"query":{"model":`...)
	b = models.AppendJSONString(b, v.Query.Model)
	b = append(b, `,"brand":`...)
	b = models.AppendJSONString(b, v.Query.Brand)
	b = append(b, `,"firmware":`...)
	b = models.AppendJSONString(b, v.Query.Firmware)
	b = append(b, `,"at":`...)
	b = models.AppendJSONString(b, v.Query.At)
	b = append(b, `},"at":`...)
	b = models.AppendJSONString(b, v.At.String())
	b = append(b, `,"match":`...)
	b = models.AppendJSONString(b, v.Match)
	b = append(b, `,"model":`...)
	if v.Model == nil {
		b = append(b, "null"...)
	} else {
		b = appendModelJSON(b, v.Model, base)
	}
	// newVerifyResponse makes Candidates, Reasons and Standards with make:
	// never null.
	b = append(b, `,"candidates":[`...)
	for i := range v.Candidates {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendModelJSON(b, &v.Candidates[i], base)
	}
	b = append(b, `],"verdict":`...)
	b = models.AppendJSONString(b, v.Verdict)
	b = append(b, `,"summary":`...)
	b = models.AppendJSONString(b, verdictSummary(v, lang))
	b = append(b, `,"reasons":[`...)
	for i := range v.Reasons {
		if i > 0 {
			b = append(b, ',')
		}
		x := &v.Reasons[i]
		b = append(b, `{"code":`...)
		b = models.AppendJSONString(b, x.Code)
		b = append(b, `,"effect":`...)
		b = models.AppendJSONString(b, x.Effect)
		b = append(b, `,"message":`...)
		b = models.AppendJSONString(b, x.Message(lang))
		b = append(b, `,"evidence":`...)
		b = appendEvidenceJSON(b, &x.Evidence)
		b = append(b, '}')
	}
	b = append(b, `],"standards":[`...)
	for i := range v.Standards {
		if i > 0 {
			b = append(b, ',')
		}
		st := &v.Standards[i]
		b = append(b, `{"code":`...)
		b = models.AppendJSONString(b, st.Code)
		b = append(b, `,"title":`...)
		b = models.AppendJSONString(b, st.Title)
		b = append(b, `,"effective_from":`...)
		b = appendJSONDate(b, st.EffectiveFrom)
		b = append(b, `,"mandatory_from":`...)
		b = appendJSONDate(b, st.MandatoryFrom)
		b = append(b, `,"effective_to":`...)
		b = appendJSONDate(b, st.EffectiveTo)
		b = append(b, `,"mandatory":`...)
		b = strconv.AppendBool(b, st.Mandatory)
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendModelJSON writes what newVerifiedModel makes of m.
func appendModelJSON(b []byte, m *models.Model, base string) []byte {
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
	if m.Status == models.ModelVerified {
		if p := base + permalinkPath(m); p != "" {
			b = append(b, `,"permalink":`...)
			b = models.AppendJSONString(b, p)
		}
	}
	return append(b, '}')
}

// appendJSONDate writes what date(d) encodes as: null for no date.
func appendJSONDate(b []byte, d models.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	return models.AppendJSONString(b, d.String())
}

// appendVerificationAnswer writes the answer into a scratch buffer and
// returns a copy of exactly its length: the answer is kept (verifyAnswers),
// and a buffer sized in advance either wasted the rest of its 2,048 bytes
// for as long as the answer was kept or, for a longer answer, was grown
// to 4,096 by copying (BENCHMARKS.md, "Verify near the ceiling:
// PostgreSQL's head read over a held connection, fewer bytes a cold
// question").
func appendVerificationAnswer(v *models.Verification, lang, base string) []byte {
	bp := answerScratch.Get().(*[]byte)
	b := appendVerificationJSON((*bp)[:0], v, lang, base)
	body := bytes.Clone(b)
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		answerScratch.Put(bp)
	}
	return body
}

// writeVerificationAnswer answers v as appendVerificationAnswer's body
// would, written from the scratch buffer without the copy that is kept:
// for an answer not kept (verifyAnswers.keep).
func writeVerificationAnswer(c echo.Context, v *models.Verification, lang, base string) error {
	bp := answerScratch.Get().(*[]byte)
	b := appendVerificationJSON((*bp)[:0], v, lang, base)
	err := answerJSON(c, b) // the response copies b before it returns
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		answerScratch.Put(bp)
	}
	return err
}
