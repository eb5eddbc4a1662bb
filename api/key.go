package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// keyRequest creates an API key.
type keyRequest struct {
	// Role is admin, authority, certifier, inspector, vendor or procurement.
	Role string `json:"role" example:"inspector" enums:"admin,authority,certifier,inspector,vendor,procurement,operator" create:"required"`
	// OrgID scopes the key to an organization; required for every role but admin and procurement.
	OrgID string `json:"org_id"`
	Name  string `json:"name" example:"Đội QLTT số 3, Đà Nẵng"`
	// ExpiresAt is an optional RFC 3339 expiry.
	ExpiresAt *time.Time `json:"expires_at"`
}

// keyResponse describes a key; the secret is never shown again.
type keyResponse struct {
	ID         string     `json:"id"`
	Prefix     string     `json:"prefix" example:"3f9a1c2b7d4e"`
	Role       string     `json:"role"`
	OrgID      *string    `json:"org_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// newKeyResponse is a created key, with its secret, shown this once.
type newKeyResponse struct {
	keyResponse
	// Key is the secret to send as Authorization: Bearer <key>. It is stored only as a hash and cannot be shown again.
	Key string `json:"key" example:"camreg_3f9a1c2b7d4e_..."`
}

func newKeyView(k *models.APIKey) keyResponse {
	return keyResponse{ID: k.ID, Prefix: k.Prefix, Role: string(k.Role), OrgID: k.OrgID, Name: k.Name,
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
}

// keyList lists API keys.
type keyList struct {
	Items []keyResponse `json:"items"`
}

// listKeys godoc
//
//	@Summary	List API keys (never their secrets)
//	@Tags		keys
//	@Produce	json
//	@Security	BearerKey
//	@Success	200	{object}	keyList
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Router		/v1/keys [get]
func (s *Server) listKeys(c echo.Context) error {
	if err := newQuery(c).err(nil); err != nil {
		return err
	}
	keys, err := s.store.FindKeys(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, keyList{Items: views(keys, newKeyView)})
}

// createKey godoc
//
//	@Summary	Create an API key; the secret is in the response, once
//	@Tags		keys
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		keyRequest	true	"the key's role and scope"
//	@Success	201		{object}	newKeyResponse
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/keys [post]
func (s *Server) createKey(c echo.Context) error {
	var req keyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	k, secret, err := s.store.CreateKey(c.Request().Context(), mustActor(c),
		models.NewKeyInput{Role: models.Role(req.Role), OrgID: req.OrgID, Name: req.Name, ExpiresAt: req.ExpiresAt})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/keys/"+k.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, newKeyResponse{keyResponse: newKeyView(k), Key: secret})
}

// revokeKey godoc
//
//	@Summary	Revoke an API key; it stops working at once
//	@Tags		keys
//	@Produce	json
//	@Security	BearerKey
//	@Param		id	path		string	true	"key id or prefix"
//	@Success	200	{object}	keyResponse
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/keys/{id} [delete]
func (s *Server) revokeKey(c echo.Context) error {
	k, err := s.store.RevokeKey(c.Request().Context(), mustActor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newKeyView(k))
}

// provinceResponse is one of Vietnam's 34 provincial-level units.
type provinceResponse struct {
	Code string `json:"code" example:"48"`
	Name string `json:"name" example:"Đà Nẵng"`
	City bool   `json:"city"`
}

// provinceList lists the provinces.
type provinceList struct {
	Items []provinceResponse `json:"items"`
}

// listProvinces godoc
//
//	@Summary	List Vietnam's 34 provinces and cities, with their codes
//	@Tags		reference
//	@Produce	json
//	@Success	200	{object}	provinceList
//	@Router		/v1/provinces [get]
func (s *Server) listProvinces(c echo.Context) error {
	out := provinceList{Items: make([]provinceResponse, len(models.Provinces))}
	for i, p := range models.Provinces {
		out.Items[i] = provinceResponse{Code: p.Code, Name: p.Name, City: p.City}
	}
	return c.JSON(http.StatusOK, out)
}
