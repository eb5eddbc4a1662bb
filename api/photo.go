package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// manualFindingRequest records a finding by hand.
type manualFindingRequest struct {
	// Violation is any finding violation (no_conformity_certificate, ...,
	// other) or a label defect: no_vietnamese_label, tampered_label,
	// missing_label, label_mismatch.
	Violation string `json:"violation" example:"no_vietnamese_label"`
	// Notes say what was seen; required for other.
	Notes string `json:"notes" example:"Hộp không có nhãn phụ tiếng Việt"`
	// ItemPosition names the inspection's item it is about, if any.
	ItemPosition *int `json:"item_position" example:"0"`
	// PhotoIDs attach photos of this inspection (POST .../photos first).
	PhotoIDs []string `json:"photo_ids"`
}

// photoResponse is a stored photo's description (its bytes are at url).
type photoResponse struct {
	ID           string  `json:"id"`
	InspectionID string  `json:"inspection_id"`
	FindingID    *string `json:"finding_id"`
	ContentType  string  `json:"content_type" example:"image/jpeg"`
	Size         int     `json:"size" example:"482113"`
	SHA256       string  `json:"sha256"`
	// URL serves the photo to those who may read the inspection.
	URL string `json:"url" example:"/v1/photos/0193a5b0-7e1c-7c1e-9a2b-3c4d5e6f7a8b"`
}

// createManualFinding godoc
//
//	@Summary		Record a finding by hand
//	@Description	A violation the registry cannot see, against the inspection's trader on the inspection's date: any finding violation (other with notes saying what), or a label defect (no_vietnamese_label, tampered_label, missing_label, label_mismatch); optionally about one item, with photos of the inspection. It starts open and follows the same lifecycle (PATCH /v1/findings/{id}). Only the inspecting office's inspectors and admins.
//	@Tags			findings
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string					true	"inspection id"
//	@Param			Idempotency-Key	header		string					false	"replays the first answer of the same request"
//	@Param			Accept-Language	header		string					false	"vi (default) or en"
//	@Param			body			body		manualFindingRequest	true	"the finding"
//	@Success		201				{object}	findingResponse
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		422				{object}	Problem
//	@Router			/v1/inspections/{id}/findings [post]
func (s *Server) createManualFinding(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req manualFindingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f, err := s.store.CreateManualFinding(c.Request().Context(), mustActor(c), id, models.ManualFindingInput{
		Violation: req.Violation, Notes: req.Notes, ItemPosition: req.ItemPosition, PhotoIDs: req.PhotoIDs})
	if err != nil {
		return err
	}
	return created(c, "/v1/findings/"+f.ID, f.Version, findingView(responseLang(c))(f))
}

// readPhoto reads a photo sent as the raw body (image/jpeg, image/png,
// image/webp or application/octet-stream) or as the "photo" part of a
// multipart form, at most models.MaxPhotoBytes.
func readPhoto(c echo.Context) ([]byte, error) {
	r := c.Request()
	tooBig := problem(http.StatusRequestEntityTooLarge, "body-too-large", "Photo too large", "a photo may be at most 5 MiB")
	mt, params, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	var src io.Reader
	switch {
	case mt == "multipart/form-data":
		mr, err := (&http.Request{Header: http.Header{"Content-Type": {r.Header.Get(echo.HeaderContentType)}},
			Body: http.MaxBytesReader(c.Response(), r.Body, models.MaxPhotoBytes+64<<10)}).MultipartReader()
		if err != nil || params["boundary"] == "" {
			return nil, problem(http.StatusBadRequest, "bad-request", "Unreadable form", "send the photo as the part named photo")
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, tooBig
				}
				return nil, problem(http.StatusBadRequest, "bad-request", "Unreadable form", "send the photo as the part named photo")
			}
			if part.FormName() == "photo" {
				src = part
				break
			}
		}
	case mt == "" || strings.HasPrefix(mt, "image/") || mt == "application/octet-stream":
		src = r.Body
	default:
		return nil, problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"send the photo as image/jpeg, image/png or image/webp, or as the part photo of multipart/form-data")
	}
	data, err := io.ReadAll(io.LimitReader(src, models.MaxPhotoBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooBig
		}
		return nil, problem(http.StatusBadRequest, "bad-request", "Unreadable body", "the photo could not be read")
	}
	if len(data) > models.MaxPhotoBytes {
		return nil, tooBig
	}
	return data, nil
}

