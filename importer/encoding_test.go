package importer_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"camreg/importer"
	"camreg/models"
	"camreg/models/testdb"
)

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// Files as a Vietnamese office sends them: Excel's "Unicode Text" (UTF-16LE
// with a BOM, tab-separated, commas in values), Windows-1258 (Vietnamese
// letters as a base letter and a tone mark byte), UTF-8 with a BOM and text
// in decomposed form (NFD). Each imports to the same NFC names; TCVN3 and
// VNI files are refused with one error for the file.
func TestImportEncodings(t *testing.T) {
	name := "Công ty TNHH Hà Nội, chi nhánh 1"
	dir := t.TempDir()
	files := map[string][]byte{
		"unicode-text.txt": utf16LE("Tên doanh nghiệp\tLoại hình\r\n" + name + "\timporter\r\n"),
		// ô is 0xF4, à 0xE0, á 0xE1; ộ is ô then the dot below 0xF2.
		"win1258.csv": []byte("name,kind\n\"C\xF4ng ty TNHH H\xE0 N\xF4\xF2i, chi nh\xE1nh 1\",importer\n"),
		"bom-nfd.csv": []byte("\xEF\xBB\xBFname,kind\n\"" + norm.NFD.String(name) + "\",importer\n"),
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		first := true
		for file, content := range files {
			path := filepath.Join(dir, file)
			writeFile(t, path, string(content))
			sum := importFile(t, st, "organizations", path, importer.Options{})
			if sum.Rows != 1 || (first && sum.Created != 1) || (!first && sum.Unchanged != 1) {
				t.Errorf("%s: %+v (every file names the same organization)", file, sum)
			}
			first = false
		}
		var got string
		if err := st.DB().QueryRow("SELECT name FROM organizations").Scan(&got); err != nil || got != name {
			t.Fatalf("stored %q (%v), want the NFC %q", got, err, name)
		}
	})

	refused := map[string]struct {
		content []byte
		says    string
	}{
		"tcvn3.csv": {[]byte("name,kind\nC\xABng ty TNHH H\xB5 N\xE9i,importer\nC\xABng ty \xA7i\xD6n t\xF6,retailer\n"), "TCVN3"},
		"vni.csv":   {[]byte("name,kind\nCo\xE2ng ty TNHH Ha\xF8 No\xE4i,importer\n"), "VNI"},
		"latin.csv": {[]byte("name,kind\n\x81\x8D\x8F\x90\x9D,importer\n"), "not UTF-8"},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		for file, c := range refused {
			path := filepath.Join(dir, file)
			writeFile(t, path, string(c.content))
			sum, err := run(st, "organizations", path, importer.Options{})
			var ee *importer.EncodingError
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.says) || (sum != nil && len(sum.Errors) > 0) {
				t.Errorf("%s: %v %+v", file, err, sum)
			}
		}
		// --encoding names it: the Windows-1258 file read as UTF-16 is refused as garbage rows, not silently.
		path := filepath.Join(dir, "forced.csv")
		writeFile(t, path, string(files["win1258.csv"]))
		if sum := importFile(t, st, "organizations", path, importer.Options{Encoding: "windows-1258", DryRun: true}); sum.Rows != 1 {
			t.Errorf("forced: %+v", sum)
		}
		if _, err := run(st, "organizations", path, importer.Options{Encoding: "koi8-r"}); err == nil {
			t.Error("an unknown --encoding was accepted")
		}
	})
}
