// Package searchtest is the one test suite every search backend must pass:
// RunSuite checks a backend's matching, ranking, filters, facets, paging,
// cursor and rebuild over fixed documents, and then the indexer's sync with
// the change log over a real registry. Each backend's tests call it with a
// factory for fresh, empty indexes.
package searchtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"camreg/fold"
	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
)

// Factory returns a fresh, empty index. st is the test's registry, for a
// backend that keeps its cursor in the database; the factory closes and
// removes the index when the test ends.
type Factory func(t *testing.T, st *models.Store) search.Index

// Eventually is how long the suite waits for a backend's writes to become
// searchable. bleve is synchronous; Meilisearch's tasks are awaited by the
// backend, so this is only a margin.
var Eventually = 10 * time.Second

// fixture documents, built with the shared builder's functions.
func fixture() []search.Document {
	today := models.NewDate(2026, 3, 2)
	str := func(s string) *string { return &s }
	model := func(id, brand, number, name, status string) search.Document {
		return search.ModelDocument(&models.Model{Record: models.Record{ID: id}, Brand: brand, BrandKey: fold.Key(brand),
			ModelNumber: number, ModelKey: fold.Key(number), Name: name, Kind: "ip"}, status)
	}
	org := func(id, name, address, province, provinceName, tax string) search.Document {
		o := &models.Organization{Record: models.Record{ID: id}, Name: name, Address: address, Kind: "retailer"}
		if province != "" {
			o.ProvinceCode, o.ProvinceName = str(province), str(provinceName)
		}
		if tax != "" {
			o.TaxCode = str(tax)
		}
		return search.OrganizationDocument(o)
	}
	holder := &models.Organization{Record: models.Record{ID: "o-hn"}, Name: "Công ty TNHH Thiết bị An Ninh Hà Nội",
		ProvinceCode: str("01"), ProvinceName: str("Hà Nội")}
	cert := func(id, number, status string, expires models.Date) search.Document {
		return search.CertificateDocument(&models.Certificate{Record: models.Record{ID: id}, Number: number,
			StandardCode: "QCVN 135:2024/BTTTT", IssuedOn: models.NewDate(2025, 3, 1), ExpiresOn: expires,
			Status: models.Status{Status: status}}, holder, today)
	}
	return []search.Document{
		model("m1", "Hikvision", "DS-2CD1023G0E-I", "Camera IP 2MP thân trụ", search.StatusCertified),
		model("m2", "Hikvision", "DS-2CD1023G0E-IF", "Camera IP 2MP có mic", search.StatusUncertified),
		model("m3", "Hikvision", "DS-2CD1043G2-LIU", "Camera IP 4MP Smart Hybrid", search.StatusWarned),
		model("m4", "Dahua", "IPC-HFW1230S-S5", "Camera IP 2MP Dahua", search.StatusCertified),
		model("m5", "TP-Link", "Tapo C200", "Camera Wi-Fi xoay 360", search.StatusCertified),
		model("m6", "KBVision", "KX-A2111N2", "Camera IP KBVision 2MP", search.StatusUncertified),
		model("m7", "Hanwha", "XNV-6080R", "Wisenet dome camera", search.StatusCertified),
		org("o1", "Cửa hàng Điện tử Đà Nẵng", "12 Lê Duẩn, Hải Châu", "48", "Đà Nẵng", "0100233488"),
		org("o2", "Công ty TNHH Camera Sông Hàn", "45 Bạch Đằng, Hải Châu", "48", "Đà Nẵng", "0314409058"),
		org("o3", "Cửa hàng Camera Phố Huế", "88 Phố Huế, Hai Bà Trưng", "01", "Hà Nội", "0100047516"),
		cert("c1", "QT1-135-2025-0417", models.CertValid, models.NewDate(2028, 2, 29)),
		cert("c2", "QT1-135-2025-0418", models.CertRevoked, models.NewDate(2028, 2, 29)),
		cert("c3", "QT3-135-2023-0001", models.CertValid, models.NewDate(2026, 1, 1)),
		search.WarningDocument(&models.Warning{Record: models.Record{ID: "w1"}, Reference: "383/CATTT-NCSC",
			Title: "Cảnh báo lỗ hổng trên camera Hikvision", Summary: "Lỗ hổng cho phép chiếm quyền điều khiển",
			CVEIDs: models.StringList{"CVE-2021-36260"}, Status: models.Status{Status: models.WarningActive}}),
	}
}

