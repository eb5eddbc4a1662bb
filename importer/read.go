package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"camreg/fold"
	"camreg/models"
)

// The file formats the importer reads.
const (
	FormatCSV    = "csv"
	FormatXLSX   = "xlsx"
	FormatJSON   = "json"
	FormatNDJSON = "ndjson"
)

// Formats lists the formats, for messages and flags.
var Formats = []string{FormatCSV, FormatXLSX, FormatJSON, FormatNDJSON}

// DetectFormat names a file's format from its extension, or, failing
// that, from its first bytes: a ZIP signature is XLSX, "[" a JSON array,
// "{" NDJSON, and anything else CSV.
func DetectFormat(name string, head []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return FormatCSV
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".json":
		return FormatJSON
	case ".ndjson", ".jsonl":
		return FormatNDJSON
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return FormatXLSX
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("[")):
		return FormatJSON
	case bytes.HasPrefix(t, []byte("{")):
		return FormatNDJSON
	}
	return FormatCSV
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// record is one data row of a file: where it is, and its cells by column.
type record struct {
	// pos is the line (CSV, NDJSON), sheet row (XLSX) or record number
	// (JSON array), counting from 1.
	pos    int
	values map[string]string
	// blank is true for a row with no value at all; it is skipped.
	blank bool
}

// source yields a file's data rows, after its header.
type source interface {
	// next returns the next row, or io.EOF.
	next() (record, error)
	// unknown lists the headers that match no column, to warn about.
	unknown() []string
}

// header is a tabular file's header row, matched to columns.
type header struct {
	cols    []string // column of each cell index, "" when unknown
	unknown []string
}

// maxTitleRows bounds the search for the header row below title rows.
const maxTitleRows = 30

// findHeader reports whether row is the header: at least two of its cells
// name known columns (or its only cell does), and they are most of its
// non-empty cells. A title row ("DANH SÁCH CAMERA ĐÃ CHỨNG NHẬN") names none.
func findHeader(h *headerMap, row []string) (*header, bool) {
	hd := &header{cols: make([]string, len(row))}
	known, filled := 0, 0
	for i, cell := range row {
		if strings.TrimSpace(cell) == "" {
			continue
		}
		filled++
		if c := h.column(cell); c != "" {
			hd.cols[i] = c
			known++
		} else {
			hd.unknown = append(hd.unknown, strings.TrimSpace(cell))
		}
	}
	if known == 0 || (known < 2 && filled > 1) || known*2 < filled {
		return nil, false
	}
	return hd, true
}

// tabular turns rows of cells (CSV, XLSX) into records.
type tabular struct {
	lim    Limits
	h      *headerMap
	hd     *header
	rows   func() ([]string, int, error) // cells and position, or io.EOF
	format string
}

func (t *tabular) start() error {
	for i := 0; i < maxTitleRows; i++ {
		row, _, err := t.rows()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := t.lim.checkRow("", row); err != nil {
			return err
		}
		if hd, ok := findHeader(t.h, row); ok {
			t.hd = hd
			return nil
		}
	}
	return fmt.Errorf("no header row in the first %d rows of the %s file: expected headers such as %s",
		maxTitleRows, t.format, strings.Join(Columns(t.h.entity), ", "))
}

func (t *tabular) next() (record, error) {
	row, pos, err := t.rows()
	if err != nil {
		return record{}, err
	}
	if err := t.lim.checkRow(fmt.Sprintf("%s %d", posKind(t.format), pos), row); err != nil {
		return record{}, err
	}
	rec := record{pos: pos, values: map[string]string{}, blank: true}
	for i, cell := range row {
		// Cells under no known header (notes to the right of a table,
		// say) are ignored; the unknown headers are reported once.
		if i >= len(t.hd.cols) || t.hd.cols[i] == "" {
			continue
		}
		if strings.TrimSpace(cell) != "" {
			rec.blank = false
		}
		col := t.hd.cols[i]
		rec.values[col] = combine(col, rec.values[col], fold.NFC(cell))
	}
	return rec, nil
}

func (t *tabular) unknown() []string { return t.hd.unknown }

// combine merges two cells that name the same column (a file with both
// "Mã số thuế" and "Tên doanh nghiệp" for a holder, say): the first
// non-empty value wins, except that for a reference to an organization a
// tax code beats a name, as it is unambiguous.
func combine(col, old, cell string) string {
	cell = strings.TrimSpace(cell)
	switch {
	case old == "":
		return cell
	case cell == "":
		return old
	}
	if isOrgRef(col) {
		if _, err := models.CheckTaxCode(fixTaxCode(cell)); err == nil {
			if _, err := models.CheckTaxCode(fixTaxCode(old)); err != nil {
				return cell
			}
		}
	}
	return old
}

