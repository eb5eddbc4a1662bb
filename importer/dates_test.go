package importer_test

import (
	"testing"

	"camreg/importer"
)

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2025-03-01", "2025-03-01"},
		{"2025/3/1", "2025-03-01"},
		{"01/03/2025", "2025-03-01"},
		{"1/3/2025", "2025-03-01"},
		{"01-03-2025", "2025-03-01"},
		{"1.3.2025", "2025-03-01"},
		{" 28/02/2028 ", "2028-02-28"},
		{"29/02/2028", "2028-02-29"},
		{"45717", "2025-03-01"},
		{"45717.75", "2025-03-01"},
		{"61", "1900-03-01"},
		{"2025-03-01T23:30:00+07:00", "2025-03-01"},
		{"", ""},
	}
	for _, tt := range tests {
		if got, err := importer.ParseDate(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"31/02/2025", "2025-13-01", "03/2025", "1/3/25", "ngày 1 tháng 3", "0", "-5", "3000000", "1e5"} {
		if got, err := importer.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %q, want an error", bad, got)
		}
	}
}
