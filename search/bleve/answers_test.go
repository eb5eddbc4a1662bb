package bleve_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"camreg/models"
	"camreg/search"
	"camreg/search/bleve"
	"camreg/search/searchtest"
)

// TestSuiteAnswers runs the shared suite on an index that remembers its
// answers: every write the suite makes must be seen by the next search.
func TestSuiteAnswers(t *testing.T) {
	searchtest.RunSuite(t, func(t *testing.T, _ *models.Store) search.Index {
		t.Helper()
		idx, err := bleve.Open(filepath.Join(t.TempDir(), "bleve"), bleve.Options{Answers: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		return idx
	})
}

// TestAnswersForgottenOnWrite: a remembered answer is the search's, a copy
// the caller may change, and forgotten by an upsert, a delete and a rebuild.
func TestAnswersForgottenOnWrite(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bleve")
	idx, err := bleve.Open(dir, bleve.Options{Answers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	plain, err := bleve.Open(filepath.Join(t.TempDir(), "plain"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	doc := func(id, title string) search.Document {
		return search.Document{ID: search.DocID(search.TypeOrganization, id), Type: search.TypeOrganization,
			EntityID: id, Title: title, Body: title, Province: "79"}
	}
	put := func(docs ...search.Document) {
		t.Helper()
		for _, ix := range []search.Index{idx, plain} {
			if err := ix.Upsert(ctx, docs); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := search.Query{Text: "minh phat", Limit: 20}
	same := func(step string) *search.Result {
		t.Helper()
		want, err := plain.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: remembered %+v, the search gives %+v", step, got, want)
			}
		}
		return want
	}
	put(doc("o1", "Minh Phát"), doc("o2", "Camera Minh Phát Sài Gòn"))
	same("first")
	got, _ := idx.Search(ctx, q)
	got.Hits[0].Title, got.Facets.Type["organization"] = "changed", 99
	if r := same("after the caller changed its copy"); r.Total != 2 {
		t.Fatalf("total %d, want 2", r.Total)
	}
	put(doc("o3", "Minh Phát Đà Nẵng"))
	if r := same("after an upsert"); r.Total != 3 {
		t.Fatalf("after an upsert: total %d, want 3", r.Total)
	}
	for _, ix := range []search.Index{idx, plain} {
		if err := ix.Delete(ctx, []string{search.DocID(search.TypeOrganization, "o1")}); err != nil {
			t.Fatal(err)
		}
	}
	if r := same("after a delete"); r.Total != 2 {
		t.Fatalf("after a delete: total %d, want 2", r.Total)
	}
	rebuilt := []search.Document{doc("o4", "Minh Phát Cần Thơ")}
	for _, ix := range []search.Index{idx, plain} {
		if err := ix.Rebuild(ctx, 7, func(put func([]search.Document) error) error { return put(rebuilt) }); err != nil {
			t.Fatal(err)
		}
	}
	if r := same("after a rebuild"); r.Total != 1 {
		t.Fatalf("after a rebuild: total %d, want 1", r.Total)
	}
}
