package models_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// feedKinds lists the kinds of a page's entries, with the certificate
// number, warning reference or model number they are about.
func feedKinds(p models.FeedPage) []string {
	var out []string
	for _, e := range p.Entries {
		what := ""
		switch {
		case e.Warning != nil:
			what = e.Warning.Reference
		case e.Certificate != nil:
			what = e.Certificate.Number
		case e.Model != nil:
			what = e.Model.ModelNumber
		}
		out = append(out, e.Kind+" "+what)
	}
	return out
}

// walkFeed reads every page of a feed with the given page size.
func walkFeed(t *testing.T, st *models.Store, f models.FeedFilter) []string {
	t.Helper()
	var all []string
	for i := 0; ; i++ {
		p, err := st.Feed(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) > f.Limit {
			t.Fatalf("page of %d entries, limit %d", len(p.Entries), f.Limit)
		}
		all = append(all, feedKinds(p)...)
		if p.NextCursor == "" {
			return all
		}
		if i > 500 {
			t.Fatal("the feed does not end")
		}
		f.Cursor = p.NextCursor
	}
}

func TestFeedFromTheChangeLog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		newVerdictWorld(t, st)
		ctx := t.Context()

		warnings, err := st.Feed(ctx, models.FeedFilter{Type: models.FeedWarning})
		if err != nil {
			t.Fatal(err)
		}
		wantWarnings := []string{
			"warning_issued 15/CATTT-E3",
			"warning_withdrawn 77/BCA-A05",
			"warning_issued 77/BCA-A05",
			"warning_issued 12/CATTT-DAHUA",
			"warning_issued 383/CATTT-NCSC",
		}
		if got := feedKinds(warnings); !slices.Equal(got, wantWarnings) {
			t.Errorf("warnings:\n got %v\nwant %v", got, wantWarnings)
		}
		withdrawn := warnings.Entries[1]
		if withdrawn.EffectiveOn.String() != "2026-05-01" || withdrawn.Reason != "nhà sản xuất đã khắc phục" || len(withdrawn.Models) != 1 {
			t.Errorf("withdrawal entry %+v", withdrawn)
		}

		certs, err := st.Feed(ctx, models.FeedFilter{Type: models.FeedCertificate})
		if err != nil {
			t.Fatal(err)
		}
		wantCerts := []string{
			"certificate_suspended CR-0388",
			"certificate_reinstated QCVN135-0094",
			"certificate_suspended QCVN135-0094",
			"certificate_revoked QCVN135-0102",
			// Expired on 2026-09-30, so dated 2026-10-01 00:00 in Vietnam:
			// older than every event (the clock reads 2026-11-20).
			"certificate_expired QCVN11-LOT-1",
		}
		if got := feedKinds(certs); !slices.Equal(got, wantCerts) {
			t.Errorf("certificates:\n got %v\nwant %v", got, wantCerts)
		}
		exp := certs.Entries[4]
		if !exp.At.Equal(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) || exp.EffectiveOn.String() != "2026-10-01" {
			t.Errorf("expiry dated %v, effective %s", exp.At, exp.EffectiveOn)
		}
		if !strings.Contains(exp.Title(models.LangVI), "QCVN11-LOT-1 hết hạn") || !strings.Contains(exp.Title(models.LangEN), "Viettel HC23") {
			t.Errorf("titles %q / %q", exp.Title(models.LangVI), exp.Title(models.LangEN))
		}

		// Newly verified models: every verified model, none pending.
		ms := walkFeed(t, st, models.FeedFilter{Type: models.FeedModel, Limit: 4})
		if len(ms) != 18 || slices.Contains(ms, "model_verified MJSXJ09CM") || ms[0] != "model_verified P-X1O" {
			t.Errorf("verified models %d: %v", len(ms), ms)
		}

		// A brand's entries of every type.
		questek, err := st.Feed(ctx, models.FeedFilter{Brand: "questek"})
		if err != nil {
			t.Fatal(err)
		}
		if got := feedKinds(questek); !slices.Equal(got, []string{"certificate_revoked QCVN135-0102", "model_verified QTX-9412AIP"}) {
			t.Errorf("Questek: %v", got)
		}

		// Paging with any page size yields the whole feed, in order.
		whole := walkFeed(t, st, models.FeedFilter{Limit: models.MaxFeedLimit})
		if len(whole) != len(wantWarnings)+len(wantCerts)+18 {
			t.Fatalf("whole feed: %d entries", len(whole))
		}
		if whole[len(whole)-1] != "certificate_expired QCVN11-LOT-1" {
			t.Errorf("the expiry is not last: %v", whole)
		}
		for _, size := range []int{1, 2, 3, 7} {
			if got := walkFeed(t, st, models.FeedFilter{Limit: size}); !slices.Equal(got, whole) {
				t.Errorf("pages of %d:\n got %v\nwant %v", size, got, whole)
			}
		}
	})
}

