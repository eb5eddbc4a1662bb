package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// verdictWorld is a registry built for the verdict scenarios: one model per
// rule, with documents dated around the boundaries the rules turn on. The
// seeded standards apply: QCVN 135 in force 2025-02-15..2026-06-30 and
// mandatory from 2026-01-01, QCVN 11 in force and mandatory from 2026-07-01.
type verdictWorld struct {
	st                            *models.Store
	body, holder, authority       string
	hik, c6nEzviz, c6nImou        *models.Model
	lot, bare, revoked, reinstate *models.Model
	suspended, ranged, banned     *models.Model
	recalled, noOrigin, originRev *models.Model
	fwOnly, pending, x10, x1o     *models.Model
	submitted, confirmed          *models.Model
}

// vxOrg creates an organization of the kind.
func vxOrg(t *testing.T, st *models.Store, name, kind string) string {
	t.Helper()
	o, err := st.CreateOrganization(t.Context(), admin, models.OrganizationInput{Name: ptr(name), Kind: ptr(kind)})
	if err != nil {
		t.Fatalf("create organization %s: %v", name, err)
	}
	return o.ID
}

// vxModel creates a verified model with an origin country.
func vxModel(t *testing.T, st *models.Store, brand, number, origin string) *models.Model {
	t.Helper()
	in := models.ModelInput{Brand: ptr(brand), ModelNumber: ptr(number), Status: ptr(models.ModelVerified)}
	if origin != "" {
		in.OriginCountry = ptr(origin)
	}
	m, err := st.CreateModel(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create model %s %s: %v", brand, number, err)
	}
	return m
}

// vxCert creates a certificate; expires "" makes a lot (method 7)
// certificate. firmware limits the cover to one firmware version.
func (w *verdictWorld) cert(t *testing.T, number, standard, issued, expires, firmware string, m *models.Model) *models.Certificate {
	t.Helper()
	in := models.CertificateInput{Number: ptr(number), StandardCode: ptr(standard), CertificationBodyOrgID: ptr(w.body),
		Method: ptr(1), HolderOrgID: ptr(w.holder), IssuedOn: ptr(issued),
		Models: &[]models.CoveredModelInput{{CameraModelID: m.ID, Firmware: firmware}}}
	if expires == "" {
		in.Method, in.LotRef = ptr(7), ptr("Tờ khai 107512836410/A11")
	} else {
		in.ExpiresOn = ptr(expires)
	}
	c, err := w.st.CreateCertificate(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create certificate %s: %v", number, err)
	}
	return c
}

func (w *verdictWorld) setCertStatus(t *testing.T, c *models.Certificate, status, on string) {
	t.Helper()
	if _, err := w.st.UpdateCertificate(t.Context(), admin, c.ID, models.CertificateInput{
		Status: ptr(status), StatusReason: ptr("kiểm tra giám sát: " + status), StatusChangedOn: ptr(on)}, nil); err != nil {
		t.Fatalf("set certificate %s %s on %s: %v", c.Number, status, on, err)
	}
}

func (w *verdictWorld) warning(t *testing.T, ref, measure, issued string, m *models.Model, intro, fixed string) *models.Warning {
	t.Helper()
	wr, err := w.st.CreateWarning(t.Context(), admin, models.WarningInput{AuthorityOrgID: ptr(w.authority), Reference: ptr(ref),
		Title: ptr("Lỗ hổng bảo mật " + ref), Severity: ptr("high"), IssuedOn: ptr(issued), Measure: ptr(measure),
		Affected: &[]models.AffectedModelInput{{CameraModelID: m.ID, IntroducedIn: intro, FixedIn: fixed}}})
	if err != nil {
		t.Fatalf("create warning %s: %v", ref, err)
	}
	return wr
}

func (w *verdictWorld) origin(t *testing.T, number, issued string, m *models.Model) *models.OriginCertificate {
	t.Helper()
	o, err := w.st.CreateOriginCertificate(t.Context(), admin, models.OriginCertificateInput{Number: ptr(number), Form: ptr("E"),
		Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr(issued), CameraModelIDs: &[]string{m.ID}})
	if err != nil {
		t.Fatalf("create C/O %s: %v", number, err)
	}
	return o
}

const (
	std135 = "QCVN 135:2024/BTTTT"
	std11  = "QCVN 11:2026/BCA"
)

