package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"camreg/models/verdict"
)

// Alerts (issue #17): when a change to the registry changes the verdict of
// a fleet's devices, the fleet is told once per change. The alert
// processor (alert_step.go) reads the change log after its own cursor, as
// the search indexers do; a tick (alert_tick.go) adds what follows from
// dates alone. Each device's last judged verdict is kept (device_verdicts)
// so that an alert says what the verdict was before and is after. An alert
// is unique per fleet and change (dedup_key), so a replay never doubles
// one; webhooks (webhook*.go) deliver them, feeds and a list show them.

// The alert events, as webhooks subscribe to them.
const (
	AlertWarningIssued         = "warning.issued"
	AlertWarningChanged        = "warning.changed"
	AlertWarningWithdrawn      = "warning.withdrawn"
	AlertCertificateIssued     = "certificate.issued"
	AlertCertificateChanged    = "certificate.changed"
	AlertCertificateSuspended  = "certificate.suspended"
	AlertCertificateRevoked    = "certificate.revoked"
	AlertCertificateReinstated = "certificate.reinstated"
	AlertCertificateExpiring   = "certificate.expiring"
	AlertCertificateExpired    = "certificate.expired"
	AlertStandardMandatory     = "standard.mandatory"
	AlertStandardChanged       = "standard.changed"
)

// AlertEvents lists every alert event name.
var AlertEvents = []string{AlertWarningIssued, AlertWarningChanged, AlertWarningWithdrawn,
	AlertCertificateIssued, AlertCertificateChanged, AlertCertificateSuspended, AlertCertificateRevoked,
	AlertCertificateReinstated, AlertCertificateExpiring, AlertCertificateExpired,
	AlertStandardMandatory, AlertStandardChanged}

// MaxAlertDevices bounds the devices one alert names; DevicesTotal and
// CamerasTotal count them all.
const MaxAlertDevices = 1000

// ExpiringWithin is how many days ahead a certificate's expiry is told.
const ExpiringWithin = 30

// Alert is one change told to one fleet.
type Alert struct {
	ID      string `gorm:"primaryKey"`
	FleetID string
	// Kind is the event name (AlertEvents).
	Kind string
	// DedupKey makes the alert unique per fleet: "event:<seq>" for a
	// change of the log, "<kind>:<subject id>:<date>" for a dated one.
	DedupKey    string
	SubjectType string
	SubjectID   string
	// SubjectRef is the warning's reference, the certificate's number or
	// the standard's code.
	SubjectRef string
	// ChangeSeq is the change-log event the alert follows from; nil for
	// an alert that dates alone raise.
	ChangeSeq *int64
	// OnDate is the day the alert is about: the day the change was seen,
	// the certificate's expiry date, the standard's mandatory date.
	OnDate       Date `gorm:"column:on_date"`
	DevicesTotal int
	CamerasTotal int
	// DevicesJSON holds up to MaxAlertDevices AlertDevice, as JSON.
	DevicesJSON string `gorm:"column:devices"`
	CreatedAt   time.Time
}

// TableName is the alerts' table.
func (Alert) TableName() string { return "alerts" }

// GetID returns the alert's id.
func (a Alert) GetID() string { return a.ID }

// Devices decodes the devices the alert names.
func (a *Alert) Devices() []AlertDevice {
	var ds []AlertDevice
	_ = json.Unmarshal([]byte(a.DevicesJSON), &ds)
	if ds == nil {
		ds = []AlertDevice{}
	}
	return ds
}

// AlertDevice is one device an alert names, with its verdict before and
// after the change and the reasons of the verdict after.
type AlertDevice struct {
	DeviceID   string `json:"id"`
	Brand      string `json:"brand"`
	Model      string `json:"model"`
	Firmware   string `json:"firmware"`
	ExternalID string `json:"external_id"`
	Location   string `json:"location"`
	Quantity   int    `json:"quantity"`
	// ModelID is the registered model the device's text matched exactly.
	ModelID       string           `json:"model_id,omitempty"`
	VerdictBefore string           `json:"verdict_before"`
	VerdictAfter  string           `json:"verdict_after"`
	Reasons       []verdict.Reason `json:"reasons"`
}

