package models_test

import (
	"errors"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// inspectionWorld adds traders, an inspection office and keys' actors to
// the verdict world.
type inspectionWorld struct {
	*verdictWorld
	office, shop, otherShop                        string
	inspector, otherInspector, vendor, otherVendor models.Actor
	certifier, authorityActor                      models.Actor
	shopProvince, otherProvince                    string
}

func newInspectionWorld(t *testing.T, st *models.Store) *inspectionWorld {
	t.Helper()
	w := &inspectionWorld{verdictWorld: newVerdictWorld(t, st)}
	w.office = vxOrg(t, st, "Chi cục Quản lý thị trường Hà Nội", models.OrgMarketSurveillance)
	other := vxOrg(t, st, "Chi cục Quản lý thị trường Đà Nẵng", models.OrgMarketSurveillance)
	mk := func(name, province string) string {
		o, err := st.CreateOrganization(t.Context(), admin, models.OrganizationInput{Name: ptr(name), Kind: ptr(models.OrgRetailer), Province: ptr(province)})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	w.shop = mk("Công ty TNHH Thiết bị Số Hoàng Long", "Hà Nội")
	w.otherShop = mk("Công ty TNHH Điện máy Sông Hàn", "Đà Nẵng")
	w.shopProvince, w.otherProvince = "01", "48"
	w.inspector = models.Actor{Role: models.RoleInspector, OrgID: w.office, Prefix: "insp00000001", Name: "thanh tra 1"}
	w.otherInspector = models.Actor{Role: models.RoleInspector, OrgID: other, Prefix: "insp00000002", Name: "thanh tra 2"}
	w.vendor = models.Actor{Role: models.RoleVendor, OrgID: w.shop, Prefix: "vend00000001"}
	w.otherVendor = models.Actor{Role: models.RoleVendor, OrgID: w.otherShop, Prefix: "vend00000002"}
	w.certifier = models.Actor{Role: models.RoleCertifier, OrgID: w.body, Prefix: "cert00000001"}
	w.authorityActor = models.Actor{Role: models.RoleAuthority, OrgID: w.authority, Prefix: "auth00000001"}
	return w
}

// shelf is an inspection of the shop on 2026-04-01 with five items: a
// compliant camera, a revoked certificate, a camera the registry does not
// know (marked by the inspector as not in the registry, with the label's
// text), an ambiguous number, and an imported camera without a C/O.
func (w *inspectionWorld) shelf(t *testing.T, actor models.Actor, trader string) (*models.Inspection, []models.Finding) {
	t.Helper()
	insp, fs, err := w.st.CreateInspection(t.Context(), actor, models.InspectionInput{
		TraderOrgID: ptr(trader), InspectedOn: ptr("2026-04-01"), Place: ptr("48 Lý Nam Đế"), Notes: ptr("kiểm tra định kỳ"),
		Items: []models.InspectionItemInput{
			{Model: "DS-2CD1023G0E-I", Brand: "Hikvision", Firmware: "V5.7.3 build 220112", Quantity: ptr(12)},
			{Model: "QTX-9412AIP", Brand: "Questek", Quantity: ptr(3), PhotoRef: "photo://2026-04-01/qtx.jpg"},
			{Model: "NO-SUCH-CAM 9000", Brand: "Noname", Settlement: models.ItemSettlement{NotInRegistry: true, LabelText: "NO-SUCH-CAM 9000 1080P"}},
			{Model: "C6N"},
			{Model: "IPC2122LB-SF28-A", Brand: "Uniview"},
		}})
	if err != nil {
		t.Fatalf("create inspection: %v", err)
	}
	return insp, fs
}

func TestCreateInspectionVerifiesItemsAndOpensFindings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		before := countEvents(t, st)
		insp, fs := w.shelf(t, w.inspector, w.shop)
		if insp.OfficeOrgID == nil || *insp.OfficeOrgID != w.office {
			t.Errorf("office %v, want the inspector's %s", insp.OfficeOrgID, w.office)
		}
		if insp.ProvinceCode == nil || *insp.ProvinceCode != w.shopProvince {
			t.Errorf("province %v, want the trader's", insp.ProvinceCode)
		}
		want := []struct{ match, verdict, finding, resolution string }{
			{models.MatchExact, models.VerdictCompliant, "", models.ResolutionExact},
			{models.MatchExact, models.VerdictNonCompliant, models.ReasonCertificateRevoked, models.ResolutionExact},
			{models.MatchNone, models.VerdictUnknown, models.ReasonUnregistered, models.ResolutionNotInRegistry},
			{models.MatchAmbiguous, models.VerdictUnknown, "", models.ResolutionNeedsConfirmation},
			{models.MatchExact, models.VerdictWarning, "", models.ResolutionExact},
		}
		if insp.Number == nil || *insp.Number != "KT-2026-000001" {
			t.Errorf("number %v, want KT-2026-000001", insp.Number)
		}
		if len(insp.Items[3].Candidates) < 2 || insp.Items[2].LabelText != "NO-SUCH-CAM 9000 1080P" {
			t.Errorf("ambiguous item's candidates %+v, marked label %q", insp.Items[3].Candidates, insp.Items[2].LabelText)
		}
		byPos := map[int]models.Finding{}
		for _, f := range fs {
			byPos[*f.ItemPosition] = f
		}
		if len(fs) != 2 {
			t.Fatalf("%d findings, want 2: %+v", len(fs), fs)
		}
		for i, wt := range want {
			it := insp.Items[i]
			if it.Match != wt.match || it.Verdict != wt.verdict || it.Resolution != wt.resolution {
				t.Errorf("item %d: %s %s %s, want %s %s %s", i, it.Match, it.Verdict, it.Resolution, wt.match, wt.verdict, wt.resolution)
			}
			f, ok := byPos[i]
			if ok != (wt.finding != "") || (ok && (f.Violation != wt.finding || it.FindingID != f.ID)) {
				t.Errorf("item %d: finding %+v (item's %q), want violation %q", i, f, it.FindingID, wt.finding)
			}
			if ok && (f.Status.Status != models.FindingOpen || f.TraderOrgID != w.shop || f.ObservedOn.String() != "2026-04-01" || len(f.Evidence) == 0) {
				t.Errorf("finding %+v", f)
			}
		}
		if insp.Items[1].Quantity != 3 || insp.Items[1].PhotoRef == "" || insp.Items[0].CameraModelID == nil || *insp.Items[0].CameraModelID != w.hik.ID {
			t.Errorf("items %+v", insp.Items[:2])
		}
		// One event for the inspection, one per finding, in one transaction.
		if n := countEvents(t, st); n != before+3 {
			t.Errorf("%d events written, want 3", n-before)
		}
		// The stored inspection reads back the same, with finding ids.
		got, err := st.GetInspection(t.Context(), w.inspector, insp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != 5 || got.Items[1].FindingID != byPos[1].ID || got.Items[2].Reasons[0].Code != models.ReasonUnregistered {
			t.Errorf("read back %+v", got.Items)
		}
	})
}

