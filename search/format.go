package search

// DocumentFormat names the shape of the documents this build makes of the
// same records (their fields, their folding, the words they add: the
// street initials of c88a6e8, fold.Text's lookalike letters of a1a0247).
// It is part of every index's cursor name (CursorName, the bleve index's
// cursor key), so an index a build of another format wrote has no cursor
// for this one: serve's catch-up finds it the whole log behind and rebuilds
// it from the rows, as it does a new index, instead of answering from
// documents a query of this build no longer matches. TestDocumentFormat
// fails when the documents change and the format does not.
const DocumentFormat = "2026-12-07.1"

// CursorName is the name of backend's cursor (search_cursors) for the
// documents of this build's format.
func CursorName(backend string) string { return backend + ":camreg@" + DocumentFormat }