// AlertPayload is an alert as the API, the feeds and the webhooks show it.
type AlertPayload struct {
	ID           string        `json:"id"`
	FleetID      string        `json:"fleet_id"`
	Type         string        `json:"type" example:"warning.issued"`
	SubjectType  string        `json:"subject_type" example:"warning"`
	SubjectID    string        `json:"subject_id"`
	SubjectRef   string        `json:"subject_ref" example:"383/CATTT-NCSC"`
	ChangeSeq    *int64        `json:"change_seq"`
	On           string        `json:"on" example:"2026-12-06"`
	DevicesTotal int           `json:"devices_total"`
	CamerasTotal int           `json:"cameras_total"`
	Devices      []AlertDevice `json:"devices"`
	CreatedAt    time.Time     `json:"created_at"`
}

// Payload is the alert's outward form.
func (a *Alert) Payload() AlertPayload {
	return AlertPayload{ID: a.ID, FleetID: a.FleetID, Type: a.Kind, SubjectType: a.SubjectType, SubjectID: a.SubjectID,
		SubjectRef: a.SubjectRef, ChangeSeq: a.ChangeSeq, On: a.OnDate.String(), DevicesTotal: a.DevicesTotal,
		CamerasTotal: a.CamerasTotal, Devices: a.Devices(), CreatedAt: a.CreatedAt}
}

// AlertWatch says how many of a fleet's devices the alert processor has
// judged: a device added a moment ago is watched once it is judged.
type AlertWatch struct {
	Devices int `json:"devices"`
	Judged  int `json:"judged"`
}

// FleetAlerts lists a fleet's alerts as viewer may see the fleet, oldest
// first (a feed reads them newest first: FleetAlertsNewest). Errors:
// ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) FleetAlerts(ctx context.Context, viewer Actor, fleetID string, p PageRequest) (Page[Alert], AlertWatch, error) {
	db := s.db.WithContext(ctx)
	if _, err := viewFleet(db, viewer, fleetID); err != nil {
		return Page[Alert]{}, AlertWatch{}, err
	}
	page, err := findPage[Alert](db.Model(&Alert{}).Where("fleet_id = ?", fleetID), "alerts", p)
	if err != nil {
		return page, AlertWatch{}, err
	}
	var w AlertWatch
	var n int64
	if err := db.Model(&FleetDevice{}).Where("fleet_id = ?", fleetID).Count(&n).Error; err != nil {
		return page, w, fmt.Errorf("count devices of fleet %s: %w", fleetID, err)
	}
	w.Devices = int(n)
	if err := db.Model(&deviceVerdict{}).Where("fleet_id = ?", fleetID).Count(&n).Error; err != nil {
		return page, w, fmt.Errorf("count judged devices of fleet %s: %w", fleetID, err)
	}
	w.Judged = int(n)
	return page, w, nil
}

// FleetAlertsNewest returns up to limit of a fleet's alerts, newest first,
// before the cursor (an alert id, base64), and the cursor of the next
// page. Errors: ErrForbidden, ErrNotFound, ErrInvalid.
func (s *Store) FleetAlertsNewest(ctx context.Context, viewer Actor, fleetID string, limit int, cursor string) (*Fleet, []Alert, string, error) {
	var v ValidationError
	if limit == 0 {
		limit = DefaultFeedLimit
	}
	v.Check(limit >= 1 && limit <= MaxFeedLimit, "limit", "must be between 1 and %d", MaxFeedLimit)
	before := ""
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		v.Check(err == nil && ValidID(string(b)), "cursor", "is not a cursor returned by this feed")
		before = string(b)
	}
	if err := v.Err(); err != nil {
		return nil, nil, "", err
	}
	db := s.db.WithContext(ctx)
	f, err := viewFleet(db, viewer, fleetID)
	if err != nil {
		return nil, nil, "", err
	}
	q := db.Where("fleet_id = ?", fleetID)
	if before != "" {
		q = q.Where("id < ?", before)
	}
	var as []Alert
	if err := q.Order("id DESC").Limit(limit + 1).Find(&as).Error; err != nil {
		return nil, nil, "", fmt.Errorf("read alerts of fleet %s: %w", fleetID, err)
	}
	next := ""
	if len(as) > limit {
		as = as[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(as[limit-1].ID))
	}
	return f, as, next, nil
}

