package models_test

import (
	"regexp"
	"strings"
	"testing"

	"camreg/models"
)

func TestCheckTaxCode(t *testing.T) {
	// The fixtures below must be what they claim, independently of the code
	// under test.
	if c := mstCheck("100233400"); c != 10 {
		t.Fatalf("fixture: check of 100233400 is %d, want 10", c)
	}
	if c := mstCheck("010000000"); c != 3 {
		t.Fatalf("fixture: check of 010000000 is %d, want 3", c)
	}
	if c := mstCheck("010023348"); c != 8 {
		t.Fatalf("fixture: check of 010023348 is %d, want 8", c)
	}

	valid := []struct{ in, want string }{
		{"0100233488", "0100233488"},
		{"0314409058", "0314409058"},
		{"0100047516", "0100047516"},
		{"0100233488-001", "0100233488-001"},
		{"0100233488-999", "0100233488-999"},
		{"0100233488001", "0100233488-001"}, // 13 digits without the dash
		{"  0100233488\t", "0100233488"},
		{"0100 233 488", "0100233488"},
		{"0100233488 - 001", "0100233488-001"},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.in, func(t *testing.T) {
			got, err := models.CheckTaxCode(tc.in)
			if err != nil {
				t.Fatalf("CheckTaxCode(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("CheckTaxCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}

	invalid := []struct{ name, in string }{
		{"wrong check digit", "0100233487"},
		{"wrong check digit 2", "0314409059"},
		{"wrong check digit in branch", "0100233487-001"},
		{"check result 10, digit 0", "1002334000"},
		{"check result 10, digit 1", "1002334001"},
		{"check result 10, digit 9", "1002334009"},
		{"sequence 0000000", "0100000003"},
		{"branch 000", "0100233488-000"},
		{"branch 000 without dash", "0100233488000"},
		{"letter", "01002334A8"},
		{"letter O for zero", "O100233488"},
		{"letter in branch", "0100233488-0A1"},
		{"full-width digits", "０１００２３３４８８"},
		{"sign", "+100233488"},
		{"9 digits", "010023348"},
		{"11 digits", "01002334880"},
		{"12 digits", "010023348800"},
		{"14 digits", "01002334880011"},
		{"short branch", "0100233488-01"},
		{"long branch", "0100233488-0001"},
		{"empty branch", "0100233488-"},
		{"two dashes", "0100233488-001-002"},
		{"dash in main part", "01002-33488"},
		{"other separator", "0100233488/001"},
		{"empty", ""},
		{"blank", "   "},
		{"dash", "-"},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			got, err := models.CheckTaxCode(tc.in)
			if err == nil {
				t.Fatalf("CheckTaxCode(%q) = %q, want an error", tc.in, got)
			}
			if got != "" {
				t.Errorf("CheckTaxCode(%q) returned %q with its error", tc.in, got)
			}
			if err.Error() == "" {
				t.Errorf("empty error message")
			}
		})
	}
}

var taxCodeShape = regexp.MustCompile(`^[0-9]{10}(-[0-9]{3})?$`)

func FuzzCheckTaxCode(f *testing.F) {
	for _, s := range []string{"0100233488", "0314409058", "0100047516", "0100233488-001",
		"0100233488001", " 0100 233 488 ", "1002334000", "0100000003", "0100233488-000",
		"01002334A8", "", "-", "0100233488--001", "０１００２３３４８８", "0100233488-00１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := models.CheckTaxCode(s)
		if err != nil {
			if out != "" {
				t.Errorf("CheckTaxCode(%q) = %q with error %v", s, out, err)
			}
			return
		}
		if !taxCodeShape.MatchString(out) {
			t.Fatalf("CheckTaxCode(%q) = %q, not NNNNNNNNNN or NNNNNNNNNN-NNN", s, out)
		}
		// Accepted codes are fixed points.
		again, err := models.CheckTaxCode(out)
		if err != nil || again != out {
			t.Fatalf("CheckTaxCode(%q) = %q, but CheckTaxCode(%q) = %q, %v", s, out, out, again, err)
		}
		// Only spaces are dropped and a branch dash added: no digit is
		// invented, lost or moved.
		in := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "-", "")
		if strings.ReplaceAll(out, "-", "") != in {
			t.Fatalf("CheckTaxCode(%q) = %q changes the digits", s, out)
		}
		main, branch, _ := strings.Cut(out, "-")
		if c := mstCheck(main[:9]); c == 10 || int(main[9]-'0') != c {
			t.Fatalf("CheckTaxCode accepted %q (from %q), whose check digit should be %d", out, s, c)
		}
		if main[2:9] == "0000000" {
			t.Fatalf("CheckTaxCode accepted %q with sequence 0000000", out)
		}
		if branch == "000" {
			t.Fatalf("CheckTaxCode accepted %q with branch 000", out)
		}
	})
}
