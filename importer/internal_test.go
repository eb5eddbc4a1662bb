package importer

import "github.com/xuri/excelize/v2"

// ReadXLSXCells returns the cells of a workbook's first sheet, for tests
// that compare XLSX files by content (their zip timestamps differ).
func ReadXLSXCells(path string) ([][]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
}
