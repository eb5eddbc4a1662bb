package models

import (
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"camreg/migrations"

	"gorm.io/gorm"
)

// TestInsertJSONAsBound: rows inserted through json_each are stored byte
// for byte as the driver stores them bound as parameters (gorm's multi-row
// INSERT): every column's type and value, NULLs, times, blobs, text with
// quotes, control characters and bytes that are not UTF-8, in order.
func TestInsertJSONAsBound(t *testing.T) {
	ctx := t.Context()
	st, err := Open(filepath.Join(t.TempDir(), "camreg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := migrations.Up(ctx, st.DB(), string(st.Dialect())); err != nil {
		t.Fatal(err)
	}
	odd := "Hà Nội \"quoted\" \\ back\nline\ttab \x01\x1f \u2028 \xff\xfe end 😀"
	at := time.Date(2026, 12, 6, 21, 30, 1, 123456789, time.FixedZone("ICT", 7*3600))
	listings := func(prefix string) []*Listing {
		var out []*Listing
		for i, text := range []string{"", "plain", odd} {
			l := &Listing{Record: Record{ID: fmt.Sprintf("%s-%d", prefix, i), Version: i + 1, CreatedAt: at, UpdatedAt: at.Add(time.Second)},
				TraderOrgID: "org-" + text, CameraModelID: "model", Channel: "shop", URL: text, ShopAddress: text,
				FirstSeenOn: NewDate(2025, 1, 2), LastSeenOn: NewDate(2026, 2, 3), Source: "self_declared"}
			if i > 0 {
				l.ProvinceCode, l.ProvinceName, l.PriceVND = strPtr("01"), strPtr(text), ptrTo(int64(-42*i))
			}
			out = append(out, l)
		}
		return out
	}
	events := func(base int64) []Event {
		var out []Event
		for i, tree := range [][]byte{nil, {}, {0, 1, 0xfe, 0xff}} {
			e := Event{Seq: base + int64(i), At: at, Actor: "a", Action: "create", Entity: "listing", EntityID: odd,
				Changes: `{"x":"` + odd + `"}`, PrevHash: "p", Hash: "h", TreeHashes: tree}
			if i == 2 {
				e.ActorOrgID = strPtr("org")
			}
			out = append(out, e)
		}
		return out
	}
	err = st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("PRAGMA defer_foreign_keys = ON").Error; err != nil {
			return err
		}
		if err := tx.CreateInBatches(listings("bound"), 100).Error; err != nil {
			return err
		}
		if done, err := insertJSON(tx, listings("json"), "listing"); !done || err != nil {
			return fmt.Errorf("insertJSON listings: %v %w", done, err)
		}
		if err := tx.CreateInBatches(events(1_000_000), 100).Error; err != nil {
			return err
		}
		if done, err := insertJSON(tx, events(2_000_000), "event"); !done || err != nil {
			return fmt.Errorf("insertJSON events: %v %w", done, err)
		}
		models := func(prefix string) []*Model {
			var out []*Model
			for i, list := range []StringList{nil, {}, {"1.0", odd}} {
				m := &Model{Record: Record{ID: fmt.Sprintf("%s-%d", prefix, i), Version: 1, CreatedAt: at, UpdatedAt: at},
					Brand: odd, BrandKey: "b", ModelNumber: "mn", ModelKey: prefix + fmt.Sprint(i), Kind: "ip",
					FirmwareVersions: list, Status: "pending"}
				if i == 2 {
					m.RegistrantOrgID = strPtr("org")
				}
				out = append(out, m)
			}
			return out
		}
		if err := tx.Session(&gorm.Session{SkipHooks: true}).CreateInBatches(models("bound"), 100).Error; err != nil {
			return err
		}
		if done, err := insertJSONNoHooks(tx, models("json"), "camera model"); !done || err != nil {
			return fmt.Errorf("insertJSON models: %v %w", done, err)
		}
		orgs := func(prefix string) []*Organization {
			var out []*Organization
			for i, text := range []string{"", "plain", odd} {
				o := &Organization{Record: Record{ID: fmt.Sprintf("%s-%d", prefix, i), Version: i + 1, CreatedAt: at, UpdatedAt: at},
					Name: odd, NameKey: prefix + text, Kind: "retailer", Address: text, Country: "VN", Website: text, Email: text, Phone: text}
				if i > 0 {
					o.TaxCode, o.ProvinceCode, o.ProvinceName = strPtr(prefix+fmt.Sprint(i)), strPtr("01"), strPtr(text)
				}
				out = append(out, o)
			}
			return out
		}
		if err := tx.CreateInBatches(orgs("bound"), 100).Error; err != nil {
			return err
		}
		if done, err := insertJSON(tx, orgs("json"), "organization"); !done || err != nil {
			return fmt.Errorf("insertJSON organizations: %v %w", done, err)
		}
		compare := func(table, key string, cols []string, a, b any) {
			t.Helper()
			sel := make([]string, len(cols))
			for i, c := range cols {
				sel[i] = fmt.Sprintf("typeof(%s) || ':' || quote(%s)", c, c)
			}
			row := func(k any) string {
				var got []string
				q := "SELECT " + strings.Join(sel, " || '|' || ") + " FROM " + table + " WHERE " + key + " = ?"
				if err := tx.Raw(q, k).Scan(&got).Error; err != nil || len(got) != 1 {
					t.Fatalf("%s %v: %v %v", table, k, got, err)
				}
				return got[0]
			}
			if ra, rb := row(a), row(b); ra != rb {
				t.Errorf("%s: bound %s\n json %s", table, ra, rb)
			}
		}
		lcols := []string{"version", "created_at", "updated_at", "trader_org_id", "camera_model_id", "channel", "url", "shop_address",
			"province_code", "province_name", "price_vnd", "first_seen_on", "last_seen_on", "source"}
		ecols := []string{"at", "actor", "actor_role", "actor_org_id", "action", "entity", "entity_id", "changes", "prev_hash", "hash", "tree_hashes"}
		for i := range 3 {
			compare("listings", "id", lcols, fmt.Sprintf("bound-%d", i), fmt.Sprintf("json-%d", i))
			compare("events", "seq", ecols, 1_000_000+i, 2_000_000+i)
		}
		mcols := []string{"version", "created_at", "brand", "brand_key", "model_number", "kind", "firmware_versions", "gtins",
			"registrant_org_id", "status"}
		for i := range 3 {
			compare("camera_models", "id", mcols, fmt.Sprintf("bound-%d", i), fmt.Sprintf("json-%d", i))
		}
		ocols := []string{"version", "created_at", "updated_at", "name", "kind", "address", "province_code", "province_name",
			"country", "website", "email", "phone"}
		for i := range 3 {
			compare("organizations", "id", ocols, fmt.Sprintf("bound-%d", i), fmt.Sprintf("json-%d", i))
		}
		var order []string
		if err := tx.Raw("SELECT id FROM listings WHERE id LIKE 'json-%' ORDER BY rowid").Scan(&order).Error; err != nil {
			return err
		}
		if strings.Join(order, ",") != "json-0,json-1,json-2" {
			t.Errorf("rows stored in the order %v", order)
		}
		var back Listing
		if err := tx.First(&back, "id = ?", "json-2").Error; err != nil {
			return err
		}
		if !back.CreatedAt.Equal(at) || back.ShopAddress != odd || *back.PriceVND != -84 {
			t.Errorf("read back %+v", back)
		}
		return errRollbackTest
	})
	if err != errRollbackTest {
		t.Fatal(err)
	}
}

var errRollbackTest = fmt.Errorf("roll back the test")

func ptrTo[T any](v T) *T { return &v }

// TestAppendJSONValueFastTypes: the types appendJSONValue writes without
// the driver's converter are written as the converter's values are.
func TestAppendJSONValueFastTypes(t *testing.T) {
	s := "Hà Nội \"q\" \x01 \xff"
	var nilStr *string
	at := time.Date(2026, 12, 6, 21, 30, 1, 123456789, time.FixedZone("ICT", 7*3600))
	for _, v := range []any{"", s, &s, nilStr, 0, -42, int64(1) << 40, at, time.Time{}} {
		got, err := appendJSONValue(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		dv, err := driver.DefaultParameterConverter.ConvertValue(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := appendJSONValue(nil, struct{ driver.Value }{dv}.Value)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%#v: %s, the converter's value: %s", v, got, want)
		}
	}
}
