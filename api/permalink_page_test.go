package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// permalinkWorld is the fixture on 2026-03-01, plus a model with a long
// name and a certificate with a long number, the widest rows a page shows.
func permalinkWorld(t *testing.T, e *testEnv) fixture {
	t.Helper()
	e.store.SetClock(func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) })
	f := e.fixture()
	e.do(http.MethodPatch, "/v1/models/"+f.model, e.admin, map[string]any{"origin_country": "CN",
		"name": "Camera IP thân trụ hồng ngoại 2MP ngoài trời chống nước IP67"}).want(http.StatusOK)
	// A certificate covering one firmware, with a long number, as the
	// demo's QCVN 11 certificates have.
	e.create("certificates", map[string]any{"number": "QCVN11-2026/BCA-QUATEST3-004521", "standard_code": "QCVN 135:2024/BTTTT",
		"certification_body_org_id": f.body, "method": 5, "holder_org_id": f.importer, "issued_on": "2025-06-01",
		"expires_on": "2028-05-31", "models": []map[string]any{{"camera_model_id": f.model, "firmware": "V5.7.3 build 220112"}}})
	return f
}

func TestPermalinkLanguagesAndLabels(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		permalinkWorld(t, e)
		vi := e.do(http.MethodGet, "/m/hikvision/ds2cd1023g0ei", "", nil).want(http.StatusOK)
		en := e.do(http.MethodGet, "/m/hikvision/ds2cd1023g0ei", "", nil, "Accept-Language", "en-US,en;q=0.9").want(http.StatusOK)
		if vi.Header().Get("Content-Language") != "vi" || en.Header().Get("Content-Language") != "en" ||
			!strings.Contains(en.Header().Get("Vary"), "Accept-Language") {
			t.Errorf("Content-Language %q / %q, Vary %q", vi.Header().Get("Content-Language"), en.Header().Get("Content-Language"), en.Header().Get("Vary"))
		}
		checks := []struct {
			r          response
			want, lack []string
		}{
			{vi, []string{`<html lang="vi">`, "Camera IP", "Trung Quốc", "Giấy chứng nhận hợp quy", "CẦN LƯU Ý",
				"được bán nếu firmware từ V5.5.800 trở lên", "Còn hiệu lực"}, []string{"<dd>ip</dd>", "<dd>CN</dd>", "xem các lý do"}},
			{en, []string{`<html lang="en">`, "IP camera", "China", "Certificates of conformity", "COMPLIANT WITH RESERVATIONS",
				"may be sold with firmware V5.5.800 or later", "Valid", "2026-03-01"}, []string{"<dd>ip</dd>", "<dd>CN</dd>", "Giấy chứng nhận"}},
		}
		for _, c := range checks {
			body := c.r.Body.String()
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the %s page lacks %q", c.r.Header().Get("Content-Language"), w)
				}
			}
			for _, l := range c.lack {
				if strings.Contains(body, l) {
					t.Errorf("the %s page shows %q", c.r.Header().Get("Content-Language"), l)
				}
			}
		}
		// The verify API says what is allowed too.
		v := e.do(http.MethodGet, "/v1/verify?model=DS-2CD1023G0E-I&brand=Hikvision", "", nil).want(http.StatusOK).json()
		if s := v["summary"].(string); !strings.Contains(s, "được bán nếu firmware từ V5.5.800 trở lên") {
			t.Errorf("verify's summary %q", s)
		}

		// The 404 offers the lookup, with what the address named.
		for _, lang := range []string{"vi", "en"} {
			r := e.do(http.MethodGet, "/m/hikvision/ds2cd9999", "", nil, "Accept-Language", lang).want(http.StatusNotFound)
			b := r.Body.String()
			if !strings.Contains(b, `<form action="/" method="get" role="search">`) || !strings.Contains(b, `name="model" value="ds2cd9999"`) ||
				!strings.Contains(b, `name="brand" value="hikvision"`) || !strings.Contains(b, `<html lang="`+lang+`">`) {
				t.Errorf("the %s not-found page offers no lookup:\n%s", lang, b)
			}
			if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("the not-found page's CSP %q blocks its form", csp)
			}
		}
		// Type follows the reader's font size: no pixel font sizes.
		if regexp.MustCompile(`font(-size)?:[^;}]*\dpx`).MatchString(permalinkCSS) {
			t.Error("the pages' CSS sets a font size in pixels")
		}
	})
}

// The pages fit a 320 px wide screen: measured in Chromium, when it is
// installed, by loading each page into a 320 px frame.
func TestPermalinkFits320px(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed: cannot measure the pages' width")
	}
	eachEnv(t, func(t *testing.T, e *testEnv) {
		if t.Name() != "TestPermalinkFits320px/sqlite" {
			t.Skip("the layout does not depend on the database")
		}
		permalinkWorld(t, e)
		var pages []string
		for _, p := range []struct{ path, lang string }{{"/m/hikvision/ds2cd1023g0ei", "vi"}, {"/m/hikvision/ds2cd1023g0ei", "en"},
			{"/m/dahua/ipchfw1230ss5", "vi"}, {"/m/nope/nope1234567890", "vi"}} {
			pages = append(pages, e.do(http.MethodGet, p.path, "", nil, "Accept-Language", p.lang).Body.String())
		}
		raw, _ := json.Marshal(pages)
		wrapper := `<!doctype html><html><body><script>
const pages = ` + string(raw) + `; const widths = []; let left = pages.length;
pages.forEach((html, i) => {
  const f = document.createElement('iframe');
  f.style.cssText = 'width:320px;height:900px;border:0;display:block';
  f.onload = () => { widths[i] = f.contentDocument.documentElement.scrollWidth; if (--left === 0) document.title = 'W' + widths.join(','); };
  document.body.appendChild(f);
  f.srcdoc = html;
});
</script></body></html>`
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/wrap" {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(wrapper))
				return
			}
			e.srv.Handler().ServeHTTP(w, r)
		}))
		defer ts.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
			"--dump-dom", ts.URL+"/wrap").Output()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		m := regexp.MustCompile(`<title>W([\d,]+)</title>`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("no widths measured:\n%.500s", out)
		}
		t.Logf("widths at 320 px: %s", m[1])
		for i, w := range strings.Split(string(m[1]), ",") {
			if n, _ := strconv.Atoi(w); n > 320 {
				t.Errorf("page %d is %d px wide on a 320 px screen", i, n)
			}
		}
	})
}
