// Package systemtest drives real camreg processes on loopback: the binary
// is built once per test run, servers are started and killed as child
// processes, and their databases (SQLite files, a private PostgreSQL
// database or a private PostgreSQL cluster) and search engines are
// provisioned by the tests themselves.
//
// Its tests check what only whole processes show (issue #7): that several
// servers on one PostgreSQL keep one linear change log and converging
// indexes (run with `make test` when CAMREG_TEST_PG is set), and that
// faults (kill -9, a PostgreSQL restart, Meilisearch down, a full or
// read-only disk) lose no acknowledged write, leave nothing half-written
// and are answered with 503 and Retry-After, not hangs (CAMREG_FAULTS=1,
// `make faults`). RELIABILITY.md records their figures.
//
// The package has no code outside its tests.
package systemtest
