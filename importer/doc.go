// Package importer loads data into the registry: bulk files of the
// registry's entities (CSV, XLSX, JSON, NDJSON), and the demo dataset,
// which is itself a set of such files (importer/demo/*.csv). Everything it
// loads goes through the models services, so each row is validated and
// written to the change log exactly as if it had come through the API. It
// also writes the public dataset back out in the same formats (export).
package importer
