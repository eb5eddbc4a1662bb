package verdict_test

import (
	"testing"

	"camreg/models/verdict"
)

func TestParseKeysAndDate(t *testing.T) {
	at := day(t, "2026-03-04")
	p := verdict.Parse(verdict.Query{Model: "DS-2CD1O23G0E-I", Brand: "Hik Vision", Firmware: "V5.7.3"}, at)
	if p.Key != "ds2cd1o23g0ei" || p.BrandKey != "hikvision" {
		t.Errorf("keys %q %q", p.Key, p.BrandKey)
	}
	// The loose key merges the letter O with the digit 0, so the typo
	// still finds the model.
	if q := verdict.Parse(verdict.Query{Model: "DS-2CD1023G0E-I"}, at); q.Loose != p.Loose || q.Key == p.Key {
		t.Errorf("loose %q vs %q, keys %q %q", q.Loose, p.Loose, q.Key, p.Key)
	}
	if p.Day != at || p.At != "2026-03-04" {
		t.Errorf("day %v at %q", p.Day, p.At)
	}
	if p.Keyless() {
		t.Error("a model number with letters is not keyless")
	}
	if !verdict.Parse(verdict.Query{Model: "--//--"}, at).Keyless() {
		t.Error("a model number of punctuation is keyless")
	}
}

func TestForModelIsExact(t *testing.T) {
	m := model("m1", "Hikvision", "DS-2CD1043G2-LIU", "CN")
	q := verdict.ForModel(m, day(t, "2026-08-01"))
	if got := verdict.Pick(q, []verdict.Model{m}); got.Kind != verdict.MatchExact || got.Model.ID != "m1" {
		t.Errorf("got %+v", got)
	}
}