func newVerdictWorld(t *testing.T, st *models.Store) *verdictWorld {
	t.Helper()
	st.SetClock(func() time.Time { return time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC) })
	w := &verdictWorld{st: st}
	w.body = vxOrg(t, st, "Quatest 1", models.OrgCertificationBody)
	w.holder = vxOrg(t, st, "Công ty Cổ phần Phân phối Thiết bị An ninh Sao Việt", models.OrgImporter)
	w.authority = vxOrg(t, st, "Cục An toàn thông tin", models.OrgAuthority)

	// A model certified under both standards, with a C/O and a firmware
	// warning fixed in V5.5.800 build 210628.
	w.hik = vxModel(t, st, "Hikvision", "DS-2CD1023G0E-I", "CN")
	w.cert(t, "QCVN135-0012", std135, "2025-03-20", "2028-03-19", "", w.hik)
	w.cert(t, "QCVN11-0008", std11, "2026-08-12", "2029-08-11", "", w.hik)
	w.origin(t, "E2512345678", "2025-01-10", w.hik)
	w.warning(t, "383/CATTT-NCSC", "update_firmware", "2025-04-10", w.hik, "", "V5.5.800 build 210628")

	// The same model number under two brands.
	w.c6nEzviz = vxModel(t, st, "EZVIZ", "C6N", "VN")
	w.c6nImou = vxModel(t, st, "Imou", "C6N", "VN")
	w.cert(t, "QCVN135-C6N", std135, "2025-04-10", "2028-04-09", "", w.c6nEzviz)

	// A lot certificate under QCVN 11 with a short life.
	w.lot = vxModel(t, st, "Viettel", "HC23", "VN")
	w.cert(t, "QCVN11-LOT-1", std11, "2026-07-10", "2026-09-30", "", w.lot)

	// No certificate at all.
	w.bare = vxModel(t, st, "FPT Camera", "IQ3", "VN")

	// Revoked with effect from 2026-03-15.
	w.revoked = vxModel(t, st, "Questek", "QTX-9412AIP", "VN")
	c := w.cert(t, "QCVN135-0102", std135, "2025-07-15", "2028-07-14", "", w.revoked)
	w.setCertStatus(t, c, models.CertRevoked, "2026-03-15")

	// Suspended from 2026-02-01, reinstated from 2026-03-01.
	w.reinstate = vxModel(t, st, "Vantech", "VP-6024DTV", "VN")
	c = w.cert(t, "QCVN135-0094", std135, "2025-07-01", "2028-06-30", "", w.reinstate)
	w.setCertStatus(t, c, models.CertSuspended, "2026-02-01")
	w.setCertStatus(t, c, models.CertValid, "2026-03-01")

	// Suspended from 2026-04-01, still suspended.
	w.suspended = vxModel(t, st, "BKAV", "AIV-B22", "VN")
	c = w.cert(t, "CR-0388", std135, "2025-04-01", "2028-03-31", "", w.suspended)
	w.setCertStatus(t, c, models.CertSuspended, "2026-04-01")

	// A stop of sale for Dahua firmware [2.800...8.R, 2.820...5.R).
	w.ranged = vxModel(t, st, "Dahua", "IPC-HFW1230S-S5", "VN")
	w.cert(t, "QCVN135-0031", std135, "2025-04-02", "2028-04-01", "", w.ranged)
	w.warning(t, "12/CATTT-DAHUA", "stop_sale", "2026-02-01", w.ranged, "2.800.0000000.8.R", "2.820.0000000.5.R")

	// A ban from 2026-02-10, withdrawn with effect from 2026-05-01.
	w.banned = vxModel(t, st, "Yoosee", "Y33-1080P", "VN")
	w.cert(t, "QCVN135-Y33", std135, "2025-06-01", "2028-05-31", "", w.banned)
	ban := w.warning(t, "77/BCA-A05", "ban", "2026-02-10", w.banned, "", "")
	if _, err := st.UpdateWarning(t.Context(), admin, ban.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn),
		StatusReason: ptr("nhà sản xuất đã khắc phục"), StatusChangedOn: ptr("2026-05-01")}, nil); err != nil {
		t.Fatal(err)
	}

	// A recall.
	w.recalled = vxModel(t, st, "Ebitcam", "E3", "VN")
	w.cert(t, "QCVN135-E3", std135, "2025-06-01", "2028-05-31", "", w.recalled)
	w.warning(t, "15/CATTT-E3", "recall", "2026-01-05", w.recalled, "", "")

	// Imported without a C/O, and imported with a C/O revoked from 2026-02-01.
	w.noOrigin = vxModel(t, st, "Uniview", "IPC2122LB-SF28-A", "CN")
	w.cert(t, "QCVN135-0117", std135, "2025-08-06", "2028-08-05", "", w.noOrigin)
	w.originRev = vxModel(t, st, "Hanwha", "XNV-6080R", "KR")
	w.cert(t, "CR-0633", std135, "2025-07-22", "2028-07-21", "", w.originRev)
	o := w.origin(t, "AK-2025-1", "2025-07-01", w.originRev)
	if _, err := st.UpdateOriginCertificate(t.Context(), admin, o.ID, models.OriginCertificateInput{Status: ptr(models.CertRevoked),
		StatusReason: ptr("C/O giả mạo"), StatusChangedOn: ptr("2026-02-01")}, nil); err != nil {
		t.Fatal(err)
	}

	// Certified for one firmware only.
	w.fwOnly = vxModel(t, st, "TP-Link", "Tapo C200", "VN")
	w.cert(t, "CR-0512", std135, "2025-06-05", "2028-06-04", "1.1.5 Build 230301", w.fwOnly)

	// A registration still pending.
	pending, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr("Xiaomi"), ModelNumber: ptr("MJSXJ09CM"), OriginCountry: ptr("VN")})
	if err != nil {
		t.Fatal(err)
	}
	w.pending = pending
	w.cert(t, "QCVN135-XM", std135, "2025-09-02", "2028-09-01", "", w.pending)

	// A vendor's submission still pending, and one its body confirmed
	// (from 2026-05-01) after the fact.
	vendor := models.Actor{Role: models.RoleVendor, OrgID: w.holder, Prefix: "vend0000hold"}
	submit := func(number string, m *models.Model) *models.Certificate {
		c, err := st.CreateCertificate(t.Context(), vendor, models.CertificateInput{Number: ptr(number), StandardCode: ptr(std135),
			CertificationBodyOrgID: ptr(w.body), Method: ptr(1), IssuedOn: ptr("2025-06-01"), ExpiresOn: ptr("2028-05-31"),
			Models: &[]models.CoveredModelInput{{CameraModelID: m.ID}}})
		if err != nil {
			t.Fatalf("submit %s: %v", number, err)
		}
		return c
	}
	w.submitted = vxModel(t, st, "Panasonic", "WV-S1131", "VN")
	submit("CR-PENDING-1", w.submitted)
	w.confirmed = vxModel(t, st, "Panasonic", "WV-S2131", "VN")
	w.setCertStatus(t, submit("CR-CONFIRMED-1", w.confirmed), models.CertValid, "2026-05-01")

	// Two numbers that differ only in a confusable character.
	w.x10 = vxModel(t, st, "Axis", "P-X10", "VN")
	w.x1o = vxModel(t, st, "Axis", "P-X1O", "VN")
	return w
}

