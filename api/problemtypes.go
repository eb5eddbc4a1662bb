package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"
)

// problemType documents one kind of problem camreg answers with: its
// page at /problems/<slug> is what the problem's type URI dereferences to
// (RFC 9457 §3.1.1). problemTypes is the single list of them: problem
// names its type from it, and TestProblemTypes fails on a type literal or
// a slug given to problem in the code that it lacks.
type problemType struct {
	Slug    string
	Status  string // the HTTP status (or statuses) it is answered with
	Title   string // English
	TitleVI string // Vietnamese
	When    string // when it happens
	Do      string // what the client should do
}

var problemTypes = []problemType{
	{"validation-error", "422 Unprocessable Content", "Your request has invalid fields", "Yêu cầu có trường không hợp lệ",
		"A field of the body or of the query string is missing, malformed or out of range. The problem's errors list each field and what is wrong with it.",
		"Correct the fields named in errors and send the request again."},
	{"malformed-json", "400 Bad Request", "Malformed request body", "Nội dung yêu cầu sai cú pháp",
		"The body is not a single JSON object of the fields the endpoint declares: unreadable, empty, null, of the wrong type, or with unknown fields.",
		"Send one JSON object with only the fields documented for the endpoint (see /openapi.json)."},
	{"bad-request", "400 Bad Request (or another 4xx; 501 for an unknown transfer coding)", "Bad request", "Yêu cầu không hợp lệ",
		"The request could not be understood: an unreadable body or form, a request line or header the server cannot read (such as a path with a bad %-escape), or another client error the server has no more precise type for.",
		"Check the request against /openapi.json; the detail says what was wrong."},
	{"unauthorized", "401 Unauthorized", "Authentication required", "Cần xác thực",
		"The endpoint needs an API key and none was sent, or the key sent is unknown, revoked or expired.",
		"Send a valid API key as Authorization: Bearer <key>; ask an administrator for a new key if yours was revoked or has expired."},
	{"forbidden", "403 Forbidden", "You may not do this", "Bạn không được phép làm việc này",
		"Your key's role, or its organization, may not do this to this object (docs/api.md, \"Who may do what\").",
		"Use a key of a role that may, or act only on your own organization's objects."},
	{"not-found", "404 Not Found", "Not found", "Không tìm thấy",
		"No such resource, or it exists but is not visible to you.",
		"Check the path and the id; list the collection to find the object."},
	{"method-not-allowed", "405 Method Not Allowed", "Method not allowed", "Phương thức không được hỗ trợ",
		"The resource exists but does not support the request's method. The Allow header lists those it does.",
		"Use one of the methods in the Allow header."},
	{"body-too-slow", "408 Request Timeout", "Request body too slow", "Gửi nội dung yêu cầu quá chậm",
		"The request body did not arrive in time.",
		"Send the body faster, or a smaller one; retry on a better connection."},
	{"conflict", "409 Conflict", "Conflict", "Xung đột",
		"The change conflicts with the registry's data, such as a duplicate key (a tax code, a certificate number) or an object still referred to.",
		"Read the detail, fetch the current data, and change the request so it no longer conflicts."},
	{"idempotency-key-in-flight", "409 Conflict", "Request in progress", "Yêu cầu đang được xử lý",
		"A request with the same Idempotency-Key is still being carried out.",
		"Wait a moment and send the same request with the same key again; you will get its answer."},
	{"idempotency-key-done", "409 Conflict", "Request already carried out", "Yêu cầu đã được thực hiện",
		"A request with the same Idempotency-Key was carried out already, and its answer is no longer kept.",
		"Do not repeat it: fetch the object it made or changed instead."},
	{"precondition-failed", "412 Precondition Failed", "The resource has changed", "Tài nguyên đã thay đổi",
		"If-Match does not name the resource's current ETag: someone changed it since you read it.",
		"Fetch the resource again, reapply your change, and send it with the new ETag in If-Match."},
	{"precondition-required", "428 Precondition Required", "If-Match is required", "Cần gửi If-Match",
		"A confirmation (of a pending certificate, certificate of origin or model registration) was sent without If-Match: it must name the version you reviewed.",
		"Fetch the object, review it, and send the confirmation again with its ETag in If-Match."},
	{"body-too-large", "413 Content Too Large", "Request body too large", "Nội dung yêu cầu quá lớn",
		"The body (a JSON document, an upload, a photo) is larger than the endpoint accepts.",
		"Send a smaller body; the detail gives the limit where there is one."},
	{"import-too-large", "413 Content Too Large", "Import file over a limit", "Tệp nhập vượt giới hạn",
		"An import file has more rows, columns or cells than an import accepts.",
		"Split the file into smaller imports."},
	{"unsupported-media-type", "415 Unsupported Media Type", "Unsupported media type", "Kiểu nội dung không được hỗ trợ",
		"The body's Content-Type is not one the endpoint reads (application/json, or for a photo JPEG or PNG).",
		"Send the body with a Content-Type the endpoint accepts."},
	{"bad-idempotency-key", "400 Bad Request", "Invalid Idempotency-Key", "Idempotency-Key không hợp lệ",
		"The Idempotency-Key header is empty, too long or holds characters it may not.",
		"Send a fresh random key, such as a UUID, in Idempotency-Key."},
	{"bad-upload", "400 Bad Request", "Malformed upload", "Tệp tải lên sai định dạng",
		"An import upload is not multipart/form-data with a file part, or its body could not be read.",
		"Send multipart/form-data with the file in a part named file."},
	{"bad-file", "422 Unprocessable Content", "Unreadable import file", "Không đọc được tệp nhập",
		"An import file could not be read as the format its name says (CSV, XLSX, NDJSON or JSON).",
		"Check the file's format and its header row against docs/import-export.md, and upload it again."},
	{"idempotency-key-reused", "422 Unprocessable Content", "Idempotency key already used", "Idempotency-Key đã được dùng",
		"The Idempotency-Key was used already for a different request (another method, path or body).",
		"Use a new key for a new request; repeat a key only with the very same request."},
	{"rate-limited", "429 Too Many Requests", "Too many requests", "Quá nhiều yêu cầu",
		"You sent more requests, or more failed authentications, than the registry allows in a while.",
		"Wait for the time the Retry-After header gives, then slow down."},
	{"internal", "500 Internal Server Error", "Internal server error", "Lỗi máy chủ",
		"Something went wrong on the registry's side. Nothing about the cause is revealed.",
		"Retry later; if it persists, report it quoting the request_id of the answer."},
	{"unavailable", "503 Service Unavailable", "Service unavailable", "Dịch vụ tạm thời không khả dụng",
		"The service cannot answer now.",
		"Retry after the time the Retry-After header gives, or shortly."},
	{"busy", "503 Service Unavailable", "The registry is busy", "Hệ thống đang bận",
		"The registry has too many requests in progress to take yours now.",
		"Retry after the time the Retry-After header gives."},
	{"database-unavailable", "503 Service Unavailable", "The registry is temporarily unavailable", "Hệ thống tạm thời không khả dụng",
		"The registry's database did not answer in time, or is down or overloaded.",
		"Retry after the time the Retry-After header gives."},
	{"search-unavailable", "503 Service Unavailable", "Search is unavailable", "Tìm kiếm không khả dụng",
		"The search index cannot answer now.",
		"Retry shortly; meanwhile the list endpoints' filters still work."},
	{"search-busy", "503 Service Unavailable", "Search is busy", "Tìm kiếm đang bận",
		"Too many searches are in progress to take yours now.",
		"Retry after the time the Retry-After header gives."},
	{"no-log-key", "503 Service Unavailable", "This registry signs no checkpoints yet", "Hệ thống chưa ký điểm kiểm tra",
		"The transparency log's checkpoint is asked for, but this registry has no log signing key configured.",
		"Ask the registry's operator; the rest of the API works without it."},
}

