package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"camreg/models"
)

// verifyQuery echoes what was asked.
type verifyQuery struct {
	Model    string `json:"model" example:"DS-2CD1023G0E-I"`
	Brand    string `json:"brand" example:"Hikvision"`
	Firmware string `json:"firmware" example:"V5.5.800 build 210628"`
	At       string `json:"at" example:"2026-11-21"`
	// GTIN is the scanned barcode, as 14 digits, when one was given.
	GTIN string `json:"gtin,omitempty" example:"08936012345674"`
}

// verifiedModel is a matched or candidate model, in short.
type verifiedModel struct {
	ID            string `json:"id"`
	Brand         string `json:"brand" example:"Hikvision"`
	BrandKey      string `json:"brand_key" example:"hikvision"`
	ModelNumber   string `json:"model_number" example:"DS-2CD1023G0E-I"`
	ModelKey      string `json:"model_key" example:"ds2cd1023g0ei"`
	Name          string `json:"name"`
	Kind          string `json:"kind" example:"ip"`
	OriginCountry string `json:"origin_country" example:"CN"`
	// Status of the registration: pending or verified.
	Status string `json:"status" example:"verified"`
	// Permalink is the model's public page (verified models only), which
	// its e-label QR code points to.
	Permalink string `json:"permalink,omitempty" example:"https://camreg.example.vn/m/hikvision/ds2cd1023g0ei"`
}

// reasonResponse explains a verdict.
type reasonResponse struct {
	// Code is a violation code (no_conformity_certificate,
	// certificate_expired, certificate_revoked, certificate_suspended,
	// certificate_standard_not_in_force, warned_model, banned_model,
	// no_origin_proof, unregistered_model) or an evidence code
	// (certificate_valid, certificate_firmware_only,
	// certificate_not_required, origin_proof, firmware_not_affected,
	// possible_match, ambiguous_match, registration_pending) or
	// gtin_model_mismatch (a box's GTIN of another model than the typed one).
	Code string `json:"code" example:"certificate_valid"`
	// Effect is the verdict this reason leads to, or info.
	Effect string `json:"effect" example:"info" enums:"non_compliant,warning,unknown,info"`
	// Message says it in Vietnamese, or in English with Accept-Language: en.
	Message  string          `json:"message"`
	Evidence models.Evidence `json:"evidence"`
}

// standardOnDate is a standard in force on the verification date.
type standardOnDate struct {
	Code          string  `json:"code" example:"QCVN 11:2026/BCA"`
	Title         string  `json:"title"`
	EffectiveFrom *string `json:"effective_from"`
	MandatoryFrom *string `json:"mandatory_from"`
	EffectiveTo   *string `json:"effective_to"`
	// Mandatory: certification against it is required on the date.
	Mandatory bool `json:"mandatory"`
}

// verifyResponse is the answer to one verification.
type verifyResponse struct {
	Query verifyQuery `json:"query"`
	// At is the date the rules were applied on: the query's, or today in Vietnam.
	At string `json:"at" example:"2026-11-21"`
	// Match: exact (one model), possible (one near candidate), ambiguous
	// (several candidates, listed), or none (not found in the registry).
	Match      string          `json:"match" example:"exact" enums:"exact,possible,ambiguous,none"`
	Model      *verifiedModel  `json:"model"`
	Candidates []verifiedModel `json:"candidates"`
	Verdict    string          `json:"verdict" example:"compliant" enums:"compliant,non_compliant,warning,unknown"`
	// Summary says the verdict in a sentence, in the response's language.
	Summary   string           `json:"summary"`
	Reasons   []reasonResponse `json:"reasons"`
	Standards []standardOnDate `json:"standards"`
	// Receipt, with receipt=true, is a signed statement of this answer
	// bound to the log's checkpoint, to check offline.
	Receipt *receiptResponse `json:"receipt,omitempty"`
	// gtinModelID is the verified model that lists the query's GTIN, given
	// with a typed number: a receipt's evidence (evidenceRefs).
	gtinModelID string
}

// verifyItem is one item of a bulk verification.
type verifyItem struct {
	Model    string `json:"model" example:"DS-2CD1023G0E-I"`
	Brand    string `json:"brand" example:"Hikvision"`
	Firmware string `json:"firmware" example:"V5.5.800 build 210628"`
	// At is YYYY-MM-DD; today in Vietnam when empty.
	At string `json:"at" example:"2026-11-21"`
	// GTIN is a scanned barcode (8, 12, 13 or 14 digits), instead of the
	// model and brand.
	GTIN string `json:"gtin" example:"8936012345674"`
}