func photoView(p *models.Photo) photoResponse {
	return photoResponse{ID: p.ID, InspectionID: p.InspectionID, FindingID: p.FindingID, ContentType: p.ContentType,
		Size: p.Size, SHA256: p.SHA256, URL: "/v1/photos/" + p.ID}
}

// addInspectionPhoto godoc
//
//	@Summary		Add a photo to an inspection
//	@Description	A JPEG, PNG or WebP photo (its type is read from its bytes), at most 5 MiB, as the raw body or the part photo of a form. It is kept privately and served only to those who may read the inspection. Attach it to a finding (photo_ids) or to a label marked not in the registry. Only the inspecting office's inspectors and admins.
//	@Tags			findings
//	@Accept			image/jpeg,image/png,image/webp,multipart/form-data
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"inspection id"
//	@Param			Idempotency-Key	header		string	false	"replays the first answer of the same request"
//	@Success		201				{object}	photoResponse
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		413				{object}	Problem
//	@Failure		415				{object}	Problem
//	@Failure		422				{object}	Problem	"not a JPEG, PNG or WebP image"
//	@Router			/v1/inspections/{id}/photos [post]
func (s *Server) addInspectionPhoto(c echo.Context) error {
	return s.addPhoto(c, "")
}

// addFindingPhoto godoc
//
//	@Summary		Add a photo to a finding
//	@Description	As POST /v1/inspections/{id}/photos, attached to the finding (and its inspection).
//	@Tags			findings
//	@Accept			image/jpeg,image/png,image/webp,multipart/form-data
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"finding id"
//	@Param			Idempotency-Key	header		string	false	"replays the first answer of the same request"
//	@Success		201				{object}	photoResponse
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Failure		413				{object}	Problem
//	@Failure		415				{object}	Problem
//	@Failure		422				{object}	Problem	"not a JPEG, PNG or WebP image"
//	@Router			/v1/findings/{id}/photos [post]
func (s *Server) addFindingPhoto(c echo.Context) error {
	return s.addPhoto(c, "finding")
}

func (s *Server) addPhoto(c echo.Context, of string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	data, err := readPhoto(c)
	if err != nil {
		return err
	}
	inspectionID, findingID := id, ""
	if of == "finding" {
		inspectionID, findingID = "", id
	}
	p, err := s.store.AddPhoto(c.Request().Context(), mustActor(c), inspectionID, findingID, data)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/photos/"+p.ID)
	return c.JSON(http.StatusCreated, photoView(p))
}

// getPhoto godoc
//
//	@Summary		A photo of an inspection
//	@Description	Served only to those who may read the inspection: inspectors, authorities and admins, and the inspected trader's vendors (others: 404).
//	@Tags			findings
//	@Produce		image/jpeg,image/png,image/webp
//	@Security		BearerKey
//	@Param			id	path		string	true	"photo id"
//	@Success		200	{file}		file	"the photo"
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/v1/photos/{id} [get]
func (s *Server) getPhoto(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.store.GetPhoto(c.Request().Context(), mustActor(c), id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+p.SHA256+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, p.ContentType, p.Data)
}

// photoList is an inspection's photos.
type photoList struct {
	Items []photoResponse `json:"items"`
}

// listInspectionPhotos godoc
//
//	@Summary		List an inspection's photos
//	@Description	Every photo of the inspection, oldest first, without its bytes (each is served at its url): those of the visit as a whole (finding_id null), of its findings, and of labels marked not in the registry. Only to those who may read the inspection: inspectors, authorities and admins, and the inspected trader's vendors; another organization's inspection is 404. At most 500.
//	@Tags			findings
//	@Produce		json
//	@Security		BearerKey
//	@Param			id	path		string	true	"inspection id"
//	@Success		200	{object}	photoList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/v1/inspections/{id}/photos [get]
func (s *Server) listInspectionPhotos(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	photos, err := s.store.InspectionPhotos(c.Request().Context(), mustActor(c), id)
	if err != nil {
		return err
	}
	out := photoList{Items: make([]photoResponse, len(photos))}
	for i := range photos {
		out.Items[i] = photoView(&photos[i])
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, out)
}