func TestInspectionNotFoundBeforeMandatoryOpensNoFinding(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		insp, fs, err := st.CreateInspection(t.Context(), w.inspector, models.InspectionInput{TraderOrgID: ptr(w.shop),
			InspectedOn: ptr("2025-12-31"), Items: []models.InspectionItemInput{{Model: "NO-SUCH-CAM 9000"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 0 || insp.Items[0].Match != models.MatchNone {
			t.Fatalf("findings %+v, items %+v", fs, insp.Items)
		}
	})
}

func TestCreateInspectionRefuses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		ok := func() models.InspectionInput {
			return models.InspectionInput{TraderOrgID: ptr(w.shop), InspectedOn: ptr("2026-04-01"),
				Items: []models.InspectionItemInput{{Model: "QTX-9412AIP"}}}
		}
		before := countEvents(t, st)
		for name, actor := range map[string]models.Actor{"vendor": w.vendor, "certifier": w.certifier, "authority": w.authorityActor, "public": models.Public} {
			if _, _, err := st.CreateInspection(t.Context(), actor, ok()); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", name, err)
			}
		}
		in := ok()
		in.OfficeOrgID = ptr(w.otherInspector.OrgID)
		if _, _, err := st.CreateInspection(t.Context(), w.inspector, in); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("another office: %v", err)
		}
		bad := []struct {
			name   string
			in     models.InspectionInput
			fields []string
		}{
			{"future date", models.InspectionInput{TraderOrgID: ptr(w.shop), InspectedOn: ptr("2026-11-21"), Items: ok().Items}, []string{"inspected_on"}},
			{"not a trader", models.InspectionInput{TraderOrgID: ptr(w.body), Items: ok().Items}, []string{"trader_org_id"}},
			{"no items, no trader", models.InspectionInput{}, []string{"trader_org_id", "items"}},
			{"bad items", models.InspectionInput{TraderOrgID: ptr(w.shop), Province: ptr("Atlantis"), Items: []models.InspectionItemInput{
				{Model: "", Quantity: ptr(0)}, {Model: "A1"}}}, []string{"province", "items[0].model", "items[0].quantity"}},
		}
		for _, b := range bad {
			_, _, err := st.CreateInspection(t.Context(), w.inspector, b.in)
			var ve *models.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%s: %v, want invalid", b.name, err)
				continue
			}
			var got []string
			for _, e := range ve.Errors {
				got = append(got, e.Field)
			}
			for _, f := range b.fields {
				found := false
				for _, g := range got {
					found = found || g == f
				}
				if !found {
					t.Errorf("%s: fields %v lack %s", b.name, got, f)
				}
			}
		}
		// A dry run verifies and opens findings, then writes nothing.
		if _, fs, err := st.CreateInspection(models.DryRun(t.Context()), w.inspector, ok()); err != nil || len(fs) != 1 {
			t.Errorf("dry run: %v, %d findings", err, len(fs))
		}
		if n := countEvents(t, st); n != before {
			t.Errorf("refused inspections wrote %d events", n-before)
		}
		// An admin names the office, which must be an inspecting one.
		in = ok()
		in.OfficeOrgID = ptr(w.holder)
		if _, _, err := st.CreateInspection(t.Context(), admin, in); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("admin with an importer as office: %v", err)
		}
		in.OfficeOrgID = ptr(w.office)
		if _, _, err := st.CreateInspection(t.Context(), admin, in); err != nil {
			t.Errorf("admin: %v", err)
		}
	})
}

func TestFindingLifecycleAndHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		_, fs := w.shelf(t, w.inspector, w.shop)
		revoked, unknown := fs[0], fs[1]
		move := func(actor models.Actor, f models.Finding, status, note string) (*models.Finding, error) {
			return st.UpdateFinding(t.Context(), actor, f.ID, models.FindingTransition{Status: status, Note: note}, nil)
		}
		if _, err := move(w.vendor, revoked, models.FindingDismissed, "không đồng ý"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("vendor moved a finding: %v", err)
		}
		if _, err := move(w.inspector, revoked, models.FindingConfirmed, ""); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("no note: %v", err)
		}
		if _, err := move(w.inspector, revoked, models.FindingResolved, "đã gỡ hàng"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("open -> resolved: %v", err)
		}
		if _, err := move(w.inspector, revoked, "closed", "x"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("unknown status: %v", err)
		}
		f, err := move(w.inspector, revoked, models.FindingConfirmed, "lập biên bản vi phạm số 12/BB-QLTT")
		if err != nil || f.Status.Status != models.FindingConfirmed || f.StatusReason != "lập biên bản vi phạm số 12/BB-QLTT" || f.Version != 2 {
			t.Fatalf("confirm: %+v %v", f, err)
		}
		stale := 1
		if _, err := st.UpdateFinding(t.Context(), admin, f.ID, models.FindingTransition{Status: models.FindingResolved, Note: "x"}, &stale); !errors.Is(err, models.ErrPrecondition) {
			t.Errorf("stale version: %v", err)
		}
		if _, err := move(w.otherInspector, revoked, models.FindingResolved, "cửa hàng đã gỡ 3 camera khỏi kệ"); err != nil {
			t.Fatal(err)
		}
		if _, err := move(w.inspector, revoked, models.FindingDismissed, "x"); !errors.Is(err, models.ErrConflict) {
			t.Errorf("resolved is final: %v", err)
		}
		if _, err := move(admin, unknown, models.FindingDismissed, "mẫu đã đăng ký dưới tên khác"); err != nil {
			t.Fatal(err)
		}
		got, steps, err := st.GetFinding(t.Context(), w.vendor, revoked.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Status != models.FindingResolved || len(steps) != 3 {
			t.Fatalf("finding %+v, steps %+v", got, steps)
		}
		wantSteps := []struct{ from, to, actor string }{
			{"", models.FindingOpen, "key:insp00000001"},
			{models.FindingOpen, models.FindingConfirmed, "key:insp00000001"},
			{models.FindingConfirmed, models.FindingResolved, "key:insp00000002"},
		}
		for i, ws := range wantSteps {
			if steps[i].From != ws.from || steps[i].To != ws.to || steps[i].Actor != ws.actor || steps[i].At.IsZero() || steps[i].Note == "" {
				t.Errorf("step %d: %+v, want %+v", i, steps[i], ws)
			}
		}
		if steps[2].ActorOrgID == nil || *steps[2].ActorOrgID != w.otherInspector.OrgID || steps[2].EffectOn.String() != "2026-11-20" {
			t.Errorf("step 2: %+v", steps[2])
		}
		if n, err := st.VerifyChain(t.Context()); err != nil || n == 0 {
			t.Errorf("change log: %d, %v", n, err)
		}
	})
}

func TestFindingVisibilityAndFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		insp, fs := w.shelf(t, w.inspector, w.shop)
		otherInsp, otherFs := w.shelf(t, w.otherInspector, w.otherShop)
		all := models.PageRequest{Limit: 100}
		count := func(actor models.Actor, f models.FindingFilter) int {
			t.Helper()
			p, err := st.FindFindings(t.Context(), actor, f, all)
			if err != nil {
				t.Fatal(err)
			}
			return len(p.Items)
		}
		for name, actor := range map[string]models.Actor{"inspector": w.inspector, "authority": w.authorityActor, "admin": admin} {
			if n := count(actor, models.FindingFilter{}); n != 4 {
				t.Errorf("%s sees %d findings, want 4", name, n)
			}
		}
		if n := count(w.vendor, models.FindingFilter{}); n != 2 {
			t.Errorf("vendor sees %d findings, want its own 2", n)
		}
		if n := count(w.vendor, models.FindingFilter{TraderOrgID: w.otherShop}); n != 0 {
			t.Errorf("vendor filtering on another trader sees %d", n)
		}
		if _, _, err := st.GetFinding(t.Context(), w.vendor, otherFs[0].ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("vendor reads another's finding: %v", err)
		}
		if _, _, err := st.GetFinding(t.Context(), w.vendor, fs[0].ID); err != nil {
			t.Errorf("vendor reads its own finding: %v", err)
		}
		if _, err := st.GetInspection(t.Context(), w.vendor, otherInsp.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("vendor reads another's inspection: %v", err)
		}
		if _, err := st.GetInspection(t.Context(), w.otherVendor, otherInsp.ID); err != nil {
			t.Errorf("vendor reads its own inspection: %v", err)
		}
		for name, actor := range map[string]models.Actor{"certifier": w.certifier, "public": models.Public} {
			if _, err := st.FindFindings(t.Context(), actor, models.FindingFilter{}, all); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s lists findings: %v", name, err)
			}
			if _, _, err := st.GetFinding(t.Context(), actor, fs[0].ID); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s reads a finding: %v", name, err)
			}
			if _, err := st.FindInspections(t.Context(), actor, models.InspectionFilter{}, all); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s lists inspections: %v", name, err)
			}
		}
		filters := []struct {
			f    models.FindingFilter
			want int
		}{
			{models.FindingFilter{TraderOrgID: w.shop}, 2},
			{models.FindingFilter{InspectionID: insp.ID}, 2},
			{models.FindingFilter{Province: "Đà Nẵng"}, 2},
			{models.FindingFilter{Province: "ha noi", Violation: models.ReasonCertificateRevoked}, 1},
			{models.FindingFilter{Violation: models.ReasonUnregistered}, 2},
			{models.FindingFilter{Status: models.FindingOpen}, 4},
			{models.FindingFilter{Status: models.FindingConfirmed}, 0},
			{models.FindingFilter{From: "2026-04-01", To: "2026-04-01"}, 4},
			{models.FindingFilter{From: "2026-04-02"}, 0},
			{models.FindingFilter{To: "2026-03-31"}, 0},
		}
		for _, ft := range filters {
			if n := count(w.inspector, ft.f); n != ft.want {
				t.Errorf("filter %+v: %d, want %d", ft.f, n, ft.want)
			}
		}
		for _, bad := range []models.FindingFilter{{Violation: "theft"}, {Status: "closed"}, {From: "03/01/2026"}, {From: "2026-03-02", To: "2026-03-01"}, {Province: "Atlantis"}} {
			if _, err := st.FindFindings(t.Context(), w.inspector, bad, all); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("filter %+v: %v, want invalid", bad, err)
			}
		}
		page, err := st.FindInspections(t.Context(), w.vendor, models.InspectionFilter{}, all)
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != insp.ID || len(page.Items[0].Items) != 5 {
			t.Errorf("vendor's inspections: %+v, %v", page.Items, err)
		}
		page, err = st.FindInspections(t.Context(), w.inspector, models.InspectionFilter{Province: "48", From: "2026-01-01", To: "2026-12-31"}, all)
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != otherInsp.ID {
			t.Errorf("inspections in Đà Nẵng: %+v, %v", page.Items, err)
		}
	})
}

