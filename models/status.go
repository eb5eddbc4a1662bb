package models

import "slices"

// Status is the status trio shared by certificates, C/Os, warnings and
// findings: the status, why it was set, and the date the change takes
// effect. A change effective on a date counts from that date on, so a query
// about an earlier date still sees the old status.
type Status struct {
	Status          string `json:"status"`
	StatusReason    string `json:"status_reason"`
	StatusChangedOn Date   `json:"status_changed_on"`
}

// statusRules describes a status machine: the initial status, the statuses
// that need a reason, and the allowed moves.
type statusRules struct {
	initial     string
	needReason  []string
	transitions map[string][]string
}

func (r statusRules) all() []string {
	out := []string{}
	for from := range r.transitions {
		out = append(out, from)
	}
	slices.Sort(out)
	return out
}

// apply validates a status change requested by status/reason/changedOn and
// writes it onto st. On create, st is empty and the initial status applies
// unless another is asked for. A change without a date takes effect today.
func (r statusRules) apply(v *ValidationError, st *Status, status, reason, changedOn *string, today Date, create bool) {
	if status == nil && !create {
		if reason != nil || changedOn != nil {
			v.Add("status", "is required when status_reason or status_changed_on is given")
		}
		return
	}
	want := r.initial
	if status != nil {
		want = *status
	}
	if _, ok := r.transitions[want]; !ok {
		v.Add("status", "must be one of %s", joinComma(r.all()))
		return
	}
	if !create && want == st.Status {
		if reason != nil {
			st.StatusReason = v.text("status_reason", reason, false, 2000)
		}
		if changedOn != nil {
			st.StatusChangedOn = v.date("status_changed_on", changedOn, false)
		}
		return
	}
	if !create && !slices.Contains(r.transitions[st.Status], want) {
		v.Add("status", "cannot change from %s to %s", st.Status, want)
		return
	}
	rs := v.text("status_reason", reason, false, 2000)
	if slices.Contains(r.needReason, want) && rs == "" {
		v.Add("status_reason", "is required when the status becomes %s", want)
	}
	d := v.date("status_changed_on", changedOn, false)
	if d.IsZero() && (!create || want != r.initial) {
		d = today
	}
	st.Status, st.StatusReason, st.StatusChangedOn = want, rs, d
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
