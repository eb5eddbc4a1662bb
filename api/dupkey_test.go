package api

import "testing"

func TestDuplicateKey(t *testing.T) {
	for _, c := range []struct {
		body, path string
		dup        bool
	}{
		{`{"a":1,"b":2}`, "", false},
		{`{"a":1,"a":2}`, "a", true},
		{`{"a":{"x":1},"b":{"x":2}}`, "", false},
		{`{"models":[{"camera_model_id":"x"},{"firmware":"1","firmware":"2"}]}`, "models[1].firmware", true},
		{`{"a":[1,{"k":"v","k":"w"}]}`, "a[1].k", true},
		{`{"a":"a","b":"a"}`, "", false},
		// encoding/json matches keys to fields ignoring case: the audit of
		// 2026-12-07 had a bulk verify item judged by its second "Model".
		{`{"items":[{"model":"Y33-1080P","Model":"DS-2CD1023G0E-I"}]}`, "items[0].Model", true},
		{`{"status":"valid","ſtatus":"revoked"}`, "ſtatus", true},
		{`{"Brand":"x","brand":"y"}`, "brand", true},
	} {
		path, dup := duplicateKey([]byte(c.body))
		if dup != c.dup || path != c.path {
			t.Errorf("%s: %q %v, want %q %v", c.body, path, dup, c.path, c.dup)
		}
	}
}