func TestTraderCompliance(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		list := func(m *models.Model) {
			if _, err := st.CreateListing(t.Context(), admin, models.ListingInput{TraderOrgID: ptr(w.shop), CameraModelID: ptr(m.ID),
				Channel: ptr("shop"), ShopAddress: ptr("48 Lý Nam Đế"), FirstSeenOn: ptr("2026-01-05")}); err != nil {
				t.Fatal(err)
			}
		}
		// Today is 2026-11-20: QCVN 11 applies.
		list(w.hik)      // QCVN 11 certificate, update warning: warning
		list(w.lot)      // lot certificate expired 2026-09-30: non-compliant
		list(w.banned)   // QCVN 135 only: non-compliant
		list(w.c6nEzviz) // QCVN 135 only: non-compliant
		_, fs := w.shelf(t, w.inspector, w.shop)
		if _, err := st.UpdateFinding(t.Context(), w.inspector, fs[1].ID, models.FindingTransition{Status: models.FindingDismissed, Note: "nhầm"}, nil); err != nil {
			t.Fatal(err)
		}
		c, err := st.TraderCompliance(t.Context(), w.vendor, w.shop)
		if err != nil {
			t.Fatal(err)
		}
		if c.Counts[models.VerdictWarning] != 1 || c.Counts[models.VerdictNonCompliant] != 3 || len(c.Listings) != 4 {
			t.Errorf("counts %v, %d listings", c.Counts, len(c.Listings))
		}
		if len(c.OpenFindings) != 1 || c.OpenFindings[0].ID != fs[0].ID {
			t.Errorf("open findings %+v", c.OpenFindings)
		}
		if _, err := st.TraderCompliance(t.Context(), w.otherVendor, w.shop); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another vendor: %v", err)
		}
		if _, err := st.TraderCompliance(t.Context(), w.certifier, w.shop); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("certifier: %v", err)
		}
		if _, err := st.TraderCompliance(t.Context(), w.inspector, "0190a000-0000-7000-8000-00000000dead"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("missing organization: %v", err)
		}
	})
}

func countEvents(t *testing.T, st *models.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
