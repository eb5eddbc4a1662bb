package models_test

import (
	"fmt"
	"testing"

	"camreg/fold"
	"camreg/models"
	"camreg/models/testdb"
)

// VisibleModelKeys reads the whole registry's keys for an importer: it must
// answer exactly what VisibleModelIDsByKeys answers key by key, hiding
// another organization's pending registration, and give up past its limit.
func TestVisibleModelKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		orgA := mustCreateTrader(t, st, "Công ty A")
		orgB := mustCreateTrader(t, st, "Công ty B")
		vendorA := models.Actor{Role: models.RoleVendor, OrgID: orgA.ID, Name: "a", Prefix: "vendora00001"}
		vendorB := models.Actor{Role: models.RoleVendor, OrgID: orgB.ID, Name: "b", Prefix: "vendorb00001"}
		verified, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1023G0E-I"),
			Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		pendingB, err := st.CreateModel(ctx, vendorB, models.ModelInput{Brand: ptr("VNPT Technology"), ModelNumber: ptr("ONE HOME 1")})
		if err != nil {
			t.Fatal(err)
		}
		keyOf := func(m *models.Model) [2]string { return [2]string{fold.Key(m.Brand), fold.Key(m.ModelNumber)} }
		// The last key crosses one model's brand with the other's number: a
		// tuple matches whole, never column by column.
		keys := [][2]string{keyOf(verified), keyOf(pendingB), {"hikvision", "nosuchmodel"}, {keyOf(pendingB)[0], keyOf(verified)[1]}}
		for _, c := range []struct {
			name   string
			viewer models.Actor
			want   map[[2]string]string
		}{
			{"admin", admin, map[[2]string]string{keyOf(verified): verified.ID, keyOf(pendingB): pendingB.ID}},
			{"the registrant", vendorB, map[[2]string]string{keyOf(verified): verified.ID, keyOf(pendingB): pendingB.ID}},
			{"another vendor", vendorA, map[[2]string]string{keyOf(verified): verified.ID}},
		} {
			all, ok, err := st.VisibleModelKeys(ctx, c.viewer, 10, 4)
			if err != nil || !ok {
				t.Fatalf("%s: VisibleModelKeys: %v, %v", c.name, ok, err)
			}
			byKeys, err := st.VisibleModelIDsByKeys(ctx, c.viewer, keys)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(c.want) || len(byKeys) != len(c.want) {
				t.Errorf("%s: VisibleModelKeys %v, VisibleModelIDsByKeys %v, want %v", c.name, all, byKeys, c.want)
			}
			for k, id := range c.want {
				if all[k] != id || byKeys[k] != id {
					t.Errorf("%s: %v is %q in VisibleModelKeys and %q in VisibleModelIDsByKeys, want %q", c.name, k, all[k], byKeys[k], id)
				}
			}
		}
		if all, ok, err := st.VisibleModelKeys(ctx, admin, 1, 0); err != nil || ok || all != nil {
			t.Errorf("past the limit: %v, %v, %v; want no map and false", all, ok, err)
		}
		if n, err := st.CountModels(ctx); err != nil || n != 2 {
			t.Errorf("CountModels = %d, %v; want 2", n, err)
		}
	})
}

// OrganizationIDsByNames answers, for each name, what OrganizationsByName
// answers for it alone: the same ids in the same order, restricted to the
// kinds asked, nothing for a name no organization has.
func TestOrganizationIDsByNames(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		shop1 := mustCreateTrader(t, st, "Điện máy Sông Hàn")
		shop2 := mustCreateTrader(t, st, "ĐIỆN MÁY SÔNG HÀN")
		authority := mustCreateAuthority(t, st)
		names := []string{"dien may song han", "Cục An toàn thông tin", "Không có ai"}
		for _, kinds := range [][]string{nil, {models.OrgImporter}, {models.OrgAuthority, models.OrgMarketSurveillance}} {
			got, err := st.OrganizationIDsByNames(ctx, names, kinds...)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				one, err := st.OrganizationsByName(ctx, n, kinds...)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, o := range one {
					want = append(want, o.ID)
				}
				if fmt.Sprint(got[fold.Text(n)]) != fmt.Sprint(want) {
					t.Errorf("kinds %v, %q: %v, want %v", kinds, n, got[fold.Text(n)], want)
				}
			}
		}
		all, _ := st.OrganizationIDsByNames(ctx, names)
		if len(all[fold.Text(names[0])]) != 2 || len(all[fold.Text(names[1])]) != 1 || all[fold.Text(names[1])][0] != authority.ID {
			t.Errorf("without kinds: %v (shops %s %s, authority %s)", all, shop1.ID, shop2.ID, authority.ID)
		}
	})
}
