package web

import (
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
)

func get(t *testing.T, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
	}{
		{"/", "text/html; charset=utf-8", `<script type="module" src="/static/app.js">`, http.StatusOK},
		{"/static/app.js", "text/javascript; charset=utf-8", "import", http.StatusOK},
		{"/static/app.css", "text/css; charset=utf-8", ":focus-visible", http.StatusOK},
		{"/static/index.html", "text/html; charset=utf-8", "<!doctype html>", http.StatusOK},
		{"/static/", "", "", http.StatusNotFound},
		{"/static/nope.js", "", "", http.StatusNotFound},
		{"/static/../web.go", "", "", http.StatusNotFound},
		{"/index.html", "", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(t, tt.path)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q", tt.wantBody)
			}
			if rec.Header().Get("ETag") == "" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("ETag %q, Cache-Control %q: want a validator and no-cache", rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestHandlerRevalidates(t *testing.T) {
	first := get(t, "/static/app.js")
	etag := first.Header().Get("ETag")
	if again := get(t, "/static/app.js", "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match with the current ETag: status %d, %d bytes; want 304 and no body", again.Code, again.Body.Len())
	}
	if other := get(t, "/static/app.js", "If-None-Match", `"stale"`); other.Code != http.StatusOK {
		t.Errorf("If-None-Match with a stale ETag: status %d, want 200", other.Code)
	}
}

// firstLoad is what the page at / fetches before anyone touches it:
// index.html, its stylesheet, the static import graph of app.js (a
// dynamic import(), such as records.js, scan.js or the decoder, waits
// until it is used), and the service worker it registers.
func firstLoad(t *testing.T) map[string]bool {
	t.Helper()
	seen := map[string]bool{"index.html": true, "app.css": true, "sw.js": true}
	var walk func(name string)
	walk = func(name string) {
		if seen[name] {
			return
		}
		if assets[name].data == nil {
			t.Fatalf("%s is imported but not embedded", name)
		}
		seen[name] = true
		for _, line := range strings.Split(string(assets[name].data), "\n") {
			if !strings.HasPrefix(line, "import ") {
				continue
			}
			if i := strings.Index(line, "'./"); i >= 0 {
				dep := line[i+3:]
				walk(path.Join(path.Dir(name), dep[:strings.Index(dep, "'")]))
			}
		}
	}
	walk("app.js")
	return seen
}

// fleetPage are the files of the fleet page's own (an operator's page on a
// desktop, at its own URL): the inspector's page never loads them, so they
// are weighed with the files that page loads, not with the inspector's.
var fleetPage = []string{"fleets.html", "fleets.js", "fleets.css", "api.js", "i18n.js", "app.css", "list.css"}

// TestWeight keeps the page light: the first load (firstLoad) stays under
// the 150 KB budget; every vendored file stays under 1 MiB. The browser
// test measures the same first load on the wire.
func TestWeight(t *testing.T) {
	first := firstLoad(t)
	if !first["inspect.js"] || !first["outbox.js"] || first["records.js"] || first["vendor/zxing.umd.min.js"] {
		t.Errorf("the first load is not what the page loads: %v", first)
	}
	total := 0
	for name, a := range assets {
		if len(a.data) >= 1<<20 {
			t.Errorf("%s weighs %d bytes; vendored files stay under 1 MiB", name, len(a.data))
		}
		if !first[name] {
			t.Logf("%-24s %7d bytes (loaded when used, or another page)", name, len(a.data))
			continue
		}
		total += len(a.data)
		t.Logf("%-24s %7d bytes", name, len(a.data))
	}
	t.Logf("first load               %7d bytes", total)
	if total >= 150_000 {
		t.Errorf("the first load weighs %d bytes; it must stay under 150,000", total)
	}
	fleet := 0
	for _, name := range fleetPage {
		if assets[name].data == nil {
			t.Errorf("the fleet page loads %s, which does not exist", name)
		}
		fleet += len(assets[name].data)
	}
	t.Logf("fleet page               %7d bytes", fleet)
	if fleet >= 150_000 {
		t.Errorf("the fleet page's files weigh %d bytes; its first load must stay under 150,000", fleet)
	}
}

// TestServiceWorkerScope lets the worker under /static/ serve the page at /.
func TestServiceWorkerScope(t *testing.T) {
	rec := get(t, "/static/sw.js")
	if rec.Code != http.StatusOK || rec.Header().Get("Service-Worker-Allowed") != "/" {
		t.Errorf("status %d, Service-Worker-Allowed %q; want 200 and /", rec.Code, rec.Header().Get("Service-Worker-Allowed"))
	}
	if rec := get(t, "/static/app.js"); rec.Header().Get("Service-Worker-Allowed") != "" {
		t.Error("only the worker says Service-Worker-Allowed")
	}
}

// TestOfflineShell keeps the service worker's list of the shell's files in
// step with the files: each one it caches exists, and every module the
// first load imports is in it, so the page opens offline.
func TestOfflineShell(t *testing.T) {
	sw := string(assets["sw.js"].data)
	start := strings.Index(sw, "const SHELL = [")
	end := strings.Index(sw[start:], "];")
	if start < 0 || end < 0 {
		t.Fatal("sw.js has no SHELL list")
	}
	shell := map[string]bool{}
	for _, f := range strings.Split(sw[start+len("const SHELL = ["):start+end], ",") {
		p := strings.Trim(strings.TrimSpace(f), "'")
		shell[p] = true
		if p != "/" && assets[strings.TrimPrefix(p, StaticPrefix)].data == nil {
			t.Errorf("sw.js caches %s, which does not exist", p)
		}
	}
	// The static imports of the first load, from app.js down.
	seen := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		if !shell[StaticPrefix+name] {
			t.Errorf("%s is loaded on the first load but not cached by sw.js", name)
		}
		for _, line := range strings.Split(string(assets[name].data), "\n") {
			if !strings.HasPrefix(line, "import ") {
				continue
			}
			if i := strings.Index(line, "'./"); i >= 0 {
				dep := line[i+3:]
				walk(path.Join(path.Dir(name), dep[:strings.Index(dep, "'")]))
			}
		}
	}
	walk("app.js")
	if len(seen) < 5 {
		t.Errorf("found only %d modules from app.js: %v", len(seen), seen)
	}
}
