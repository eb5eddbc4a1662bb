package models

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"camreg/models/verdict"
)

// TestHashIndexCollisions: keys whose hashes collide are told apart by
// their strings, through removals and re-insertions in any order.
func TestHashIndexCollisions(t *testing.T) {
	keys := []string{"a", "b", "c"}
	x := newHashIndex(0)
	keyOf := func(i int32) string { return keys[i] }
	for i, k := range keys {
		x.set(7, k, int32(i), keyOf) // one hash for all
	}
	for i, k := range keys {
		if j, ok := x.find(7, k, keyOf); !ok || j != int32(i) {
			t.Fatalf("find %s = %d, %v", k, j, ok)
		}
	}
	x.remove(7, "a", keyOf)
	if _, ok := x.find(7, "a", keyOf); ok {
		t.Fatal("a found after its removal")
	}
	for i, k := range keys[1:] {
		if j, ok := x.find(7, k, keyOf); !ok || j != int32(i+1) {
			t.Fatalf("after removing a: find %s = %d, %v", k, j, ok)
		}
	}
	x.set(7, "a", 0, keyOf)
	x.remove(7, "b", keyOf)
	for _, k := range []string{"a", "c"} {
		if _, ok := x.find(7, k, keyOf); !ok {
			t.Fatalf("after removing b: %s not found", k)
		}
	}
	if _, ok := x.find(7, "b", keyOf); ok {
		t.Fatal("b found after its removal")
	}
}

func snapTestRows(n int, tag string) ([]CertificateOnDate, []verdict.WarningRow, []OriginOnDate) {
	var cs []CertificateOnDate
	var ws []verdict.WarningRow
	var os []OriginOnDate
	for i := range n {
		cs = append(cs, CertificateOnDate{ID: fmt.Sprintf("c%d%s", i, tag), Number: "N" + tag, StandardCode: "QCVN 11", Method: i,
			IssuedOn: NewDate(2025, 1, 1+i), Status: "active", Firmware: tag})
		ws = append(ws, verdict.WarningRow{WarningOnDate: WarningOnDate{ID: fmt.Sprintf("w%d", i), Title: "T" + tag,
			CVEIDs: []string{"CVE-1", "CVE-" + tag}, IssuedOn: NewDate(2026, 2, 3)}, Range: FirmwareRange{FixedIn: "V" + tag}})
		os = append(os, OriginOnDate{ID: fmt.Sprintf("o%d", i), Issuer: "VCCI " + tag, Unconfirmed: i%2 == 0})
	}
	return cs, ws, os
}

// TestSnapStoreRoundTrip: what goes into the store comes out equal, after
// replacements, removals, slot reuse and compaction.
func TestSnapStoreRoundTrip(t *testing.T) {
	s := newSnapStore(0)
	want := map[string]Model{}
	wantRows := map[string]int{}
	rowsTag := map[string]string{}
	org := "org-1"
	put := func(id, tag string, rows int) {
		m := Model{Record: Record{ID: id}, Brand: "Brand " + tag, BrandKey: "brand", ModelNumber: "M-" + id + tag,
			ModelKey: "m" + id, Name: "name " + tag, Status: ModelVerified}
		if rows%2 == 0 {
			m.RegistrantOrgID = &org
		}
		s.putModel(&m)
		want[id] = m
		if rows >= 0 {
			c, w, o := snapTestRows(rows, tag)
			s.setRows(id, c, w, o)
			wantRows[id], rowsTag[id] = rows, tag
		}
	}
	check := func(step string) {
		t.Helper()
		for id, m := range want {
			i, ok := s.slot(id)
			if !ok {
				t.Fatalf("%s: %s not held", step, id)
			}
			if got := s.model(i); !reflect.DeepEqual(*got, m) {
				t.Fatalf("%s: model %s = %+v, want %+v", step, id, *got, m)
			}
			c, w, o := s.rowsOf(i)
			wc, ww, wo := snapTestRows(wantRows[id], rowsTag[id])
			if !reflect.DeepEqual(c, wc) || !reflect.DeepEqual(w, ww) || !reflect.DeepEqual(o, wo) {
				t.Fatalf("%s: rows of %s = %+v %+v %+v", step, id, c, w, o)
			}
		}
	}
	for i := range 50 {
		put(fmt.Sprint(i), "a", i%4)
	}
	s.done()
	check("built")
	for i := range 50 {
		switch i % 3 {
		case 0:
			put(fmt.Sprint(i), "b", -1) // the model changes, its rows stay
		case 1:
			s.removeModel(fmt.Sprint(i))
			delete(want, fmt.Sprint(i))
		}
	}
	check("changed")
	for i := 50; i < 70; i++ {
		put(fmt.Sprint(i), "c", i%3) // reuses the removed slots
	}
	s.setDoc("certificate:x", []string{"0", "1", "2", "60"})
	check("reused")
	if !s.wasteful() {
		t.Fatalf("not wasteful: dead %d of %d bytes, %d rows", s.deadBytes, len(s.str), s.deadRows)
	}
	s = s.compact()
	check("compacted")
	got := s.docModels("certificate:x")
	slices.Sort(got)
	if !reflect.DeepEqual(got, []string{"0", "2", "60"}) {
		t.Fatalf("doc's models after compaction = %v", got)
	}
	if _, ok := s.slot("1"); ok {
		t.Fatal("a removed model is held")
	}
}
