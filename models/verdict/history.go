package verdict

import (
	"encoding/json"

	"camreg/civil"
)

// A certificate's row holds only its latest status. The change log records
// every status change with its effective date, so the timeline rebuilt from
// it answers a question about an earlier date, such as one during a
// suspension that has since been lifted.

// StatusPoint is a status and the date from which it took effect (zero:
// from the start).
type StatusPoint struct {
	Status string
	On     civil.Date
}

// StatusEvent is a change-log event about a document, as the timeline reads
// it: a create carries the full row, an update the changed fields as
// {"field": {"from", "to"}}.
type StatusEvent struct {
	EntityID string
	Create   bool
	Changes  []byte
}

// Timelines are documents' status timelines, by id.
type Timelines map[string][]StatusPoint

// Add applies the next event (in the change log's order) to its document's
// timeline. A new status adds a point; the same status with a corrected date
// replaces the date, it does not add a change.
func (t Timelines) Add(e StatusEvent) {
	points := t[e.EntityID]
	var last StatusPoint
	if len(points) > 0 {
		last = points[len(points)-1]
	}
	p, statusChanged, dateChanged := applyStatusEvent(last, e)
	switch {
	case statusChanged || len(points) == 0:
		t[e.EntityID] = append(points, p)
	case dateChanged:
		points[len(points)-1] = p
	}
}

// applyStatusEvent applies one event to a status point, and reports
// whether the status, and whether the date, changed.
func applyStatusEvent(p StatusPoint, e StatusEvent) (StatusPoint, bool, bool) {
	if e.Create {
		var row struct {
			Status          string     `json:"status"`
			StatusChangedOn civil.Date `json:"status_changed_on"`
		}
		if json.Unmarshal(e.Changes, &row) != nil {
			return p, false, false
		}
		return StatusPoint{Status: row.Status, On: row.StatusChangedOn}, true, true
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(e.Changes, &fields) != nil {
		return p, false, false
	}
	statusChanged, dateChanged := false, false
	if raw, ok := fields["status"]; ok {
		var c struct{ To string }
		if json.Unmarshal(raw, &c) == nil && c.To != "" {
			p.Status, statusChanged = c.To, true
		}
	}
	if raw, ok := fields["status_changed_on"]; ok {
		var c struct{ To civil.Date }
		if json.Unmarshal(raw, &c) == nil {
			p.On, dateChanged = c.To, true
		}
	}
	return p, statusChanged, dateChanged
}

// InEffect reports whether a status change dated changedOn is in effect on
// day d: from that day on, and always when it carries no date.
func InEffect(changedOn, d civil.Date) bool { return changedOn.IsZero() || !d.Before(changedOn) }

// StatusOn is the status in effect on day d: the current status when it
// took effect on or before d, else the latest status (in the order of the
// change log) that took effect on or before d. A certificate is valid
// before its first recorded change.
func StatusOn(current string, changedOn civil.Date, history []StatusPoint, d civil.Date) string {
	if InEffect(changedOn, d) {
		return current
	}
	status := StatusValid
	for _, p := range history {
		if InEffect(p.On, d) {
			status = p.Status
		}
	}
	return status
}

// HistoryNeeded lists the certificates whose timeline the queries need: those
// whose current status took effect after a date asked about. Every other
// question is answered from the rows alone.
func HistoryNeeded(qs []Parsed, ms []Match, d *Data) []string {
	var need []string
	seen := map[string]bool{}
	for i, m := range ms {
		if m.Model == nil {
			continue
		}
		for _, c := range d.Certs[m.Model.ID] {
			if !InEffect(c.StatusChangedOn, qs[i].Day) && !seen[c.ID] {
				seen[c.ID] = true
				need = append(need, c.ID)
			}
		}
	}
	return need
}
