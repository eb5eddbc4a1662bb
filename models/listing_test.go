package models_test

import (
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestListingCreateGet(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		tr := mustCreateTrader(t, st, "Cửa hàng Camera Bình An")
		m := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		l := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("shop"), Province: ptr("tp hcm"), PriceVND: ptr(int64(450000))})
		if *l.ProvinceCode != "79" || *l.ProvinceName != "Hồ Chí Minh" || l.FirstSeenOn.String() != pinnedDay ||
			l.LastSeenOn.String() != pinnedDay || l.Source != "self_declared" || *l.PriceVND != 450000 || l.Version != 1 {
			t.Errorf("created %+v", l)
		}
		wantEvent(t, st, models.ActionCreate, "listing", l.ID)
		got, err := st.GetListing(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TraderOrgID != tr.ID || got.CameraModelID != m.ID || got.Channel != "shop" || *got.ProvinceCode != "79" ||
			got.FirstSeenOn.String() != pinnedDay || got.LastSeenOn.String() != pinnedDay || *got.PriceVND != 450000 {
			t.Errorf("stored %+v", got)
		}
		online := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("online"),
			URL: ptr("https://shopee.vn/imou-a22ep"), Source: ptr("marketplace"), FirstSeenOn: ptr("2026-01-05"), LastSeenOn: ptr("2026-02-01")})
		if online.FirstSeenOn.String() != "2026-01-05" || online.LastSeenOn.String() != "2026-02-01" || online.ProvinceCode != nil || online.PriceVND != nil {
			t.Errorf("online %+v", online)
		}
		if _, err := st.GetListing(ctx, "0190a000-0000-7000-8000-00000000dead"); !isKind(err, models.ErrNotFound) {
			t.Errorf("get missing: %v", err)
		}
	})
}

func TestListingValidation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		tr := mustCreateTrader(t, st, "Shop")
		body := mustCreateBody(t, st)
		m := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		missing := "0190a000-0000-7000-8000-00000000dead"
		valid := func(edit func(*models.ListingInput)) models.ListingInput {
			in := models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("online"), URL: ptr("https://tiki.vn/x")}
			edit(&in)
			return in
		}
		tests := []struct {
			name string
			in   models.ListingInput
			want []string
		}{
			{"nothing", models.ListingInput{}, []string{"trader_org_id", "camera_model_id", "channel"}},
			{"online without url", valid(func(in *models.ListingInput) { in.URL = nil }), []string{"url"}},
			{"shop without address or province", valid(func(in *models.ListingInput) { in.Channel, in.URL = ptr("shop"), nil }), []string{"shop_address"}},
			{"trader is a certification body", valid(func(in *models.ListingInput) { in.TraderOrgID = &body.ID }), []string{"trader_org_id"}},
			{"trader missing", valid(func(in *models.ListingInput) { in.TraderOrgID = &missing }), []string{"trader_org_id"}},
			{"model missing", valid(func(in *models.ListingInput) { in.CameraModelID = &missing }), []string{"camera_model_id"}},
			{"seen dates reversed", valid(func(in *models.ListingInput) { in.FirstSeenOn, in.LastSeenOn = ptr("2026-02-01"), ptr("2026-01-31") }), []string{"last_seen_on"}},
			{"price", valid(func(in *models.ListingInput) { in.PriceVND = ptr(int64(-1)) }), []string{"price_vnd"}},
			{"price too high", valid(func(in *models.ListingInput) { in.PriceVND = ptr(int64(10_000_000_001)) }), []string{"price_vnd"}},
			{"every field wrong", models.ListingInput{
				TraderOrgID: ptr(""), CameraModelID: ptr("x"), Channel: ptr("tv"), URL: ptr("shopee.vn/x"), Province: ptr("Atlantis"),
				PriceVND: ptr(int64(-5)), FirstSeenOn: ptr("2026-02-30"), Source: ptr("rumour"), ShopAddress: ptr(longString(501)),
			}, []string{"trader_org_id", "camera_model_id", "channel", "url", "province", "price_vnd", "first_seen_on", "source", "shop_address"}},
		}
		mustCreateListing(t, st, valid(func(*models.ListingInput) {}))
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantInvalid(t, unchanged(t, st, func() error {
					_, err := st.CreateListing(t.Context(), admin, tc.in)
					return err
				}), tc.want...)
			})
		}
		// A province alone is enough for a shop.
		mustCreateListing(t, st, valid(func(in *models.ListingInput) { in.Channel, in.URL, in.Province = ptr("shop"), nil, ptr("Đà Nẵng") }))
	})
}

