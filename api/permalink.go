package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"camreg/fold"
	"camreg/models"
)

// Public permalinks are the e-labels of Decree 37/2026/NĐ-CP: a QR code on
// the box points to /m/<brand>/<model_key>, a small page in Vietnamese that
// says, today, whether the model may be sold, with its certificates and
// warnings. The page has no scripts and no external assets, so it loads
// on any phone and its CSP can forbid everything but its own style and QR.

// permalinkPath is a verified model's public page.
func permalinkPath(m *models.Model) string {
	return "/m/" + m.BrandKey + "/" + m.ModelKey
}

// publicBase is the absolute base URL of permalinks: CAMREG_PUBLIC_URL
// when configured (as it should be in production, so that a forged Host
// header cannot change what a QR code says), else the request's own.
func (s *Server) publicBase(c echo.Context) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	return s.scheme(c.Request()) + "://" + c.Request().Host
}

// scheme is the request's scheme: https over TLS; behind a trusted proxy,
// its X-Forwarded-Proto when that is http or https; else http. echo's
// Scheme believed any client's X-Forwarded-Proto, whatever it said, and
// put it at the head of the permalinks of a page shared caches keep
// ("X-Forwarded-Proto: javascript").
func (s *Server) scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if ip := net.ParseIP(host); ip != nil && slices.ContainsFunc(s.proxies, func(n *net.IPNet) bool { return n.Contains(ip) }) {
			switch p := strings.ToLower(strings.TrimSpace(r.Header.Get(echo.HeaderXForwardedProto))); p {
			case "http", "https":
				return p
			}
		}
	}
	return "http"
}

