package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// standardRequest creates a standard (POST) or changes some of its fields
// (PATCH). Dates are YYYY-MM-DD.
type standardRequest struct {
	Code            *string `json:"code" example:"QCVN 135:2024/BTTTT" create:"required"`
	Title           *string `json:"title" example:"Quy chuẩn kỹ thuật quốc gia về yêu cầu an toàn thông tin cơ bản đối với camera giám sát" create:"required"`
	IssuedBy        *string `json:"issued_by" example:"Bộ Thông tin và Truyền thông"`
	IssuingDocument *string `json:"issuing_document" example:"Thông tư 21/2024/TT-BTTTT"`
	EffectiveFrom   *string `json:"effective_from" example:"2025-02-15" create:"required"`
	MandatoryFrom   *string `json:"mandatory_from" example:"2026-01-01"`
	SupersededBy    *string `json:"superseded_by" example:"QCVN 11:2026/BCA"`
	EffectiveTo     *string `json:"effective_to" example:"2026-06-30"`
}

func (r standardRequest) input() models.StandardInput {
	return models.StandardInput{Code: r.Code, Title: r.Title, IssuedBy: r.IssuedBy, IssuingDocument: r.IssuingDocument,
		EffectiveFrom: r.EffectiveFrom, MandatoryFrom: r.MandatoryFrom, SupersededBy: r.SupersededBy, EffectiveTo: r.EffectiveTo}
}

// standardResponse is a standard as the API shows it.
type standardResponse struct {
	ID              string    `json:"id"`
	Code            string    `json:"code"`
	Title           string    `json:"title"`
	IssuedBy        string    `json:"issued_by"`
	IssuingDocument string    `json:"issuing_document"`
	EffectiveFrom   *string   `json:"effective_from" example:"2025-02-15"`
	MandatoryFrom   *string   `json:"mandatory_from" example:"2026-01-01"`
	SupersededBy    *string   `json:"superseded_by"`
	EffectiveTo     *string   `json:"effective_to"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func newStandardResponse(st *models.Standard) standardResponse {
	return standardResponse{ID: st.ID, Code: st.Code, Title: st.Title, IssuedBy: st.IssuedBy, IssuingDocument: st.IssuingDocument,
		EffectiveFrom: date(st.EffectiveFrom), MandatoryFrom: date(st.MandatoryFrom), SupersededBy: st.SupersededBy,
		EffectiveTo: date(st.EffectiveTo), Version: st.Version, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt}
}

// standardList is one page of standards.
type standardList struct {
	Items      []standardResponse `json:"items"`
	NextCursor string             `json:"next_cursor"`
}

// listStandards godoc
//
//	@Summary	List technical standards (QCVN)
//	@Tags		standards
//	@Produce	json
//	@Param		code	query		string	false	"exact code, such as QCVN 135:2024/BTTTT"
//	@Param		limit	query		int		false	"page size, 1..500"	default(50)
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	standardList
//	@Failure	422		{object}	Problem
//	@Router		/v1/standards [get]
func (s *Server) listStandards(c echo.Context) error {
	q := newQuery(c, "code")
	f := models.StandardFilter{Code: q.str("code")}
	p := q.page()
	if err := q.err(&p); err != nil {
		return err
	}
	page, err := s.store.FindStandards(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, standardList{Items: views(page.Items, newStandardResponse), NextCursor: page.NextCursor})
}

// getStandard godoc
//
//	@Summary	Get a standard
//	@Tags		standards
//	@Produce	json
//	@Param		id	path		string	true	"standard id"
//	@Success	200	{object}	standardResponse
//	@Failure	404	{object}	Problem
//	@Router		/v1/standards/{id} [get]
func (s *Server) getStandard(c echo.Context) error {
	return getOne(c, s.store.GetStandard, newStandardResponse)
}

// createStandard godoc
//
//	@Summary	Add a standard
//	@Tags		standards
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		Idempotency-Key	header		string			false	"a unique key per record: a repeat of the same request replays the first answer; another request with it is 422; while the first runs, 409"
//	@Param		body			body		standardRequest	true	"the standard; code, title and effective_from are required"
//	@Success	201				{object}	standardResponse
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	409				{object}	Problem
//	@Failure	422				{object}	Problem
//	@Router		/v1/standards [post]
func (s *Server) createStandard(c echo.Context) error {
	return createOne[standardRequest](c, "standards", s.store.CreateStandard, newStandardResponse)
}

// updateStandard godoc
//
//	@Summary		Change some fields of a standard
//	@Description	Standards are never deleted; a replaced one gets superseded_by and effective_to.
//	@Tags			standards
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string			true	"standard id"
//	@Param			If-Match	header		string			false	"the ETag last read; a stale one gets 412"
//	@Param			body		body		standardRequest	true	"the fields to change"
//	@Success		200			{object}	standardResponse
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/standards/{id} [patch]
func (s *Server) updateStandard(c echo.Context) error {
	return updateOne[standardRequest](c, s.store.UpdateStandard, newStandardResponse)
}
