package models

import (
	"slices"

	"camreg/models/verdict"

	"gorm.io/gorm"
)

// Status is the status trio shared by certificates, C/Os, warnings and
// findings: the status, why it was set, and the date the change takes
// effect. A change effective on a date counts from that date on, so a query
// about an earlier date still sees the old status.
type Status struct {
	Status          string `json:"status"`
	StatusReason    string `json:"status_reason"`
	StatusChangedOn Date   `json:"status_changed_on"`
}

// InEffectOn reports whether the status is in effect on day d: from its
// effective date on, or always when it has none. Before that day the
// previous status held (see verdict.StatusOn).
func (s Status) InEffectOn(d Date) bool { return verdict.InEffect(s.StatusChangedOn, d) }

// statusRules describes a status machine: the initial status, every status
// in the order lists name them, the statuses that need a reason, and the
// allowed moves.
type statusRules struct {
	initial     string
	statuses    []string
	needReason  []string
	transitions map[string][]string
	// final are the statuses (a revocation) whose date is the day the
	// registry learns of them or earlier, never later, and once recorded
	// may move earlier but not later: a revocation dated into the future,
	// or moved there, made a revoked document count again until then.
	final []string
}

// checkFinalDate refuses a final status's effective date d that is later
// than today, or later than the date it had (was, zero when none); the date
// it had, sent again unchanged (an export imported back), is no change.
func (r statusRules) checkFinalDate(v *ValidationError, status string, d, was, today Date) {
	if !slices.Contains(r.final, status) || d.IsZero() || d == was {
		return
	}
	switch {
	case d.After(today):
		v.Add("status_changed_on", "must not be later than today (%s): a %s takes effect on or before the day it is recorded", today, status)
	case !was.IsZero() && d.After(was):
		v.Add("status_changed_on", "may move earlier than %s, not later: the document is %s since then", was, status)
	}
}

// filter narrows a list to one status, checking it is one of the machine's.
func (r statusRules) filter(v *ValidationError, q *gorm.DB, status string) *gorm.DB {
	if status == "" {
		return q
	}
	v.enum("status", &status, false, r.statuses...)
	return q.Where("status = ?", status)
}

// statusAction is the change log's action for a change of a document whose
// status went from before to after: "status" when the status changed,
// "update" otherwise.
func statusAction(before, after Status) string {
	if before.Status != after.Status {
		return ActionStatus
	}
	return ActionUpdate
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
			d := v.date("status_changed_on", changedOn, false)
			r.checkFinalDate(v, want, d, st.StatusChangedOn, today)
			st.StatusChangedOn = d
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
	r.checkFinalDate(v, want, d, Date{}, today)
	if !create && want == r.initial && st.Status != CertPending && !st.StatusChangedOn.IsZero() && d.Before(st.StatusChangedOn) {
		// A reinstatement dated before the suspension it lifts erased the
		// suspension from every question about its days (verify rebuilds
		// the status on a date from the change log). A submission's
		// confirmation is not held to it: pending was never in effect; nor
		// is a revocation, which may be dated earlier (checkFinalDate).
		v.Add("status_changed_on", "must not be before %s, when the document became %s: a change takes effect no earlier than the status it ends",
			st.StatusChangedOn, st.Status)
	}
	st.Status, st.StatusReason, st.StatusChangedOn = want, rs, d
}

// move checks a move made as a step of its own (a finding's confirmation,
// say) rather than through apply's field changes: a move the machine does
// not allow is a conflict with the document's current status, naming the
// moves it allows. Errors: ErrConflict.
func (r statusRules) move(what, id, from, to string) error {
	if slices.Contains(r.transitions[from], to) {
		return nil
	}
	allowed := r.transitions[from]
	if len(allowed) == 0 {
		return Conflict("%s %s is %s, which is final", what, id, from)
	}
	return Conflict("%s %s is %s: it can become %s, not %s", what, id, from, joinComma(allowed), to)
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
