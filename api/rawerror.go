package api

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Go's HTTP server answers a request it cannot read (a path with a bad
// escape such as /v1/models/%zz, a malformed header, an unknown transfer
// coding) itself, before any handler, with a text/plain body: the one
// answer of the API that was not a problem (RFC 9457). problemListener
// rewrites that answer on the way out. net/http writes it to the
// connection in one Write, as a status line followed by exactly
// bareErrorHeaders; a handler's answer never looks so (it carries a Date,
// and its type is never text/plain without one).

// bareErrorHeaders follows the status line of net/http's own error answer.
const bareErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// problemListener wraps l so that net/http's own error answers are
// problems.
func problemListener(l net.Listener) net.Listener { return problemListen{l} }

type problemListen struct{ net.Listener }

func (l problemListen) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &problemConn{Conn: c}, nil
}

// problemConn rewrites net/http's own error answer written to it.
type problemConn struct{ net.Conn }

func (c *problemConn) Write(p []byte) (int, error) {
	if out, ok := bareErrorAsProblem(p); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// bareErrorAsProblem reads net/http's own error answer ("HTTP/1.1 400 Bad
// Request: malformed Host header" + bareErrorHeaders + text) and writes it
// as a problem; anything else is not its to change.
func bareErrorAsProblem(p []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if !bytes.HasPrefix(p, []byte(proto)) {
		return nil, false
	}
	end := bytes.IndexByte(p, '\r')
	if end < 0 || !bytes.HasPrefix(p[end:], []byte(bareErrorHeaders)) || end < len(proto)+3 {
		return nil, false
	}
	code, err := strconv.Atoi(string(p[len(proto) : len(proto)+3]))
	if err != nil || code < 400 {
		return nil, false
	}
	status, reason := string(p[len(proto):end]), string(p[end+len(bareErrorHeaders):])
	detail := "the request could not be read: "
	if _, why, ok := strings.Cut(status, ": "); ok {
		detail += why
	} else if reason != status {
		detail += reason
	} else {
		detail += "its request line or a header is malformed (a path escapes % as %25, and each %-escape is two hex digits)"
	}
	body, _ := json.Marshal(Problem{Type: problemTypeURI("bad-request"), Title: "Bad request", Status: code, Detail: detail})
	var out bytes.Buffer
	out.WriteString(proto + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	out.WriteString("Content-Type: application/problem+json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	out.WriteString("X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n" +
		"Content-Security-Policy: " + hdrCSPNone[0] + "\r\nConnection: close\r\n\r\n")
	out.Write(body)
	return out.Bytes(), true
}
