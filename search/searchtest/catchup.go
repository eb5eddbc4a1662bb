package searchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"camreg/models"
	"camreg/search"
)

// An index far behind the change log catches up by a rebuild from the
// rows (search/catchup.go). These wrappers break or interleave with that
// rebuild as a crash or a concurrent writer would.

var errCrash = errors.New("crashed in the middle of the rebuild")

// crashingRebuild fails its Rebuild after the first batch of documents,
// as a process killed mid-way would leave it: the new index is never
// swapped in.
type crashingRebuild struct{ search.Index }

func (c crashingRebuild) Rebuild(ctx context.Context, seq int64, fill func(put func([]search.Document) error) error) error {
	return c.Index.Rebuild(ctx, seq, func(put func([]search.Document) error) error {
		batches := 0
		return fill(func(docs []search.Document) error {
			if batches++; batches > 1 {
				return errCrash
			}
			return put(docs)
		})
	})
}

// writingRebuild runs write once the rebuild has read every row, before
// the new index is swapped in: an event that the rows do not show.
type writingRebuild struct {
	search.Index
	write func()
}

func (w writingRebuild) Rebuild(ctx context.Context, seq int64, fill func(put func([]search.Document) error) error) error {
	return w.Index.Rebuild(ctx, seq, func(put func([]search.Document) error) error {
		if err := fill(put); err != nil {
			return err
		}
		w.write()
		return nil
	})
}

// everything describes every document of idx: its hits (type, id, title)
// and its facet counts.
func everything(t *testing.T, idx search.Index) string {
	t.Helper()
	res := search1(t, idx, search.Query{Limit: search.MaxLimit})
	if res.Total > search.MaxLimit {
		t.Fatalf("%d documents: too many to compare", res.Total)
	}
	var hits []string
	for _, h := range res.Hits {
		hits = append(hits, fmt.Sprintf("%s/%s/%s", h.Type, h.EntityID, h.Title))
	}
	slices.Sort(hits)
	return fmt.Sprintf("%d %v\n%v", res.Total, hits, res.Facets)
}

// runFarBehind checks the catch-up of an index far behind: a crash in
// the middle of its rebuild loses nothing, an event written during it is
// applied, and the result is the very index that replaying every event,
// and Reindex, give.
func runFarBehind(t *testing.T, f Factory, st *models.Store) {
	ctx := context.Background()
	st.SetClock(func() time.Time { return time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC) })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	body, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Quatest 1"), Kind: ptr(models.OrgCertificationBody)})
	must(err)
	authority, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Cục An toàn thông tin"), Kind: ptr(models.OrgAuthority)})
	must(err)
	var shops, cams []string
	for i := range 8 {
		o, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr(fmt.Sprintf("Cửa hàng Camera số %d", i)),
			Kind: ptr(models.OrgRetailer), Province: ptr("da nang")})
		must(err)
		shops = append(shops, o.ID)
		status := models.ModelVerified
		if i == 7 {
			status = models.ModelPending
		}
		m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr(fmt.Sprintf("DS-2CD10%02dG0-I", i)), Status: ptr(status)})
		must(err)
		cams = append(cams, m.ID)
	}
	for i := range 3 {
		_, err := st.CreateCertificate(ctx, admin, models.CertificateInput{Number: ptr(fmt.Sprintf("QT1-135-2025-04%02d", i)),
			StandardCode: ptr("QCVN 135:2024/BTTTT"), CertificationBodyOrgID: ptr(body.ID), Method: ptr(1),
			HolderOrgID: ptr(shops[i]), IssuedOn: ptr("2025-03-01"), ExpiresOn: ptr("2028-02-29"),
			Models: &[]models.CoveredModelInput{{CameraModelID: cams[i]}, {CameraModelID: cams[i+3]}}})
		must(err)
	}
	_, err = st.CreateWarning(ctx, admin, models.WarningInput{AuthorityOrgID: ptr(authority.ID), Reference: ptr("383/CATTT-NCSC"),
		Title: ptr("Cảnh báo lỗ hổng"), Severity: ptr("high"), IssuedOn: ptr("2025-06-10"), Measure: ptr("update_firmware"),
		Affected: &[]models.AffectedModelInput{{CameraModelID: cams[1]}}})
	must(err)
	_, err = st.UpdateOrganization(ctx, admin, shops[0], models.OrganizationInput{Name: ptr("Cửa hàng Camera Mỹ Khê")}, nil)
	must(err)
	must(st.DeleteModel(ctx, admin, cams[6], nil))

	idx := f(t, st)
	// A crash in the middle of the rebuild: the live index and its cursor
	// are as they were.
	crashing := &search.Indexer{Store: st, Index: crashingRebuild{idx}, Builder: &search.Builder{Store: st}, RebuildLag: 1}
	if _, err := crashing.CatchUp(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("catch-up over a crashing rebuild: %v", err)
	}
	if c, err := idx.Cursor(ctx); err != nil || c != 0 {
		t.Fatalf("cursor after a crashed rebuild: %d, %v; want 0", c, err)
	}
	if res := search1(t, idx, search.Query{}); res.Total != 0 {
		t.Fatalf("a crashed rebuild left %d documents in the live index", res.Total)
	}

	// The next catch-up rebuilds; a shop created after the rows were read
	// is applied by the replay that follows the rebuild.
	var late *models.Organization
	ix := &search.Indexer{Store: st, Index: writingRebuild{idx, func() {
		late, err = st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Cửa hàng Giữa Chừng"), Kind: ptr(models.OrgRetailer)})
		must(err)
	}}, Builder: &search.Builder{Store: st}, RebuildLag: 1}
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatalf("catch-up by rebuild: %v", err)
	}
	p, err := ix.Progress(ctx)
	must(err)
	if p.Rebuilds != 1 || p.Events != 0 || p.Cursor != p.Head || p.Rebuilding || p.Applied != p.Head {
		t.Errorf("progress after the catch-up: %+v; want one rebuild, in step", p)
	}
	if got := ids(search1(t, idx, search.Query{Text: "giua chung"})); late == nil || !slices.Contains(got, late.ID) {
		t.Errorf("the shop written during the rebuild is not indexed: %v", got)
	}
	rebuilt := everything(t, idx)

	// Replaying every event from zero gives the same index.
	must(idx.SetCursor(ctx, 0))
	replay := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}, RebuildLag: -1}
	if _, err := replay.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := replay.Progress(ctx); err != nil || p.Rebuilds != 0 || p.Events != 0 {
		t.Errorf("replay progress %+v, %v; want no rebuild, in step", p, err)
	}
	if got := everything(t, idx); got != rebuilt {
		t.Errorf("replay and rebuild differ:\nreplay  %s\nrebuild %s", got, rebuilt)
	}
	// And so does Reindex.
	_, err = search.Reindex(ctx, st, idx)
	must(err)
	if got := everything(t, idx); got != rebuilt {
		t.Errorf("reindex and catch-up differ:\nreindex %s\ncatch-up %s", got, rebuilt)
	}

	// A small lag is replayed, not rebuilt (the default switch point).
	_, err = st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("Cửa hàng Mới"), Kind: ptr(models.OrgRetailer)})
	must(err)
	auto := &search.Indexer{Store: st, Index: idx, Builder: &search.Builder{Store: st}}
	if _, err := auto.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := auto.Progress(ctx); err != nil || p.Rebuilds != 0 || p.Events != 0 {
		t.Errorf("a lag of one event: %+v, %v; want it replayed", p, err)
	}
}
