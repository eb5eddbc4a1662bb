// Package web is the inspector's page: a small, mobile-first web page for
// looking up a camera model's verdict, checking a model number read off a
// label, and recording a shop inspection. It is hand-written HTML, CSS and
// JavaScript modules, embedded in the binary and served as they are, so
// there is no build step and nothing to install at run time; the page talks
// only to the /v1 API of the same server.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// CSP is the Content-Security-Policy of the page and its assets. Scripts,
// styles and API calls come from the server itself and nowhere else, with
// no inline code; images may also be data: URLs, or blob: URLs (photos
// taken on the phone, and private photos fetched with the key); the
// service worker is the page's own.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// IndexPath and StaticPrefix are where the server mounts the page and its
// assets.
const (
	IndexPath    = "/"
	StaticPrefix = "/static/"
)

//go:embed static
var static embed.FS

// asset is an embedded file with its validator.
type asset struct {
	name string
	data []byte
	etag string
}

// assets are read once: the files never change while the binary runs, so
// each one's ETag is the hash of its content.
var assets = func() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "static/")] = asset{name: path.Base(p), data: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic("web: read embedded files: " + err.Error())
	}
	return out
}()

// Handler serves index.html at IndexPath and the other files under
// StaticPrefix. The assets have no version in their names, so browsers
// revalidate them on each load (Cache-Control: no-cache) and get a 304
// when the ETag still matches.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		switch {
		case r.URL.Path == IndexPath:
			name = "index.html"
		case strings.HasPrefix(r.URL.Path, StaticPrefix):
			name = strings.TrimPrefix(r.URL.Path, StaticPrefix)
		}
		a, ok := assets[name]
		if !ok || name == "" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("ETag", a.etag)
		h.Set("Cache-Control", "no-cache")
		if name == "sw.js" {
			// The offline shell's service worker lives under /static/ but
			// serves the page at /.
			h.Set("Service-Worker-Allowed", "/")
		}
		// ServeContent picks the type from the extension, answers
		// If-None-Match with 304, and handles HEAD and ranges.
		http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
	})
}
