package api

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

func TestPermalinks(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.store.SetClock(func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) })
		e.fixture()
		e.create("models", map[string]any{"brand": "Ebitcam", "model_number": "E3", "status": "verified",
			"name": `<script>alert("x")</script> & co`})
		e.create("models", map[string]any{"brand": "Yoosee", "model_number": "Y33-1080P", "status": "pending"})

		// The page: Vietnamese, escaped, self-contained, with today's verdict.
		r := e.do(http.MethodGet, "/m/hikvision/ds2cd1023g0ei", "", nil).want(http.StatusOK)
		body := r.Body.String()
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q", ct)
		}
		for _, want := range []string{`<html lang="vi">`, `name="viewport"`, "DS-2CD1023G0E-I", "CẦN LƯU Ý", "QCVN135-Q1-2025-0012",
			"Còn hiệu lực", "383/CATTT-NCSC", `src="/m/hikvision/ds2cd1023g0ei/qr.svg"`, "01/03/2026",
			`href="/?brand=hikvision&amp;model=ds2cd1023g0ei"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		for _, external := range []string{`src="http`, `href="http`, "<script", "@import"} {
			if strings.Contains(body, external) {
				t.Errorf("the page has %q: it must load nothing from elsewhere and run no script", external)
			}
		}
		csp := r.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'sha256-"+cssHash(permalinkCSS)+"'") {
			t.Errorf("CSP %q", csp)
		}
		r = e.do(http.MethodGet, "/m/ebitcam/e3", "", nil).want(http.StatusOK)
		if b := r.Body.String(); strings.Contains(b, "<script>alert") || !strings.Contains(b, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co") {
			t.Errorf("the model's name is not escaped:\n%s", b)
		}

		// One URL per model: other spellings redirect to it.
		r = e.do(http.MethodGet, "/m/Hikvision/DS-2CD1023G0E-I", "", nil).want(http.StatusMovedPermanently)
		if loc := r.Header().Get("Location"); loc != "/m/hikvision/ds2cd1023g0ei" {
			t.Errorf("Location %q", loc)
		}
		r = e.do(http.MethodGet, "/m/HIKVISION/ds2cd1023g0ei/qr.png", "", nil).want(http.StatusMovedPermanently)
		if loc := r.Header().Get("Location"); loc != "/m/hikvision/ds2cd1023g0ei/qr.png" {
			t.Errorf("Location %q", loc)
		}
		// Only verified models have permalinks.
		for _, path := range []string{"/m/yoosee/y331080p", "/m/yoosee/y331080p/qr.png", "/m/nope/nope", "/m/dahua/ipchfw1230ss5x/qr.svg"} {
			e.do(http.MethodGet, path, "", nil).want(http.StatusNotFound)
		}
		if b := e.do(http.MethodGet, "/m/yoosee/y331080p", "", nil).Body.String(); !strings.Contains(b, "Không tìm thấy") {
			t.Errorf("the not-found page says %q", b)
		}

		// QR codes encode the absolute permalink: the configured public URL.
		generous := map[string]Rate{}
		for tier := range DefaultRates {
			generous[tier] = Rate{PerSecond: 1e6, Burst: 1e6}
		}
		srv := New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous,
			PublicURL: "https://camreg.example.vn/"})
		get := func(path string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			return rec
		}
		rec := get("/m/hikvision/ds2cd1023g0ei/qr.png")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("qr.png: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("qr.png does not decode: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
			t.Errorf("qr.png is %v", b)
		}
		wantPNG, err := qrcode.Encode("https://camreg.example.vn/m/hikvision/ds2cd1023g0ei", qrcode.Medium, 512)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Body.Bytes(), wantPNG) {
			t.Error("qr.png does not encode https://camreg.example.vn/m/hikvision/ds2cd1023g0ei")
		}
		rec = get("/m/hikvision/ds2cd1023g0ei/qr.svg")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("qr.svg: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		var svg struct {
			XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
			ViewBox string   `xml:"viewBox,attr"`
			Path    struct {
				D string `xml:"d,attr"`
			} `xml:"path"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &svg); err != nil || svg.Path.D == "" {
			t.Fatalf("qr.svg does not parse: %v\n%s", err, rec.Body.String())
		}
		q, _ := qrcode.New("https://camreg.example.vn/m/hikvision/ds2cd1023g0ei", qrcode.Medium)
		if string(qrSVG(q.Bitmap())) != rec.Body.String() {
			t.Error("qr.svg does not draw the permalink's QR code")
		}
		// The verify answer names the same permalink.
		m := get("/v1/verify?model=DS-2CD1023G0E-I")
		if !strings.Contains(m.Body.String(), `"permalink":"https://camreg.example.vn/m/hikvision/ds2cd1023g0ei"`) {
			t.Errorf("verify: %s", m.Body.String())
		}
	})
}

func TestQRSVGDrawsEveryDarkModule(t *testing.T) {
	bitmap := [][]bool{{true, true, false}, {false, true, false}, {true, false, true}}
	got := string(qrSVG(bitmap))
	for _, want := range []string{`viewBox="0 0 3 3"`, "M0 0h2v1h-2z", "M1 1h1v1h-1z", "M0 2h1v1h-1z", "M2 2h1v1h-1z"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
	if strings.Count(got, "M") != 4 {
		t.Errorf("%s draws %d runs, want 4", got, strings.Count(got, "M"))
	}
}

// Without a configured public URL, permalinks take the request's host and
// scheme; the scheme comes from X-Forwarded-Proto only when a trusted proxy
// sends it, and only as http or https. The audit of 2026-12-07 sent
// "X-Forwarded-Proto: javascript" from an ordinary client and got
// "javascript://…/m/…" as the permalink of a verify answer and a feed.
func TestPermalinkSchemeFromTrustedProxiesOnly(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.fixture()
		generous := map[string]Rate{}
		for tier := range DefaultRates {
			generous[tier] = Rate{PerSecond: 1e6, Burst: 1e6}
		}
		for _, c := range []struct {
			proxies     []string
			remote      string
			proto, want string
		}{
			{nil, "192.0.2.1:1234", "javascript", "http://camreg.test/m/"},
			// echo believed any client on loopback or a private network
			{nil, "10.1.2.3:1234", "javascript", "http://camreg.test/m/"},
			{nil, "127.0.0.1:1234", "https", "http://camreg.test/m/"},
			{[]string{"198.51.100.0/24"}, "192.0.2.1:1234", "https", "http://camreg.test/m/"}, // the client is not the proxy
			{[]string{"192.0.2.0/24"}, "192.0.2.1:1234", "https", "https://camreg.test/m/"},
			{[]string{"192.0.2.0/24"}, "192.0.2.1:1234", "javascript", "http://camreg.test/m/"},
		} {
			srv := New(e.store, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous, TrustedProxies: c.proxies})
			req := httptest.NewRequest(http.MethodGet, "/v1/verify?model=DS-2CD1023G0E-I", nil)
			req.Host, req.RemoteAddr = "camreg.test", c.remote
			req.Header.Set("X-Forwarded-Proto", c.proto)
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			var out struct {
				Model struct {
					Permalink string `json:"permalink"`
				} `json:"model"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || !strings.HasPrefix(out.Model.Permalink, c.want) {
				t.Errorf("proxies %v, from %s, X-Forwarded-Proto %s: %d permalink %q, want %s…", c.proxies, c.remote, c.proto, rec.Code, out.Model.Permalink, c.want)
			}
		}
	})
}
