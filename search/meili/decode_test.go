package meili

import (
	"encoding/json"
	"testing"

	ms "github.com/meilisearch/meilisearch-go"

	"camreg/search"
)

// A hit as Meilisearch 1.21 answers a camreg search (attributesToRetrieve,
// highlights with the marks, the ranking score).
const sampleHit = `{"type":"model","entity_id":"01a24e80-c8f1-7a94-9cf0-00ecc5f25334",` +
	`"title":"Hikvision DS-2CD2143G2-IU","_rankingScore":0.9183,` +
	`"_formatted":{"type":"model","entity_id":"01a24e80-c8f1-7a94-9cf0-00ecc5f25334",` +
	`"title":"Hikvision \u0001DS-2CD2143G2-IU\u0002","body":"Camera IP 4MP <AcuSense> & \u0001Hikvision\u0002 Việt Nam"}}`

// decodeHitWhole is how decodeHit read a hit before: the whole hit
// marshalled and unmarshalled again.
func decodeHitWhole(h ms.Hit) (search.Hit, string) {
	var doc hitDoc
	raw, _ := json.Marshal(h)
	_ = json.Unmarshal(raw, &doc)
	return doc.hit()
}

func TestDecodeHitAsWhole(t *testing.T) {
	for _, src := range []string{sampleHit,
		`{"type":"organization","entity_id":"x","title":"Cửa hàng","_rankingScore":0.5,"_formatted":{"title":"Cửa hàng","body":"Hà \u0001Nội\u0002"}}`,
		`{"type":"warning","entity_id":"y","title":"T","_rankingScore":null,"_formatted":null}`,
		`{"type":"certificate","entity_id":"z","title":"C"}`,
	} {
		var h ms.Hit
		if err := json.Unmarshal([]byte(src), &h); err != nil {
			t.Fatal(err)
		}
		got, body, err := decodeHit(h)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, wantBody := decodeHitWhole(h)
		if got != want || body != wantBody {
			t.Errorf("%s:\n got %+v %q\nwant %+v %q", src, got, body, want, wantBody)
		}
	}
	var bad ms.Hit
	_ = json.Unmarshal([]byte(`{"type":7}`), &bad)
	if _, _, err := decodeHit(bad); err == nil {
		t.Error("a type that is no string: no error")
	}
}

func BenchmarkDecodeHit(b *testing.B) {
	var h ms.Hit
	if err := json.Unmarshal([]byte(sampleHit), &h); err != nil {
		b.Fatal(err)
	}
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			decodeHitWhole(h)
		}
	})
	b.Run("fields", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := decodeHit(h); err != nil {
				b.Fatal(err)
			}
		}
	})
}
