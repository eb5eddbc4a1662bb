package verdict

import (
	"slices"

	"camreg/civil"
)

// Data is everything the rules read, for every matched model: the
// standards, and each model's certificates, warnings (one row per firmware
// range) and certificates of origin, by model id, in the order the rules
// list them (latest issued first).
type Data struct {
	Standards []Standard
	Certs     map[string][]CertificateOnDate
	Warnings  map[string][]WarningRow
	Origins   map[string][]OriginOnDate
	// History holds the status timeline of the certificates that need one
	// (HistoryNeeded).
	History Timelines
}

// NewData returns empty Data, ready to be filled.
func NewData() *Data {
	return &Data{Certs: map[string][]CertificateOnDate{}, Warnings: map[string][]WarningRow{}, Origins: map[string][]OriginOnDate{}}
}

// WarningRow is a warning naming a model with one range of firmware.
type WarningRow struct {
	WarningOnDate
	Range FirmwareRange
}

// EvaluateAll applies the rules to each query and its match.
func EvaluateAll(qs []Parsed, ms []Match, d *Data) []Verification {
	out := make([]Verification, len(qs))
	for i, q := range qs {
		out[i] = Evaluate(q, ms[i], d)
	}
	return out
}

// Evaluate applies the rules to one query, its match and the rows loaded
// for the matched models.
func Evaluate(q Parsed, m Match, d *Data) Verification {
	v := Verification{Query: q.Query, At: q.Day, Match: m.Kind, Model: m.Model, Candidates: m.Candidates}
	for _, st := range d.Standards {
		if st.InForce(q.Day) {
			sd := StandardOnDate{Code: st.Code, Title: st.Title, EffectiveFrom: st.EffectiveFrom, MandatoryFrom: st.MandatoryFrom,
				EffectiveTo: st.EffectiveTo, SupersededBy: st.SupersededBy, InForce: true}
			sd.Mandatory = !st.MandatoryFrom.IsZero() && !q.Day.Before(st.MandatoryFrom)
			v.Standards = append(v.Standards, sd)
		}
	}
	if g := q.GTINModel; g != nil && (m.Model == nil || m.Model.ID != g.ID) {
		// The box names another model than the label: answer for the
		// label, never pass on the box's model's papers.
		v.add(ReasonGTINMismatch, VerdictUnknown, Evidence{Query: q.Model, TypedBrand: q.Brand, GTIN: q.GTIN,
			ModelNumber: g.ModelNumber, Brand: g.Brand})
	}
	switch m.Kind {
	case MatchNone:
		v.add(ReasonUnregistered, VerdictUnknown, Evidence{Query: q.Model, Brand: q.Brand})
		v.finish(VerdictUnknown)
		return v
	case MatchAmbiguous:
		v.add(ReasonAmbiguousMatch, VerdictUnknown, Evidence{Query: q.Model, Brand: q.Brand, Candidates: len(m.Candidates)})
		v.candidateWarnings(q, m.Candidates, d)
		v.finish(VerdictUnknown)
		if v.Verdict == VerdictWarning {
			v.lead(ReasonAmbiguousMatch)
		}
		return v
	case MatchPossible:
		// The candidate is not the number typed (another letter, another
		// brand): its papers never pass the label, so a near match is at
		// best unknown (lead below).
		v.add(ReasonPossibleMatch, VerdictUnknown, Evidence{Query: q.Model, ModelNumber: m.Model.ModelNumber, Brand: m.Model.Brand})
	}
	model := m.Model
	// Room for every reason the rules below may give, in one allocation
	// rather than a slice grown reason by reason (a Reason is some 500
	// bytes; BENCHMARKS.md, "Verify near the ceiling: PostgreSQL's head
	// read over a held connection, fewer bytes a cold question").
	if n := len(v.Reasons) + len(d.Certs[model.ID]) + len(d.Warnings[model.ID]) + len(d.Origins[model.ID]) + 2; cap(v.Reasons) < n {
		v.Reasons = append(make([]Reason, 0, n), v.Reasons...)
	}
	if model.Status == ModelPending {
		v.add(ReasonPending, EffectInfo, Evidence{Status: model.Status})
	}
	v.certificateRules(q, d)
	v.warningRules(q, d.Warnings[model.ID])
	v.originRules(q, model, d.Origins[model.ID])
	v.finish(VerdictCompliant)
	if m.Kind == MatchPossible {
		v.lead(ReasonPossibleMatch)
	}
	return v
}