// problemPages are the rendered pages by slug, with their ETags.
var problemPages = func() map[string]problemPage {
	m := make(map[string]problemPage, len(problemTypes))
	for _, t := range problemTypes {
		var buf bytes.Buffer
		if err := problemPageTmpl.Execute(&buf, t); err != nil {
			panic(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		m[t.Slug] = problemPage{body: buf.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return m
}()

type problemPage struct {
	body []byte
	etag string
}

// problemTypeURI is the type of a problem of the given slug: relative, as
// RFC 9457 §3.1.1 allows, resolved against the request's URI to the page
// problemDoc serves.
// A slug it lacks (TestProblemTypes makes sure there is none) is named
// about:blank: a problem of no meaning beyond its status (§4.2.1), not a
// link to a page that is not there.
func problemTypeURI(slug string) string {
	if _, ok := problemPages[slug]; !ok {
		return "about:blank"
	}
	return "/problems/" + slug
}

var problemPageTmpl = template.Must(template.New("problem").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – camreg</title>
</head>
<body>
<h1>{{.Title}}</h1>
<p lang="vi"><i>{{.TitleVI}}</i></p>
<dl>
<dt>Type</dt><dd><code>/problems/{{.Slug}}</code></dd>
<dt>HTTP status</dt><dd>{{.Status}}</dd>
<dt>When it happens</dt><dd>{{.When}}</dd>
<dt>What to do</dt><dd>{{.Do}}</dd>
</dl>
<p>camreg answers every error as an RFC 9457 problem detail (<code>application/problem+json</code>) whose <code>type</code> names one of these pages; its <code>detail</code> explains the occurrence, and its <code>request_id</code> identifies it in the registry's logs.</p>
</body>
</html>
`))

// problemDoc godoc
//
//	@Summary		What a problem type means
//	@Description	The human-readable page a problem's type URI (such as /problems/not-found) dereferences to, as RFC 9457 §3.1.1 says it should: the problem's title in English and Vietnamese, its HTTP status, when it happens and what to do. Public, and cacheable (Cache-Control, ETag, If-None-Match). An unknown type is 404.
//	@Tags			problems
//	@Produce		html
//	@Param			type	path		string	true	"the type's last segment, such as not-found or validation-error"
//	@Success		200		{string}	string	"the page"
//	@Failure		404		{object}	Problem
//	@Router			/problems/{type} [get]
func (s *Server) problemDoc(c echo.Context) error {
	p, ok := problemPages[c.Param("type")]
	if !ok {
		return problem(http.StatusNotFound, "not-found", "Not found", "no such problem type")
	}
	h := c.Response().Header()
	// A keyed request was answered no-store already (authenticate).
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	h.Set("ETag", p.etag)
	if notModifiedTag(c, p.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.HTMLBlob(http.StatusOK, p.body)
}
