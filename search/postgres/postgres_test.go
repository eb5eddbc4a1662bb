package postgres_test

import (
	"context"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
	"camreg/search/postgres"
	"camreg/search/searchtest"
)

// newIndex makes an index in a private, migrated schema on the server
// that CAMREG_TEST_PG names, and skips without it. The index has its own
// schema whatever registry st is (the suite also runs the indexer over a
// SQLite registry): the index is derived data, and only its documents and
// cursor need PostgreSQL.
func newIndex(t *testing.T, _ *models.Store) search.Index {
	t.Helper()
	st := testdb.Open(t, testdb.Backends(t)[1])
	idx, err := postgres.New(context.Background(), postgres.Config{DB: st.DB(),
		Cursor: search.DBCursor{DB: st.DB(), Name: "postgres:camreg"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

func TestSuite(t *testing.T) {
	searchtest.RunSuite(t, newIndex)
}

// TestRelevance measures recall over the committed corpus and query set
// (make relevance prints the figures).
func TestRelevance(t *testing.T) {
	searchtest.RunRelevance(t, "postgres", newIndex(t, nil))
}

// TestPlans checks that records holding every word are the whole answer
// when there are any, and that the looser plans answer only otherwise:
// the cases of bleve's TestPlans, which this backend's plans mirror.
func TestPlans(t *testing.T) {
	idx := newIndex(t, nil)
	ctx := context.Background()
	doc := func(id, title, body string) search.Document {
		return search.Document{ID: search.DocID(search.TypeOrganization, id), Type: search.TypeOrganization,
			EntityID: id, Title: title, Body: body, Province: "75"}
	}
	err := idx.Upsert(ctx, []search.Document{
		doc("a", "Cửa hàng Điện tử Quang Huy", "12 Lê Duẩn, Đồng Nai"),
		doc("b", "Cửa hàng Điện tử Minh Phát", "3 Trần Phú, Đồng Nai"),
		doc("c", "Cửa hàng Camera Quang Huy", "8 Lê Lợi, Đồng Nai"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		// Every word as typed: only a, though b and c hold most words.
		{"cua hang dien tu quang huy dong nai", []string{"a"}},
		{"cua hang dong nai", []string{"a", "b", "c"}},
		// Every word, one with a typo.
		{"cua hang dien tu quangg huy", []string{"a"}},
		// No record holds every word: two in three. a holds 6 of 8, c 5.
		{"cua hang dien tu quang huy da nang", []string{"a"}},
		// a and b hold 4 words of 6, c only 3.
		{"cua hang dien tu camera nang", []string{"a", "b"}},
		// No record holds "sieu" or "thi": two in three of 6 is the 4
		// others, which only a holds.
		{"sieu thi dien tu quang huy", []string{"a"}},
		// The rarest word is absent, leaving only common ones.
		{"sieu cua hang dien", []string{"a", "b"}},
		// Two in three of 5 is 4, and only "quang" and "huy" are held.
		{"sieu thi xyz quang huy", nil},
	} {
		res, err := idx.Search(ctx, search.Query{Text: tc.q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.EntityID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || res.Total != len(tc.want) || res.Facets.Type["organization"] != len(tc.want) {
			t.Errorf("q=%q: hits %v, total %d, type facet %v; want %v", tc.q, got, res.Total, res.Facets.Type, tc.want)
		}
	}
}

// TestUpsertSameIDTwice checks that a batch naming a document twice keeps
// the last, as two upserts in turn would.
func TestUpsertSameIDTwice(t *testing.T) {
	idx := newIndex(t, nil)
	ctx := context.Background()
	doc := func(title string) search.Document {
		return search.Document{ID: search.DocID(search.TypeOrganization, "a"), Type: search.TypeOrganization,
			EntityID: "a", Title: title}
	}
	if err := idx.Upsert(ctx, []search.Document{doc("Cửa hàng Minh Phát"), doc("Cửa hàng Quang Huy")}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"quang huy": 1, "minh phat": 0} {
		res, err := idx.Search(ctx, search.Query{Text: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Errorf("q=%q: total %d, want %d", q, res.Total, want)
		}
	}
}
