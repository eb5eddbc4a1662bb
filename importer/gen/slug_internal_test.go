package gen

import "testing"

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Camera Wi-Fi trong nhà quay quét 360° 1080p", "camera-wi-fi-trong-nha-quay-quet-360-1080p"},
		{"Đầu ghi Hikvision DS-2CD1023G0E-I", "dau-ghi-hikvision-ds-2cd1023g0e-i"},
		{"Camera cảm biến nhiệt 256×192 – ĐỨC", "camera-cam-bien-nhiet-256-192-duc"},
		{"  Nhà Thông Minh (Official)  ", "nha-thong-minh-official"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := slug(tc.in); got != tc.want {
			t.Errorf("slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
