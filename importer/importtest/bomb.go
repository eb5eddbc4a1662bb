// Package importtest makes hostile import files for tests: they are
// generated, never committed.
package importtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ZipBomb returns an XLSX whose first sheet holds one inline string cell
// of mib MiB under a "model_number" header (2048: 2 GiB in about 2 MB): the attack of
// issue #14. The deflate stream is built from one compressed megabyte
// repeated, so making it costs a CRC over the text, not its compression.
// With lie true, the zip directory declares the sheet 4 KiB long.
func ZipBomb(mib int, lie bool) ([]byte, error) {
	// A real workbook, whose sheet1.xml is then replaced.
	f := excelize.NewFile()
	_ = f.SetCellValue("Sheet1", "A1", "brand")
	_ = f.SetCellValue("Sheet1", "B1", "model_number")
	var base bytes.Buffer
	if err := f.Write(&base); err != nil {
		return nil, err
	}
	f.Close()

	prefix := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>brand</t></is></c><c r="B1" t="inlineStr"><is><t>model_number</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="B2" t="inlineStr"><is><t>`
	suffix := `</t></is></c></row></sheetData></worksheet>`
	meg := bytes.Repeat([]byte("A"), 1<<20)

	var stream bytes.Buffer
	zw, _ := flate.NewWriter(&stream, flate.BestCompression)
	crc := crc32.NewIEEE()
	write := func(b []byte) {
		_, _ = zw.Write(b)
		_, _ = crc.Write(b)
	}
	write([]byte(prefix))
	write(meg)
	_ = zw.Flush()
	// The next megabyte of A's, after a window of A's, compresses to the
	// same bytes every time: take them once, repeat them.
	mark := stream.Len()
	write(meg)
	_ = zw.Flush()
	block := append([]byte(nil), stream.Bytes()[mark:]...)
	n := max(mib, 2)
	for i := 2; i < n; i++ {
		stream.Write(block)
		_, _ = crc.Write(meg)
	}
	// The tail: the same compressor, whose window is still all A's.
	mark = stream.Len()
	write([]byte(suffix))
	_ = zw.Close()
	tail := append([]byte(nil), stream.Bytes()[mark:]...)
	stream.Truncate(mark)
	stream.Write(tail)
	size := uint64(len(prefix)+len(suffix)) + uint64(n)<<20

	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			declared := size
			if lie {
				declared = 4096
			}
			hw, err := w.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
				CompressedSize64: uint64(stream.Len()), UncompressedSize64: declared})
			if err != nil {
				return nil, err
			}
			if _, err := hw.Write(stream.Bytes()); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		fw, err := w.Create(zf.Name)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(fw, rc); err != nil {
			return nil, err
		}
		rc.Close()
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