// verifyBulkRequest checks a shelf: up to 500 items.
type verifyBulkRequest struct {
	Items []verifyItem `json:"items" create:"required"`
}

// verifyBulkResponse answers each item, in the same order.
type verifyBulkResponse struct {
	Items []verifyResponse `json:"items"`
	// Receipt, with receipt=true, is one signed statement of every answer.
	Receipt *receiptResponse `json:"receipt,omitempty"`
}

// langMatcher picks the language of messages: Vietnamese unless the
// client prefers English.
var langMatcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// responseLang reads Accept-Language and marks the response as varying by it.
//
// The headers' values are shared slices, as securityHeaders' (no
// allocation a request); an Add to one copies it.
func responseLang(c echo.Context) string {
	h := c.Response().Header()
	if v, ok := h["Vary"]; ok {
		h["Vary"] = append(v, "Accept-Language")
	} else {
		h["Vary"] = hdrVaryLang
	}
	lang := models.LangVI
	if al := c.Request().Header.Get("Accept-Language"); al != "" {
		if tags, _, err := language.ParseAcceptLanguage(al); err == nil && len(tags) > 0 {
			if _, i, conf := langMatcher.Match(tags...); conf != language.No && i == 1 {
				lang = models.LangEN
			}
		}
	}
	if lang == models.LangEN {
		h["Content-Language"] = hdrLangEN
	} else {
		h["Content-Language"] = hdrLangVI
	}
	return lang
}

var (
	hdrVaryLang = []string{"Accept-Language"}
	hdrLangVI   = []string{models.LangVI}
	hdrLangEN   = []string{models.LangEN}
	hdrJSON     = []string{echo.MIMEApplicationJSON}
)

// allowedWhen says, for each reservation of a warning verdict, on what
// condition the model may be sold: from the fixed firmware of an update
// warning, with the one firmware a certificate covers, with a proof of
// origin. In Vietnamese and in English, in the reasons' order, without
// repeats.
func allowedWhen(v *models.Verification) (vi, en []string) {
	seen := map[string]bool{}
	add := func(a, b string) {
		if !seen[a] {
			seen[a] = true
			vi, en = append(vi, a), append(en, b)
		}
	}
	for _, r := range v.Reasons {
		if r.Effect != models.VerdictWarning {
			continue
		}
		switch r.Code {
		case models.ReasonWarnedModel:
			if fw := r.Evidence.FixedIn; fw != "" {
				add("được bán nếu firmware từ "+fw+" trở lên", "may be sold with firmware "+fw+" or later")
			} else if ref := r.Evidence.WarningReference; ref != "" {
				add("được bán khi đã làm theo cảnh báo "+ref, "may be sold once warning "+ref+" is followed")
			}
		case models.ReasonFirmwareOnly:
			if fw := r.Evidence.Firmware; fw != "" {
				add("được bán nếu firmware là "+fw+" (phiên bản được chứng nhận)", "may be sold with firmware "+fw+" (the certified version)")
			}
		case models.ReasonNoOriginProof:
			add("được bán khi có chứng nhận xuất xứ (C/O) hợp lệ", "may be sold with a valid certificate of origin (C/O)")
		}
	}
	return vi, en
}

// verdictSummary says a verdict in one sentence.
func verdictSummary(v *models.Verification, lang string) string {
	day := v.At.String()
	if lang != models.LangEN {
		day = formatViDate(v.At)
	}
	switch v.Verdict {
	case models.VerdictCompliant:
		return pick(lang, "Đạt yêu cầu vào ngày "+day+".", "Compliant on "+day+".")
	case models.VerdictNonCompliant:
		return pick(lang, "Không đạt yêu cầu vào ngày "+day+": không được kinh doanh.", "Not compliant on "+day+": it may not be sold.")
	case models.VerdictWarning:
		if vi, en := allowedWhen(v); len(vi) > 0 {
			return pick(lang, "Cần lưu ý vào ngày "+day+": "+strings.Join(vi, "; ")+".",
				"Compliant with reservations on "+day+": "+strings.Join(en, "; ")+".")
		}
		return pick(lang, "Cần lưu ý vào ngày "+day+": xem các lý do.", "Compliant with reservations on "+day+": see the reasons.")
	}
	if v.Match == models.MatchNone {
		return pick(lang, "Không tìm thấy trong cơ sở dữ liệu đăng ký.", "Not found in the registry.")
	}
	if v.Match == models.MatchPossible && v.Model != nil {
		near := v.Model.Brand + " " + v.Model.ModelNumber
		return pick(lang, "Chưa xác định được: “"+v.Query.Model+"” chỉ gần khớp với "+near+"; hãy đối chiếu số hiệu trên nhãn.",
			"Unknown: “"+v.Query.Model+"” only nearly matches "+near+"; check the model number on the label.")
	}
	return pick(lang, "Chưa xác định được: hãy ghi rõ hãng và số hiệu.", "Unknown: give the brand and the full model number.")
}

