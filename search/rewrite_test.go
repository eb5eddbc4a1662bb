package search

import "testing"

func TestRewrite(t *testing.T) {
	for in, want := range map[string]string{
		"MST: 0865088668":           "0865088668",
		"mst 0865-088-668":          "0865088668",
		"Mã số thuế 0101234567-001": "0101234567001",
		"MST Camera":                "MST Camera",
		"cty tnhh anh duong":        "cong ty tnhh anh duong",
		"Cty CP Công nghệ Sao Mai":  "cong ty co phan cong nghe sao mai",
		"cua hang cp camera":        "cua hang cp camera",
		"DS-2CD2143G2-IU":           "DS-2CD2143G2-IU",
		"ma so 12":                  "ma so 12",
	} {
		if got := Rewrite(in); got != want {
			t.Errorf("Rewrite(%q) = %q, want %q", in, got, want)
		}
	}
}