func TestVerdictScenarios(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		type scenario struct {
			name      string
			q         models.VerifyQuery
			match     string
			model     *models.Model
			verdict   string
			codes     []string // the reason codes, in order
			candidate int      // the number of candidates, for ambiguous matches
		}
		const (
			exact, possible, ambiguous, none = models.MatchExact, models.MatchPossible, models.MatchAmbiguous, models.MatchNone
			ok, bad, warn, unknown           = models.VerdictCompliant, models.VerdictNonCompliant, models.VerdictWarning, models.VerdictUnknown
		)
		q := func(model, brand, fw, at string) models.VerifyQuery {
			return models.VerifyQuery{Model: model, Brand: brand, Firmware: fw, At: at}
		}
		hik := "DS-2CD1023G0E-I"
		scenarios := []scenario{
			// Certificates and the firmware warning on a model certified under both standards.
			{"no firmware: the update warning applies", q(hik, "Hikvision", "", "2026-03-01"), exact, w.hik, warn,
				[]string{"warned_model", "certificate_valid", "origin_proof"}, 0},
			{"firmware after the fix", q(hik, "Hikvision", "V5.7.3 build 220112", "2026-03-01"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"firmware exactly fixed_in is fixed", q(hik, "Hikvision", "V5.5.800 build 210628", "2026-03-01"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"firmware before the fix", q(hik, "Hikvision", "V5.5.53 build 190618", "2026-03-01"), exact, w.hik, warn,
				[]string{"warned_model", "certificate_valid", "origin_proof"}, 0},
			{"firmware one build before the fix", q(hik, "", "V5.5.800 build 210627", "2026-03-01"), exact, w.hik, warn,
				[]string{"warned_model", "certificate_valid", "origin_proof"}, 0},
			{"day before the warning", q(hik, "", "", "2025-04-09"), exact, w.hik, ok,
				[]string{"certificate_valid", "origin_proof"}, 0},
			{"last day of QCVN 135", q(hik, "", "V5.7.3", "2026-06-30"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"first day of QCVN 11: the QCVN 135 certificate no longer counts", q(hik, "", "V5.7.3", "2026-07-01"), exact, w.hik, bad,
				[]string{"certificate_standard_not_in_force", "firmware_not_affected", "origin_proof"}, 0},
			{"day before the QCVN 11 certificate", q(hik, "", "V5.7.3", "2026-08-11"), exact, w.hik, bad,
				[]string{"certificate_standard_not_in_force", "firmware_not_affected", "origin_proof"}, 0},
			{"issue day of the QCVN 11 certificate", q(hik, "", "V5.7.3", "2026-08-12"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"before QCVN 135 is mandatory the certificate is evidence", q(hik, "", "V5.7.3", "2025-12-31"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},

			// Issue and expiry days of a lot certificate under QCVN 11.
			{"day before issue", q("HC23", "Viettel", "", "2026-07-09"), exact, w.lot, bad, []string{"no_conformity_certificate"}, 0},
			{"issue day", q("HC23", "Viettel", "", "2026-07-10"), exact, w.lot, ok, []string{"certificate_valid"}, 0},
			{"day after issue", q("HC23", "Viettel", "", "2026-07-11"), exact, w.lot, ok, []string{"certificate_valid"}, 0},
			{"day before expiry", q("HC23", "Viettel", "", "2026-09-29"), exact, w.lot, ok, []string{"certificate_valid"}, 0},
			{"expiry day is still valid", q("HC23", "Viettel", "", "2026-09-30"), exact, w.lot, ok, []string{"certificate_valid"}, 0},
			{"day after expiry", q("HC23", "Viettel", "", "2026-10-01"), exact, w.lot, bad, []string{"certificate_expired"}, 0},

			// mandatory_from of QCVN 135, for a model with no certificate.
			{"before any standard is in force", q("IQ3", "FPT Camera", "", "2025-02-14"), exact, w.bare, ok, []string{"certificate_not_required"}, 0},
			{"day before mandatory_from", q("IQ3", "FPT Camera", "", "2025-12-31"), exact, w.bare, ok, []string{"certificate_not_required"}, 0},
			{"mandatory_from", q("IQ3", "FPT Camera", "", "2026-01-01"), exact, w.bare, bad, []string{"no_conformity_certificate"}, 0},
			{"day after mandatory_from", q("IQ3", "FPT Camera", "", "2026-01-02"), exact, w.bare, bad, []string{"no_conformity_certificate"}, 0},
			{"under QCVN 11", q("IQ3", "FPT Camera", "", "2026-07-01"), exact, w.bare, bad, []string{"no_conformity_certificate"}, 0},

			// Revocation takes effect on its date; earlier dates are unaffected.
			{"revoked: queried before the revocation", q("QTX-9412AIP", "", "", "2026-03-14"), exact, w.revoked, ok, []string{"certificate_valid"}, 0},
			{"revoked: on the effective day", q("QTX-9412AIP", "", "", "2026-03-15"), exact, w.revoked, bad, []string{"certificate_revoked"}, 0},
			{"revoked: after", q("QTX-9412AIP", "", "", "2026-03-16"), exact, w.revoked, bad, []string{"certificate_revoked"}, 0},
			{"revoked before mandatory: not required yet", q("QTX-9412AIP", "", "", "2025-12-31"), exact, w.revoked, ok, []string{"certificate_valid"}, 0},

			// Suspended, then reinstated: the change log tells the dates.
			{"reinstated: before the suspension", q("VP-6024DTV", "", "", "2026-01-31"), exact, w.reinstate, ok, []string{"certificate_valid"}, 0},
			{"reinstated: first day of the suspension", q("VP-6024DTV", "", "", "2026-02-01"), exact, w.reinstate, bad, []string{"certificate_suspended"}, 0},
			{"reinstated: last day of the suspension", q("VP-6024DTV", "", "", "2026-02-28"), exact, w.reinstate, bad, []string{"certificate_suspended"}, 0},
			{"reinstated: from the reinstatement", q("VP-6024DTV", "", "", "2026-03-01"), exact, w.reinstate, ok, []string{"certificate_valid"}, 0},
			{"suspended: day before", q("AIV-B22", "BKAV", "", "2026-03-31"), exact, w.suspended, ok, []string{"certificate_valid"}, 0},
			{"suspended: from the effective day", q("AIV-B22", "BKAV", "", "2026-04-01"), exact, w.suspended, bad, []string{"certificate_suspended"}, 0},

			// Firmware ranges of a stop-sale warning.
			{"introduced_in exactly is affected", q("IPC-HFW1230S-S5", "Dahua", "2.800.0000000.8.R", "2026-03-01"), exact, w.ranged, bad,
				[]string{"warned_model", "certificate_valid"}, 0},
			{"just before introduced_in", q("IPC-HFW1230S-S5", "Dahua", "2.800.0000000.7.R", "2026-03-01"), exact, w.ranged, ok,
				[]string{"certificate_valid", "firmware_not_affected"}, 0},
			{"inside the range", q("IPC-HFW1230S-S5", "Dahua", "2.810.0000000.3.R", "2026-03-01"), exact, w.ranged, bad,
				[]string{"warned_model", "certificate_valid"}, 0},
			{"fixed_in exactly is not affected", q("IPC-HFW1230S-S5", "Dahua", "2.820.0000000.5.R", "2026-03-01"), exact, w.ranged, ok,
				[]string{"certificate_valid", "firmware_not_affected"}, 0},
			{"no firmware: the stop of sale applies", q("IPC-HFW1230S-S5", "Dahua", "", "2026-03-01"), exact, w.ranged, bad,
				[]string{"warned_model", "certificate_valid"}, 0},
			{"day before the stop of sale", q("IPC-HFW1230S-S5", "Dahua", "", "2026-01-31"), exact, w.ranged, ok,
				[]string{"certificate_valid"}, 0},

			// A ban, later withdrawn.
			{"day before the ban", q("Y33-1080P", "Yoosee", "", "2026-02-09"), exact, w.banned, ok, []string{"certificate_valid"}, 0},
			{"ban issue day", q("Y33-1080P", "Yoosee", "", "2026-02-10"), exact, w.banned, bad, []string{"banned_model", "certificate_valid"}, 0},
			{"day before the withdrawal", q("Y33-1080P", "Yoosee", "", "2026-04-30"), exact, w.banned, bad, []string{"banned_model", "certificate_valid"}, 0},
			{"withdrawal day", q("Y33-1080P", "Yoosee", "", "2026-05-01"), exact, w.banned, ok, []string{"certificate_valid"}, 0},
			{"recall", q("E3", "Ebitcam", "", "2026-03-01"), exact, w.recalled, bad, []string{"warned_model", "certificate_valid"}, 0},

			// Proof of origin for imported models.
			{"imported without C/O", q("IPC2122LB-SF28-A", "Uniview", "", "2026-03-01"), exact, w.noOrigin, warn,
				[]string{"no_origin_proof", "certificate_valid"}, 0},
			{"C/O day before its revocation", q("XNV-6080R", "Hanwha", "", "2026-01-31"), exact, w.originRev, ok,
				[]string{"certificate_valid", "origin_proof"}, 0},
			{"C/O revoked", q("XNV-6080R", "Hanwha", "", "2026-02-01"), exact, w.originRev, warn,
				[]string{"no_origin_proof", "certificate_valid"}, 0},

			// A certificate for one firmware.
			{"certified firmware", q("Tapo C200", "TP-Link", "1.1.5 build 230301", "2026-03-01"), exact, w.fwOnly, ok, []string{"certificate_valid"}, 0},
			{"another firmware", q("Tapo C200", "TP-Link", "1.3.9 Build 231019", "2026-03-01"), exact, w.fwOnly, bad, []string{"no_conformity_certificate"}, 0},
			{"no firmware given", q("Tapo C200", "TP-Link", "", "2026-03-01"), exact, w.fwOnly, warn, []string{"certificate_firmware_only"}, 0},
			{"no firmware, before mandatory", q("Tapo C200", "TP-Link", "", "2025-12-01"), exact, w.fwOnly, ok, []string{"certificate_firmware_only"}, 0},

			// Vendors' submissions count once their body confirms them.
			{"a pending submission proves nothing", q("WV-S1131", "", "", "2026-03-01"), exact, w.submitted, bad,
				[]string{"no_conformity_certificate"}, 0},
			{"confirmed later: valid from its issue date", q("WV-S2131", "", "", "2026-03-01"), exact, w.confirmed, ok,
				[]string{"certificate_valid"}, 0},

			// Matching.
			{"typed without dashes, lower case", q("ds2cd1023g0ei", "", "V5.7.3", "2026-03-01"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"brand given in other case", q(hik, "HIKVISION", "V5.7.3", "2026-03-01"), exact, w.hik, ok,
				[]string{"certificate_valid", "firmware_not_affected", "origin_proof"}, 0},
			{"O typed for 0 is a possible match", q("DS-2CD1023GOE-I", "Hikvision", "V5.7.3", "2026-03-01"), possible, w.hik, unknown,
				[]string{"possible_match", "certificate_valid", "firmware_not_affected", "origin_proof"}, 1},
			{"a typo is a possible match", q("DS-2CD1023G0E-J", "Hikvision", "V5.7.3", "2026-03-01"), possible, w.hik, unknown,
				[]string{"possible_match", "certificate_valid", "firmware_not_affected", "origin_proof"}, 1},
			{"a transposition, no brand", q("DS-2CD1032G0E-I", "", "V5.7.3", "2026-03-01"), possible, w.hik, unknown,
				[]string{"possible_match", "certificate_valid", "firmware_not_affected", "origin_proof"}, 1},
			{"the number under another brand is only possible", q(hik, "Dahua", "V5.7.3", "2026-03-01"), possible, w.hik, unknown,
				[]string{"possible_match", "certificate_valid", "firmware_not_affected", "origin_proof"}, 1},
			{"one number, two brands, no brand given", q("C6N", "", "", "2026-03-01"), ambiguous, nil, unknown, []string{"ambiguous_match"}, 2},
			{"one number, two brands, brand given", q("C6N", "ezviz", "", "2026-03-01"), exact, w.c6nEzviz, ok, []string{"certificate_valid"}, 0},
			{"the other brand", q("c6n", "Imou", "", "2026-03-01"), exact, w.c6nImou, bad, []string{"no_conformity_certificate"}, 0},
			// P-X1O shares the typed O; P-X10 needs a second confusable (#13: weighted distance, unique nearest).
			{"two confusable numbers, one nearer", q("P-XIO", "Axis", "", "2026-03-01"), possible, w.x1o, bad, []string{"no_conformity_certificate", "possible_match"}, 1},
			{"two confusable numbers, equally near", q("P-X1Q", "Axis", "", "2026-03-01"), ambiguous, nil, unknown, []string{"ambiguous_match"}, 2},
			{"exact beats confusable", q("P-X10", "Axis", "", "2026-03-01"), exact, w.x10, bad, []string{"no_conformity_certificate"}, 0},
			{"not found", q("ZZ-9999-NOPE", "", "", "2026-03-01"), none, nil, unknown, []string{"unregistered_model"}, 0},
			{"not found within a brand", q("ZZ-9999-NOPE", "Hikvision", "", "2026-03-01"), none, nil, unknown, []string{"unregistered_model"}, 0},
			// Only verified models compete (#14 hole 3): a pending registration is private, and matches nothing.
			{"pending registration", q("MJSXJ09CM", "Xiaomi", "", "2026-03-01"), none, nil, unknown, []string{"unregistered_model"}, 0},
		}
		if len(scenarios) < 40 {
			t.Fatalf("only %d scenarios", len(scenarios))
		}
		check := func(t *testing.T, sc scenario, got *models.Verification) {
			t.Helper()
			var codes []string
			for _, r := range got.Reasons {
				codes = append(codes, r.Code)
			}
			if got.Match != sc.match || got.Verdict != sc.verdict || !slices.Equal(codes, sc.codes) {
				t.Errorf("match %s verdict %s reasons %v; want %s %s %v", got.Match, got.Verdict, codes, sc.match, sc.verdict, sc.codes)
			}
			if sc.model != nil && (got.Model == nil || got.Model.ID != sc.model.ID) {
				t.Errorf("matched %+v, want %s %s", got.Model, sc.model.Brand, sc.model.ModelNumber)
			}
			if sc.model == nil && got.Model != nil {
				t.Errorf("matched %s %s, want no model", got.Model.Brand, got.Model.ModelNumber)
			}
			if len(got.Candidates) != sc.candidate {
				t.Errorf("%d candidates, want %d", len(got.Candidates), sc.candidate)
			}
			for _, r := range got.Reasons {
				for _, lang := range []string{models.LangVI, models.LangEN} {
					if m := r.Message(lang); m == r.Code || strings.Contains(m, "%!") {
						t.Errorf("reason %s has no proper %s message: %q", r.Code, lang, m)
					}
				}
			}
		}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				got, err := st.Verify(t.Context(), sc.q)
				if err != nil {
					t.Fatal(err)
				}
				check(t, sc, got)
			})
		}
		// The same scenarios in one bulk call give the same answers, in order.
		qs := make([]models.VerifyQuery, len(scenarios))
		for i, sc := range scenarios {
			qs[i] = sc.q
		}
		all, err := st.VerifyMany(t.Context(), qs)
		if err != nil {
			t.Fatal(err)
		}
		for i, sc := range scenarios {
			t.Run("bulk/"+sc.name, func(t *testing.T) { check(t, sc, &all[i]) })
		}
	})
}

func TestVerdictEvidenceAndMessages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		got, err := st.Verify(t.Context(), models.VerifyQuery{Model: "QTX-9412AIP", At: "2026-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		r := got.Blocking()
		if r == nil || r.Code != models.ReasonCertificateRevoked || r.Evidence.CertificateNumber != "QCVN135-0102" ||
			r.Evidence.StatusChangedOn.String() != "2026-03-15" {
			t.Fatalf("blocking reason %+v", r)
		}
		if m := r.Message(models.LangVI); !strings.Contains(m, "QCVN135-0102") || !strings.Contains(m, "15/03/2026") || !strings.Contains(m, "thu hồi") {
			t.Errorf("vi message %q", m)
		}
		if m := r.Message(models.LangEN); !strings.Contains(m, "revoked effective 2026-03-15") {
			t.Errorf("en message %q", m)
		}
		if len(got.Certificates) != 1 || got.Certificates[0].State != models.CertStateRevoked {
			t.Errorf("certificates %+v", got.Certificates)
		}
		// Standards in force on the date, and which are mandatory.
		if len(got.Standards) != 1 || got.Standards[0].Code != std135 || !got.Standards[0].Mandatory || !got.Mandatory() {
			t.Errorf("standards %+v", got.Standards)
		}
		// A miss never claims more than "not found in the registry".
		miss, err := st.Verify(t.Context(), models.VerifyQuery{Model: "NOPE-1"})
		if err != nil {
			t.Fatal(err)
		}
		if m := miss.Reasons[0].Message(models.LangEN); !strings.HasPrefix(m, "Not found in the registry") {
			t.Errorf("miss message %q", m)
		}
		if miss.At.String() != "2026-11-20" {
			t.Errorf("default date %s, want today in Vietnam (2026-11-20)", miss.At)
		}
		// Warning evidence names the reference, the measure and the range.
		hik, _ := st.Verify(t.Context(), models.VerifyQuery{Model: w.hik.ModelNumber, Firmware: "V5.5.53", At: "2026-03-01"})
		ev := hik.Reasons[0].Evidence
		if ev.WarningReference != "383/CATTT-NCSC" || ev.Measure != "update_firmware" || ev.FixedIn != "V5.5.800 build 210628" {
			t.Errorf("warning evidence %+v", ev)
		}
	})
}

func TestVerifyRejectsBadInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		_, err := st.Verify(ctx, models.VerifyQuery{Model: "  ", At: "01/03/2026"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || len(ve.Errors) != 2 {
			t.Fatalf("err %v", err)
		}
		_, err = st.Verify(ctx, models.VerifyQuery{Model: "--"})
		if !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("punctuation only: %v", err)
		}
		qs := make([]models.VerifyQuery, models.MaxVerifyItems+1)
		for i := range qs {
			qs[i] = models.VerifyQuery{Model: fmt.Sprintf("M-%d", i)}
		}
		if _, err := st.VerifyMany(ctx, qs); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("%d items: %v", len(qs), err)
		}
		if _, err := st.VerifyMany(ctx, nil); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("no items: %v", err)
		}
		_, err = st.VerifyMany(ctx, []models.VerifyQuery{{Model: "A1"}, {Model: "", At: "x"}})
		if !errors.As(err, &ve) || ve.Errors[0].Field != "items[1].model" || ve.Errors[1].Field != "items[1].at" {
			t.Fatalf("bulk field errors: %v", err)
		}
		// 500 distinct misses are answered in one call.
		got, err := st.VerifyMany(ctx, qs[:models.MaxVerifyItems])
		if err != nil || len(got) != models.MaxVerifyItems || got[499].Query.Model != "M-499" {
			t.Fatalf("500 items: %d, %v", len(got), err)
		}
	})
}