func TestFeedMergesExpiriesByDate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		at := func(y int, m time.Month, d int) {
			st.SetClock(func() time.Time { return time.Date(y, m, d, 5, 0, 0, 0, time.UTC) })
		}
		at(2026, 8, 1)
		w := &verdictWorld{st: st}
		w.body = vxOrg(t, st, "Quatest 3", models.OrgCertificationBody)
		w.holder = vxOrg(t, st, "Công ty TNHH Công nghệ Hải Đăng", models.OrgImporter)
		w.authority = vxOrg(t, st, "Cục An toàn thông tin", models.OrgAuthority)
		a := vxModel(t, st, "Imou", "IPC-A22EP", "VN")
		w.cert(t, "LOT-A", std11, "2026-07-02", "2026-08-31", "", a)
		w.cert(t, "LOT-B", std11, "2026-07-02", "2026-09-30", "", a)
		at(2026, 9, 15)
		w.warning(t, "9/CATTT", "update_firmware", "2026-09-15", a, "", "2.840.0000000.8.R")
		at(2026, 11, 1)
		b := vxModel(t, st, "Imou", "IPC-F22P", "VN")
		w.cert(t, "LOT-C", std11, "2026-10-02", "2026-10-31", "", b) // expired yesterday
		w.cert(t, "LOT-D", std11, "2026-10-02", "2026-11-01", "", b) // valid today

		want := []string{
			"model_verified IPC-F22P",   // 2026-11-01
			"certificate_expired LOT-C", // 2026-11-01 00:00 ICT
			"certificate_expired LOT-B", // 2026-10-01 00:00 ICT
			"warning_issued 9/CATTT",    // 2026-09-15
			"certificate_expired LOT-A", // 2026-09-01 00:00 ICT
			"model_verified IPC-A22EP",  // 2026-08-01
		}
		for _, size := range []int{1, 2, 4, 50} {
			if got := walkFeed(t, st, models.FeedFilter{Limit: size}); !slices.Equal(got, want) {
				t.Errorf("pages of %d:\n got %v\nwant %v", size, got, want)
			}
		}
		if got := walkFeed(t, st, models.FeedFilter{Limit: 1, Type: models.FeedCertificate, Brand: "IMOU"}); !slices.Equal(got, []string{
			"certificate_expired LOT-C", "certificate_expired LOT-B", "certificate_expired LOT-A"}) {
			t.Errorf("certificates: %v", got)
		}
		if got := walkFeed(t, st, models.FeedFilter{Limit: 1, Brand: "Hikvision"}); len(got) != 0 {
			t.Errorf("another brand: %v", got)
		}
	})
}

func TestFeedRefusesBadFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		for _, f := range []models.FeedFilter{{Type: "listing"}, {Limit: models.MaxFeedLimit + 1}, {Limit: -1}, {Cursor: "bm9wZQ"}, {Cursor: "!!"}, {Brand: "--"}} {
			if _, err := st.Feed(t.Context(), f); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("%+v: %v, want invalid", f, err)
			}
		}
		p, err := st.Feed(t.Context(), models.FeedFilter{})
		if err != nil || len(p.Entries) != 0 || p.NextCursor != "" {
			t.Errorf("empty registry: %+v, %v", p, err)
		}
	})
}