func isOrgRef(col string) bool {
	switch col {
	case "holder", "trader", "registrant", "certification_body", "authority":
		return true
	}
	return false
}

// fixTaxCode restores the leading zero that a spreadsheet drops when it
// stores a tax code such as 0100233488 as a number.
func fixTaxCode(s string) string {
	s = strings.TrimSpace(s)
	if (len(s) == 9 || (len(s) == 13 && s[9] == '-')) && allDigits(strings.ReplaceAll(s, "-", "")) {
		return "0" + s
	}
	return s
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// newCSVSource reads CSV: UTF-8 with or without a BOM, comma- or
// semicolon-separated (whichever the first lines use more), quoted fields
// spanning lines, and blank lines anywhere.
func newCSVSource(r io.Reader, h *headerMap, lim Limits) (source, error) {
	bound := newRowBound(r, lim.RowBytes)
	br := bufio.NewReaderSize(bound, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(32 << 10)
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	t := &tabular{lim: lim, h: h, format: FormatCSV, rows: func() ([]string, int, error) {
		bound.reset()
		row, err := cr.Read()
		for i, cell := range row {
			row[i] = restoreCell(cell)
		}
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				line, _ := cr.FieldPos(0)
				le.Where = fmt.Sprintf("after line %d", line)
				return nil, 0, le
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fmt.Errorf("CSV line %d: %w", pe.Line, pe.Err)
			}
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return row, line, nil
	}}
	if err := t.start(); err != nil {
		return nil, err
	}
	return t, nil
}

// sniffDelimiter picks ";" when the first lines hold more semicolons than
// commas outside quotes (as Excel writes CSV in locales with a decimal
// comma), a tab when they hold at least as many tabs as either (Excel's
// "Unicode Text"), and "," otherwise.
func sniffDelimiter(head []byte) rune {
	commas, semis, tabs, lines := 0, 0, 0, 0
	inQuote := false
	for _, c := range head {
		switch c {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				commas++
			}
		case ';':
			if !inQuote {
				semis++
			}
		case '\t':
			if !inQuote {
				tabs++
			}
		case '\n':
			if !inQuote {
				lines++
			}
		}
		if lines >= 20 {
			break
		}
	}
	switch {
	case tabs > 0 && tabs >= commas && tabs >= semis:
		// Excel's "Unicode Text" is tab-separated, with commas in values.
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}

// newXLSXSource reads the named sheet, or the first, of an XLSX workbook.
// Cells are read raw, unformatted: a date is its Excel serial number and a
// price its plain digits, whatever the cell's display format.
func newXLSXSource(r io.Reader, h *headerMap, sheet string, lim Limits) (src source, err error) {
	// excelize is a large parser of untrusted input: a panic on a
	// malformed workbook must become an error, not a crashed server.
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("read XLSX: malformed workbook (%v)", p)
		}
	}()
	// Import checked the parts' sizes and scanned them (limits.go) before
	// this; excelize's own bound on unzipping is set to the same limit.
	xmlLimit := min(int64(16<<20), lim.Unzipped)
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.Unzipped, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		return nil, fmt.Errorf("read XLSX: %w", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("read XLSX: the workbook has no sheet")
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if !slices.Contains(sheets, sheet) {
		f.Close()
		return nil, fmt.Errorf("read XLSX: no sheet %q; the workbook has %s", sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read XLSX sheet %q: %w", sheet, err)
	}
	n := 0
	t := &tabular{lim: lim, h: h, format: FormatXLSX, rows: func() (cells []string, pos int, err error) {
		defer func() {
			if p := recover(); p != nil {
				cells, pos, err = nil, 0, fmt.Errorf("read XLSX sheet %q row %d: malformed (%v)", sheet, n+1, p)
			}
		}()
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, 0, fmt.Errorf("read XLSX sheet %q: %w", sheet, err)
			}
			rows.Close()
			f.Close()
			return nil, 0, io.EOF
		}
		n++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, 0, fmt.Errorf("read XLSX sheet %q row %d: %w", sheet, n, err)
		}
		return cols, n, nil
	}}
	if err := t.start(); err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

// jsonSource reads a JSON array of objects, or NDJSON (one object a line).
type jsonSource struct {
	lim     Limits
	bound   *rowBound
	h       *headerMap
	dec     *json.Decoder
	lines   *bufio.Scanner
	n       int
	skipped map[string]bool
	order   []string
}

