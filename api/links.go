package api

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// One shape for every write that links camera models, and one rule for the
// fields a key implies.
//
// A certificate, a certificate of origin and a warning name the models they
// link the same way: models, a list of {camera_model_id, firmware?}, or
// camera_model_ids, a list of ids, as shorthand; sending both is a 422.
// (A warning's own affected list, with introduced_in and fixed_in, is a
// third way for warnings.)
//
// A field whose value a role's key implies (a vendor's registrant_org_id,
// trader_org_id and holder_org_id, a certifier's certification_body_org_id,
// an authority's authority_org_id) may be sent by that role when it names
// the key's own organization, and is then the same as leaving it out; any
// other value is a 403, as trying to act for another organization.

// ModelLinks are the models a write links.
type ModelLinks struct {
	// Models are the linked models, each optionally for one firmware version only.
	Models *[]coveredModel `json:"models"`
	// CameraModelIDs is shorthand for models without firmware.
	CameraModelIDs *[]string `json:"camera_model_ids" example:"0193a5b0-7e1c-7c1e-9a2b-3c4d5e6f7a8b"`
}

// check refuses both forms at once.
func (l ModelLinks) check() []models.FieldError {
	if l.Models != nil && l.CameraModelIDs != nil {
		return []models.FieldError{{Field: "camera_model_ids", Message: "send either models or camera_model_ids, not both"}}
	}
	return nil
}

// covered is the links as models with firmware, whichever form was sent;
// nil when neither was.
func (l ModelLinks) covered() *[]models.CoveredModelInput {
	switch {
	case l.Models != nil:
		ms := make([]models.CoveredModelInput, len(*l.Models))
		for i, m := range *l.Models {
			ms[i] = models.CoveredModelInput{CameraModelID: m.CameraModelID, Firmware: m.Firmware}
		}
		return &ms
	case l.CameraModelIDs != nil:
		ms := make([]models.CoveredModelInput, len(*l.CameraModelIDs))
		for i, id := range *l.CameraModelIDs {
			ms[i] = models.CoveredModelInput{CameraModelID: id}
		}
		return &ms
	}
	return nil
}

// ids is the links as model ids, for links that cannot be limited to a
// firmware version: a model with firmware is a field error.
func (l ModelLinks) ids(what string) (*[]string, []models.FieldError) {
	if l.Models == nil {
		return l.CameraModelIDs, nil
	}
	ids := make([]string, len(*l.Models))
	for i, m := range *l.Models {
		if m.Firmware != "" {
			return nil, []models.FieldError{{Field: "models", Message: what}}
		}
		ids[i] = m.CameraModelID
	}
	return &ids, nil
}

// checked is a request whose fields are checked together once decoded.
type checked interface{ check() []models.FieldError }

// implier is a role's request type that names the fields its key implies.
type implier interface{ implied() []string }

// dropImplied removes from a JSON object body the implied fields of dst
// that name the key's own organization, and refuses with 403 those that
// name another. A body that is not a JSON object is left to the decoder.
func dropImplied(c echo.Context, dst any, body []byte) ([]byte, error) {
	im, ok := dst.(implier)
	if !ok {
		return body, nil
	}
	if _, dup := duplicateKey(body); dup {
		return body, nil // the decoder refuses it, naming the key
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || fields == nil {
		return body, nil
	}
	actor := viewer(c)
	dropped := false
	for _, name := range im.implied() {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var v *string
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			delete(fields, name)
			dropped = true
			continue
		}
		if err := json.Unmarshal(raw, &v); err != nil || v == nil {
			continue // the decoder reports it as not settable
		}
		if actor.OrgID == "" || *v != actor.OrgID {
			return nil, forbidden(name + " must be your key's own organization (" + orNone(actor.OrgID) + "), or left out")
		}
		delete(fields, name)
		dropped = true
	}
	if !dropped {
		return body, nil
	}
	return json.Marshal(fields)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