// RunSuite runs the shared suite against the backend that f makes.
func RunSuite(t *testing.T, f Factory) {
	t.Run("documents", func(t *testing.T) { runDocuments(t, f) })
	t.Run("facet bounds", func(t *testing.T) { runFacetBounds(t, f) })
	t.Run("names", func(t *testing.T) { runNames(t, f) })
	t.Run("indexer", func(t *testing.T) {
		testdb.Each(t, func(t *testing.T, st *models.Store) { runIndexer(t, f, st) })
	})
	t.Run("matcher", func(t *testing.T) {
		testdb.Each(t, func(t *testing.T, st *models.Store) { runMatcher(t, f, st) })
	})
	t.Run("far behind", func(t *testing.T) {
		testdb.Each(t, func(t *testing.T, st *models.Store) { runFarBehind(t, f, st) })
	})
}

// runMatcher checks the backend behind search.WithMatcher with the
// registry's matcher, as the API serves it: a mistyped model number finds
// the right sibling first in a dense family (the engine alone misses some),
// a pending registration never appears, and the matcher follows the change
// log.
func runMatcher(t *testing.T, f Factory, st *models.Store) {
	ctx := context.Background()
	raw := f(t, st)
	ix := &search.Indexer{Store: st, Index: raw, Builder: &search.Builder{Store: st}}
	idx := search.WithMatcher(raw, search.StoreMatcher{Store: st})
	mk := func(brand, number, status string) string {
		t.Helper()
		m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr(brand), ModelNumber: ptr(number), Status: ptr(status)})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	sib := map[string]string{}
	for _, n := range []string{"DS-2CD2143G2-IU", "DS-2CD2143G2-I", "DS-2CD2143G2-IS", "DS-2CD2123G2-IU", "DS-2CD2343G2-IU",
		"DS-2CD2143G0-I", "DS-2CD2183G2-IU", "DS-2CD2146G2-ISU", "DS-2CD1043G2-IU", "DS-2CD2147G2-L"} {
		sib[n] = mk("Hikvision", n, models.ModelVerified)
	}
	decoy := mk("Generic", "DS-2CD2143G2-IU", models.ModelPending)
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for typed, want := range map[string]string{
		"DS-2CD2143G2-LU":          "DS-2CD2143G2-IU", // l for I
		"ds2cd2413g2iu":            "DS-2CD2143G2-IU", // transposed, compact
		"Hikvision DS 2CD2143GO I": "DS-2CD2143G0-I",  // brand-led, spaced, O for 0
		"DS-2CD2146G2-IUS":         "DS-2CD2146G2-ISU",
		"DS-2CD2I83G2-IU":          "DS-2CD2183G2-IU",
		"hikvision ds2cd1043g2iuu": "DS-2CD1043G2-IU",
	} {
		got := ids(search1(t, idx, search.Query{Text: typed, Limit: 3}))
		if len(got) == 0 || got[0] != sib[want] {
			t.Errorf("%q: %v, want %s (%s) first", typed, got, want, sib[want])
		}
		if slices.Contains(got, decoy) {
			t.Errorf("%q: the pending decoy is a hit: %v", typed, got)
		}
	}
	// A model verified now is matched at once, before the engine has it.
	late := mk("Hikvision", "DS-2CD2543G2-IWS", models.ModelVerified)
	if got := ids(search1(t, idx, search.Query{Text: "DS-2CD2543G2-IW5", Limit: 3})); len(got) == 0 || got[0] != late {
		t.Errorf("a model verified after the index was built: %v, want %s first", got, late)
	}
}

func search1(t *testing.T, idx search.Index, q search.Query) *search.Result {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 10
	}
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func ids(res *search.Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.EntityID
	}
	return out
}