func newJSONSource(r io.Reader, h *headerMap, ndjson bool, lim Limits) (source, error) {
	s := &jsonSource{lim: lim, h: h, skipped: map[string]bool{}}
	if ndjson {
		s.lines = bufio.NewScanner(r)
		s.lines.Buffer(make([]byte, min(64<<10, lim.RowBytes+1)), lim.RowBytes+1)
		return s, nil
	}
	s.bound = newRowBound(r, lim.RowBytes)
	br := bufio.NewReader(s.bound)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(3)
	}
	s.dec = json.NewDecoder(br)
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New("read JSON: the file must be an array of objects (or use --format ndjson)")
	}
	return s, nil
}

func (s *jsonSource) next() (record, error) {
	var obj map[string]any
	if s.lines != nil {
		for {
			if !s.lines.Scan() {
				if err := s.lines.Err(); err != nil {
					if errors.Is(err, bufio.ErrTooLong) {
						return record{}, &LimitError{Where: fmt.Sprintf("line %d", s.n+1), What: "a line of more than " +
							fmt.Sprint(s.lim.RowBytes) + " bytes", Limit: int64(s.lim.RowBytes), Setting: "CAMREG_IMPORT_MAX_ROW_BYTES"}
					}
					return record{}, fmt.Errorf("read NDJSON line %d: %w", s.n+1, err)
				}
				return record{}, io.EOF
			}
			s.n++
			line := bytes.TrimSpace(s.lines.Bytes())
			if s.n == 1 {
				line = bytes.TrimPrefix(line, utf8BOM)
			}
			if len(line) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.UseNumber()
			if err := dec.Decode(&obj); err != nil || obj == nil {
				return record{pos: s.n, values: map[string]string{badJSON: "line is not a JSON object"}}, nil
			}
			break
		}
	} else {
		if !s.dec.More() {
			if _, err := s.dec.Token(); err != nil {
				return record{}, fmt.Errorf("read JSON after record %d: %w", s.n, err)
			}
			return record{}, io.EOF
		}
		s.n++
		s.bound.reset()
		if err := s.dec.Decode(&obj); err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				le.Where = fmt.Sprintf("record %d", s.n)
				return record{}, le
			}
			// The decoder cannot resynchronise inside an array: stop here.
			return record{}, fmt.Errorf("read JSON record %d: %w", s.n, err)
		}
		if obj == nil {
			return record{pos: s.n, values: map[string]string{badJSON: "record is not a JSON object"}}, nil
		}
	}
	if d := jsonDepth(obj); d > s.lim.JSONDepth {
		return record{}, &LimitError{Where: fmt.Sprintf("record %d", s.n),
			What: fmt.Sprintf("a record nested %d deep", d), Limit: int64(s.lim.JSONDepth), Setting: "CAMREG_IMPORT_MAX_JSON_DEPTH"}
	}
	if len(obj) > s.lim.Cells {
		return record{}, &LimitError{Where: fmt.Sprintf("record %d", s.n), What: fmt.Sprintf("a record of %d fields", len(obj)),
			Limit: int64(s.lim.Cells), Setting: "CAMREG_IMPORT_MAX_CELLS"}
	}
	rec := record{pos: s.n, values: map[string]string{}, blank: true}
	for k, v := range obj {
		col := s.h.column(k)
		if col == "" {
			if !s.skipped[k] && len(s.order) < 100 {
				s.skipped[k] = true
				s.order = append(s.order, k)
			}
			continue
		}
		cell := fold.NFC(jsonCell(v))
		if len(cell) > s.lim.CellBytes {
			return record{}, &LimitError{Where: fmt.Sprintf("record %d", s.n), What: fmt.Sprintf("a value of %d bytes", len(cell)),
				Limit: int64(s.lim.CellBytes), Setting: "CAMREG_IMPORT_MAX_CELL_BYTES"}
		}
		if cell != "" {
			rec.blank = false
		}
		rec.values[col] = combine(col, rec.values[col], cell)
	}
	return rec, nil
}

func (s *jsonSource) unknown() []string { return s.order }

// badJSON marks a record that was not an object.
const badJSON = "\x00json"

// jsonCell renders a JSON value as a cell: arrays become one value a line,
// as list cells are written.
func jsonCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, jsonCell(e))
		}
		return strings.Join(parts, "\n")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// openSource opens a reader of the format over r.
func openSource(format string, r io.Reader, h *headerMap, sheet string, lim Limits) (source, error) {
	lim = lim.withDefaults()
	switch format {
	case FormatCSV:
		return newCSVSource(r, h, lim)
	case FormatXLSX:
		return newXLSXSource(r, h, sheet, lim)
	case FormatJSON:
		return newJSONSource(r, h, false, lim)
	case FormatNDJSON:
		return newJSONSource(r, h, true, lim)
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// splitList splits a list cell on ";" and newlines, dropping blanks.
func splitList(s string) []string {
	f := func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
