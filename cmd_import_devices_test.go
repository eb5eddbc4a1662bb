package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"camreg/importer/gen"
)

// `camreg gen --devices` writes an inventory, and `camreg import devices`
// wants --fleet (only for devices), --replace only for devices, and a
// fleet that exists.
func TestImportDevicesCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "camreg.db")
	out, err := run(t, "gen", "--devices", "50", "--bad-rows", "--out", dir)
	if err != nil || !strings.Contains(out, "50 rows") {
		t.Fatalf("gen --devices: %v %s", err, out)
	}
	inv := filepath.Join(dir, gen.DevicesFile)
	b, err := os.ReadFile(inv)
	if err != nil || !strings.HasPrefix(string(b), "Mã thiết bị,Hãng,Model,") || strings.Count(string(b), "\n") != 51 {
		t.Fatalf("devices.csv: %v\n%.200s", err, b)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "devices", inv}, "--fleet"},
		{[]string{"import", "models", inv, "--fleet", "x"}, "--fleet"},
		{[]string{"import", "models", inv, "--replace"}, "--replace"},
		{[]string{"import", "devices", inv, "--fleet", "0190a000-0000-7000-8000-00000000beef", "--dry-run"}, "not found"},
	} {
		if _, err := run(t, append([]string{"--db", db}, c.args...)...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error naming %q", c.args, err, c.want)
		}
	}
}