func runDocuments(t *testing.T, f Factory) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	idx := f(t, st)
	ctx := context.Background()
	if err := idx.Upsert(ctx, fixture()); err != nil {
		t.Fatalf("upsert: %v", err)
	}

	ranking := []struct {
		name, q string
		first   string   // the hit that must rank first, if any
		within3 []string // hits that must all be in the first three
		absent  []string // hits that must not be returned at all
	}{
		{name: "exact model number ranks first", q: "DS-2CD1023G0E-I", first: "m1"},
		{name: "exact model key, no dashes, lower case", q: "ds2cd1023g0ei", first: "m1"},
		{name: "longer model with the same prefix is exact too", q: "ds-2cd1023g0e-if", first: "m2"},
		{name: "O for 0 is a near match", q: "DS-2CD1023GOE-I", within3: []string{"m1"}},
		{name: "partial model number inside the key", q: "2cd1023", within3: []string{"m1", "m2"}, absent: []string{"m4"}},
		{name: "partial model number with a space", q: "IPC HFW1230", first: "m4"},
		{name: "model number prefix", q: "DS-2CD10", within3: []string{"m1", "m2", "m3"}},
		{name: "typo in the brand", q: "hikvison 1043", first: "m3"},
		{name: "brand alias tapo", q: "tapo c200", first: "m5"},
		{name: "brand alias wisenet", q: "wisenet xnv6080r", first: "m7"},
		{name: "shop name without diacritics", q: "cua hang dien tu da nang", first: "o1"},
		{name: "đ folds to d", q: "dien tu đa nang", first: "o1"},
		{name: "address", q: "bach dang hai chau", first: "o2"},
		{name: "tax code", q: "0314409058", first: "o2"},
		{name: "certificate number ranks first", q: "QT1-135-2025-0418", first: "c2"},
		{name: "certificate number without dashes", q: "qt11352025 0417", first: "c1"},
		{name: "warning reference", q: "383/CATTT-NCSC", first: "w1"},
		{name: "CVE id", q: "CVE-2021-36260", first: "w1"},
		{name: "certificate holder", q: "thiet bi an ninh ha noi", within3: []string{"c1", "c2", "c3"}},
	}
	for _, tc := range ranking {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(search1(t, idx, search.Query{Text: tc.q}))
			if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
				t.Errorf("q=%q: hits %v, want %s first", tc.q, got, tc.first)
			}
			top := got[:min(3, len(got))]
			for _, w := range tc.within3 {
				if !slices.Contains(top, w) {
					t.Errorf("q=%q: hits %v, want %s in the first three", tc.q, got, w)
				}
			}
			for _, a := range tc.absent {
				if slices.Contains(got, a) {
					t.Errorf("q=%q: hits %v, want no %s", tc.q, got, a)
				}
			}
		})
	}

	t.Run("hits carry type, title and highlight", func(t *testing.T) {
		res := search1(t, idx, search.Query{Text: "song han"})
		if len(res.Hits) == 0 {
			t.Fatal("no hits")
		}
		h := res.Hits[0]
		if h.Type != search.TypeOrganization || h.EntityID != "o2" || h.Title != "Công ty TNHH Camera Sông Hàn" {
			t.Errorf("hit %+v", h)
		}
		if !strings.Contains(h.Highlight, "<mark>") {
			t.Errorf("highlight %q has no <mark>", h.Highlight)
		}
	})

	t.Run("nonsense finds nothing", func(t *testing.T) {
		if res := search1(t, idx, search.Query{Text: "zzqxw"}); len(res.Hits) != 0 {
			t.Errorf("hits %v", ids(res))
		}
	})

	t.Run("filters and facets", func(t *testing.T) {
		all := search1(t, idx, search.Query{})
		if all.Total != len(fixture()) {
			t.Errorf("total %d without a query, want %d", all.Total, len(fixture()))
		}
		wantType := map[string]int{"model": 7, "organization": 3, "certificate": 3, "warning": 1}
		for k, v := range wantType {
			if all.Facets.Type[k] != v {
				t.Errorf("type facet %v, want %v", all.Facets.Type, wantType)
				break
			}
		}
		if all.Facets.Brand["Hikvision"] != 3 || all.Facets.Province["48"] != 2 || all.Facets.Status["certified"] != 4 {
			t.Errorf("facets %+v", all.Facets)
		}
		cases := []struct {
			q    search.Query
			want []string
		}{
			{search.Query{Type: search.TypeModel, Brand: "hikvision"}, []string{"m1", "m2", "m3"}},
			{search.Query{Brand: "Hik Vision"}, []string{"m1", "m2", "m3"}},
			{search.Query{Type: search.TypeOrganization, Province: "48"}, []string{"o1", "o2"}},
			{search.Query{Status: search.StatusWarned}, []string{"m3"}},
			{search.Query{Status: "expired"}, []string{"c3"}},
			{search.Query{Status: "revoked", Type: search.TypeCertificate}, []string{"c2"}},
			{search.Query{Text: "camera", Province: "01"}, []string{"o3"}},
			{search.Query{Text: "2MP", Status: search.StatusCertified}, []string{"m1", "m4"}},
		}
		for _, c := range cases {
			res := search1(t, idx, c.q)
			got := ids(res)
			slices.Sort(got)
			if !slices.Equal(got, c.want) || res.Total != len(c.want) {
				t.Errorf("%+v: hits %v (total %d), want %v", c.q, got, res.Total, c.want)
			}
		}
		res := search1(t, idx, search.Query{Text: "camera", Type: search.TypeModel})
		if res.Facets.Type["model"] != res.Total || res.Facets.Type["organization"] != 0 {
			t.Errorf("facets of a filtered search %+v, total %d", res.Facets.Type, res.Total)
		}
	})

	t.Run("paging", func(t *testing.T) {
		full := ids(search1(t, idx, search.Query{Text: "camera", Limit: 50}))
		if len(full) < 6 {
			t.Fatalf("only %d hits for camera", len(full))
		}
		var paged []string
		for off := 0; off < len(full); off += 4 {
			paged = append(paged, ids(search1(t, idx, search.Query{Text: "camera", Limit: 4, Offset: off}))...)
		}
		if !slices.Equal(paged, full) {
			t.Errorf("pages %v, want %v", paged, full)
		}
	})

	t.Run("replace and delete", func(t *testing.T) {
		d := fixture()[7]
		d.Title = "Cửa hàng Thiết bị Mỹ Khê"
		d.Folded = "cua hang thiet bi my khe"
		if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
			t.Fatal(err)
		}
		if got := ids(search1(t, idx, search.Query{Text: "my khe"})); len(got) == 0 || got[0] != "o1" {
			t.Errorf("after replace: hits %v", got)
		}
		if err := idx.Delete(ctx, []string{search.DocID(search.TypeOrganization, "o1"), "organization-missing"}); err != nil {
			t.Fatal(err)
		}
		if got := ids(search1(t, idx, search.Query{Text: "my khe"})); slices.Contains(got, "o1") {
			t.Errorf("after delete: hits %v", got)
		}
		if res := search1(t, idx, search.Query{}); res.Total != len(fixture())-1 {
			t.Errorf("total %d after delete", res.Total)
		}
	})

	t.Run("cursor and rebuild", func(t *testing.T) {
		if err := idx.SetCursor(ctx, 41); err != nil {
			t.Fatal(err)
		}
		if c, err := idx.Cursor(ctx); err != nil || c != 41 {
			t.Fatalf("cursor %d, %v; want 41", c, err)
		}
		err := idx.Rebuild(ctx, 57, func(put func([]search.Document) error) error {
			return put(fixture()[:2])
		})
		if err != nil {
			t.Fatalf("rebuild: %v", err)
		}
		if c, err := idx.Cursor(ctx); err != nil || c != 57 {
			t.Errorf("cursor after rebuild %d, %v; want 57", c, err)
		}
		got := ids(search1(t, idx, search.Query{}))
		slices.Sort(got)
		if !slices.Equal(got, []string{"m1", "m2"}) {
			t.Errorf("after rebuild: %v, want only the rebuilt documents", got)
		}
		if err := idx.Ping(ctx); err != nil {
			t.Errorf("ping after rebuild: %v", err)
		}
	})
}

