package importer

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Limits bound what one import may make the process read and hold, so that
// a hostile file (a zip bomb, one enormous cell, a million columns, JSON
// nested a thousand deep) is refused before it costs memory or hours. A
// zero field takes its default. Each has an environment variable
// (CAMREG_IMPORT_MAX_*) and a flag of `camreg import` of the same meaning.
type Limits struct {
	// Bytes bounds the file as sent (default 1 GiB for the CLI; the API's
	// uploads default to 50 MiB).
	Bytes int64
	// Unzipped bounds an XLSX's parts decompressed, all together (512 MiB).
	Unzipped int64
	// Part bounds one decompressed part of an XLSX (256 MiB).
	Part int64
	// Rows bounds the rows read, blank ones included (5,000,000).
	Rows int
	// Cells bounds the cells of one row (1,000).
	Cells int
	// CellBytes bounds one cell's text (32 KiB; Excel's own limit is
	// 32,767 characters).
	CellBytes int
	// RowBytes bounds one row, line or JSON record (1 MiB).
	RowBytes int
	// JSONDepth bounds how deep a JSON record nests (16).
	JSONDepth int
}

// DefaultLimits are the limits of a zero Limits.
var DefaultLimits = Limits{Bytes: 1 << 30, Unzipped: 512 << 20, Part: 256 << 20, Rows: 5_000_000, Cells: 1000,
	CellBytes: 32 << 10, RowBytes: 1 << 20, JSONDepth: 16}

// LimitSettings names each limit's environment variable and flag.
var LimitSettings = []struct{ Env, Flag, Help string }{
	{"CAMREG_IMPORT_MAX_BYTES", "max-bytes", "largest file, in bytes (suffixes KiB, MiB, GiB)"},
	{"CAMREG_IMPORT_MAX_UNZIPPED", "max-unzipped", "largest total of an XLSX's decompressed parts"},
	{"CAMREG_IMPORT_MAX_PART", "max-part", "largest decompressed part of an XLSX"},
	{"CAMREG_IMPORT_MAX_ROWS", "max-rows", "most rows read"},
	{"CAMREG_IMPORT_MAX_CELLS", "max-cells", "most cells in a row"},
	{"CAMREG_IMPORT_MAX_CELL_BYTES", "max-cell-bytes", "longest cell, in bytes"},
	{"CAMREG_IMPORT_MAX_ROW_BYTES", "max-row-bytes", "longest row, line or JSON record, in bytes"},
	{"CAMREG_IMPORT_MAX_JSON_DEPTH", "max-json-depth", "deepest nesting of a JSON record"},
}

// Set sets the limit named by its environment variable or flag from a
// string such as "50MiB" or "1000".
func (l *Limits) Set(name, value string) error {
	n, err := parseSize(value)
	if err != nil || n <= 0 {
		return fmt.Errorf("%s: %q is not a positive number (suffixes KiB, MiB, GiB allowed)", name, value)
	}
	switch strings.TrimPrefix(strings.ToLower(strings.TrimPrefix(name, "CAMREG_IMPORT_")), "max") {
	case "_bytes", "-bytes":
		l.Bytes = n
	case "_unzipped", "-unzipped":
		l.Unzipped = n
	case "_part", "-part":
		l.Part = n
	case "_rows", "-rows":
		l.Rows = int(min(n, 1<<40))
	case "_cells", "-cells":
		l.Cells = int(min(n, 1<<30))
	case "_cell_bytes", "-cell-bytes":
		l.CellBytes = int(min(n, 1<<30))
	case "_row_bytes", "-row-bytes":
		l.RowBytes = int(min(n, 1<<30))
	case "_json_depth", "-json-depth":
		l.JSONDepth = int(min(n, 10000))
	default:
		return fmt.Errorf("no import limit %q", name)
	}
	return nil
}

// LimitsFromEnv reads the CAMREG_IMPORT_MAX_* variables through getenv;
// unset ones stay zero (their default).
func LimitsFromEnv(getenv func(string) string) (Limits, error) {
	var l Limits
	for _, s := range LimitSettings {
		if v := getenv(s.Env); v != "" {
			if err := l.Set(s.Env, v); err != nil {
				return l, err
			}
		}
	}
	return l, nil
}

func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<62)/mult {
		return 0, errors.New("not a size")
	}
	return n * mult, nil
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Bytes > 0 {
		d.Bytes = l.Bytes
	}
	if l.Unzipped > 0 {
		d.Unzipped = l.Unzipped
	}
	if l.Part > 0 {
		d.Part = l.Part
	}
	if l.Rows > 0 {
		d.Rows = l.Rows
	}
	if l.Cells > 0 {
		d.Cells = l.Cells
	}
	if l.CellBytes > 0 {
		d.CellBytes = l.CellBytes
	}
	if l.RowBytes > 0 {
		d.RowBytes = l.RowBytes
	}
	if l.JSONDepth > 0 {
		d.JSONDepth = l.JSONDepth
	}
	return d
}

// ErrTooLarge is matched (errors.Is) by every LimitError.
var ErrTooLarge = errors.New("over an import limit")

// LimitError says which limit a file broke, and where.
type LimitError struct {
	// Where is the place in the file ("line 12", "part xl/worksheets/sheet1.xml"), or "".
	Where string
	// What is what was too large ("a cell of 40000 bytes").
	What  string
	Limit int64
	// Setting is the environment variable that raises the limit.
	Setting string
}

func (e *LimitError) Error() string {
	where := ""
	if e.Where != "" {
		where = e.Where + ": "
	}
	return fmt.Sprintf("%s%s is over the import limit of %d (%s); the file was not imported", where, e.What, e.Limit, e.Setting)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }

