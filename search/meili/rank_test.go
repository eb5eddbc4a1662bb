package meili

import "testing"

func TestWholeLastWord(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ds 2de3609iw de", "ds 2de3609iw de "},
		{"DS-2DE3609IW-DE", "DS-2DE3609IW-DE "},
		{"cong ty tnhh duc thinh 18", "cong ty tnhh duc thinh 18 "},
		{"đa", "đa "},
		{"x", "x "},
		{"hikvision ds 2de36", "hikvision ds 2de36"},
		{"camera", "camera"},
		{"thinh 18 ", "thinh 18 "},
		{"DS-2CD2143G2-", "DS-2CD2143G2-"},
		{"", ""},
	} {
		if got := wholeLastWord(c.in); got != c.want {
			t.Errorf("wholeLastWord(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
