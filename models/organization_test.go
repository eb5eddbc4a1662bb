package models_test

import (
	"encoding/json"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestOrganizationCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		in := models.OrganizationInput{
			Name:     ptr("  Công ty TNHH Hikvision Việt Nam "),
			Kind:     ptr(models.OrgImporter),
			TaxCode:  ptr("0100233488001"),
			Address:  ptr("Số 1 Đào Duy Anh, Đống Đa"),
			Province: ptr("ha noi"),
			Website:  ptr("https://hikvision.vn"),
			Email:    ptr("info@hikvision.vn"),
			Phone:    ptr("+84 24 3825 1234"),
		}
		o, err := st.CreateOrganization(t.Context(), admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if !models.ValidID(o.ID) || o.Version != 1 {
			t.Errorf("id %q version %d", o.ID, o.Version)
		}
		if o.Name != "Công ty TNHH Hikvision Việt Nam" {
			t.Errorf("name %q is not trimmed", o.Name)
		}
		if o.TaxCode == nil || *o.TaxCode != "0100233488-001" {
			t.Errorf("tax code %v, want the normalised 0100233488-001", o.TaxCode)
		}
		if o.ProvinceCode == nil || *o.ProvinceCode != "01" || o.ProvinceName == nil || *o.ProvinceName != "Hà Nội" {
			t.Errorf("province %v %v, want 01 Hà Nội", o.ProvinceCode, o.ProvinceName)
		}
		if o.Country != "VN" {
			t.Errorf("country %q, want the default VN", o.Country)
		}
		if !o.IsTrader() {
			t.Errorf("an organization with a tax code is a trader")
		}
		got, err := st.GetOrganization(t.Context(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != o.Name || *got.TaxCode != *o.TaxCode || *got.ProvinceCode != "01" || got.Kind != o.Kind ||
			got.Address != o.Address || got.Website != o.Website || got.Email != o.Email || got.Phone != o.Phone ||
			got.Version != 1 || !got.CreatedAt.Equal(o.CreatedAt) {
			t.Errorf("stored %+v, created %+v", got, o)
		}
		e := wantEvent(t, st, models.ActionCreate, "organization", o.ID)
		if e.Actor != "system:test" || e.ActorRole != "admin" || e.ActorOrgID != nil {
			t.Errorf("event actor %q %q %v", e.Actor, e.ActorRole, e.ActorOrgID)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(e.Changes), &body); err != nil || body["tax_code"] != "0100233488-001" || body["name"] != o.Name {
			t.Errorf("create event changes %s: %v", e.Changes, err)
		}

		plain := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Cục An toàn thông tin"), Kind: ptr(models.OrgAuthority)})
		if plain.IsTrader() || plain.TaxCode != nil || plain.ProvinceCode != nil {
			t.Errorf("organization without tax code or province: %+v", plain)
		}

		for _, id := range []string{"0190a000-0000-7000-8000-00000000dead", "not-an-id", "", strings.ToUpper(o.ID) + "x"} {
			if _, err := st.GetOrganization(t.Context(), id); !isKind(err, models.ErrNotFound) {
				t.Errorf("get %q: %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestOrganizationValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   models.OrganizationInput
		want []string
	}{
		{"nothing", models.OrganizationInput{}, []string{"name", "kind"}},
		{"every field wrong", models.OrganizationInput{
			Name: ptr("   "), Kind: ptr("shop"), TaxCode: ptr("0100233487"), Province: ptr("Atlantis"),
			Country: ptr("XX"), Website: ptr("ftp://example.vn"), Email: ptr("not an e-mail"), Phone: ptr("call me"),
		}, []string{"name", "kind", "tax_code", "province", "country", "website", "email", "phone"}},
		{"name too long", models.OrganizationInput{Name: ptr(longString(301)), Kind: ptr(models.OrgRetailer)}, []string{"name"}},
		{"name with NUL", models.OrganizationInput{Name: ptr("a\x00b"), Kind: ptr(models.OrgRetailer)}, []string{"name"}},
		{"name with an escape sequence", models.OrganizationInput{Name: ptr("Shop\x1b[31m"), Kind: ptr(models.OrgRetailer)}, []string{"name"}},
		{"address with a C1 control", models.OrganizationInput{Name: ptr("x"), Kind: ptr(models.OrgRetailer), Address: ptr("12 Phố\u0085Huế")}, []string{"address"}},
		{"name with a bidi override", models.OrganizationInput{Name: ptr("Shop \u202eabc"), Kind: ptr(models.OrgRetailer)}, []string{"name"}},
		{"address too long", models.OrganizationInput{Name: ptr("x"), Kind: ptr(models.OrgRetailer), Address: ptr(longString(501))}, []string{"address"}},
		{"tax code abroad", models.OrganizationInput{Name: ptr("Hangzhou Hikvision"), Kind: ptr(models.OrgManufacturer), TaxCode: ptr("0100233488"), Country: ptr("CN")}, []string{"tax_code"}},
		{"website without host", models.OrganizationInput{Name: ptr("x"), Kind: ptr(models.OrgRetailer), Website: ptr("https://")}, []string{"website"}},
		{"email with name", models.OrganizationInput{Name: ptr("x"), Kind: ptr(models.OrgRetailer), Email: ptr("Shop <shop@example.vn>")}, []string{"email"}},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		mustCreateOrg(t, st, models.OrganizationInput{}) // a row and an event to keep
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := unchanged(t, st, func() error {
					_, err := st.CreateOrganization(t.Context(), admin, tc.in)
					return err
				})
				wantInvalid(t, err, tc.want...)
			})
		}
	})
}

func TestOrganizationUpdate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		o := mustCreateTrader(t, st, "Cửa hàng Điện tử Minh An")
		get := func() (*models.Organization, error) { return st.GetOrganization(ctx, o.ID) }

		u, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Name: ptr("Cửa hàng Minh An"), Province: ptr("TPHCM")}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Name != "Cửa hàng Minh An" || *u.ProvinceCode != "79" || *u.ProvinceName != "Hồ Chí Minh" {
			t.Errorf("updated %+v", u)
		}
		if *u.TaxCode != *o.TaxCode || u.Kind != o.Kind {
			t.Errorf("fields not in the input changed: %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "organization", o.ID)
		wantChanged(t, e, "name", "province_code", "province_name")
		wantChange(t, e, "name", `"Cửa hàng Điện tử Minh An"`, `"Cửa hàng Minh An"`)
		wantChange(t, e, "province_code", `"01"`, `"79"`)
		stored, _ := get()
		if stored.Version != 2 || stored.Name != "Cửa hàng Minh An" || *stored.ProvinceCode != "79" {
			t.Errorf("stored %+v", stored)
		}

		// A no-op update writes nothing and keeps the version.
		n := countRows(t, st, "events")
		same, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Name: ptr(" Cửa hàng Minh An "), Province: ptr("ho chi minh"), Kind: ptr(models.OrgImporter)}, ptr(2))
		if err != nil {
			t.Fatal(err)
		}
		if same.Version != 2 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: version %d, events %d → %d", same.Version, n, countRows(t, st, "events"))
		}
		sameRow(t, stored, get)

		// Invalid input reports every field and changes nothing.
		err = unchanged(t, st, func() error {
			_, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Email: ptr("x@"), Province: ptr("Gotham"), Name: ptr(""), Kind: ptr("pirate")}, nil)
			return err
		})
		wantInvalid(t, err, "email", "province", "name", "kind")
		sameRow(t, stored, get)

		// A stale version is refused and changes nothing.
		err = unchanged(t, st, func() error {
			_, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Name: ptr("Late")}, ptr(1))
			return err
		})
		wantErr(t, err, models.ErrPrecondition)
		sameRow(t, stored, get)

		// Clearing the tax code and the province.
		u, err = st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{TaxCode: ptr(" "), Province: ptr("")}, ptr(2))
		if err != nil {
			t.Fatal(err)
		}
		if u.TaxCode != nil || u.ProvinceCode != nil || u.ProvinceName != nil || u.IsTrader() || u.Version != 3 {
			t.Errorf("cleared: %+v", u)
		}
		stored, _ = get()
		if stored.TaxCode != nil || stored.ProvinceCode != nil || stored.Version != 3 {
			t.Errorf("stored after clearing: %+v", stored)
		}

		// Moving abroad keeps no Vietnamese tax code.
		u, err = st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{TaxCode: ptr("0314409058")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ = get()
		err = unchanged(t, st, func() error {
			_, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Country: ptr("cn")}, nil)
			return err
		})
		wantInvalid(t, err, "tax_code")
		sameRow(t, stored, get)

		_, err = st.UpdateOrganization(ctx, admin, "0190a000-0000-7000-8000-00000000dead", models.OrganizationInput{Name: ptr("x")}, nil)
		wantErr(t, err, models.ErrNotFound)
	})
}

