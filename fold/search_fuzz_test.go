package fold

import (
	"strings"
	"testing"
)

// FuzzSearchKeys checks the properties the search backends rely on when
// they compare a query with an indexed record: keying folded text is
// keying the text itself, so a query folded by one path and a record by
// another meet; a loose key is the loose key of its exact key, so an exact
// match is always also a near one; and the case and the separators of an
// ASCII model number never change its key.
func FuzzSearchKeys(f *testing.F) {
	for _, s := range []string{"DS-2CD1023G0E-I", "ds 2cd1023 goe i", "Cửa hàng Điện tử Đà Nẵng", "383/CATTT-NCSC", "ǅ", "İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Key(Text(s)) != Key(s) {
			t.Fatalf("Key(Text(%q)) = %q, Key = %q", s, Key(Text(s)), Key(s))
		}
		if LooseKey(Key(s)) != LooseKey(s) {
			t.Fatalf("LooseKey(Key(%q)) = %q, LooseKey = %q", s, LooseKey(Key(s)), LooseKey(s))
		}
		ascii := true
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			spaced := strings.NewReplacer("-", " ", "/", " . ").Replace(strings.ToUpper(s))
			if Key(spaced) != Key(s) {
				t.Fatalf("Key(%q) = %q, Key(%q) = %q", spaced, Key(spaced), s, Key(s))
			}
		}
	})
}
