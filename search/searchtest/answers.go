package searchtest

import (
	"context"
	"slices"
	"testing"

	"camreg/models"
	"camreg/search"
)

// RunRemembered checks remembered answers over an index that several
// processes share: reader is search.RememberAnswers over one instance of
// the index, writer another instance over the same index and cursor (a
// second `camreg serve`, or `camreg reindex`). Every write through writer,
// once its cursor is set, is seen at reader's next search: an upsert, a
// delete, and a rebuild swapped in.
func RunRemembered(t *testing.T, reader, writer search.Index) {
	ctx := context.Background()
	org := func(id, name string) search.Document {
		return search.OrganizationDocument(&models.Organization{Record: models.Record{ID: id}, Name: name, Kind: "retailer"})
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	want := func(step string, wantIDs ...string) {
		t.Helper()
		for range 2 { // the second answer is the remembered one
			got := ids(search1(t, reader, search.Query{Text: "hoàng long", Type: search.TypeOrganization}))
			slices.Sort(got)
			if !slices.Equal(got, wantIDs) {
				t.Fatalf("%s: found %v, want %v", step, got, wantIDs)
			}
		}
	}
	cur, err := writer.Cursor(ctx)
	must(err)
	must(writer.Upsert(ctx, []search.Document{org("o1", "Công ty Camera Hoàng Long")}))
	must(writer.SetCursor(ctx, cur+1))
	want("first upsert", "o1")
	must(writer.Upsert(ctx, []search.Document{org("o2", "Cửa hàng Hoàng Long Hà Nội")}))
	must(writer.SetCursor(ctx, cur+2))
	want("upsert by another process", "o1", "o2")
	must(writer.Delete(ctx, []string{search.DocID(search.TypeOrganization, "o1")}))
	must(writer.SetCursor(ctx, cur+3))
	want("delete by another process", "o2")
	must(writer.Rebuild(ctx, cur+4, func(put func([]search.Document) error) error {
		return put([]search.Document{org("o3", "Hoàng Long Sài Gòn"), org("o4", "Camera Hoàng Long Đà Nẵng")})
	}))
	want("rebuild by another process", "o3", "o4")
}