func TestOrganizationTaxCodeConflict(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		a := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("A"), TaxCode: ptr("0100233488")})
		for _, tc := range []string{"0100233488", " 0100 233 488 "} {
			err := unchanged(t, st, func() error {
				_, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("B"), Kind: ptr(models.OrgRetailer), TaxCode: ptr(tc)})
				return err
			})
			wantErr(t, err, models.ErrConflict)
			if !strings.Contains(err.Error(), "0100233488") {
				t.Errorf("conflict message %q does not name the tax code", err)
			}
		}
		// A branch is another taxpayer, and so is a code without dash.
		br := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("A, chi nhánh"), TaxCode: ptr("0100233488-001")})
		err := unchanged(t, st, func() error {
			_, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("C"), Kind: ptr(models.OrgRetailer), TaxCode: ptr("0100233488001")})
			return err
		})
		wantErr(t, err, models.ErrConflict)

		// Organizations without tax code do not collide.
		mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("D")})
		mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("E")})

		before, _ := st.GetOrganization(ctx, br.ID)
		err = unchanged(t, st, func() error {
			_, err := st.UpdateOrganization(ctx, admin, br.ID, models.OrganizationInput{TaxCode: ptr(*a.TaxCode)}, nil)
			return err
		})
		wantErr(t, err, models.ErrConflict)
		sameRow(t, before, func() (*models.Organization, error) { return st.GetOrganization(ctx, br.ID) })
	})
}

