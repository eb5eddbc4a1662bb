package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// specVerify checks a delivery as the Standard Webhooks specification
// (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md)
// says, by hand, with no library: a receiver in another language does the
// same. The secret is "whsec_" and the base64 of the key; the signed content
// is webhook-id "." webhook-timestamp "." body; webhook-signature is a
// space-separated list of "v1,<base64 of HMAC-SHA256>"; the timestamp is
// integer seconds since the epoch, within tolerance of now.
func specVerify(secret string, h http.Header, body []byte, now time.Time) error {
	b64, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return errors.New(`the secret does not start with "whsec_"`)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return fmt.Errorf("the secret is not 24 to 64 bytes in base64: %v", err)
	}
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers: id %q timestamp %q signature %q", id, ts, sigs)
	}
	if ct, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || ct != "application/json" {
		return fmt.Errorf("content type %q, want application/json", h.Get("Content-Type"))
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || strconv.FormatInt(sec, 10) != ts {
		return fmt.Errorf("webhook-timestamp %q is not integer seconds", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("webhook-timestamp %s is %v from now", ts, d)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Split(sigs, " ") {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no v1 signature in %q matches", sigs)
}

// The hand-made verifier accepts the specification's own example and
// refuses it changed, so that the receiver's second check means something.
func TestSpecVerifyByHand(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	secret, body, at := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", []byte(`{"test": 2432232314}`), time.Unix(1614265330, 0)
	if err := specVerify(secret, h, body, at); err != nil {
		t.Fatalf("the specification's example: %v", err)
	}
	if specVerify(secret, h, []byte(`{"test": 2432232315}`), at) == nil {
		t.Error("a changed body verifies")
	}
	if specVerify(secret, h, body, at.Add(time.Hour)) == nil {
		t.Error("an old timestamp verifies")
	}
	h.Set("webhook-signature", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v2,x")
	if specVerify(secret, h, body, at) == nil {
		t.Error("a signature of another version verifies")
	}
}