func pick(lang, vi, en string) string {
	if lang == models.LangEN {
		return en
	}
	return vi
}

func formatViDate(d models.Date) string {
	s := d.String()
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

func (s *Server) newVerifiedModel(c echo.Context, m *models.Model) verifiedModel {
	out := verifiedModel{ID: m.ID, Brand: m.Brand, BrandKey: m.BrandKey, ModelNumber: m.ModelNumber, ModelKey: m.ModelKey,
		Name: m.Name, Kind: m.Kind, OriginCountry: m.OriginCountry, Status: m.Status}
	if m.Status == models.ModelVerified {
		out.Permalink = s.publicBase(c) + permalinkPath(m)
	}
	return out
}

func (s *Server) newVerifyResponse(c echo.Context, v *models.Verification, lang string) verifyResponse {
	out := verifyResponse{
		Query:   verifyQuery{Model: v.Query.Model, Brand: v.Query.Brand, Firmware: v.Query.Firmware, At: v.Query.At},
		At:      v.At.String(),
		Match:   v.Match,
		Verdict: v.Verdict,
		Summary: verdictSummary(v, lang),
	}
	if v.Model != nil {
		m := s.newVerifiedModel(c, v.Model)
		out.Model = &m
	}
	if g := v.Query.GTINModel; g != nil {
		out.gtinModelID = g.ID
	}
	out.Candidates = make([]verifiedModel, len(v.Candidates))
	for i := range v.Candidates {
		out.Candidates[i] = s.newVerifiedModel(c, &v.Candidates[i])
	}
	out.Reasons = make([]reasonResponse, len(v.Reasons))
	for i, r := range v.Reasons {
		out.Reasons[i] = reasonResponse{Code: r.Code, Effect: r.Effect, Message: r.Message(lang), Evidence: r.Evidence}
	}
	out.Standards = make([]standardOnDate, len(v.Standards))
	for i, st := range v.Standards {
		out.Standards[i] = standardOnDate{Code: st.Code, Title: st.Title, EffectiveFrom: date(st.EffectiveFrom),
			MandatoryFrom: date(st.MandatoryFrom), EffectiveTo: date(st.EffectiveTo), Mandatory: st.Mandatory}
	}
	return out
}

// verify godoc
//
//	@Summary		Verify a camera model: may it be sold?
//	@Description	Matches the model number (and brand, if given) against the registry and applies the rules as of `at` (default: today in Vietnam): a valid certificate of conformity is required once a standard is mandatory; an active stop-sale, recall or ban warning covering the firmware (any firmware, if none is given) makes the model non-compliant, a firmware-update warning gives `warning`; an imported model without a valid C/O gives `warning` (no_origin_proof). A miss says "not found in the registry", never more. Messages are in Vietnamese, or English with `Accept-Language: en`. Public, rate-limited per IP.
//	@Tags			verify
//	@Produce		json
//	@Param			model			query		string	false	"the model number as read on the label, with or without dashes (required without gtin)"
//	@Param			gtin			query		string	false	"a scanned barcode (GTIN-8, UPC-A, EAN-13 or GTIN-14, check digit validated) instead of model and brand: the model that lists it is verified"
//	@Param			brand			query		string	false	"the brand"
//	@Param			firmware		query		string	false	"the firmware version, such as V5.7.3 build 220112"
//	@Param			at				query		string	false	"the date to judge on, YYYY-MM-DD; today when omitted"
//	@Param			receipt			query		bool	false	"true adds a signed verdict receipt bound to the log's checkpoint (503 when the registry has no signing key)"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	verifyResponse
//	@Failure		422				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/v1/verify [get]
func (s *Server) verify(c echo.Context) error {
	q := newQuery(c, "model", "brand", "firmware", "at", "receipt", "gtin")
	for _, paging := range []string{"limit", "cursor"} {
		// newQuery allows the paging parameters of lists; verify has none.
		if q.values.Has(paging) {
			q.errs = append(q.errs, models.FieldError{Field: paging, Message: "is not a parameter of this endpoint; use model, brand, firmware, at"})
		}
	}
	if err := q.err(nil); err != nil {
		return err
	}
	withReceipt, err := wantReceipt(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	qs := []models.VerifyQuery{{Model: q.values.Get("model"), Brand: q.values.Get("brand"),
		Firmware: q.values.Get("firmware"), At: strings.TrimSpace(q.values.Get("at"))}}
	gtin := strings.TrimSpace(q.values.Get("gtin"))
	if !withReceipt && gtin == "" && !s.echo.Debug {
		return s.verifyKept(c, qs[0], lang)
	}
	if err := s.store.WithGTINs(c.Request().Context(), qs, []string{gtin}, func(int) string { return "gtin" }); err != nil {
		return err
	}
	v, err := s.store.Verify(c.Request().Context(), qs[0])
	if err != nil {
		return err
	}
	out := s.newVerifyResponse(c, v, lang)
	out.Query.GTIN, _ = models.NormalizeGTIN(gtin)
	if withReceipt {
		if out.Receipt, err = s.receipt(c, []verifyResponse{out}); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// verifyKept answers a plain verify (no receipt, no GTIN) from the answers
// kept at the change log's head, or answers it and keeps the answer.
func (s *Server) verifyKept(c echo.Context, q models.VerifyQuery, lang string) error {
	// On PostgreSQL the head read is a round trip, under way while the
	// answer is looked up or worked out (models.VerifyAhead).
	view, err := s.store.BeginVerify(c.Request().Context())
	if err != nil {
		return err
	}
	today := s.store.Today().String()
	base := s.publicBase(c)
	key := verifyAnswerKey(lang, base, today, q.Model, q.Brand, q.Firmware, q.At)
	if body, at, ok := s.answers.latest(key); ok {
		head, err := view.Head()
		if err != nil {
			return err
		}
		if head == at {
			return answerJSON(c, body)
		}
	}
	v, err := view.Verify(q)
	if err != nil {
		return err
	}
	head, err := view.Head()
	if err != nil {
		return err
	}
	// At midnight the day may have turned between the key and the answer.
	keep := head >= 0 && (q.At != "" || v.At.String() == today) && s.answers.keep(head, key)
	if verifyJSONByHand && !keep {
		return writeVerificationAnswer(c, v, lang, base)
	}
	var body []byte
	if verifyJSONByHand {
		body = appendVerificationAnswer(v, lang, base)
	} else if body, err = encodeJSON(s.newVerifyResponse(c, v, lang)); err != nil {
		return err
	}
	if keep {
		s.answers.put(head, key, body)
	}
	return answerJSON(c, body)
}

// answerJSON answers 200 with body as c.JSONBlob does, its Content-Type
// a shared slice (JSONBlob keeps one already set) rather than one made a
// request.
func answerJSON(c echo.Context, body []byte) error {
	c.Response().Header()[echo.HeaderContentType] = hdrJSON
	return c.JSONBlob(http.StatusOK, body)
}

// verifyBulk godoc
//
//	@Summary		Verify a whole shelf at once
//	@Description	Up to 500 items, each answered as by GET /v1/verify, in the same order. More than 500 items, or any invalid item, is a 422 naming every bad field (items[3].at); nothing is answered in part.
//	@Tags			verify
//	@Accept			json
//	@Produce		json
//	@Param			receipt			query		bool				false	"true adds one signed verdict receipt for every answer"
//	@Param			Accept-Language	header		string				false	"vi (default) or en"
//	@Param			body			body		verifyBulkRequest	true	"the items"
//	@Success		200				{object}	verifyBulkResponse
//	@Failure		400				{object}	Problem
//	@Failure		413				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/v1/verify [post]
func (s *Server) verifyBulk(c echo.Context) error {
	var req verifyBulkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	withReceipt, err := wantReceipt(c)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	qs := make([]models.VerifyQuery, len(req.Items))
	gtins := make([]string, len(req.Items))
	for i, it := range req.Items {
		qs[i] = models.VerifyQuery{Model: it.Model, Brand: it.Brand, Firmware: it.Firmware, At: strings.TrimSpace(it.At)}
		gtins[i] = strings.TrimSpace(it.GTIN)
	}
	if len(qs) <= models.MaxVerifyItems {
		if err := s.store.WithGTINs(c.Request().Context(), qs, gtins, func(i int) string { return fmt.Sprintf("items[%d].gtin", i) }); err != nil {
			return err
		}
	}
	vs, err := s.store.VerifyMany(c.Request().Context(), qs)
	if err != nil {
		return err
	}
	out := verifyBulkResponse{Items: make([]verifyResponse, len(vs))}
	for i := range vs {
		out.Items[i] = s.newVerifyResponse(c, &vs[i], lang)
		out.Items[i].Query.GTIN, _ = models.NormalizeGTIN(gtins[i])
	}
	if withReceipt {
		if out.Receipt, err = s.receipt(c, out.Items); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}