func TestOrganizationDelete(t *testing.T) {
	t.Parallel()
	refs := []struct {
		name string
		ref  func(t *testing.T, st *models.Store, org *models.Organization)
	}{
		{"registrant of a model", func(t *testing.T, st *models.Store, org *models.Organization) {
			if _, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr("Vantech"), ModelNumber: ptr("VP-6024DTV"), RegistrantOrgID: &org.ID}); err != nil {
				t.Fatal(err)
			}
		}},
		{"holder of a certificate", func(t *testing.T, st *models.Store, org *models.Organization) {
			m := mustCreateModel(t, st, "Vantech", "VP-6024DTV-C")
			mustCreateCert(t, st, certInput("HQ-1", mustCreateBody(t, st).ID, org.ID, m.ID))
		}},
		{"holder of a certificate of origin", func(t *testing.T, st *models.Store, org *models.Organization) {
			m := mustCreateModel(t, st, "Vantech", "VP-6024DTV-O")
			if _, err := st.CreateOriginCertificate(t.Context(), admin, originInput("E2501", m.ID, &org.ID)); err != nil {
				t.Fatal(err)
			}
		}},
		{"trader of a listing", func(t *testing.T, st *models.Store, org *models.Organization) {
			m := mustCreateModel(t, st, "Vantech", "VP-6024DTV-L")
			mustCreateListing(t, st, models.ListingInput{TraderOrgID: &org.ID, CameraModelID: &m.ID, Channel: ptr("shop"), Province: ptr("Hà Nội")})
		}},
		{"owner of an API key", func(t *testing.T, st *models.Store, org *models.Organization) {
			if _, _, err := st.CreateKey(t.Context(), admin, models.NewKeyInput{Role: models.RoleVendor, OrgID: org.ID}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		o := mustCreateTrader(t, st, "Cửa hàng sắp đóng")
		wantErr(t, unchanged(t, st, func() error { return st.DeleteOrganization(ctx, admin, o.ID, ptr(2)) }), models.ErrPrecondition)
		if err := st.DeleteOrganization(ctx, admin, o.ID, ptr(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetOrganization(ctx, o.ID); !isKind(err, models.ErrNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		e := wantEvent(t, st, models.ActionDelete, "organization", o.ID)
		if !strings.Contains(e.Changes, o.Name) {
			t.Errorf("delete event keeps no trace of what was deleted: %s", e.Changes)
		}
		wantErr(t, st.DeleteOrganization(ctx, admin, o.ID, nil), models.ErrNotFound)

		for _, r := range refs {
			t.Run(r.name, func(t *testing.T) {
				org := mustCreateTrader(t, st, "Nhà nhập khẩu "+r.name)
				r.ref(t, st, org)
				err := unchanged(t, st, func() error { return st.DeleteOrganization(ctx, admin, org.ID, nil) })
				wantErr(t, err, models.ErrConflict)
				if _, err := st.GetOrganization(ctx, org.ID); err != nil {
					t.Errorf("referenced organization is gone: %v", err)
				}
			})
		}
		t.Run("body of a certificate", func(t *testing.T) {
			// The certificate test above made a certification body.
			page, err := st.FindOrganizations(ctx, models.OrganizationFilter{Kind: models.OrgCertificationBody}, models.PageRequest{})
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("find body: %v", err)
			}
			wantErr(t, unchanged(t, st, func() error { return st.DeleteOrganization(ctx, admin, page.Items[0].ID, nil) }), models.ErrConflict)
		})
		t.Run("authority of a warning", func(t *testing.T) {
			auth := mustCreateAuthority(t, st)
			m := mustCreateModel(t, st, "Yoosee", "C6N")
			mustCreateWarning(t, st, warningInput("1/CATTT-NCSC", auth.ID, m.ID))
			wantErr(t, unchanged(t, st, func() error { return st.DeleteOrganization(ctx, admin, auth.ID, nil) }), models.ErrConflict)
		})
	})
}

func TestFindOrganizations(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		hik := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Công ty TNHH Hikvision Việt Nam"), Kind: ptr(models.OrgImporter), TaxCode: ptr("0100233488"), Province: ptr("Hà Nội")})
		shop := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Cửa hàng Điện tử Đức Anh"), Kind: ptr(models.OrgRetailer), TaxCode: ptr("0314409058"), Province: ptr("Bình Dương")})
		sale := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Giảm 50% giá_camera"), Kind: ptr(models.OrgOnlineSeller), Province: ptr("TP. Hồ Chí Minh")})
		sale2 := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Giảm 500 giá camera"), Kind: ptr(models.OrgOnlineSeller)})
		body := mustCreateBody(t, st)

		find := func(f models.OrganizationFilter) []string {
			t.Helper()
			page, err := st.FindOrganizations(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "all", find(models.OrganizationFilter{}), hik.ID, shop.ID, sale.ID, sale2.ID, body.ID)
		wantIDs(t, "kind", find(models.OrganizationFilter{Kind: models.OrgOnlineSeller}), sale.ID, sale2.ID)
		wantIDs(t, "province by code", find(models.OrganizationFilter{Province: "79"}), shop.ID, sale.ID)
		wantIDs(t, "province by name", find(models.OrganizationFilter{Province: "ho chi minh"}), shop.ID, sale.ID)
		wantIDs(t, "province by abbreviation", find(models.OrganizationFilter{Province: "HN"}), hik.ID)
		wantIDs(t, "traders", find(models.OrganizationFilter{Trader: ptr(true)}), hik.ID, shop.ID)
		wantIDs(t, "non-traders", find(models.OrganizationFilter{Trader: ptr(false)}), sale.ID, sale2.ID, body.ID)
		wantIDs(t, "tax code", find(models.OrganizationFilter{TaxCode: " 0314409058 "}), shop.ID)
		wantIDs(t, "name without diacritics", find(models.OrganizationFilter{Name: "hikvision viet nam"}), hik.ID)
		wantIDs(t, "name in capitals", find(models.OrganizationFilter{Name: "ĐIỆN TỬ ĐỨC"}), shop.ID)
		wantIDs(t, "name with đ folded", find(models.OrganizationFilter{Name: "dien tu duc anh"}), shop.ID)
		wantIDs(t, "% is literal", find(models.OrganizationFilter{Name: "50%"}), sale.ID)
		wantIDs(t, "_ is literal", find(models.OrganizationFilter{Name: "giá_"}), sale.ID)
		wantIDs(t, "combined", find(models.OrganizationFilter{Kind: models.OrgOnlineSeller, Province: "Hồ Chí Minh"}), sale.ID)
		wantIDs(t, "nothing", find(models.OrganizationFilter{Name: "Dahua"}))

		_, err := st.FindOrganizations(ctx, models.OrganizationFilter{Kind: "pirate", Province: "Gotham"}, models.PageRequest{})
		wantInvalid(t, err, "kind", "province")
	})
}

// Paging is shared by every list; organizations stand for all of them.
func TestPaging(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		var want []string
		for i := 0; i < 12; i++ {
			want = append(want, mustCreateOrg(t, st, models.OrganizationInput{}).ID)
		}
		find := func(p models.PageRequest) (models.Page[models.Organization], error) {
			return st.FindOrganizations(ctx, models.OrganizationFilter{}, p)
		}
		for _, limit := range []int{1, 3, 4, 5, 11, 12, 13, 500} {
			got := walk(t, limit, find)
			if len(got) != len(want) {
				t.Errorf("limit %d: walked %d rows, want %d", limit, len(got), len(want))
			}
			wantIDs(t, "walk", got, want...)
		}
		// Ids are time-ordered, so a walk returns rows in creation order.
		if got := walk(t, 5, find); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("walk order %v, want creation order %v", got, want)
		}

		page, err := find(models.PageRequest{})
		if err != nil || len(page.Items) != 12 || page.NextCursor != "" {
			t.Errorf("default page: %d items, cursor %q, %v", len(page.Items), page.NextCursor, err)
		}

		// A filter holds across pages.
		mustCreateOrg(t, st, models.OrganizationInput{Kind: ptr(models.OrgAuthority)})
		mustCreateOrg(t, st, models.OrganizationInput{Kind: ptr(models.OrgAuthority)})
		got := walk(t, 1, func(p models.PageRequest) (models.Page[models.Organization], error) {
			return st.FindOrganizations(ctx, models.OrganizationFilter{Kind: models.OrgAuthority}, p)
		})
		if len(got) != 2 {
			t.Errorf("filtered walk: %d rows, want 2", len(got))
		}

		// Empty lists are empty, not nil.
		page, err = st.FindOrganizations(ctx, models.OrganizationFilter{Name: "nobody"}, models.PageRequest{})
		if err != nil || page.Items == nil || len(page.Items) != 0 || page.NextCursor != "" {
			t.Errorf("empty page %+v, %v", page, err)
		}

		for _, tc := range []struct {
			name string
			p    models.PageRequest
			want []string
		}{
			{"limit below 1", models.PageRequest{Limit: -1}, []string{"limit"}},
			{"limit over 500", models.PageRequest{Limit: 501}, []string{"limit"}},
			{"cursor not base64", models.PageRequest{Cursor: "!!!"}, []string{"cursor"}},
			{"cursor not an id", models.PageRequest{Cursor: "aGVsbG8"}, []string{"cursor"}},
			{"both", models.PageRequest{Limit: 1000, Cursor: "%%"}, []string{"limit", "cursor"}},
		} {
			_, err := find(tc.p)
			wantInvalid(t, err, tc.want...)
			p := tc.p
			wantInvalid(t, models.CheckPage(&p), tc.want...)
		}
		p := models.PageRequest{}
		if err := models.CheckPage(&p); err != nil || p.Limit != models.DefaultLimit {
			t.Errorf("CheckPage of an empty request: %v, limit %d", err, p.Limit)
		}
	})
}
