package verdict

import (
	"testing"
	"time"

	"camreg/civil"
)

// BenchmarkMessage: the sentences of a typical verify's reasons (a valid
// certificate, a warning, no proof of origin), in Vietnamese.
func BenchmarkMessage(b *testing.B) {
	d := civil.NewDate(2026, time.March, 4)
	rs := []Reason{
		{Code: ReasonCertificateValid, Evidence: Evidence{CertificateNumber: "CN-1", StandardCode: "QCVN 135:2024/BTTTT", IssuedOn: d, ExpiresOn: d}},
		{Code: ReasonWarnedModel, Evidence: Evidence{WarningReference: "383/CATTT-NCSC", IssuedOn: d, WarningTitle: "T", Measure: "update_firmware", FixedIn: "V5.7"}},
		{Code: ReasonNoOriginProof, Evidence: Evidence{OriginCountry: "CN"}},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rs {
			_ = r.Message(LangVI)
		}
	}
}
