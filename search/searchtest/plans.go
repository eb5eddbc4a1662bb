package searchtest

import (
	"context"
	"slices"
	"testing"

	"camreg/search"
)

// RunPlans checks the word plans shared by bleve and postgres: records
// holding every word (one typo forgiven) are the whole answer when there
// are any; otherwise records holding two words in three of those any
// record holds.
func RunPlans(t *testing.T, idx search.Index) {
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
