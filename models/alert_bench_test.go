package models_test

import (
	"fmt"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// benchFleet is a registry with one certified model held by n device rows
// spread over fleets of 500, judged by the alert processor.
func benchFleet(b *testing.B, n int) (*models.Store, *alertWorld) {
	b.Helper()
	st := testdb.Open(b, testdb.Backends(b)[0])
	pinClock(st)
	ctx := b.Context()
	w := &alertWorld{st: st}
	org := func(name, kind string) *models.Organization {
		o, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr(name), Kind: ptr(kind)})
		if err != nil {
			b.Fatal(err)
		}
		return o
	}
	w.authority, w.body, w.holder = org("Cục ATTT", models.OrgAuthority), org("Quatest 1", models.OrgCertificationBody), org("Nhập khẩu", models.OrgImporter)
	isp := org("Nhà mạng", models.OrgOperator)
	m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1023G0E-I"), Status: ptr(models.ModelVerified)})
	if err != nil {
		b.Fatal(err)
	}
	w.m1 = m
	if _, err := st.CreateCertificate(ctx, admin, certInput("C-1", w.body.ID, w.holder.ID, m.ID)); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i += 500 {
		f, err := st.CreateFleet(ctx, admin, models.FleetInput{OrgID: &isp.ID, Name: ptr(fmt.Sprint("Hệ thống ", i))})
		if err != nil {
			b.Fatal(err)
		}
		ins := make([]models.DeviceInput, min(500, n-i))
		for j := range ins {
			ins[j] = models.DeviceInput{Brand: ptr("Hikvision"), Model: ptr("DS-2CD1023G0E-I"), ExternalID: ptr(fmt.Sprint("D-", i+j))}
		}
		if _, err := st.AddFleetDevices(ctx, admin, f.ID, ins, true); err != nil {
			b.Fatal(err)
		}
	}
	for {
		r, err := st.AlertStep(ctx, 500)
		if err != nil {
			b.Fatal(err)
		}
		if r.Events == 0 {
			break
		}
	}
	return st, w
}

// BenchmarkAlertChange is the alert processor's cost of one change that
// hits 2,000 devices (four fleets): a ban and its withdrawal, each judged
// again and told; reported per change. BenchmarkAlertJudgeOnly is its
// baseline: verify's VerifyMany over the same rows, as the fleet report
// does.
func BenchmarkAlertChange(b *testing.B) {
	st, w := benchFleet(b, 2000)
	ctx := b.Context()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		in := warningInput(fmt.Sprint(i, "/BENCH"), w.authority.ID, w.m1.ID)
		in.Measure = ptr("ban")
		warn, err := st.CreateWarning(ctx, admin, in)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if r, err := st.AlertStep(ctx, 500); err != nil || r.Alerts != 4 {
			b.Fatalf("ban: %+v %v", r, err)
		}
		b.StopTimer()
		if _, err := st.UpdateWarning(ctx, admin, warn.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn), StatusReason: ptr("x")}, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if r, err := st.AlertStep(ctx, 500); err != nil || r.Alerts != 4 {
			b.Fatalf("withdrawal: %+v %v", r, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(2*b.N)/1000, "ms/change")
}

func BenchmarkAlertJudgeOnly(b *testing.B) {
	st, _ := benchFleet(b, 2000)
	ctx := b.Context()
	qs := make([]models.VerifyQuery, 500)
	for i := range qs {
		qs[i] = models.VerifyQuery{Brand: "Hikvision", Model: "DS-2CD1023G0E-I", At: pinnedDay}
	}
	b.ResetTimer()
	for range b.N {
		for range 4 {
			if _, err := st.VerifyMany(ctx, qs); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/2000rows")
}
