package search_test

import (
	"context"
	"slices"
	"testing"

	"camreg/search"
)

// TestWithMatcherReadings checks the readings the wrapper tries: Telex
// text decoded first (not a model number the matcher finds as typed), a model number inside a listing's address, and for
// a search that finds nothing a valid tax code one digit away and a glued
// name split; a text that finds something is searched as it is.
func TestWithMatcherReadings(t *testing.T) {
	m, err := search.NewStaticMatcher([]search.ModelMatch{{ID: "m", Brand: "Dahua", ModelNumber: "IPC-HFW2241S-S4"},
		{ID: "liu", Brand: "Hikvision", ModelNumber: "DS-2CD2143G2-LIU"}, {ID: "play5", Brand: "FPT Camera", ModelNumber: "FPT-PLAY5"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	near := search.NearTaxCodes("0101234568")
	if len(near) == 0 {
		t.Fatal("no valid tax code one digit from 0101234568")
	}
	org := func(id string) []search.Hit { return []search.Hit{{Type: search.TypeOrganization, EntityID: id}} }
	engine := &keyIndex{byText: map[string][]search.Hit{
		"cua hang quang huy": org("telex"),
		near[0]:              org("tax"),
		"camera hung thinh":  org("glued"),
		"hoang long":         org("plain"),
	}}
	idx := search.WithMatcher(engine, m)
	for _, tc := range []struct{ q, want string }{
		{"cuwar hangf quang huy", "telex"},
		{"0101234568", "tax"},
		{"camerahungthinh", "glued"},
		{"hoang long", "plain"},
		{"https://www.lazada.vn/products/dahua-ipc-hfw2241s-s4-camera-dahua-ipc-hfw2241s-s4-i544413.html", "m"},
		{"kiểm tra IPC-HFW2241S-S4 có hợp chuẩn không", "m"},
		// A model number with words Telex could read ("ds", "lui") is
		// the model's; one whose digit was typed as its lookalike too.
		{"HIK DS 2CD2143G2 LUI", "liu"},
		{"fpt-plays", "play5"},
		{"fptplays", "play5"},
	} {
		engine.seen = []string{}
		res, err := idx.Search(context.Background(), search.Query{Text: tc.q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.EntityID)
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("%q: got %v (engine asked %q), want %s", tc.q, got, engine.seen, tc.want)
		}
	}
}
