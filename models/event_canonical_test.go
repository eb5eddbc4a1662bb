package models

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"
)

// canonicalJSON is the event's canonical encoding as json.Marshal writes
// it: the reference that canonical, written by hand, must equal.
func canonicalJSON(e *Event) []byte {
	org := ""
	if e.ActorOrgID != nil {
		org = *e.ActorOrgID
	}
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"),
		e.Actor, e.ActorRole, org, e.Action, e.Entity, e.EntityID, e.Changes, e.PrevHash})
	return b
}

func TestCanonicalEqualsJSONMarshal(t *testing.T) {
	org := "01J0ORG"
	pieces := []string{"a", "Đ", "ệ", "\"", "\\", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"\u2028", "\u2029", "\xff", "\xe2\x80", "😀", " ", `{"name":"Công ty <A&B>"}`, "\ufffd", "\u00a0"}
	r := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		s := ""
		for n := r.IntN(12); n > 0; n-- {
			s += pieces[r.IntN(len(pieces))]
		}
		return s
	}
	for i := 0; i < 20000; i++ {
		e := &Event{Seq: r.Int64N(1 << 40), At: time.Unix(r.Int64N(2e9), r.Int64N(1e9)), Actor: str(), ActorRole: str(),
			Action: str(), Entity: str(), EntityID: str(), Changes: str(), PrevHash: str()}
		if i%2 == 0 {
			e.ActorOrgID = &org
		}
		if got, want := e.canonical(), canonicalJSON(e); string(got) != string(want) {
			t.Fatalf("canonical %q\n      json.Marshal %q", got, want)
		}
	}
	// Every single byte and a sample of runes, alone.
	for c := 0; c < 256; c++ {
		e := &Event{Changes: string([]byte{byte(c)})}
		if got, want := e.canonical(), canonicalJSON(e); string(got) != string(want) {
			t.Fatalf("byte %#x: canonical %q, json.Marshal %q", c, got, want)
		}
	}
	for c := rune(0); c < 0x3000; c++ {
		e := &Event{Changes: string(c)}
		if !utf8.ValidRune(c) {
			continue
		}
		if got, want := e.canonical(), canonicalJSON(e); string(got) != string(want) {
			t.Fatalf("rune %U: canonical %q, json.Marshal %q", c, got, want)
		}
	}
}

func BenchmarkEventCanonical(b *testing.B) {
	e := &Event{Seq: 123456, At: time.Now(), Actor: "system:import", ActorRole: "admin", Action: "create", Entity: "organization",
		EntityID: "01J8ZK3Q4W5E6R7T8Y9U0I1O2P", PrevHash: GenesisHash,
		Changes: `{"id":"01J8ZK3Q4W5E6R7T8Y9U0I1O2P","name":"Công ty TNHH Thương mại Điện tử Nhật Quang","kind":"retailer","tax_code":"0154365628","address":"12 Lê Lợi","province_code":"01"}`}
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			_ = e.canonical()
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			_ = canonicalJSON(e)
		}
	})
}
