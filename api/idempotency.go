package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"camreg/models"
)

// IdempotencyKeyHeader is the header of the IETF httpapi idempotency-key
// draft.
const IdempotencyKeyHeader = "Idempotency-Key"

// replayBodyKey names, in the echo context, the body a handler wants kept
// for replays instead of the one it answered.
const replayBodyKey = "camreg.replayBody"

// maxIdempotencyKey bounds a key's length.
const maxIdempotencyKey = 255

// maxIdempotentBody bounds the body hashed for the fingerprint; the
// handlers bound their bodies further (photos are the largest, 5 MiB).
const maxIdempotentBody = 6 << 20

// idempotent makes a creating POST safe to retry: with an Idempotency-Key
// header, the same key and the same request (method, path and body) replay
// the first answer (status, body, Location, ETag); the same key with
// another request is a 422; while the first request runs, a repeat is a
// 409. Keys are scoped to the API key and kept 24 hours. The write the
// handler makes marks the key inside its own transaction (models), so a
// request whose answer was lost is never carried out twice. Without the
// header the request runs as usual. It sits after the role check, so only
// keyed requests reach it.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw, present := c.Request().Header[IdempotencyKeyHeader]
		if !present {
			return next(c)
		}
		key, err := parseIdempotencyKey(raw)
		if err != nil {
			return err
		}
		actor, ok := actorOf(c)
		if !ok {
			return errUnauthorized
		}
		r := c.Request()
		body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxIdempotentBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return problem(http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large", "the body is larger than this endpoint accepts")
			}
			return problem(http.StatusBadRequest, "bad-request", "Unreadable body", "the request body could not be read")
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return s.runIdempotent(c, &models.IdempotencyKey{Scope: actor.KeyID, Key: key,
			Fingerprint: requestFingerprint(r.Method, r.URL.Path, r.Header.Get(echo.HeaderContentType), body)}, next)
	}
}

// runIdempotent runs next once for the claimed key k (its fingerprint made
// by the caller): a repeat replays the stored answer, another request with
// the key is a 422, a repeat while the first runs or after an answer that
// was lost in a crash is a 409.
func (s *Server) runIdempotent(c echo.Context, k *models.IdempotencyKey, next echo.HandlerFunc) error {
	r := c.Request()
	ctx := r.Context()
	stored, err := s.store.ClaimIdempotencyKey(ctx, k)
	var done *models.KeyDoneError
	switch {
	case errors.Is(err, models.ErrKeyReused):
		return problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency key already used",
			"this Idempotency-Key was used with a different request; use a new key for a new request")
	case errors.Is(err, models.ErrKeyInFlight):
		return problem(http.StatusConflict, "idempotency-key-in-flight", "Request in progress",
			"a request with this Idempotency-Key is still being processed; retry shortly")
	case errors.As(err, &done):
		if loc := resourcePath(done.Resource); loc != "" {
			c.Response().Header().Set(echo.HeaderLocation, loc)
		}
		return problem(http.StatusConflict, "idempotency-key-done", "Request already carried out",
			"a request with this Idempotency-Key was carried out ("+done.Resource+"), but its answer was lost; read the record at Location instead of retrying")
	case err != nil:
		return err
	case stored != nil:
		hd := c.Response().Header()
		if stored.Location != "" {
			hd.Set(echo.HeaderLocation, stored.Location)
		}
		if stored.ETag != "" {
			hd.Set("ETag", stored.ETag)
		}
		hd.Set("Idempotent-Replayed", "true")
		ct := stored.ContentType
		if ct == "" {
			ct = echo.MIMEApplicationJSON
		}
		return c.Blob(stored.Status, ct, stored.Body)
	}

	c.SetRequest(r.WithContext(models.WithIdempotencyKey(ctx, k)))
	rec := &answerRecorder{ResponseWriter: c.Response().Writer}
	c.Response().Writer = rec
	herr := next(c)
	c.Response().Writer = rec.ResponseWriter
	// A context that outlives a client who hung up: the answer must be
	// kept exactly when the write committed.
	bg := context.WithoutCancel(ctx)
	if !k.Marked() {
		if err := s.store.ReleaseIdempotencyKey(bg, k); err != nil {
			s.log.Error("release idempotency key", "err", err)
		}
		return herr
	}
	if herr != nil || !c.Response().Committed {
		// The write committed but no answer was written: repeats are
		// told so (409) rather than running again.
		return herr
	}
	hd := c.Response().Header()
	a := models.StoredAnswer{Status: c.Response().Status, Location: hd.Get(echo.HeaderLocation),
		ContentType: hd.Get(echo.HeaderContentType), ETag: hd.Get("ETag"), Body: rec.buf.Bytes()}
	if kept, ok := c.Get(replayBodyKey).([]byte); ok {
		// The handler's answer holds a secret shown once: the replay
		// is the answer without it (api/webhook.go).
		a.Body = kept
	}
	if err := s.store.FinishIdempotencyKey(bg, k, a); err != nil {
		s.log.Error("store idempotent answer", "err", err)
	}
	return nil
}

// collectionOf maps the change log's entity names to their collections.
var collectionOf = map[string]string{
	"organization": "organizations", "camera_model": "models", "standard": "standards", "certificate": "certificates",
	"origin_certificate": "origin-certificates", "warning": "warnings", "listing": "listings", "inspection": "inspections",
	"finding": "findings", "photo": "photos", "import_job": "imports",
}

// resourcePath is the path of a record named "entity/id", or "".
func resourcePath(resource string) string {
	entity, id, ok := strings.Cut(resource, "/")
	if col := collectionOf[entity]; ok && col != "" && id != "" {
		return "/v1/" + col + "/" + id
	}
	return ""
}

// requestFingerprint identifies a request: its method, path, content type
// and body. A repeat must match it exactly.
func requestFingerprint(method, path, contentType string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n" + contentType + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// parseIdempotencyKey reads the header's one value: a structured-field
// string ("…", as the draft says) or, leniently, a bare token; printable
// ASCII, 1 to 255 characters.
func parseIdempotencyKey(values []string) (string, error) {
	bad := func(detail string) error {
		return problem(http.StatusBadRequest, "bad-idempotency-key", "Invalid Idempotency-Key", detail)
	}
	if len(values) != 1 {
		return "", bad("send one Idempotency-Key header")
	}
	v := strings.TrimSpace(values[0])
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	if v == "" || len(v) > maxIdempotencyKey {
		return "", bad("the key must be 1 to 255 characters, such as a UUID")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\' {
			return "", bad("the key must be printable ASCII without spaces or quotes, such as a UUID")
		}
	}
	return v, nil
}

// answerRecorder keeps a copy of the answer written through it.
type answerRecorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	a.buf.Write(b)
	return a.ResponseWriter.Write(b)
}

func (a *answerRecorder) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (a *answerRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(a.ResponseWriter).Hijack()
}

func (a *answerRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }
