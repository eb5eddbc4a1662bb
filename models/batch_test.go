package models_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// TestUpsertListingsBatch: a batch creates, updates only what changed,
// leaves the rest unwritten and unlogged, reports every invalid row with
// every field error, writes the same rows and event payloads as the
// single-row services, and keeps the change log's chain intact.
func TestUpsertListingsBatch(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		pinClock(st)
		tr := mustCreateTrader(t, st, "Cửa hàng Camera Bình An")
		m := mustCreateModel(t, st, "Imou", "IPC-A22EP")
		body := mustCreateBody(t, st)
		shop := func(addr string, price int64) models.ListingInput {
			return models.ListingInput{TraderOrgID: &tr.ID, CameraModelID: &m.ID, Channel: ptr("shop"),
				ShopAddress: ptr(addr), Province: ptr("tp hcm"), PriceVND: ptr(price)}
		}
		rows := []models.BatchRow[models.ListingInput]{
			{In: shop("1 Lê Lợi", 450000)},
			{In: models.ListingInput{TraderOrgID: &body.ID, CameraModelID: &m.ID, Channel: ptr("online")}}, // wrong kind, no url
			{In: shop("2 Lê Lợi", 460000)},
			{In: shop("3 Lê Lợi", 470000), Hold: true},
		}
		res, err := st.UpsertListings(ctx, admin, rows, models.BatchWriteValid)
		if err != nil {
			t.Fatal(err)
		}
		if got := outcomes(res); !slices.Equal(got, []string{"created", "invalid", "created", "created"}) {
			t.Fatalf("outcomes %v", got)
		}
		wantInvalid(t, res[1].Err, "trader_org_id", "url")
		if n := countRows(t, st, "listings"); n != 2 {
			t.Fatalf("%d listings stored, want 2 (the held row is not written)", n)
		}

		// The same row through the single-row service: same stored row,
		// same event payload, apart from the id.
		single := mustCreateListing(t, st, shop("9 Lê Lợi", 450000))
		batched, err := st.ListingByKey(ctx, models.ListingKey{TraderOrgID: tr.ID, CameraModelID: m.ID, Channel: "shop", ShopAddress: "1 Lê Lợi"})
		if err != nil {
			t.Fatal(err)
		}
		if samePayload(t, events(t, st, single.ID)[0].Changes, events(t, st, batched.ID)[0].Changes, single.ID, batched.ID, "9 Lê Lợi", "1 Lê Lợi") != nil {
			t.Errorf("batch event differs from the single-row one:\n%s\n%s", events(t, st, single.ID)[0].Changes, events(t, st, batched.ID)[0].Changes)
		}

		// Again, one price changed: one update, one event; the rest is
		// unchanged and writes nothing.
		before := countRows(t, st, "events")
		rows = []models.BatchRow[models.ListingInput]{{In: shop("1 Lê Lợi", 450000)}, {In: shop("2 Lê Lợi", 500000)}}
		res, err = st.UpsertListings(ctx, admin, rows, models.BatchWriteValid)
		if err != nil {
			t.Fatal(err)
		}
		if got := outcomes(res); !slices.Equal(got, []string{"unchanged", "updated"}) {
			t.Fatalf("second batch %v", got)
		}
		if n := countRows(t, st, "events"); n != before+1 {
			t.Fatalf("%d events written, want 1", n-before)
		}
		e := lastEvent(t, st)
		wantChanged(t, e, "price_vnd")

		// All or nothing: one invalid row, nothing written.
		before = countRows(t, st, "events")
		rows = []models.BatchRow[models.ListingInput]{{In: shop("4 Lê Lợi", 1)}, {In: shop("5 Lê Lợi", -1)}}
		res, err = st.UpsertListings(ctx, admin, rows, models.BatchWriteAll)
		if !errors.Is(err, models.ErrBatchInvalid) || res[1].Err == nil {
			t.Fatalf("all or nothing: %v %v", err, outcomes(res))
		}
		if countRows(t, st, "listings") != 3 || countRows(t, st, "events") != before {
			t.Fatal("an all-or-nothing batch with an invalid row wrote")
		}

		// Validation writes nothing, and says what would happen.
		res, err = st.UpsertListings(ctx, admin, []models.BatchRow[models.ListingInput]{{In: shop("6 Lê Lợi", 1)}, {In: shop("2 Lê Lợi", 1)}}, models.BatchValidate)
		if err != nil || !slices.Equal(outcomes(res), []string{"created", "updated"}) || countRows(t, st, "listings") != 3 {
			t.Fatalf("validate: %v %v", err, outcomes(res))
		}
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestUpsertModelsBatch: models by brand and model key, a vendor's rules
// as in the single-row service, a repeated key in one batch refused.
func TestUpsertModelsBatch(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		own := mustCreateTrader(t, st, "Own")
		other := mustCreateTrader(t, st, "Other")
		theirs := mustCreateModel(t, st, "Dahua", "IPC-1")
		if _, err := st.UpdateModel(ctx, admin, theirs.ID, models.ModelInput{RegistrantOrgID: &other.ID, Status: ptr(models.ModelVerified)}, nil); err != nil {
			t.Fatal(err)
		}
		vendor := models.Actor{Role: models.RoleVendor, OrgID: own.ID, Name: "v", Prefix: "vendor000001"}
		in := func(brand, number string) models.ModelInput {
			return models.ModelInput{Brand: ptr(brand), ModelNumber: ptr(number), Name: ptr("Camera")}
		}
		rows := []models.BatchRow[models.ModelInput]{
			{In: in("Tiandy", "TC-1")},
			{In: in("TIANDY", "tc 1")}, // the same key
			{In: in("dahua", "ipc1")},  // another organization's
			{In: models.ModelInput{Brand: ptr("Tiandy"), ModelNumber: ptr("TC-2"), Status: ptr(models.ModelVerified)}},
		}
		res, err := st.UpsertModels(ctx, vendor, rows, models.BatchWriteValid)
		if err != nil {
			t.Fatal(err)
		}
		if got := outcomes(res); !slices.Equal(got, []string{"created", "invalid", "invalid", "invalid"}) {
			t.Fatalf("outcomes %v", got)
		}
		wantErr(t, res[1].Err, models.ErrConflict)
		wantErr(t, res[2].Err, models.ErrForbidden)
		wantErr(t, res[3].Err, models.ErrForbidden)
		m, err := st.ModelByKeys(ctx, "tiandy", "tc1")
		if err != nil || m.RegistrantOrgID == nil || *m.RegistrantOrgID != own.ID || m.Status != models.ModelPending {
			t.Fatalf("vendor's model: %+v %v", m, err)
		}
		res, err = st.UpsertModels(ctx, vendor, rows[:1], models.BatchWriteValid)
		if err != nil || !slices.Equal(outcomes(res), []string{"unchanged"}) {
			t.Fatalf("again: %v %v", err, outcomes(res))
		}
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestUpsertModelsBatchGTINs: a batch's new models index their GTINs as
// CreateModel does, and a GTIN another model has fails the batch as a
// conflict, writing nothing.
func TestUpsertModelsBatchGTINs(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		in := func(number string, gtins ...string) models.BatchRow[models.ModelInput] {
			return models.BatchRow[models.ModelInput]{In: models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr(number), GTINs: &gtins}}
		}
		rows := []models.BatchRow[models.ModelInput]{in("C22EP", "8936012345674", "036000291452"), in("C22EP-2"), in("C22EP-3", "4006381333931")}
		res, err := st.UpsertModels(ctx, admin, rows, models.BatchWriteAll)
		if err != nil || !slices.Equal(outcomes(res), []string{"created", "created", "created"}) {
			t.Fatalf("%v %v", err, outcomes(res))
		}
		for g, number := range map[string]string{"08936012345674": "C22EP", "036000291452": "C22EP", "4006381333931": "C22EP-3"} {
			if m, err := st.ModelByGTIN(ctx, g); err != nil || m.ModelNumber != number {
				t.Errorf("GTIN %s: %+v %v", g, m, err)
			}
		}
		taken := []models.BatchRow[models.ModelInput]{in("C30"), in("C31", "4006381333931")}
		if _, err := st.UpsertModels(ctx, admin, taken, models.BatchWriteAll); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a taken GTIN: %v", err)
		}
		if _, err := st.ModelByKeys(ctx, "imou", "c30"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the failed batch wrote a model: %v", err)
		}
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func outcomes(res []models.BatchResult) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = [...]string{"unchanged", "created", "updated"}[r.Outcome]
		if r.Err != nil {
			out[i] = "invalid"
		}
	}
	return out
}

// samePayload compares two create events' payloads, once the fields that
// must differ (the id and the given strings) are set equal.
func samePayload(t *testing.T, a, b string, swaps ...string) error {
	t.Helper()
	for i := 0; i+1 < len(swaps); i += 2 {
		a = strings.ReplaceAll(a, swaps[i], swaps[i+1])
	}
	var x, y map[string]any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		return err
	}
	if !reflect.DeepEqual(x, y) {
		return errors.New("payloads differ")
	}
	return nil
}