// TestVerifyCacheFollowsWrites checks that what the store caches for
// verify never outlives a write: each change below shows at once.
func TestVerifyCacheFollowsWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		ctx := t.Context()
		verdict := func(model, at string) string {
			t.Helper()
			v, err := st.Verify(ctx, models.VerifyQuery{Model: model, At: at})
			if err != nil {
				t.Fatal(err)
			}
			return v.Match + " " + v.Verdict
		}
		if got := verdict("IQ3", "2026-03-01"); got != "exact non_compliant" {
			t.Fatalf("before: %s", got)
		}
		w.cert(t, "QCVN135-IQ3", std135, "2025-06-01", "2028-05-31", "", w.bare)
		if got := verdict("IQ3", "2026-03-01"); got != "exact compliant" {
			t.Errorf("after a certificate: %s", got)
		}
		if got := verdict("NEW-MODEL-1", "2026-03-01"); got != "none unknown" {
			t.Fatalf("before: %s", got)
		}
		fresh := vxModel(t, st, "Imou", "NEW-MODEL-1", "VN")
		if got := verdict("NEW-MODEL-1", "2026-03-01"); got != "exact non_compliant" {
			t.Errorf("after registering the model: %s", got)
		}
		if _, err := st.UpdateStandard(ctx, admin, "0190a000-0000-7000-8000-000000000135", models.StandardInput{MandatoryFrom: ptr("2026-06-01")}, nil); err != nil {
			t.Fatal(err)
		}
		if got := verdict("NEW-MODEL-1", "2026-03-01"); got != "exact compliant" {
			t.Errorf("after moving mandatory_from: %s", got)
		}
		w.warning(t, "999/CATTT-NCSC", "stop_sale", "2026-02-01", fresh, "", "")
		if got := verdict("NEW-MODEL-1", "2026-03-01"); got != "exact non_compliant" {
			t.Errorf("after a stop-sale warning: %s", got)
		}
	})
}

