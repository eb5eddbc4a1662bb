//go:build !cgo

package models

// noCheckpointOnClose: without cgo there is no SQLite in C to set it on.
func noCheckpointOnClose(any) bool { return false }
