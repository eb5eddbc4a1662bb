package verdict_test

import (
	"strings"
	"testing"

	"camreg/models/verdict"
)

func TestMessages(t *testing.T) {
	ev := verdict.Evidence{CertificateNumber: "QC-1", StandardCode: "QCVN 11:2025/BKHCN", IssuedOn: day(t, "2026-07-01"),
		ExpiresOn: day(t, "2029-06-30"), StatusChangedOn: day(t, "2026-08-03"), StatusReason: "failed surveillance test",
		WarningReference: "CB-7", WarningTitle: "Backdoor", Measure: "stop_sale", IntroducedIn: "V5.0", FixedIn: "V5.7", Firmware: "V5.5",
		Query: "DS-1", Brand: "Hikvision", ModelNumber: "DS-1X", OriginCountry: "CN", On: day(t, "2026-08-10"), MandatoryFrom: day(t, "2026-07-01")}
	tests := []struct {
		code   string
		vi, en []string
	}{
		{verdict.ReasonCertificateValid, []string{"QC-1", "01/07/2026", "hết hạn ngày 30/06/2029"}, []string{"is valid", "issued 2026-07-01", "expires 2029-06-30"}},
		{verdict.ReasonCertificateRevoked, []string{"bị thu hồi từ ngày 03/08/2026", "lý do: failed surveillance test"}, []string{"revoked effective 2026-08-03 (failed surveillance test)"}},
		{verdict.ReasonWarnedModel, []string{"Cảnh báo CB-7", "dừng kinh doanh", "từ V5.0, đã sửa ở V5.7", "V5.5 bị ảnh hưởng"}, []string{"Warning CB-7", "Measure: stop sale", "fixed in V5.7", "V5.5 is affected"}},
		{verdict.ReasonNoCertificate, []string{"bắt buộc từ ngày 01/07/2026"}, []string{"mandatory since 2026-07-01"}},
		{verdict.ReasonUnregistered, []string{"“DS-1”", "của hãng “Hikvision”"}, []string{"no registered model matches “DS-1” of brand “Hikvision”", "does not prove"}},
		{verdict.ReasonPossibleMatch, []string{"Hikvision DS-1X"}, []string{"may be Hikvision DS-1X"}},
		{verdict.ReasonNoOriginProof, []string{"xuất xứ CN"}, []string{"origin CN"}},
	}
	for _, tc := range tests {
		r := verdict.Reason{Code: tc.code, Evidence: ev}
		vi, en := r.Message(verdict.LangVI), r.Message(verdict.LangEN)
		if r.Message("") != vi {
			t.Errorf("%s: Vietnamese is the default", tc.code)
		}
		for _, want := range tc.vi {
			if !strings.Contains(vi, want) {
				t.Errorf("%s vi %q lacks %q", tc.code, vi, want)
			}
		}
		for _, want := range tc.en {
			if !strings.Contains(en, want) {
				t.Errorf("%s en %q lacks %q", tc.code, en, want)
			}
		}
	}
	if got := (verdict.Reason{Code: "some_new_code"}).Message(verdict.LangEN); got != "some_new_code" {
		t.Errorf("an unknown code is its own message: %q", got)
	}
	if got := verdict.FormatDay(day(t, ""), false); got != "?" {
		t.Errorf("no date: %q", got)
	}
}
