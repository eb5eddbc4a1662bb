//go:build !linux || !cgo

package models

// ReleaseFreeCMemory does nothing without glibc (malloc_linux.go).
func ReleaseFreeCMemory() {}

// ReuseBigCBlocks does nothing without glibc (malloc_linux.go).
func ReuseBigCBlocks() (restore func()) { return func() {} }
