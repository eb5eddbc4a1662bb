package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"
)

// drain reads a source to its end, checking the invariants every reader
// keeps on any input: no panic, rows move forward, only known columns.
func drain(t *testing.T, format string, data []byte) {
	h, err := newHeaderMap("listings", nil)
	if err != nil {
		t.Fatal(err)
	}
	src, err := openSource(format, bytes.NewReader(data), h, "", fuzzLimits)
	if err != nil {
		return
	}
	known := map[string]bool{badJSON: true}
	for _, c := range Columns("listings") {
		known[c] = true
	}
	last := 0
	for i := 0; i < 100_000; i++ {
		rec, err := src.next()
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
		if rec.pos < last {
			t.Fatalf("position went back from %d to %d", last, rec.pos)
		}
		last = rec.pos
		for col := range rec.values {
			if !known[col] {
				t.Fatalf("record has unknown column %q", col)
			}
		}
	}
}

func fuzzSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join("testdata", n)); err == nil {
			f.Add(b)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	fuzzSeeds(f, "organizations_bom_semicolon.csv")
	f.Add([]byte("Mã số thuế,Model,Kênh\n0100233488,DS-2CD,online\n\n\"a\"\"b\",\"x\ny\",c\n"))
	f.Add([]byte("title\n\nMST;Hãng;Model\n1;2;3"))
	f.Fuzz(func(t *testing.T, data []byte) { drain(t, FormatCSV, data) })
}

func FuzzReadJSON(f *testing.F) {
	fuzzSeeds(f, "models.json")
	f.Add([]byte(`[{"Model": "A", "Mã số thuế": 123, "Kênh": ["a", null, true]}, null, {}]`))
	f.Fuzz(func(t *testing.T, data []byte) { drain(t, FormatJSON, data) })
}

func FuzzReadNDJSON(f *testing.F) {
	fuzzSeeds(f, "listings.ndjson")
	f.Add([]byte("{\"Model\": \"A\"}\n\nnot json\n[1]\n{\"Kênh\": {\"x\": 1}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { drain(t, FormatNDJSON, data) })
}

func FuzzReadXLSX(f *testing.F) {
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"Mã số thuế", "Hãng sản xuất", "Model", "Ngày phát hiện"})
	_ = x.SetSheetRow("Sheet1", "A3", &[]any{100233488, "Hikvision", "DS-2CD1023G0E-I", 45717})
	var buf bytes.Buffer
	_ = x.Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) { drain(t, FormatXLSX, data) })
}

var isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-01", "01/03/2025", "1/3/2025", "01-03-2025", "1.3.2025", "45717", "45717.5",
		"2025-03-01T10:00:00+07:00", "31/02/2025", "0", "", "2958466", "99/99/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d == "" {
			return
		}
		if !isoDate.MatchString(d) {
			t.Fatalf("ParseDate(%q) = %q, not YYYY-MM-DD", s, d)
		}
		// A date it returns parses as itself.
		if again, err := ParseDate(d); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, which reads back as %q, %v", s, d, again, err)
		}
	})
}

// fuzzLimits are small import limits, so that the fuzzer also explores
// files that break them.
var fuzzLimits = Limits{Cells: 64, CellBytes: 4 << 10, RowBytes: 16 << 10, JSONDepth: 6, Rows: 10000}

// TestPlainISODateAgrees: the fast path of ParseDate answers every string
// of the YYYY-MM-DD shape as the general parse does (leap years, the
// month's last day, year 0000 and 9999 included), or leaves it to it.
func TestPlainISODateAgrees(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				want, wantErr := parseDate(s)
				got, ok := plainISODate(s)
				if ok && (wantErr != nil || got != want) {
					t.Fatalf("plainISODate(%q) = %q; the general parse says %q, %v", s, got, want, wantErr)
				}
				if !ok && wantErr == nil {
					t.Fatalf("plainISODate(%q) refused a date the general parse reads as %q", s, want)
				}
			}
		}
	}
	for _, s := range []string{"2025-3-01", "2025/03/01", "2025-03-1 ", "２０２５-03-01", "2025-03-0a"} {
		if _, ok := plainISODate(s); ok {
			t.Errorf("plainISODate(%q) took it", s)
		}
	}
}
