package api

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// Firmware typed in full-width forms is the ASCII version: the fixture's
// warning (fixed in V5.5.800) does not affect Ｖ５.５.８００, which was judged
// affected (a false warning), and still affects Ｖ５.５.５３.
func TestFullWidthFirmwareIsTheVersion(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		for _, tc := range []struct {
			fw, verdict, code string
		}{
			{"V5.5.800", "compliant", "firmware_not_affected"},
			{"Ｖ５.５.８００", "compliant", "firmware_not_affected"},
			{"Ｖ５．５．８００　ｂｕｉｌｄ　２１０６２８", "compliant", "firmware_not_affected"},
			{"Ｖ５.５.５３", "warning", "warned_model"},
		} {
			v := e.do(http.MethodGet, "/v1/verify?model=DS-2CD1023G0E-I&brand=Hikvision&at=2026-03-01&firmware="+url.QueryEscape(tc.fw), "", nil).
				want(http.StatusOK).json()
			if codes := reasonCodes(v); v["verdict"] != tc.verdict || !slices.Contains(codes, tc.code) {
				t.Errorf("%s: %v %v, want %s with %s", tc.fw, v["verdict"], codes, tc.verdict, tc.code)
			}
		}
	})
}
