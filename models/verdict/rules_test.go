package verdict_test

import (
	"slices"
	"testing"

	"camreg/models/verdict"
)

const (
	qcvn11  = "QCVN 11:2025/BKHCN"
	qcvn135 = "QCVN 135:2024/BTTTT"
)

func TestRules(t *testing.T) {
	m := model("m1", "Hikvision", "DS-1", "VN")
	cert := func(id, std, issued, expires, status, changed, fw string) verdict.CertificateOnDate {
		return verdict.CertificateOnDate{ID: id, Number: "N-" + id, StandardCode: std, IssuedOn: day(t, issued), ExpiresOn: day(t, expires),
			Status: status, StatusChangedOn: day(t, changed), Firmware: fw}
	}
	warn := func(id, measure, issued, status, changed, intro, fixed string) verdict.WarningRow {
		return verdict.WarningRow{WarningOnDate: verdict.WarningOnDate{ID: id, Reference: "W-" + id, Measure: measure,
			IssuedOn: day(t, issued), Status: status, StatusChangedOn: day(t, changed)},
			Range: verdict.FirmwareRange{IntroducedIn: intro, FixedIn: fixed}}
	}
	tests := []struct {
		name    string
		certs   []verdict.CertificateOnDate
		warns   []verdict.WarningRow
		at, fw  string
		verdict string
		codes   []string
	}{
		{name: "before any standard is mandatory", at: "2025-06-01", verdict: verdict.VerdictCompliant,
			codes: []string{"certificate_not_required:info"}},
		{name: "no certificate once mandatory", at: "2026-02-01", verdict: verdict.VerdictNonCompliant,
			codes: []string{"no_conformity_certificate:non_compliant"}},
		{name: "valid certificate", at: "2026-08-01", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "2029-07-01", "valid", "", "")},
			codes: []string{"certificate_valid:info"}},
		{name: "expiry day still valid", at: "2029-07-01", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "2029-07-01", "valid", "", "")},
			codes: []string{"certificate_valid:info"}},
		{name: "expired the day after", at: "2029-07-02", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "2029-07-01", "valid", "", "")},
			codes: []string{"certificate_expired:non_compliant"}},
		{name: "not yet issued", at: "2026-07-10", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-08-01", "", "valid", "", "")},
			codes: []string{"no_conformity_certificate:non_compliant"}},
		{name: "standard no longer in force", at: "2026-08-01", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn135, "2025-03-01", "2028-03-01", "valid", "", "")},
			codes: []string{"certificate_standard_not_in_force:non_compliant"}},
		{name: "revoked", at: "2026-08-01", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "revoked", "2026-07-20", "")},
			codes: []string{"certificate_revoked:non_compliant"}},
		{name: "revoked later, valid before", at: "2026-07-19", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "revoked", "2026-07-20", "")},
			codes: []string{"certificate_valid:info"}},
		{name: "a pending submission proves nothing", at: "2026-08-01", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "pending", "", "")},
			codes: []string{"no_conformity_certificate:non_compliant"}},
		{name: "one valid certificate is enough", at: "2026-08-01", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", ""), cert("b", qcvn135, "2025-03-01", "", "valid", "", "")},
			codes: []string{"certificate_valid:info"}},
		{name: "firmware-only certificate, no firmware given", at: "2026-08-01", verdict: verdict.VerdictWarning,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "V5.7.3")},
			codes: []string{"certificate_firmware_only:warning"}},
		{name: "firmware-only certificate, its firmware", at: "2026-08-01", fw: "v5.7.3", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "V5.7.3")},
			codes: []string{"certificate_valid:info"}},
		{name: "firmware-only certificate, another firmware", at: "2026-08-01", fw: "V5.8.0", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "V5.7.3")},
			codes: []string{"no_conformity_certificate:non_compliant"}},
		{name: "stop-sale warning covering the firmware", at: "2026-08-01", fw: "V5.5.0", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "")},
			warns: []verdict.WarningRow{warn("w", "stop_sale", "2026-07-15", "active", "", "V5.0", "V5.7")},
			codes: []string{"warned_model:non_compliant", "certificate_valid:info"}},
		{name: "firmware outside the warning", at: "2026-08-01", fw: "V5.7.0", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "")},
			warns: []verdict.WarningRow{warn("w", "stop_sale", "2026-07-15", "active", "", "V5.0", "V5.7")},
			codes: []string{"certificate_valid:info", "firmware_not_affected:info"}},
		{name: "warning withdrawn before the date", at: "2026-08-01", verdict: verdict.VerdictCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "")},
			warns: []verdict.WarningRow{warn("w", "ban", "2026-07-15", "withdrawn", "2026-07-30", "", "")},
			codes: []string{"certificate_valid:info"}},
		{name: "ban", at: "2026-08-01", verdict: verdict.VerdictNonCompliant,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "")},
			warns: []verdict.WarningRow{warn("w", "ban", "2026-07-15", "withdrawn", "2026-08-02", "", "")},
			codes: []string{"banned_model:non_compliant", "certificate_valid:info"}},
		{name: "firmware update is a warning", at: "2026-08-01", verdict: verdict.VerdictWarning,
			certs: []verdict.CertificateOnDate{cert("a", qcvn11, "2026-07-01", "", "valid", "", "")},
			warns: []verdict.WarningRow{warn("w", "update_firmware", "2026-07-15", "active", "", "", "V6")},
			codes: []string{"warned_model:warning", "certificate_valid:info"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := verdict.NewData()
			d.Standards = standards(t)
			d.Certs["m1"], d.Warnings["m1"] = tc.certs, tc.warns
			v := judge(t, m, d, tc.at, tc.fw)
			if v.Verdict != tc.verdict || !slices.Equal(codes(v), tc.codes) {
				t.Errorf("%s %v, want %s %v", v.Verdict, codes(v), tc.verdict, tc.codes)
			}
		})
	}
}

