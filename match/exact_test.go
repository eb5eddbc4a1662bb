package match

import "testing"

// TestFindExact checks that FindExact finds a key's model and no sibling
// one edit away, which Find finds.
func TestFindExact(t *testing.T) {
	ix, err := New([]Entry{{ID: "a", ModelKey: "ds2cd2143g2iu"}, {ID: "b", ModelKey: "ds2cd2143g2i"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.FindExact(Query{Text: "DS-2CD2143G2-IU"})
	if err != nil || len(res.Candidates) != 1 || res.Candidates[0].ID != "a" || res.Candidates[0].Distance != 0 {
		t.Fatalf("FindExact = %+v, %v", res.Candidates, err)
	}
	if res, _ := ix.FindExact(Query{Text: "DS-2CD2143G2-KU"}); len(res.Candidates) != 0 {
		t.Errorf("FindExact of a slip = %+v", res.Candidates)
	}
	if res, _ := ix.Find(Query{Text: "DS-2CD2143G2-KU"}); len(res.Candidates) == 0 {
		t.Error("Find of a slip found nothing")
	}
}
