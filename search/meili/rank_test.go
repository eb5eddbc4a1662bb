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

func TestLeads(t *testing.T) {
	ws := []string{"101", "le", "loi", "phuong", "tan", "dinh"}
	for text, want := range map[string]bool{
		"101 Lê Lợi, Phường Tân Định · Tây Ninh · 8022647187 · ll":                   true,
		"\x01101\x02 Lê \x01Lợi\x02, Phường Tân Định":                                true,
		"367 ngõ 101 Lê Lợi, phường Tân Định, Hà Nội · Hà Nội · 0101234567 · nll ll": false,
		"101 Lê Lợi": false,
		"":           false,
	} {
		if got := leads(text, ws); got != want {
			t.Errorf("leads(%q) = %v, want %v", text, got, want)
		}
	}
	if leads("Hộ kinh doanh Đông Á · QCVN 135:2024/BTTTT", []string{"ho", "kinh", "doanh", "dong", "a"}) {
		t.Error("a shop's name leads its certificate's body")
	}
}