// CheckFile refuses a file larger than the limits allow before any of it
// is parsed: its size, and for an XLSX the sizes its zip directory
// declares, part by part (archive/zip then refuses a part that inflates
// past its declared size, so the declaration binds). It is quick, for the
// API to answer 413 at once.
func CheckFile(path, format string, lim Limits) error {
	lim = lim.withDefaults()
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if fi.Size() > lim.Bytes {
		return &LimitError{What: fmt.Sprintf("a file of %d bytes", fi.Size()), Limit: lim.Bytes, Setting: "CAMREG_IMPORT_MAX_BYTES"}
	}
	if format != FormatXLSX {
		return nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("read XLSX: not a workbook (%w)", err)
	}
	defer zr.Close()
	if len(zr.File) > 10000 {
		return &LimitError{What: fmt.Sprintf("a workbook of %d parts", len(zr.File)), Limit: 10000, Setting: "(fixed)"}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(lim.Part) {
			return &LimitError{Where: "part " + f.Name, What: fmt.Sprintf("%d bytes decompressed", f.UncompressedSize64),
				Limit: lim.Part, Setting: "CAMREG_IMPORT_MAX_PART"}
		}
		if total > uint64(lim.Unzipped) {
			return &LimitError{What: fmt.Sprintf("more than %d bytes decompressed", total), Limit: lim.Unzipped,
				Setting: "CAMREG_IMPORT_MAX_UNZIPPED"}
		}
	}
	return nil
}

// scanXLSX reads every XML part of a workbook decompressed, as a stream,
// before excelize opens it: a run of text or a tag longer than a cell or a
// row may be (one 2 GiB string in sheet1.xml, say) is refused here, with
// memory flat, rather than built in memory by the XML parser.
func scanXLSX(ctx context.Context, path string, lim Limits) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("read XLSX: not a workbook (%w)", err)
	}
	defer zr.Close()
	// A cell's text may be escaped (&#x1EA1; is 8 bytes for one letter).
	maxText := int64(lim.CellBytes) * 8
	buf := make([]byte, 64<<10)
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("read XLSX part %s: %w", f.Name, err)
		}
		var text, tag int64
		inTag := false
		for {
			if err := ctx.Err(); err != nil {
				rc.Close()
				return err
			}
			n, rerr := rc.Read(buf)
			for _, b := range buf[:n] {
				switch {
				case b == '<':
					inTag, tag, text = true, 0, 0
				case b == '>':
					inTag = false
				case inTag:
					tag++
				default:
					text++
				}
			}
			if text > maxText {
				rc.Close()
				return &LimitError{Where: "part " + f.Name, What: fmt.Sprintf("a text of more than %d bytes", text),
					Limit: maxText, Setting: "CAMREG_IMPORT_MAX_CELL_BYTES (×8 for escapes)"}
			}
			if tag > int64(lim.RowBytes) {
				rc.Close()
				return &LimitError{Where: "part " + f.Name, What: fmt.Sprintf("an XML tag of more than %d bytes", tag),
					Limit: int64(lim.RowBytes), Setting: "CAMREG_IMPORT_MAX_ROW_BYTES"}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				rc.Close()
				return fmt.Errorf("read XLSX part %s: %w", f.Name, rerr)
			}
		}
		rc.Close()
	}
	return nil
}

// ctxReader stops reading when its context ends, so that a shutdown stops
// an import in the middle of a file, not only between batches.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// rowBound counts the bytes read since its last reset and refuses more than
// limit: a reader of rows (encoding/csv, encoding/json) holds a whole row
// in memory, so the row's size is bounded under it. Reset after each row;
// the limit includes room for the reader's read-ahead.
type rowBound struct {
	r     io.Reader
	n     int64
	limit int64
	lim   int
}

func newRowBound(r io.Reader, rowBytes int) *rowBound {
	return &rowBound{r: r, limit: 2*int64(rowBytes) + 128<<10, lim: rowBytes}
}

func (b *rowBound) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, &LimitError{What: "a row of more than " + strconv.Itoa(b.lim) + " bytes", Limit: int64(b.lim),
			Setting: "CAMREG_IMPORT_MAX_ROW_BYTES"}
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *rowBound) reset() { b.n = 0 }

// checkRow refuses a row with too many cells or too long a cell or row.
func (l Limits) checkRow(where string, cells []string) error {
	if len(cells) > l.Cells {
		return &LimitError{Where: where, What: fmt.Sprintf("a row of %d cells", len(cells)), Limit: int64(l.Cells),
			Setting: "CAMREG_IMPORT_MAX_CELLS"}
	}
	total := 0
	for _, c := range cells {
		if len(c) > l.CellBytes {
			return &LimitError{Where: where, What: fmt.Sprintf("a cell of %d bytes", len(c)), Limit: int64(l.CellBytes),
				Setting: "CAMREG_IMPORT_MAX_CELL_BYTES"}
		}
		total += len(c)
	}
	if total > l.RowBytes {
		return &LimitError{Where: where, What: fmt.Sprintf("a row of %d bytes", total), Limit: int64(l.RowBytes),
			Setting: "CAMREG_IMPORT_MAX_ROW_BYTES"}
	}
	return nil
}

// jsonDepth is how deep a decoded JSON value nests (a scalar is 0).
func jsonDepth(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			d = max(d, jsonDepth(e))
		}
		return d + 1
	case []any:
		for _, e := range x {
			d = max(d, jsonDepth(e))
		}
		return d + 1
	}
	return 0
}
