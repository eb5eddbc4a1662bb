package importer

import (
	"context"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

func TestResolveDate(t *testing.T) {
	today := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ cell, want string }{
		{"today", "2026-12-06"},
		{"today-116d", "2026-08-12"},
		{"today+3y-117d", "2029-08-11"},
		{"today+1m", "2027-01-06"},
		{"today-18d", "2026-11-18"},
		{"2026-09-15", "2026-09-15"},         // a plain date stays
		{"today is sunny", "today is sunny"}, // text stays
		{"today-1w", "today-1w"},             // an unknown unit is not a date
		{"", ""},
	} {
		if got := resolveDate(c.cell, today); got != c.want {
			t.Errorf("resolveDate(%q) = %q, want %q", c.cell, got, c.want)
		}
	}
}

// TestDemoOnAnotherDay loads the demo as if it were four years later: the
// relative dates move with the day, so the QCVN 11 certificates (valid for
// three years) are still valid, and the recent expiry is still recent.
func TestDemoOnAnotherDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		day := time.Now().In(models.Zone).AddDate(4, 0, 0)
		if _, err := loadDemo(ctx, st, day); err != nil {
			t.Fatal(err)
		}
		at := day.Format(models.DateLayout)
		for _, c := range []struct{ brand, model, want string }{
			{"Hikvision", "DS-2CD2143G2-IU", "compliant"},
			{"Xiaomi", "MJSXJ09CM", "non_compliant"},
		} {
			v, err := st.Verify(ctx, models.VerifyQuery{Brand: c.brand, Model: c.model, At: at})
			if err != nil {
				t.Fatal(err)
			}
			if v.Verdict != c.want {
				t.Errorf("%s %s on %s: %s, want %s", c.brand, c.model, at, v.Verdict, c.want)
			}
		}
	})
}
