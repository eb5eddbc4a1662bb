package importer

// CSV injection (OWASP): a spreadsheet opens a CSV cell that starts with
// =, +, -, @, a tab or a carriage return as a formula, so a model name
// such as =HYPERLINK("http://evil.example/","Chi tiết") set by a vendor
// would run in an inspector's Excel. Every CSV camreg writes (exports and
// row reports) prefixes such a cell with an apostrophe, which spreadsheets
// show as text; the CSV reader takes the apostrophe off again, so an
// export imports back to the same values. XLSX needs none of this: its
// cells are written as inline strings.

// formulaLike reports whether a spreadsheet could take s for a formula,
// or s is such a cell already neutralised (so that the round trip is
// exact for a value that really starts with an apostrophe).
func formulaLike(s string) bool {
	for len(s) > 0 {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return true
		case '\'':
			s = s[1:]
			continue
		}
		return false
	}
	return false
}

// NeutraliseCell returns s as it is safe to write in a CSV cell.
func NeutraliseCell(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// restoreCell undoes NeutraliseCell on a cell read from a CSV file.
func restoreCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}
