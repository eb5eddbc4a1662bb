package importer_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

// demoDay is the day the demo is loaded: its relative dates count from it.
var demoDay = models.DateOf(time.Now())

func TestLoadDemo(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		loaded, err := importer.LoadDemo(ctx, st)
		if err != nil {
			t.Fatalf("LoadDemo: %v", err)
		}
		if !loaded {
			t.Fatal("LoadDemo on an empty registry returned false")
		}

		counts, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("counts: %v", counts)
		if n := counts["camera_models"]; n < 25 || n > 35 {
			t.Errorf("camera_models = %d, want about 30", n)
		}
		if counts["warnings"] != 2 {
			t.Errorf("warnings = %d, want 2", counts["warnings"])
		}
		for _, table := range []string{"conformity_certificates", "origin_certificates", "listings"} {
			if counts[table] == 0 {
				t.Errorf("%s is empty", table)
			}
		}

		checkModels(t, st)
		checkCertificates(t, st)
		checkOrganizations(t, st)
		checkWarnings(t, st)

		n, err := st.VerifyChain(ctx)
		if err != nil {
			t.Fatalf("VerifyChain: %v", err)
		}
		if n != counts["events"] {
			t.Errorf("VerifyChain checked %d events, the log holds %d", n, counts["events"])
		}

		// A second load finds the registry in use and changes nothing.
		loaded, err = importer.LoadDemo(ctx, st)
		if err != nil || loaded {
			t.Fatalf("second LoadDemo = %v, %v; want false, nil", loaded, err)
		}
		again, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(counts, again) {
			t.Errorf("second LoadDemo changed the counts: before %v, after %v", counts, again)
		}
	})
}

// TestLoadDemoSkipsNonEmpty checks that one organization is enough to keep
// the demo out.
func TestLoadDemoSkipsNonEmpty(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		name, kind := "Công ty TNHH Camera Có Sẵn", models.OrgRetailer
		if _, err := st.CreateOrganization(ctx, models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		before, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := importer.LoadDemo(ctx, st)
		if err != nil || loaded {
			t.Fatalf("LoadDemo = %v, %v; want false, nil", loaded, err)
		}
		after, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(before, after) {
			t.Errorf("LoadDemo changed a non-empty registry: before %v, after %v", before, after)
		}
	})
}

