package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The text encodings the importer reads: what Vietnamese offices' files
// really are. UTF-8 (with or without a BOM) is the default; Excel's
// "Unicode Text" is UTF-16 with a BOM (tab-separated); older Windows
// software writes Windows-1258. The legacy font encodings TCVN3 (ABC) and
// VNI are recognised and refused with one message for the file: no
// well-kept conversion table for them is published as a Go module.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingWin1258 = "windows-1258"
)

// Encodings lists the names --encoding accepts.
var Encodings = []string{EncodingUTF8, EncodingUTF16, EncodingWin1258}

// EncodingError is a file in an encoding the importer does not read.
type EncodingError struct{ Msg string }

func (e *EncodingError) Error() string { return e.Msg }

// detectEncoding names the encoding of a text file: the one forced (from
// --encoding), else by its BOM, else UTF-8 if the whole file is valid
// UTF-8, else Windows-1258 if its text reads as Vietnamese in it.
func detectEncoding(path, forced string) (string, error) {
	if forced != "" {
		f := strings.ToLower(strings.ReplaceAll(forced, "_", "-"))
		switch f {
		case "utf8":
			f = EncodingUTF8
		case "utf16", "utf-16le", "utf-16be", "unicode":
			f = EncodingUTF16
		case "cp1258", "windows1258":
			f = EncodingWin1258
		}
		if !slices.Contains(Encodings, f) {
			return "", &EncodingError{fmt.Sprintf("unknown encoding %q: use one of %s", forced, strings.Join(Encodings, ", "))}
		}
		return f, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 64<<10)
	head, _ := br.Peek(4)
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return EncodingUTF16, nil
	}
	// Valid UTF-8 from end to end? Read in chunks, carrying a split rune.
	var sample []byte
	buf := make([]byte, 64<<10)
	var carry []byte
	valid := true
	for {
		n, rerr := br.Read(buf)
		chunk := append(carry, buf[:n]...)
		if len(sample) < 256<<10 {
			sample = append(sample, buf[:n]...)
		}
		// Keep up to 3 trailing bytes of an incomplete rune for the next chunk.
		cut := len(chunk)
		for i := 1; i <= 3 && i <= len(chunk); i++ {
			if utf8.RuneStart(chunk[len(chunk)-i]) {
				if !utf8.FullRune(chunk[len(chunk)-i:]) {
					cut = len(chunk) - i
				}
				break
			}
		}
		if rerr == io.EOF {
			cut = len(chunk)
		}
		if !utf8.Valid(chunk[:cut]) {
			valid = false
			break
		}
		carry = append([]byte(nil), chunk[cut:]...)
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return "", fmt.Errorf("read %s: %w", path, rerr)
		}
	}
	if valid {
		return EncodingUTF8, nil
	}
	return guessLegacy(sample)
}

// guessLegacy tells Windows-1258 from the font encodings in a sample that
// is not UTF-8.
func guessLegacy(sample []byte) (string, error) {
	dec, _ := io.ReadAll(transform.NewReader(bytes.NewReader(sample), charmap.Windows1258.NewDecoder()))
	viet, other := 0, 0
	for _, r := range norm.NFC.String(string(dec)) {
		switch {
		case r < 0x80:
		case vietnameseLetter(r):
			viet++
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			other++
		}
	}
	if viet > 0 && viet*10 >= (viet+other)*9 {
		return EncodingWin1258, nil
	}
	// VNI writes a vowel then a byte for its marks ("Coâng" for "Công");
	// TCVN3 writes one byte per letter in 0xA1..0xFE ("C«ng").
	high, afterVowel, tcvn := 0, 0, 0
	for i, b := range sample {
		if b < 0x80 {
			continue
		}
		high++
		if i > 0 && strings.IndexByte("aeiouyAEIOUY", sample[i-1]) >= 0 {
			afterVowel++
		}
		if b >= 0xA1 && b <= 0xFE {
			tcvn++
		}
	}
	save := "; save the file as Unicode (UTF-8), for example with Unikey's converter or Excel's \"CSV UTF-8\", and send it again"
	switch {
	case high > 0 && afterVowel*10 >= high*6:
		return "", &EncodingError{"the file looks like it is in the VNI encoding, which camreg does not read" + save}
	case high > 0 && tcvn*10 >= high*8:
		return "", &EncodingError{"the file looks like it is in the TCVN3 (ABC) encoding, which camreg does not read" + save}
	}
	return "", &EncodingError{"the file is not UTF-8, UTF-16 with a BOM or Windows-1258 text" + save + " (or name its encoding with --encoding)"}
}

// vietnameseLetters are the non-ASCII letters of Vietnamese, composed.
var vietnameseLetters = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ" {
		m[r], m[unicode.ToUpper(r)] = true, true
	}
	return m
}()

func vietnameseLetter(r rune) bool { return vietnameseLetters[r] }

// decodeText wraps r so that it yields UTF-8 from the encoding.
func decodeText(r io.Reader, encoding string) io.Reader {
	switch encoding {
	case EncodingUTF16:
		return transform.NewReader(r, xunicode.BOMOverride(xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder()))
	case EncodingWin1258:
		return transform.NewReader(r, charmap.Windows1258.NewDecoder())
	}
	return r
}