var admin = models.System("searchtest")

func ptr[T any](v T) *T { return &v }

// runIndexer checks that the indexer follows the change log: creates,
// updates, deletes, compliance changes caused by certificates and warnings,
// catching up from its cursor, and Reindex.
func runIndexer(t *testing.T, f Factory, st *models.Store) {
	ctx := context.Background()
	st.SetClock(func() time.Time { return time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC) })
	idx := f(t, st)
	ix := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}}
	catchUp := func() {
		t.Helper()
		if _, err := ix.CatchUp(ctx); err != nil {
			t.Fatalf("catch up: %v", err)
		}
	}
	find := func(q search.Query) []string {
		t.Helper()
		return ids(search1(t, idx, q))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	shop, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Cửa hàng Điện tử Đà Nẵng"),
		Kind: ptr(models.OrgRetailer), TaxCode: ptr("0100233488"), Address: ptr("12 Lê Duẩn"), Province: ptr("da nang")})
	must(err)
	body, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Quatest 1"), Kind: ptr(models.OrgCertificationBody)})
	must(err)
	authority, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Cục An toàn thông tin"), Kind: ptr(models.OrgAuthority)})
	must(err)
	m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1023G0E-I"), Status: ptr(models.ModelVerified)})
	must(err)
	pending, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1027G0-L")})
	must(err)
	catchUp()

	if got := find(search.Query{Text: "dien tu da nang"}); len(got) == 0 || got[0] != shop.ID {
		t.Errorf("new shop not found: %v", got)
	}
	if got := find(search.Query{Text: "ds2cd1023g0ei", Status: search.StatusUncertified}); len(got) == 0 || got[0] != m.ID {
		t.Errorf("new model not found as uncertified: %v", got)
	}
	if got := find(search.Query{Text: "DS-2CD1027G0-L"}); slices.Contains(got, pending.ID) {
		t.Errorf("a pending registration is public in search: %v", got)
	}

	// A certificate makes the model certified; its holder's name is searchable.
	cert, err := st.CreateCertificate(ctx, admin, models.CertificateInput{Number: ptr("QT1-135-2025-0417"),
		StandardCode: ptr("QCVN 135:2024/BTTTT"), CertificationBodyOrgID: ptr(body.ID), Method: ptr(1),
		HolderOrgID: ptr(shop.ID), IssuedOn: ptr("2025-03-01"), ExpiresOn: ptr("2028-02-29"),
		Models: &[]models.CoveredModelInput{{CameraModelID: m.ID}}})
	must(err)
	catchUp()
	if got := find(search.Query{Text: "QT1-135-2025-0417"}); len(got) == 0 || got[0] != cert.ID {
		t.Errorf("certificate not found: %v", got)
	}
	if got := find(search.Query{Status: search.StatusCertified}); !slices.Equal(got, []string{m.ID}) {
		t.Errorf("certified models %v, want the covered model", got)
	}

	// A warning makes it warned; withdrawing it makes it certified again.
	w, err := st.CreateWarning(ctx, admin, models.WarningInput{AuthorityOrgID: ptr(authority.ID), Reference: ptr("383/CATTT-NCSC"),
		Title: ptr("Cảnh báo lỗ hổng"), Severity: ptr("high"), IssuedOn: ptr("2025-06-10"), Measure: ptr("update_firmware"),
		Affected: &[]models.AffectedModelInput{{CameraModelID: m.ID}}})
	must(err)
	catchUp()
	if got := find(search.Query{Status: search.StatusWarned}); !slices.Equal(got, []string{m.ID}) {
		t.Errorf("warned models %v, want the affected model", got)
	}
	_, err = st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn), StatusReason: ptr("fixed")}, nil)
	must(err)
	catchUp()
	if got := find(search.Query{Status: search.StatusCertified, Type: search.TypeModel}); !slices.Equal(got, []string{m.ID}) {
		t.Errorf("after withdrawal, certified models %v", got)
	}

	// Renaming the holder re-indexes its certificates.
	_, err = st.UpdateOrganization(ctx, admin, shop.ID, models.OrganizationInput{Name: ptr("Cửa hàng Camera Mỹ Khê")}, nil)
	must(err)
	catchUp()
	got := find(search.Query{Text: "my khe", Type: search.TypeCertificate})
	if !slices.Equal(got, []string{cert.ID}) {
		t.Errorf("certificate of the renamed holder: %v", got)
	}

	// Verifying the pending model publishes it; deleting it removes it.
	_, err = st.UpdateModel(ctx, admin, pending.ID, models.ModelInput{Status: ptr(models.ModelVerified)}, nil)
	must(err)
	catchUp()
	if got := find(search.Query{Text: "DS-2CD1027G0-L"}); len(got) == 0 || got[0] != pending.ID {
		t.Errorf("verified model not found: %v", got)
	}
	must(st.DeleteModel(ctx, admin, pending.ID, nil))
	catchUp()
	if got := find(search.Query{Text: "DS-2CD1027G0-L"}); slices.Contains(got, pending.ID) {
		t.Errorf("deleted model still found: %v", got)
	}

	// The cursor is the change log's head; replaying from zero is harmless.
	head, err := st.FindEvents(ctx, models.EventFilter{AfterSeq: 0, Limit: 1000})
	must(err)
	last := head[len(head)-1].Seq
	if c, err := idx.Cursor(ctx); err != nil || c != last {
		t.Errorf("cursor %d, %v; want %d", c, err, last)
	}
	before := search1(t, idx, search.Query{Limit: 50})
	must(idx.SetCursor(ctx, 0))
	catchUp()
	after := search1(t, idx, search.Query{Limit: 50})
	if fmt.Sprint(sorted(ids(before))) != fmt.Sprint(sorted(ids(after))) {
		t.Errorf("replay changed the index: %v, then %v", ids(before), ids(after))
	}

	// Reindex builds the same index from the rows, with the head as cursor.
	n, err := search.Reindex(ctx, st, idx)
	must(err)
	if n != after.Total {
		t.Errorf("reindex built %d documents, the index had %d", n, after.Total)
	}
	if c, err := idx.Cursor(ctx); err != nil || c != last {
		t.Errorf("cursor after reindex %d, %v; want %d", c, err, last)
	}
	rebuilt := search1(t, idx, search.Query{Limit: 50})
	if fmt.Sprint(sorted(ids(rebuilt))) != fmt.Sprint(sorted(ids(after))) {
		t.Errorf("reindex: %v, want %v", ids(rebuilt), ids(after))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