// candidateWarnings adds the warnings that apply to the candidates of an
// ambiguous match, each reason naming its candidate's brand and model
// number: a ban on one of them stands, as a possible match's does (the
// label may be the banned model), and a firmware warning is told, not
// dropped. A vendor that registered the number of a banned model under
// another real brand turned a number-only verify of the banned model from
// non_compliant into an ambiguous unknown that named no warning (the red
// team's pass of 2026-12-07, brief red item 3).
func (v *Verification) candidateWarnings(q Parsed, cs []Model, d *Data) {
	for i := range cs {
		rows := d.Warnings[cs[i].ID]
		if len(rows) == 0 {
			continue
		}
		var cv Verification
		cv.warningRules(q, rows)
		for _, r := range cv.Reasons {
			if r.Effect == VerdictNonCompliant || r.Effect == VerdictWarning {
				r.Evidence.Brand, r.Evidence.ModelNumber = cs[i].Brand, cs[i].ModelNumber
				v.Reasons = append(v.Reasons, r)
			}
		}
		for _, w := range cv.Warnings {
			if w.Applies {
				v.Warnings = append(v.Warnings, w)
			}
		}
	}
}

// lead caps the verdict of a match that is not the model itself (a
// possible match, an ambiguous one) at unknown: the candidate's papers are
// another model's, so its compliant (or compliant with reservations, a
// warning) never answers for the label; only its non_compliant stands
// (the label may be the banned model). The reason code, the one that
// decided, then leads. A near match answered for its candidate made an
// uncertified number one letter from a certified model's, or a certified
// number under another brand, "compliant".
func (v *Verification) lead(code string) {
	if v.Verdict == VerdictNonCompliant {
		return
	}
	v.Verdict = VerdictUnknown
	for i, r := range v.Reasons {
		if r.Code == code {
			copy(v.Reasons[1:i+1], v.Reasons[:i])
			v.Reasons[0] = r
			break
		}
	}
}

func (v *Verification) add(code, effect string, ev Evidence) {
	v.Reasons = append(v.Reasons, Reason{Code: code, Effect: effect, Evidence: ev})
}

// effectRank orders effects from the strongest.
var effectRank = map[string]int{VerdictNonCompliant: 0, VerdictWarning: 1, VerdictUnknown: 2, EffectInfo: 3}

// finish sorts the reasons, strongest first (stable, so the order within
// an effect is the rules' order), and sets the verdict: the strongest
// effect, or base when every reason is informational.
func (v *Verification) finish(base string) {
	slices.SortStableFunc(v.Reasons, func(a, b Reason) int { return effectRank[a.Effect] - effectRank[b.Effect] })
	v.Verdict = base
	if len(v.Reasons) > 0 && v.Reasons[0].Effect != EffectInfo {
		v.Verdict = v.Reasons[0].Effect
	}
	if v.Reasons == nil {
		v.Reasons = []Reason{}
	}
}

// inForce reports whether the standard code is among those in force on
// the question's day.
func (v *Verification) inForce(code string) bool {
	for i := range v.Standards {
		if v.Standards[i].Code == code {
			return true
		}
	}
	return false
}

// standardByCode returns the last of the standards with the code, nil if
// none has it.
func standardByCode(sts []Standard, code string) *Standard {
	for i := len(sts) - 1; i >= 0; i-- {
		if sts[i].Code == code {
			return &sts[i]
		}
	}
	return nil
}

// mandatoryStandard returns the standard that makes certification
// mandatory on the date, if any; the latest to become mandatory wins.
func (v *Verification) mandatoryStandard() *StandardOnDate {
	var out *StandardOnDate
	for i := range v.Standards {
		if s := &v.Standards[i]; s.Mandatory && (out == nil || !s.MandatoryFrom.Before(out.MandatoryFrom)) {
			out = s
		}
	}
	return out
}