func TestListingUpdateDelete(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		tr := mustCreateTrader(t, st, "Shop")
		m := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		l := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("shop"), ShopAddress: ptr("12 Lê Lợi, Huế")})
		get := func() (*models.Listing, error) { return st.GetListing(ctx, l.ID) }
		stored, _ := get()
		refused := func(in models.ListingInput, ifVersion *int, kind error, fields ...string) {
			t.Helper()
			err := unchanged(t, st, func() error {
				_, err := st.UpdateListing(ctx, admin, l.ID, in, ifVersion)
				return err
			})
			if kind == models.ErrInvalid {
				wantInvalid(t, err, fields...)
			} else {
				wantErr(t, err, kind)
			}
			sameRow(t, stored, get)
		}
		refused(models.ListingInput{Channel: ptr("online")}, nil, models.ErrInvalid, "url")
		refused(models.ListingInput{LastSeenOn: ptr("2026-01-01")}, nil, models.ErrInvalid, "last_seen_on")
		refused(models.ListingInput{ShopAddress: ptr("")}, nil, models.ErrInvalid, "shop_address")
		refused(models.ListingInput{Source: ptr("x"), Province: ptr("Gotham")}, nil, models.ErrInvalid, "source", "province")
		refused(models.ListingInput{PriceVND: ptr(int64(1))}, ptr(2), models.ErrPrecondition)

		u, err := st.UpdateListing(ctx, admin, l.ID, models.ListingInput{Channel: ptr("online"), URL: ptr("https://lazada.vn/x"), LastSeenOn: ptr("2026-04-01"), Province: ptr("Thừa Thiên Huế")}, ptr(1))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Channel != "online" || u.LastSeenOn.String() != "2026-04-01" || *u.ProvinceCode != "46" {
			t.Errorf("updated %+v", u)
		}
		e := wantEvent(t, st, models.ActionUpdate, "listing", l.ID)
		wantChanged(t, e, "channel", "url", "last_seen_on", "province_code", "province_name")
		wantChange(t, e, "last_seen_on", `"`+pinnedDay+`"`, `"2026-04-01"`)
		stored, _ = get()
		if stored.LastSeenOn.String() != "2026-04-01" || stored.Version != 2 {
			t.Errorf("stored %+v", stored)
		}
		// Timestamps follow the store's clock, as "today" does.
		if !u.UpdatedAt.Equal(pinned) || !stored.UpdatedAt.Equal(pinned) || !stored.CreatedAt.Equal(pinned) || !e.At.Equal(pinned) {
			t.Errorf("created %v, updated %v (returned %v), event at %v; want all %v", stored.CreatedAt, stored.UpdatedAt, u.UpdatedAt, e.At, pinned)
		}

		n := countRows(t, st, "events")
		same, err := st.UpdateListing(ctx, admin, l.ID, models.ListingInput{Channel: ptr("online"), Province: ptr("Huế")}, ptr(2))
		if err != nil || same.Version != 2 || countRows(t, st, "events") != n {
			t.Errorf("no-op update: %+v %v", same, err)
		}
		sameRow(t, stored, get)

		wantErr(t, unchanged(t, st, func() error { return st.DeleteListing(ctx, admin, l.ID, ptr(1)) }), models.ErrPrecondition)
		if err := st.DeleteListing(ctx, admin, l.ID, ptr(2)); err != nil {
			t.Fatal(err)
		}
		wantEvent(t, st, models.ActionDelete, "listing", l.ID)
		if _, err := get(); !isKind(err, models.ErrNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		wantErr(t, st.DeleteListing(ctx, admin, l.ID, nil), models.ErrNotFound)
		_, err = st.UpdateListing(ctx, admin, l.ID, models.ListingInput{PriceVND: ptr(int64(1))}, nil)
		wantErr(t, err, models.ErrNotFound)
		// With its listing gone the model can be deleted.
		if err := st.DeleteModel(ctx, admin, m.ID, nil); err != nil {
			t.Errorf("delete model after its listing: %v", err)
		}
	})
}

func TestFindListings(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		t1 := mustCreateTrader(t, st, "Shop 1")
		t2 := mustCreateTrader(t, st, "Shop 2")
		m1 := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		m2 := mustCreateModel(t, st, "EZVIZ", "C6N")
		a := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &t1.ID, CameraModelID: &m1.ID, Channel: ptr("shop"), Province: ptr("Bình Dương")})
		b := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &t1.ID, CameraModelID: &m2.ID, Channel: ptr("online"), URL: ptr("https://shopee.vn/1"), Source: ptr("marketplace")})
		c := mustCreateListing(t, st, models.ListingInput{TraderOrgID: &t2.ID, CameraModelID: &m1.ID, Channel: ptr("shop"), Province: ptr("Hà Nội"), Source: ptr("inspection")})

		find := func(f models.ListingFilter) []string {
			t.Helper()
			page, err := st.FindListings(ctx, f, models.PageRequest{})
			if err != nil {
				t.Fatalf("find %+v: %v", f, err)
			}
			return idsOf(page.Items)
		}
		wantIDs(t, "all", find(models.ListingFilter{}), a.ID, b.ID, c.ID)
		wantIDs(t, "trader", find(models.ListingFilter{TraderOrgID: t1.ID}), a.ID, b.ID)
		wantIDs(t, "model", find(models.ListingFilter{CameraModelID: m1.ID}), a.ID, c.ID)
		wantIDs(t, "province by merged name", find(models.ListingFilter{Province: "TP. Hồ Chí Minh"}), a.ID)
		wantIDs(t, "province by old name", find(models.ListingFilter{Province: "binh duong"}), a.ID)
		wantIDs(t, "province by code", find(models.ListingFilter{Province: "1"}), c.ID)
		wantIDs(t, "channel", find(models.ListingFilter{Channel: "online"}), b.ID)
		wantIDs(t, "source", find(models.ListingFilter{Source: "inspection"}), c.ID)
		wantIDs(t, "combined", find(models.ListingFilter{CameraModelID: m1.ID, Channel: "shop", Province: "HN"}), c.ID)

		_, err := st.FindListings(ctx, models.ListingFilter{Channel: "tv", Source: "x", Province: "Gotham"}, models.PageRequest{})
		wantInvalid(t, err, "channel", "source", "province")
		got := walk(t, 2, func(p models.PageRequest) (models.Page[models.Listing], error) {
			return st.FindListings(ctx, models.ListingFilter{}, p)
		})
		wantIDs(t, "walk", got, a.ID, b.ID, c.ID)
	})
}
