package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestColdPathsNeverRepeat: the cold list asks no question twice, its first
// pass asks about every verified model once (and no pending one), and the
// later passes ask the same models typed otherwise.
func TestColdPathsNeverRepeat(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "gen"), 0o755); err != nil {
		t.Fatal(err)
	}
	csv := "brand,model_number,status\n" +
		"Hikvision,DS-2CD1023G0E-I,verified\n" +
		"Dahua,IPC-HFW1230S,verified\n" +
		"KBVision,KX-A2111N2,pending\n" +
		"Ezviz,C6N,verified\n" +
		"Imou,12345678,verified\n"
	if err := os.WriteFile(filepath.Join(dir, "gen/models.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &suite{dir: dir}
	_, cold, n, models, err := s.verifyPaths()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(cold)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if models != 4 || n != len(lines) {
		t.Fatalf("models %d, n %d, lines %d", models, n, len(lines))
	}
	if n <= models {
		t.Errorf("%d questions over %d models: no second pass", n, models)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("asked twice: %s", l)
		}
		seen[l] = true
	}
	first := map[string]bool{}
	for _, l := range lines[:models] {
		u, err := url.Parse(l)
		if err != nil {
			t.Fatal(err)
		}
		first[u.Query().Get("brand")] = true
	}
	for _, b := range []string{"Hikvision", "Dahua", "Ezviz", "Imou"} {
		if !first[b] {
			t.Errorf("first pass misses %s: %v", b, lines[:models])
		}
	}
	if first["KBVision"] {
		t.Errorf("a pending model in the cold list")
	}
}
