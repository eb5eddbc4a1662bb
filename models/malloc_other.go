//go:build !linux || !cgo

package models

// ReleaseFreeCMemory does nothing without glibc (malloc_linux.go).
func ReleaseFreeCMemory() {}
