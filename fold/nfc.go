package fold

import "golang.org/x/text/unicode/norm"

// NFC is s in Unicode normalization form C, as norm.NFC.String returns
// it. Text whose every rune is below U+0300 (ASCII, Latin-1, Latin
// Extended-A and -B, IPA, spacing modifiers) or in Latin Extended
// Additional (U+1E00–U+1EFF, Vietnamese's precomposed letters) is already
// in NFC and is returned without norm's tables: each of those runes is its
// own NFC, has combining class 0, and combines with no rune before it
// (TestNFCFastRunes), so no string of them changes. Names and addresses
// of a national file are such text; norm's check was 8 % of an
// organizations import, cell by cell and field by field.
func NFC(s string) string {
	for _, r := range s {
		if !nfcInert(r) {
			return norm.NFC.String(s)
		}
	}
	return s
}

// nfcInert reports whether r is one of the runes NFC passes by.
func nfcInert(r rune) bool {
	return r < 0x300 || (r >= 0x1E00 && r <= 0x1EFF)
}

// NFCInert reports whether r is one of the runes NFC passes by: a string
// of them only is its own NFC (models' text checks scan for them).
func NFCInert(r rune) bool { return nfcInert(r) }
