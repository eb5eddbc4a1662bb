package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// compliantCertificate is the certificate that puts a model on the list.
type compliantCertificate struct {
	ID                     string  `json:"id"`
	Number                 string  `json:"number" example:"QCVN11-0008"`
	StandardCode           string  `json:"standard_code" example:"QCVN 11:2026/BCA"`
	CertificationBodyOrgID string  `json:"certification_body_org_id"`
	CertificationBody      string  `json:"certification_body" example:"Quatest 1"`
	IssuedOn               string  `json:"issued_on" format:"date"`
	ExpiresOn              *string `json:"expires_on" format:"date"`
}

// compliantModel is one model on the published list.
type compliantModel struct {
	Model verifiedModel `json:"model"`
	// Certificate is the certificate that makes the model compliant on the
	// date: null when no standard made certification mandatory then.
	Certificate *compliantCertificate `json:"certificate"`
	Reasons     []reasonResponse      `json:"reasons"`
}

// compliantList is one page of the published list.
type compliantList struct {
	// At is the date the list is for.
	At         string           `json:"at" format:"date"`
	Items      []compliantModel `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// compliantChange is a model that entered or left the list.
type compliantChange struct {
	Model       verifiedModel         `json:"model"`
	Change      string                `json:"change" enums:"entered,left"`
	FromVerdict string                `json:"from_verdict" enums:"compliant,non_compliant,warning,unknown"`
	ToVerdict   string                `json:"to_verdict" enums:"compliant,non_compliant,warning,unknown"`
	Certificate *compliantCertificate `json:"certificate"`
	// Reasons are verify's reasons on the later date: why the model left,
	// or what it entered with.
	Reasons []reasonResponse `json:"reasons"`
}

// compliantChanges is one page of the list's changes between two dates.
type compliantChanges struct {
	From       string            `json:"from" format:"date"`
	To         string            `json:"to" format:"date"`
	Items      []compliantChange `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

func newCompliantCertificate(c *models.CompliantCertificate) *compliantCertificate {
	if c == nil {
		return nil
	}
	return &compliantCertificate{ID: c.ID, Number: c.Number, StandardCode: c.StandardCode,
		CertificationBodyOrgID: c.CertificationBodyOrgID, CertificationBody: c.CertificationBody,
		IssuedOn: c.IssuedOn.String(), ExpiresOn: date(c.ExpiresOn)}
}

func reasonResponses(rs []models.Reason, lang string) []reasonResponse {
	out := make([]reasonResponse, len(rs))
	for i, r := range rs {
		out[i] = reasonResponse{Code: r.Code, Effect: r.Effect, Message: r.Message(lang), Evidence: r.Evidence}
	}
	return out
}

// compliantFilter reads the list's filters from the query.
func compliantFilter(q *query) models.CompliantFilter {
	return models.CompliantFilter{At: q.str("at"), Brand: q.str("brand"), Kind: q.str("kind"),
		Standard: q.str("standard"), Q: q.str("q")}
}

// listCompliantModels godoc
//
//	@Summary		The published list of compliant camera models
//	@Description	Every verified model whose verdict on the date is `compliant`, with the certificate that makes it so: the registry's "danh mục" of cameras that may be bought. Each model is judged by the same code as GET /v1/verify, so the two always agree. Public, rate-limited per IP.
//	@Tags			market
//	@Produce		json
//	@Param			at				query		string	false	"the date, YYYY-MM-DD; today in Vietnam when omitted"
//	@Param			brand			query		string	false	"brand, ignoring case and diacritics"
//	@Param			kind			query		string	false	"kind of camera"
//	@Param			standard		query		string	false	"code of the certificate's standard, such as QCVN 11:2026/BCA"
//	@Param			q				query		string	false	"words of the brand, model number or name"
//	@Param			limit			query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	compliantList
//	@Failure		422				{object}	Problem
//	@Router			/v1/compliant-models [get]
func (s *Server) listCompliantModels(c echo.Context) error {
	q := newQuery(c, "at", "brand", "kind", "standard", "q")
	f := compliantFilter(q)
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.CompliantModels(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	out := compliantList{At: s.dayOr(f.At), Items: make([]compliantModel, len(page.Items)), NextCursor: page.NextCursor}
	for i := range page.Items {
		cm := &page.Items[i]
		out.Items[i] = compliantModel{Model: s.newVerifiedModel(c, &cm.Model),
			Certificate: newCompliantCertificate(cm.Certificate), Reasons: reasonResponses(cm.Reasons, lang)}
	}
	return c.JSON(http.StatusOK, out)
}

// listCompliantChanges godoc
//
//	@Summary		Models that entered or left the published list between two dates
//	@Description	Each model whose place on the list differs between `from` and `to`, with verify's verdicts on both dates and its reasons on `to` (why it left, or the certificate it entered with). Public, rate-limited per IP.
//	@Tags			market
//	@Produce		json
//	@Param			from			query		string	true	"the earlier date, YYYY-MM-DD"
//	@Param			to				query		string	false	"the later date, YYYY-MM-DD; today when omitted"
//	@Param			brand			query		string	false	"brand, ignoring case and diacritics"
//	@Param			kind			query		string	false	"kind of camera"
//	@Param			standard		query		string	false	"code of the certificate's standard"
//	@Param			q				query		string	false	"words of the brand, model number or name"
//	@Param			limit			query		int		false	"page size, 1..500"	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			Accept-Language	header		string	false	"vi (default) or en"
//	@Success		200				{object}	compliantChanges
//	@Failure		422				{object}	Problem
//	@Router			/v1/compliant-models/changes [get]
func (s *Server) listCompliantChanges(c echo.Context) error {
	q := newQuery(c, "from", "to", "brand", "kind", "standard", "q")
	from, to := q.str("from"), q.str("to")
	f := compliantFilter(q)
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.CompliantChanges(c.Request().Context(), from, to, f, p)
	if err != nil {
		return err
	}
	lang := responseLang(c)
	out := compliantChanges{From: from, To: s.dayOr(to), Items: make([]compliantChange, len(page.Items)), NextCursor: page.NextCursor}
	for i := range page.Items {
		ch := &page.Items[i]
		out.Items[i] = compliantChange{Model: s.newVerifiedModel(c, &ch.Model), Change: ch.Change,
			FromVerdict: ch.FromVerdict, ToVerdict: ch.ToVerdict, Certificate: newCompliantCertificate(ch.Certificate),
			Reasons: reasonResponses(ch.Reasons, lang)}
	}
	return c.JSON(http.StatusOK, out)
}

// dayOr is the date a list is for: the one asked (already validated), or
// today in Vietnam.
func (s *Server) dayOr(at string) string {
	if at != "" {
		if d, err := models.ParseDate(at); err == nil {
			return d.String()
		}
	}
	return s.store.Today().String()
}