func TestRulesSuspensionFromHistory(t *testing.T) {
	m := model("m1", "B", "M-1", "VN")
	d := verdict.NewData()
	d.Standards = standards(t)
	// Suspended from 2026-08-01 to 2026-09-01, valid again since.
	d.Certs["m1"] = []verdict.CertificateOnDate{{ID: "c", Number: "C", StandardCode: qcvn11, IssuedOn: day(t, "2026-07-01"),
		Status: "valid", StatusChangedOn: day(t, "2026-09-01")}}
	d.History = verdict.Timelines{"c": {{Status: "valid"}, {Status: "suspended", On: day(t, "2026-08-01")}, {Status: "valid", On: day(t, "2026-09-01")}}}
	v := judge(t, m, d, "2026-08-15", "")
	if v.Verdict != verdict.VerdictNonCompliant || v.Reasons[0].Code != verdict.ReasonCertificateSuspended {
		t.Fatalf("%s %v", v.Verdict, codes(v))
	}
	// Suspended then, not now: the row's reason and date are another's.
	if ev := v.Reasons[0].Evidence; !ev.StatusChangedOn.IsZero() || ev.StatusReason != "" {
		t.Errorf("evidence %+v", ev)
	}
	if got := v.Certificates[0]; got.State != verdict.CertStateSuspended || got.StatusOnDate != "suspended" {
		t.Errorf("certificate %+v", got)
	}
}

func TestRulesOriginMatchAndPending(t *testing.T) {
	d := verdict.NewData()
	d.Standards = standards(t)
	imported := model("m2", "B", "M-2", "CN")
	if v := judge(t, imported, d, "2025-06-01", ""); v.Verdict != verdict.VerdictWarning ||
		!slices.Contains(codes(v), "no_origin_proof:warning") {
		t.Errorf("imported without C/O: %s %v", v.Verdict, codes(v))
	}
	d.Origins["m2"] = []verdict.OriginOnDate{{ID: "o", Number: "CO-1", IssuedOn: day(t, "2025-05-01"), Status: "valid"}}
	if v := judge(t, imported, d, "2025-06-01", ""); v.Verdict != verdict.VerdictCompliant ||
		!slices.Contains(codes(v), "origin_proof:info") || !v.Origins[0].Valid {
		t.Errorf("imported with C/O: %s %v", v.Verdict, codes(v))
	}
	if v := judge(t, imported, d, "2025-04-01", ""); v.Verdict != verdict.VerdictWarning || v.Origins[0].Valid {
		t.Errorf("C/O issued after the date: %s %v", v.Verdict, codes(v))
	}
	pending := model("m3", "B", "M-3", "")
	pending.Status = verdict.ModelPending
	if v := judge(t, pending, d, "2025-06-01", ""); !slices.Contains(codes(v), "registration_pending:info") {
		t.Errorf("pending model: %v", codes(v))
	}
	q := verdict.Parse(verdict.Query{Model: "nothing"}, day(t, "2026-08-01"))
	if v := verdict.Evaluate(q, verdict.FromCandidates(nil), d); v.Verdict != verdict.VerdictUnknown ||
		!slices.Equal(codes(v), []string{"unregistered_model:unknown"}) || len(v.Standards) != 1 {
		t.Errorf("no match: %s %v, %d standards", v.Verdict, codes(v), len(v.Standards))
	}
	two := []verdict.Model{model("a", "A", "X-1", ""), model("b", "B", "X-1", "")}
	if v := verdict.Evaluate(q, verdict.FromCandidates(two), d); v.Verdict != verdict.VerdictUnknown || v.Reasons[0].Evidence.Candidates != 2 {
		t.Errorf("ambiguous: %s %+v", v.Verdict, v.Reasons)
	}
	if v := verdict.Evaluate(q, verdict.FromCandidates(two[:1]), d); v.Match != verdict.MatchPossible ||
		!slices.Contains(codes(v), "possible_match:unknown") || v.Verdict != verdict.VerdictNonCompliant {
		t.Errorf("possible: %s %v", v.Match, codes(v))
	}
	// A near match of a model that is compliant with reservations (an
	// import without its C/O) is unknown, not a warning, which says it may
	// be sold: the papers are another model's.
	d.Origins["m2"] = nil
	near := verdict.Parse(verdict.Query{Model: "M-22"}, day(t, "2025-06-01"))
	if v := verdict.Evaluate(near, verdict.FromCandidates([]verdict.Model{imported}), d); v.Verdict != verdict.VerdictUnknown ||
		!slices.Equal(codes(v), []string{"possible_match:unknown", "no_origin_proof:warning", "certificate_not_required:info"}) {
		t.Errorf("a near match of a warning: %s %v", v.Verdict, codes(v))
	}
}