// certificateRules: on and after a standard's mandatory_from, a valid
// certificate covering the model is required. Valid means: against a
// standard in force on the date, issued on or before it, not expired (the
// expiry day itself is still valid), and not suspended or revoked with
// effect on or before it. A certificate limited to one firmware covers that
// firmware; with no firmware given it proves nothing certain, which is a
// warning. Before any standard is mandatory a missing certificate breaks
// no rule: the verdict stays compliant, with certificate_not_required.
func (v *Verification) certificateRules(q Parsed, d *Data) {
	mandatory := v.mandatoryStandard()
	failing := EffectInfo
	if mandatory != nil {
		failing = VerdictNonCompliant
	}
	// The standards are a handful: looked up by a scan, not two maps built
	// for every question; the groups of reasons start on the stack.
	var validBuf, firmwareBuf, failedBuf [2]Reason
	valid, firmwareOnly, failed := validBuf[:0], firmwareBuf[:0], failedBuf[:0]
	for _, c := range d.Certs[v.Model.ID] {
		conditional := false
		if c.Firmware != "" {
			if q.Firmware == "" {
				conditional = true
			} else if CompareFirmware(q.Firmware, c.Firmware) != 0 {
				continue // it covers another firmware
			}
		}
		if c.Status == StatusPending || c.Status == StatusRejected {
			continue // a vendor's unconfirmed submission proves nothing
		}
		c.StatusOnDate = StatusOn(c.Status, c.StatusChangedOn, d.History[c.ID], q.Day)
		if c.StatusOnDate == StatusPending {
			// Confirmed since: the body's certificate held from its issue
			// date, whenever the registry recorded the confirmation.
			c.StatusOnDate = StatusValid
		}
		ev := Evidence{CertificateID: c.ID, CertificateNumber: c.Number, StandardCode: c.StandardCode, IssuedOn: c.IssuedOn,
			ExpiresOn: c.ExpiresOn, LotRef: c.LotRef, Firmware: c.Firmware}
		switch {
		case q.Day.Before(c.IssuedOn):
			c.State = CertStateNotYetValid
		case c.StatusOnDate == StatusRevoked:
			c.State = CertStateRevoked
			ev.Status, ev.StatusReason, ev.StatusChangedOn = c.StatusOnDate, c.StatusReason, c.StatusChangedOn
			failed = append(failed, Reason{Code: ReasonCertificateRevoked, Effect: failing, Evidence: ev})
		case c.StatusOnDate == StatusSuspended:
			c.State = CertStateSuspended
			ev.Status, ev.StatusReason, ev.StatusChangedOn = c.StatusOnDate, c.StatusReason, c.StatusChangedOn
			if c.Status != StatusSuspended {
				// Suspended then, not now: the reason on the row is another's.
				ev.StatusReason, ev.StatusChangedOn = "", civil.Date{}
			}
			failed = append(failed, Reason{Code: ReasonCertificateSuspended, Effect: failing, Evidence: ev})
		case !c.ExpiresOn.IsZero() && q.Day.After(c.ExpiresOn):
			c.State = CertStateExpired
			failed = append(failed, Reason{Code: ReasonCertificateExpired, Effect: failing, Evidence: ev})
		case !v.inForce(c.StandardCode):
			c.State = CertStateStandardNotInForce
			if st := standardByCode(d.Standards, c.StandardCode); st != nil {
				ev.StandardFrom, ev.StandardTo, ev.SupersededBy = st.EffectiveFrom, st.EffectiveTo, st.SupersededBy
			}
			ev.On = q.Day
			failed = append(failed, Reason{Code: ReasonStandardNotInForce, Effect: failing, Evidence: ev})
		default:
			c.State = CertStateValid
			if conditional {
				firmwareOnly = append(firmwareOnly, Reason{Code: ReasonFirmwareOnly, Effect: VerdictWarning, Evidence: ev})
			} else {
				valid = append(valid, Reason{Code: ReasonCertificateValid, Effect: EffectInfo, Evidence: ev})
			}
		}
		v.Certificates = append(v.Certificates, c)
	}
	switch {
	case len(valid) > 0:
		v.Reasons = append(v.Reasons, valid...)
		return
	case len(firmwareOnly) > 0:
		if mandatory == nil {
			for i := range firmwareOnly {
				firmwareOnly[i].Effect = EffectInfo
			}
		}
		v.Reasons = append(v.Reasons, firmwareOnly...)
		return
	}
	v.Reasons = append(v.Reasons, failed...)
	if mandatory == nil {
		ev := Evidence{On: q.Day}
		// Name the next standard to become mandatory, if one is known.
		for _, st := range d.Standards {
			if !st.MandatoryFrom.IsZero() && q.Day.Before(st.MandatoryFrom) && (ev.MandatoryFrom.IsZero() || st.MandatoryFrom.Before(ev.MandatoryFrom)) {
				ev.StandardCode, ev.MandatoryFrom = st.Code, st.MandatoryFrom
			}
		}
		v.add(ReasonNotRequired, EffectInfo, ev)
		return
	}
	if len(failed) == 0 {
		v.add(ReasonNoCertificate, VerdictNonCompliant, Evidence{StandardCode: mandatory.Code, MandatoryFrom: mandatory.MandatoryFrom, On: q.Day})
	}
}