func checkModels(t *testing.T, st *models.Store) {
	t.Helper()
	page, err := st.FindModels(context.Background(), models.ModelFilter{}, models.PageRequest{Limit: models.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	brands := map[string]bool{}
	pending := 0
	for _, m := range page.Items {
		brands[m.BrandKey] = true
		if m.Status == models.ModelPending {
			pending++
		}
		if m.HSCode == "" || m.OriginCountry == "" || len(m.FirmwareVersions) == 0 || m.RegistrantOrgID == nil {
			t.Errorf("model %s %s lacks an HS code, origin, firmware or registrant", m.Brand, m.ModelNumber)
		}
	}
	if len(brands) < 15 {
		t.Errorf("%d brands, want the market's main ones", len(brands))
	}
	if pending == 0 || pending > len(page.Items)/4 {
		t.Errorf("%d of %d models pending, want a few", pending, len(page.Items))
	}
}

func checkCertificates(t *testing.T, st *models.Store) {
	t.Helper()
	page, err := st.FindCertificates(context.Background(), models.CertificateFilter{}, models.PageRequest{Limit: models.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var revoked, expired, lot int
	methods := map[int]int{}
	for _, c := range page.Items {
		methods[c.Method]++
		if c.Status.Status == models.CertRevoked {
			revoked++
			if c.Status.StatusReason == "" || c.Status.StatusChangedOn.IsZero() {
				t.Errorf("revoked certificate %s lacks a reason or date", c.Number)
			}
		}
		if !c.ExpiresOn.IsZero() && c.ExpiresOn.Before(demoDay) {
			expired++
		}
		if c.Method == 7 {
			lot++
			if c.LotRef == "" {
				t.Errorf("lot certificate %s has no lot_ref", c.Number)
			}
		}
		if len(c.Models) == 0 {
			t.Errorf("certificate %s covers no model", c.Number)
		}
	}
	if revoked < 1 {
		t.Error("no revoked certificate")
	}
	if expired < 1 {
		t.Errorf("no certificate expired before %s", demoDay)
	}
	if lot < 1 || methods[1] == 0 || methods[5] == 0 {
		t.Errorf("certificates by method = %v, want methods 1, 5 and 7", methods)
	}
	if valid := len(page.Items) - revoked - expired; valid <= len(page.Items)/2 {
		t.Errorf("%d of %d certificates valid, want most", valid, len(page.Items))
	}
}

func checkOrganizations(t *testing.T, st *models.Store) {
	t.Helper()
	page, err := st.FindOrganizations(context.Background(), models.OrganizationFilter{}, models.PageRequest{Limit: models.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	traderProvinces := map[string]bool{}
	traders := 0
	for _, o := range page.Items {
		kinds[o.Kind]++
		if o.TaxCode != nil {
			if _, err := models.CheckTaxCode(*o.TaxCode); err != nil {
				t.Errorf("%s: tax code %s: %v", o.Name, *o.TaxCode, err)
			}
		}
		if o.Kind != models.OrgRetailer && o.Kind != models.OrgOnlineSeller {
			continue
		}
		traders++
		if o.TaxCode == nil {
			t.Errorf("trader %s has no tax code", o.Name)
		}
		if o.ProvinceCode == nil {
			t.Errorf("trader %s has no province", o.Name)
		} else {
			traderProvinces[*o.ProvinceCode] = true
		}
	}
	if traders < 6 {
		t.Errorf("%d traders, want about 8", traders)
	}
	if len(traderProvinces) < 4 {
		t.Errorf("traders in %d provinces, want at least 4", len(traderProvinces))
	}
	if kinds[models.OrgCertificationBody] < 2 || kinds[models.OrgAuthority] < 1 || kinds[models.OrgMarketSurveillance] < 1 {
		t.Errorf("organizations by kind = %v, want two certification bodies, an authority and a market-surveillance office", kinds)
	}
}

func checkWarnings(t *testing.T, st *models.Store) {
	t.Helper()
	page, err := st.FindWarnings(context.Background(), models.WarningFilter{}, models.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	measures := map[string]bool{}
	for _, w := range page.Items {
		measures[w.Measure] = true
		if len(w.Affected) == 0 {
			t.Errorf("warning %s names no model", w.Reference)
		}
		// A firmware range must use versions the model is known to run,
		// or a verdict for a given firmware could never match it.
		for _, a := range w.Affected {
			m, err := st.GetModel(context.Background(), a.CameraModelID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{a.IntroducedIn, a.FixedIn} {
				if v != "" && !slices.Contains(m.FirmwareVersions, v) {
					t.Errorf("warning %s: %s %s has no firmware %q", w.Reference, m.Brand, m.ModelNumber, v)
				}
			}
		}
	}
	if !measures["update_firmware"] || !(measures["stop_sale"] || measures["ban"]) {
		t.Errorf("warning measures = %v, want update_firmware and stop_sale or ban", measures)
	}
}

// TestDemoMarketToday checks that the demo shows today's market on whatever
// day the tests run: most models compliant under a QCVN 11:2026/BCA
// certificate, and at least one model failing in each way an inspector
// meets. Reason codes are the API's contract, so they are spelled out.
func TestDemoMarketToday(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if _, err := importer.LoadDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		page, err := st.FindModels(ctx, models.ModelFilter{}, models.PageRequest{Limit: models.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string]int{}
		reasons := map[string][]string{} // "code/effect" → models
		qcvn11 := 0
		for _, m := range page.Items {
			v, err := st.Verify(ctx, models.VerifyQuery{Brand: m.Brand, Model: m.ModelNumber})
			if err != nil {
				t.Fatalf("verify %s %s: %v", m.Brand, m.ModelNumber, err)
			}
			verdicts[v.Verdict]++
			name := m.Brand + " " + m.ModelNumber
			for _, r := range v.Reasons {
				k := r.Code + "/" + r.Effect
				reasons[k] = append(reasons[k], name)
				if r.Code == "certificate_valid" && r.Evidence.StandardCode == "QCVN 11:2026/BCA" {
					qcvn11++
				}
			}
		}
		t.Logf("on %s: %d models, verdicts %v", demoDay, len(page.Items), verdicts)
		for _, k := range slices.Sorted(maps.Keys(reasons)) {
			t.Logf("  %s: %v", k, reasons[k])
		}
		if qcvn11 <= len(page.Items)/2 || verdicts["compliant"] <= len(page.Items)/2 {
			t.Errorf("%d models with a valid QCVN 11 certificate and %d compliant of %d: want most", qcvn11, verdicts["compliant"], len(page.Items))
		}
		for _, want := range []string{
			"certificate_expired/non_compliant",
			"certificate_revoked/non_compliant",
			"certificate_suspended/non_compliant",
			"certificate_standard_not_in_force/non_compliant",
			"warned_model/non_compliant", // a stop-sale warning
			"warned_model/warning",       // update the firmware
			"no_origin_proof/warning",
		} {
			if len(reasons[want]) == 0 {
				t.Errorf("no model shows %s", want)
			}
		}
		// A pending registration is private: the public's verify does not
		// know it (the registrant and admins see it in the API).
		pending := 0
		for _, m := range page.Items {
			if m.Status != models.ModelPending {
				continue
			}
			pending++
			v, err := st.Verify(ctx, models.VerifyQuery{Brand: m.Brand, Model: m.ModelNumber})
			if err != nil {
				t.Fatal(err)
			}
			if v.Verdict != "unknown" {
				t.Errorf("pending %s %s verifies as %s for the public, want unknown", m.Brand, m.ModelNumber, v.Verdict)
			}
		}
		if pending == 0 {
			t.Error("no model is pending")
		}
	})
}