// TestVerifyConcurrentWithWrites runs verifies beside writes, for the race
// detector and for answers that stay consistent.
func TestVerifyConcurrentWithWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		ctx := t.Context()
		done := make(chan struct{})
		errs := make(chan error, 4)
		for g := 0; g < 3; g++ {
			go func() {
				for {
					select {
					case <-done:
						errs <- nil
						return
					default:
					}
					v, err := st.VerifyMany(ctx, []models.VerifyQuery{{Model: "HC23", At: "2026-08-01"}, {Model: "IQ3", At: "2026-08-01"}})
					if err != nil {
						errs <- err
						return
					}
					if v[0].Verdict != models.VerdictCompliant {
						errs <- fmt.Errorf("HC23 is %s", v[0].Verdict)
						return
					}
				}
			}()
		}
		for i := 0; i < 10; i++ {
			vxModel(t, st, "Imou", fmt.Sprintf("CONC-%d", i), "VN")
		}
		w.cert(t, "QCVN11-IQ3", std11, "2026-07-02", "2029-07-01", "", w.bare)
		close(done)
		for g := 0; g < 3; g++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if v, err := st.Verify(ctx, models.VerifyQuery{Model: "IQ3", At: "2026-08-01"}); err != nil || v.Verdict != models.VerdictCompliant {
			t.Fatalf("after the writes: %+v %v", v, err)
		}
	})
}