// permalinkCSS is the pages' only style; its hash is in their CSP. Sizes
// are in rem, from the reader's own font size; at 320 px the certificate
// table folds into one block per certificate, and long numbers wrap.
const permalinkCSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1f24;background:#f4f6f8}
main{max-width:40rem;margin:0 auto;padding:.75rem}
header p{margin:0;color:#57606a}
h1{margin:.1rem 0;font-size:1.6rem}
h1,td,dd,li,p{overflow-wrap:anywhere}
h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
.verdict{border-radius:.6rem;padding:.8rem 1rem;margin:1rem 0;color:#fff}
.verdict .label{font-size:1.4rem;font-weight:700;margin:0}
.verdict p{margin:.2rem 0}
.v-compliant{background:#1a7f37}.v-non_compliant{background:#cf222e}.v-warning{background:#9a6700}.v-unknown{background:#57606a}
ul{padding-left:1.2rem;margin:.3rem 0}
li{margin:.3rem 0}
.r-non_compliant{color:#a40e26}.r-warning{color:#7d4e00}
table{width:100%;border-collapse:collapse;font-size:.92rem;background:#fff}
th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #d0d7de;vertical-align:top}
@media (max-width:36rem){table,tbody,tr,td{display:block;width:100%}tr:first-child{display:none}tr{border-bottom:1px solid #d0d7de;padding:.3rem 0}td{border:0;padding:.1rem .4rem}td::before{content:attr(data-label) ": ";color:#57606a}}
dl{display:grid;grid-template-columns:auto minmax(0,1fr);gap:.2rem .8rem;background:#fff;padding:.6rem;margin:0}
dt{color:#57606a}dd{margin:0;min-width:0}
footer{margin-top:1.5rem;font-size:.85rem;color:#57606a;text-align:center}
footer img{width:10rem;height:10rem;max-width:100%;display:block;margin:.5rem auto;background:#fff}
a{color:#0969da}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
label{flex:1 1 100%}
input{flex:1 1 10rem;min-width:0;font:inherit;padding:.5rem;border:1px solid #8c959f;border-radius:.4rem}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.4rem;background:#0969da;color:#fff}
`

var (
	permalinkCSP = "default-src 'none'; style-src 'sha256-" + cssHash(permalinkCSS) + "'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// notFoundCSP lets the not-found page's lookup form go to the lookup.
	notFoundCSP = "default-src 'none'; style-src 'sha256-" + cssHash(permalinkCSS) + "'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

	permalinkPage = template.Must(template.New("permalink").Parse(`<!doctype html>
<html lang="{{.T.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Model.Brand}} {{.Model.ModelNumber}} – {{.T.TitleSuffix}}</title>
<style>` + permalinkCSS + `</style>
</head>
<body>
<main>
<header>
<p>{{.Model.Brand}}</p>
<h1>{{.Model.ModelNumber}}</h1>
{{if .Model.Name}}<p>{{.Model.Name}}</p>{{end}}
</header>
<section class="verdict v-{{.Verdict}}">
<p class="label">{{.Label}}</p>
<p>{{.Summary}}</p>
</section>
<section>
<h2>{{.T.Why}}</h2>
<ul>{{range .Reasons}}<li class="r-{{.Effect}}">{{.Message}}</li>{{end}}</ul>
</section>
<section>
<h2>{{.T.Certs}}</h2>
{{if .Certificates}}<table>
<tr><th>{{.T.CertNumber}}</th><th>{{.T.CertStandard}}</th><th>{{.T.CertValidity}}</th><th>{{.T.CertState}}</th></tr>
{{range .Certificates}}<tr><td data-label="{{$.T.CertNumber}}">{{.Number}}{{if .Firmware}}<br>(firmware {{.Firmware}}){{end}}</td><td data-label="{{$.T.CertStandard}}">{{.StandardCode}}</td><td data-label="{{$.T.CertValidity}}">{{.Validity}}</td><td data-label="{{$.T.CertState}}">{{.State}}</td></tr>
{{end}}</table>{{else}}<p>{{.T.NoCerts}}</p>{{end}}
</section>
<section>
<h2>{{.T.Warnings}}</h2>
{{if .Warnings}}<ul>{{range .Warnings}}<li>{{.Text}}</li>{{end}}</ul>{{else}}<p>{{.T.NoWarnings}}</p>{{end}}
</section>
<section>
<h2>{{.T.About}}</h2>
<dl>
<dt>{{.T.Brand}}</dt><dd>{{.Model.Brand}}</dd>
<dt>{{.T.ModelNumber}}</dt><dd>{{.Model.ModelNumber}}</dd>
{{if .Kind}}<dt>{{.T.Kind}}</dt><dd>{{.Kind}}</dd>{{end}}
{{if .Origin}}<dt>{{.T.Origin}}</dt><dd>{{.Origin}}</dd>{{end}}
{{if .Model.HSCode}}<dt>{{.T.HSCode}}</dt><dd>{{.Model.HSCode}}</dd>{{end}}
</dl>
</section>
<footer>
<img src="{{.QRPath}}" alt="{{.T.QRAlt}}">
<p>{{.Checked}}<br>
<a href="{{.PagePath}}">{{.T.ByDay}}</a> · <a href="{{.APIPath}}">{{.T.JSON}}</a></p>
{{if .Log}}<p class="log">{{.Log}} · <a href="{{.APIPath}}&amp;receipt=true">{{.T.Receipt}}</a></p>{{end}}
</footer>
</main>
</body>
</html>
`))

	notFoundPage = template.Must(template.New("notfound").Parse(`<!doctype html>
<html lang="{{.T.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.NotFound}} – {{.T.TitleSuffix}}</title>
<style>` + permalinkCSS + `</style>
</head>
<body>
<main>
<section class="verdict v-unknown">
<p class="label">{{.T.NotFound}}</p>
<p>{{.T.NotFoundText}}</p>
</section>
<form action="/" method="get" role="search">
<label for="model">{{.T.Lookup}}</label>
<input id="model" name="model" value="{{.Model}}" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="200">
{{if .Brand}}<input type="hidden" name="brand" value="{{.Brand}}">{{end}}
<button type="submit">{{.T.LookupButton}}</button>
</form>
</main>
</body>
</html>
`))
)

func cssHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// permalinkView is what the page shows.
type permalinkView struct {
	T            *permalinkText
	Model        *models.Model
	Kind, Origin string
	Checked      string
	Verdict      string
	Label        string
	Summary      string
	Day          string
	Reasons      []reasonResponse
	Certificates []certificateRow
	Warnings     []warningRow
	QRPath       string
	APIPath      string
	// PagePath opens the same verdict in the inspector's page, where the
	// date and the firmware can be changed.
	PagePath string
	// Log names the log's checkpoint (size and fingerprint) the verdict
	// can be checked against; empty without a signing key.
	Log string
}

type certificateRow struct {
	Number, StandardCode, Firmware, Validity, State string
}

type warningRow struct{ Text string }

var verdictLabelsVI = map[string]string{
	models.VerdictCompliant:    "ĐẠT",
	models.VerdictNonCompliant: "KHÔNG ĐẠT",
	models.VerdictWarning:      "CẦN LƯU Ý",
	models.VerdictUnknown:      "CHƯA XÁC ĐỊNH",
}

var certStatesVI = map[string]string{
	models.CertStateValid:              "Còn hiệu lực",
	models.CertStateNotYetValid:        "Chưa có hiệu lực",
	models.CertStateExpired:            "Hết hạn",
	models.CertStateSuspended:          "Bị đình chỉ",
	models.CertStateRevoked:            "Bị thu hồi",
	models.CertStateStandardNotInForce: "Quy chuẩn không còn áp dụng",
}

// permalinkModel resolves the path's brand and model keys. A path that is
// not in canonical form (upper case, dashes) is redirected to the
// canonical one, so that every model has one URL.
func (s *Server) permalinkModel(c echo.Context, suffix string) (*models.Verification, bool, error) {
	brand, model := c.Param("brand"), c.Param("model")
	bk, mk := fold.Key(brand), fold.Key(model)
	if bk == "" || mk == "" {
		return nil, false, models.ErrNotFound
	}
	if bk != brand || mk != model {
		return nil, true, c.Redirect(http.StatusMovedPermanently, "/m/"+bk+"/"+mk+suffix)
	}
	v, err := s.store.VerifyPermalink(c.Request().Context(), bk, mk)
	return v, false, err
}

// permalink godoc
//
//	@Summary		A verified model's public page (e-label)
//	@Description	A small HTML page, in Vietnamese or in English (Accept-Language), with the model's verdict today, its certificates and warnings: the target of the model's e-label QR code. Only verified models have one. A path not in canonical form (brand_key/model_key) is redirected to it.
//	@Tags			permalinks
//	@Produce		html
//	@Param			brand	path		string	true	"brand_key, such as hikvision"
//	@Param			model	path		string	true	"model_key, such as ds2cd1023g0ei"
//	@Success		200		{string}	string	"the page"
//	@Success		301		{string}	string	"to the canonical path"
//	@Failure		404		{string}	string	"no verified model there"
//	@Router			/m/{brand}/{model} [get]
func (s *Server) permalink(c echo.Context) error {
	v, redirected, err := s.permalinkModel(c, "")
	if redirected || err != nil {
		return s.permalinkError(c, err)
	}
	lang := responseLang(c)
	t := permalinkTexts[lang]
	day := formatViDate
	if lang == models.LangEN {
		day = func(d models.Date) string { return d.String() }
	}
	view := permalinkView{T: t, Model: v.Model, Verdict: v.Verdict, Label: t.Verdicts[v.Verdict],
		Summary: verdictSummary(v, lang), Day: day(v.At), Checked: fmt.Sprintf(t.Checked, day(v.At)),
		QRPath:   permalinkPath(v.Model) + "/qr.svg",
		APIPath:  "/v1/verify?brand=" + v.Model.BrandKey + "&model=" + v.Model.ModelKey,
		PagePath: "/?brand=" + url.QueryEscape(v.Model.BrandKey) + "&model=" + url.QueryEscape(v.Model.ModelKey),
		Log:      s.logFootnote(c, lang)}
	if v.Model.Kind != "" {
		view.Kind = t.kindLabel(v.Model.Kind)
	}
	if v.Model.OriginCountry != "" {
		view.Origin = t.countryName(v.Model.OriginCountry)
	}
	for _, r := range v.Reasons {
		view.Reasons = append(view.Reasons, reasonResponse{Code: r.Code, Effect: r.Effect, Message: r.Message(lang)})
	}
	for _, ct := range v.Certificates {
		validity := t.From + " " + day(ct.IssuedOn)
		if !ct.ExpiresOn.IsZero() {
			validity += " " + t.To + " " + day(ct.ExpiresOn)
		} else if ct.LotRef != "" {
			validity += ", " + t.ByLot
		}
		view.Certificates = append(view.Certificates, certificateRow{Number: ct.Number, StandardCode: ct.StandardCode,
			Firmware: ct.Firmware, Validity: validity, State: t.CertStates[ct.State]})
	}
	for _, w := range v.Warnings {
		state := t.WarningActive
		switch {
		case w.Status == models.WarningWithdrawn && !w.Active:
			state = t.WarningWithdrawn
		case !w.Active:
			state = t.WarningNotYet
		}
		text := fmt.Sprintf("%s (%s, %s): %s – %s", w.Reference, day(w.IssuedOn), t.Measures[w.Measure], w.Title, state)
		view.Warnings = append(view.Warnings, warningRow{Text: text})
	}
	var buf bytes.Buffer
	if err := permalinkPage.Execute(&buf, view); err != nil {
		return fmt.Errorf("render permalink: %w", err)
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", permalinkCSP)
	// The verdict is "today's": a few minutes of caching is harmless.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=300")
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

var measureLabelVI = map[string]string{
	"update_firmware": "cập nhật firmware",
	"stop_sale":       "dừng kinh doanh",
	"recall":          "thu hồi sản phẩm",
	"ban":             "cấm sử dụng",
}

// permalinkError answers a missing model with a small HTML page rather
// than problem+json: the reader is a person who scanned a label.
func (s *Server) permalinkError(c echo.Context, err error) error {
	if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	// The lookup is offered with what the address named, so that a
	// mistyped or unverified model is one tap from the nearest matches.
	data := struct {
		T            *permalinkText
		Brand, Model string
	}{T: permalinkTexts[responseLang(c)], Brand: c.Param("brand"), Model: c.Param("model")}
	var buf bytes.Buffer
	if err := notFoundPage.Execute(&buf, data); err != nil {
		return fmt.Errorf("render not found: %w", err)
	}
	c.Response().Header().Set("Content-Security-Policy", notFoundCSP)
	return c.HTMLBlob(http.StatusNotFound, buf.Bytes())
}

// qrFor encodes the absolute permalink of the model.
func (s *Server) qrFor(c echo.Context, suffix string) (*qrcode.QRCode, bool, error) {
	v, redirected, err := s.permalinkModel(c, suffix)
	if redirected || err != nil {
		return nil, redirected, err
	}
	q, err := qrcode.New(s.publicBase(c)+permalinkPath(v.Model), qrcode.Medium)
	if err != nil {
		return nil, false, fmt.Errorf("encode QR code: %w", err)
	}
	return q, false, nil
}

// permalinkQRPNG godoc
//
//	@Summary		A verified model's e-label QR code, as PNG
//	@Description	The QR code encodes the absolute URL of the model's public page (CAMREG_PUBLIC_URL, or the request's host). 512×512 pixels.
//	@Tags			permalinks
//	@Produce		png
//	@Param			brand	path		string	true	"brand_key"
//	@Param			model	path		string	true	"model_key"
//	@Success		200		{file}		binary
//	@Failure		404		{object}	Problem
//	@Router			/m/{brand}/{model}/qr.png [get]
func (s *Server) permalinkQRPNG(c echo.Context) error {
	q, redirected, err := s.qrFor(c, "/qr.png")
	if redirected || err != nil {
		return err
	}
	png, err := q.PNG(512)
	if err != nil {
		return fmt.Errorf("draw QR code: %w", err)
	}
	setQRCaching(c)
	return c.Blob(http.StatusOK, "image/png", png)
}

// permalinkQRSVG godoc
//
//	@Summary		A verified model's e-label QR code, as SVG
//	@Description	The same QR code as qr.png, as scalable vector graphics for print.
//	@Tags			permalinks
//	@Produce		image/svg+xml
//	@Param			brand	path		string	true	"brand_key"
//	@Param			model	path		string	true	"model_key"
//	@Success		200		{file}		binary
//	@Failure		404		{object}	Problem
//	@Router			/m/{brand}/{model}/qr.svg [get]
func (s *Server) permalinkQRSVG(c echo.Context) error {
	q, redirected, err := s.qrFor(c, "/qr.svg")
	if redirected || err != nil {
		return err
	}
	setQRCaching(c)
	return c.Blob(http.StatusOK, "image/svg+xml", qrSVG(q.Bitmap()))
}

// setQRCaching: a QR code depends only on its URL, so it may be cached
// for a day.
func setQRCaching(c echo.Context) {
	h := c.Response().Header()
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=86400")
	}
}

// qrSVG draws a QR bitmap (quiet zone included) as one SVG path, a unit
// square per module with runs of dark modules merged, so that the file
// stays small and prints crisply at any size.
func qrSVG(bitmap [][]bool) []byte {
	n := len(bitmap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*8, n*8)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}
