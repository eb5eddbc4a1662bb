package api

import "time"

type Problem struct {
	Type   string `json:"type"`
	Detail string `json:"detail,omitempty"`
} //	@name	Problem

type Common struct {
	ID string `json:"id"`
}

type thingRequest struct {
	Status *string `json:"status" create:"required"`
	Note   *string `json:"note"`
}

type thingResponse struct {
	Common
	Status    string          `json:"status"`
	Note      string          `json:"note,omitempty"`
	ExpiresOn *string         `json:"expires_on"`
	At        time.Time       `json:"at"`
	Changes   json.RawMessage `json:"changes"`
	Child     *Common         `json:"child"`
}

// getThing godoc
//
//	@Router	/v1/things/{id} [get]
func getThing() {}

// history godoc
//
//	@Router	/v1/things/{id}/history [get]
//	@Router	/v1/origin-certificates/{id}/history [get]
func history() {}

// createThing godoc
//
//	@Router	/v1/things [post]
func createThing() {}

// updateThing godoc
//
//	@Router	/v1/things/{id} [patch]
func updateThing() {}

// Shared names Common under another name.
type Shared = Common

type other struct {
	Status string `json:"status"`
	When   string `json:"when,omitzero"`
}
