package models

import "camreg/models/verdict"

// CompareFirmware orders two firmware versions (see verdict.CompareFirmware).
func CompareFirmware(a, b string) int { return verdict.CompareFirmware(a, b) }

// FirmwareInRange reports whether v is in [introducedIn, fixedIn) (see
// verdict.FirmwareInRange).
func FirmwareInRange(v, introducedIn, fixedIn string) bool {
	return verdict.FirmwareInRange(v, introducedIn, fixedIn)
}

// CanonicalFirmware writes a version in one form (see verdict.CanonicalFirmware).
func CanonicalFirmware(s string) string { return verdict.CanonicalFirmware(s) }
