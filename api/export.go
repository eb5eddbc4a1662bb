package api

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/importer"
)

// exportDataset godoc
//
//	@Summary		Download a whole collection as CSV, XLSX, NDJSON or JSON
//	@Description	Streams the whole public dataset of one collection, read from the database a page at a time, so memory stays flat at any size. References are natural keys (tax codes or names; brand and model number) in the columns the importer reads, so the file imports back to the same data. CSV starts with a UTF-8 BOM so that Excel shows Vietnamese correctly.
//	@Tags			exports
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Produce		application/x-ndjson
//	@Produce		json
//	@Param			file		path		string	true	"<entity>.<format>, such as listings.csv or models.xlsx; entity is organizations, models, certificates, origin-certificates, warnings, listings or compliant-models (the published list: csv, xlsx or ndjson); format csv, xlsx, ndjson or json"
//	@Param			at			query		string	false	"compliant-models only: the date of the list, YYYY-MM-DD (today when omitted)"
//	@Param			brand		query		string	false	"compliant-models only: brand"
//	@Param			kind		query		string	false	"compliant-models only: kind of camera"
//	@Param			standard	query		string	false	"compliant-models only: code of the certificate's standard"
//	@Param			q			query		string	false	"compliant-models only: words of the brand, model number or name"
//	@Success		200			{file}		file
//	@Failure		404			{object}	Problem
//	@Router			/v1/export/{file} [get]
func (s *Server) exportDataset(c echo.Context) error {
	file := c.Param("file")
	dot := strings.LastIndex(file, ".")
	if dot < 0 {
		return notFoundExport()
	}
	entity, format := file[:dot], file[dot+1:]
	if entity == "compliant-models" {
		return s.exportCompliant(c, format)
	}
	if importer.CheckEntity(entity) != nil || !slices.Contains(importer.ExportFormats, format) {
		return notFoundExport()
	}
	return s.streamFile(c, format, file, func(w io.Writer) error {
		return importer.ExportAs(c.Request().Context(), s.store, viewer(c), entity, format, w)
	})
}

// streamFile sends a download of the given export format, named name, that
// write streams into the answer. The caller checks everything it can
// before: once the 200 is sent, an error can only cut the stream short (a
// truncated file, never a silently complete-looking one), and is logged.
func (s *Server) streamFile(c echo.Context, format, name string, write func(w io.Writer) error) error {
	// A large export takes longer than the server's write timeout for
	// ordinary answers.
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(30 * time.Minute))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, importer.ContentType(format))
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().WriteHeader(http.StatusOK)
	if isHead(c) {
		return nil
	}
	if err := write(c.Response()); err != nil {
		s.log.Error("export failed mid-stream", slog.String("request_id", requestID(c)),
			slog.String("file", name), slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportCompliant streams the published list of compliant models on a date,
// named after that date, checking the filter before the first byte.
func (s *Server) exportCompliant(c echo.Context, format string) error {
	if !slices.Contains(importer.CompliantFormats, format) {
		return problem(http.StatusNotFound, "not-found", "Not found",
			"the compliant-models export is csv, xlsx or ndjson")
	}
	q := newQuery(c, "at", "brand", "kind", "standard", "q")
	f := compliantFilter(q)
	if err := q.err(nil); err != nil {
		return err
	}
	if err := s.store.CheckCompliantFilter(f); err != nil {
		return err
	}
	at := s.dayOr(f.At)
	f.At = at
	return s.streamFile(c, format, "compliant-models-"+at+"."+format, func(w io.Writer) error {
		return importer.ExportCompliant(c.Request().Context(), s.store, f, at, format, w)
	})
}

func notFoundExport() error {
	return problem(http.StatusNotFound, "not-found", "Not found",
		"export files are <entity>.<format>, with entity one of "+strings.Join(importer.Entities, ", ")+
			" and format one of "+strings.Join(importer.ExportFormats, ", "))
}