// warningRules: an active warning (issued on or before the date, not
// withdrawn with effect on or before it) whose firmware ranges cover the
// firmware, or any warning when no firmware is given, applies. A ban gives
// banned_model, a stop of sale or a recall warned_model, both
// non-compliant; a firmware update gives warned_model as a warning.
func (v *Verification) warningRules(q Parsed, rows []WarningRow) {
	// A warning may name the model with several ranges; group them.
	var ws []WarningOnDate
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.ID]
		if !ok {
			i = len(ws)
			index[r.ID] = i
			w := r.WarningOnDate
			w.Ranges = nil
			ws = append(ws, w)
		}
		ws[i].Ranges = append(ws[i].Ranges, r.Range)
	}
	for _, w := range ws {
		withdrawn := w.Status == StatusWithdrawn && InEffect(w.StatusChangedOn, q.Day)
		w.Active = !q.Day.Before(w.IssuedOn) && !withdrawn
		var hit *FirmwareRange
		for i, r := range w.Ranges {
			if q.Firmware == "" || FirmwareInRange(q.Firmware, r.IntroducedIn, r.FixedIn) {
				hit = &w.Ranges[i]
				break
			}
		}
		w.Applies = w.Active && hit != nil
		v.Warnings = append(v.Warnings, w)
		if !w.Active {
			continue
		}
		ev := Evidence{WarningID: w.ID, WarningReference: w.Reference, WarningTitle: w.Title, Measure: w.Measure,
			Severity: w.Severity, IssuedOn: w.IssuedOn, CVEIDs: w.CVEIDs, Firmware: q.Firmware}
		if hit == nil {
			// The firmware given is outside every range: say so, with the
			// range that was closest to applying.
			last := w.Ranges[len(w.Ranges)-1]
			ev.IntroducedIn, ev.FixedIn = last.IntroducedIn, last.FixedIn
			v.add(ReasonFirmwareNotAffected, EffectInfo, ev)
			continue
		}
		ev.IntroducedIn, ev.FixedIn = hit.IntroducedIn, hit.FixedIn
		switch w.Measure {
		case "ban":
			v.add(ReasonBannedModel, VerdictNonCompliant, ev)
		case "stop_sale", "recall":
			v.add(ReasonWarnedModel, VerdictNonCompliant, ev)
		default:
			v.add(ReasonWarnedModel, VerdictWarning, ev)
		}
	}
}

// originRules: an imported model (origin_country other than VN) needs a
// certificate of origin issued on or before the date and not revoked by
// then. Its absence is a warning, not a breach: a C/O belongs to an import
// lot, and the registry may not hold every lot's C/O, so its absence here
// does not prove the goods have none; an inspector asks for the papers. A
// model with no origin_country is not judged on origin.
func (v *Verification) originRules(q Parsed, m *Model, rows []OriginOnDate) {
	for _, o := range rows {
		revoked := o.Status == StatusRevoked && InEffect(o.StatusChangedOn, q.Day)
		o.Valid = !q.Day.Before(o.IssuedOn) && !revoked
		v.Origins = append(v.Origins, o)
	}
	if m.OriginCountry == "" || m.OriginCountry == "VN" {
		return
	}
	for _, o := range v.Origins {
		if o.Valid && !o.Unconfirmed {
			v.add(ReasonOriginProof, EffectInfo, Evidence{OriginID: o.ID, OriginNumber: o.Number, OriginForm: o.Form,
				ExportingCountry: o.ExportingCountry, IssuedOn: o.IssuedOn, OriginCountry: m.OriginCountry})
			return
		}
	}
	// A vendor's own declaration is shown, but is not proof on its word.
	for _, o := range v.Origins {
		if o.Valid && o.Unconfirmed {
			v.add(ReasonOriginProofUnconfirmed, EffectInfo, Evidence{OriginID: o.ID, OriginNumber: o.Number, OriginForm: o.Form,
				ExportingCountry: o.ExportingCountry, IssuedOn: o.IssuedOn, OriginCountry: m.OriginCountry})
			break
		}
	}
	v.add(ReasonNoOriginProof, VerdictWarning, Evidence{OriginCountry: m.OriginCountry, On: q.Day})
}