// GetAlert loads one alert, without authorization: for the webhook
// sender. Errors: ErrNotFound.
func (s *Store) GetAlert(ctx context.Context, id string) (*Alert, error) {
	return get[Alert](s.db.WithContext(ctx), id, "alert")
}

// deviceVerdict is a device's last judged verdict: the "before" of the
// next alert about it.
type deviceVerdict struct {
	DeviceID string `gorm:"primaryKey"`
	FleetID  string
	ModelID  string
	Verdict  string
	// Signature sums the verdict and its reasons (code, certificate,
	// warning); a change of it is a change of the device's verdict.
	Signature string
	Reasons   string
	JudgedAt  time.Time
}

func (deviceVerdict) TableName() string { return "device_verdicts" }

// judgement is a device judged now.
type judgement struct {
	device  FleetDevice
	modelID string
	verdict string
	reasons []verdict.Reason
	sig     string
}

func (j *judgement) row(at time.Time) deviceVerdict {
	b, _ := json.Marshal(j.reasons)
	return deviceVerdict{DeviceID: j.device.ID, FleetID: j.device.FleetID, ModelID: j.modelID, Verdict: j.verdict,
		Signature: j.sig, Reasons: string(b), JudgedAt: at}
}

// signature sums a verdict and its reasons, order aside.
func signature(v string, reasons []verdict.Reason) string {
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = r.Code + "/" + r.Evidence.CertificateID + "/" + r.Evidence.WarningID + "/" + r.Evidence.StandardCode
	}
	slices.Sort(parts)
	b, _ := json.Marshal(append([]string{v}, parts...))
	return string(b)
}

// judge verifies devices today, as the fleet report does (a row matched
// only possibly is never compliant), in batches of MaxVerifyItems.
func (s *Store) judge(ctx context.Context, ds []FleetDevice, day Date) ([]judgement, error) {
	out := make([]judgement, 0, len(ds))
	for chunk := range slices.Chunk(ds, MaxVerifyItems) {
		qs := make([]VerifyQuery, len(chunk))
		for i, d := range chunk {
			qs[i] = VerifyQuery{Model: d.Model, Brand: d.Brand, Firmware: d.Firmware, At: day.String()}
		}
		vs, err := s.VerifyMany(ctx, qs)
		if err != nil {
			return nil, fmt.Errorf("judge fleet devices: %w", err)
		}
		for i, d := range chunk {
			j := judgement{device: d, verdict: vs[i].Verdict, reasons: vs[i].Reasons}
			if vs[i].Match == MatchExact && vs[i].Model != nil {
				j.modelID = vs[i].Model.ID
			} else if j.verdict == VerdictCompliant {
				j.verdict = VerdictUnknown
			}
			if j.reasons == nil {
				j.reasons = []verdict.Reason{}
			}
			j.sig = signature(j.verdict, j.reasons)
			out = append(out, j)
		}
	}
	return out, nil
}

// loadDevices reads devices by id; those gone are left out.
func loadDevices(db *gorm.DB, ids []string) ([]FleetDevice, error) {
	var out []FleetDevice
	for chunk := range slices.Chunk(ids, 500) {
		var ds []FleetDevice
		if err := db.Where("id IN ?", chunk).Order("id").Find(&ds).Error; err != nil {
			return nil, fmt.Errorf("read fleet devices: %w", err)
		}
		out = append(out, ds...)
	}
	return out, nil
}
