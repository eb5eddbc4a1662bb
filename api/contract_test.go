package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"camreg/models/testdb"
)

// contractEveryOperation2xx makes an operation that never answered 2xx in
// the contract test a failure, not only a log line.
const contractEveryOperation2xx = true

// The contract test: docs/swagger.json, converted to OpenAPI 3, must
// describe every answer a real server gives, its status, content type and
// body, to the public and to every role, on good input and bad. Every
// operation of the description is called, those without a case of their
// own too (generically: without a key, with an admin's, with a bad key, with
// unknown query parameters and with bodies that are not JSON).
func TestContract(t *testing.T) {
	spec := loadContract(t)
	eachEnv(t, func(t *testing.T, e *testEnv) {
		e.withSearch(t)
		c := newContract(t, e, spec)
		c.cases()
		c.generic()
		c.report()
	})
}

// loadContract reads the description and converts it to OpenAPI 3.
func loadContract(t *testing.T) *openapi3.T {
	t.Helper()
	raw, err := os.ReadFile("../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		t.Fatalf("docs/swagger.json: %v", err)
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		t.Fatalf("converting docs/swagger.json to OpenAPI 3: %v", err)
	}
	if err := doc3.Validate(t.Context()); err != nil {
		t.Fatalf("the converted description is not valid OpenAPI 3: %v", err)
	}
	closeObjects(doc3)
	return doc3
}

// contract calls a live server and checks each answer against the spec.
type contract struct {
	t      *testing.T
	e      *testEnv
	spec   *openapi3.T
	server *httptest.Server
	// answered counts the statuses each operation answered with.
	answered map[string]map[int]int
	// ids are known ids by collection ("models", ...), for path parameters.
	ids map[string]string
	// keys are keys by role, and the fixture they were made over.
	keys map[string]string
	f    fixture
}

func newContract(t *testing.T, e *testEnv, spec *openapi3.T) *contract {
	srv := httptest.NewServer(e.srv.Handler())
	t.Cleanup(srv.Close)
	return &contract{t: t, e: e, spec: spec, server: srv, answered: map[string]map[int]int{},
		ids: map[string]string{}, keys: map[string]string{"admin": e.admin, "public": ""}}
}

// call is one request of the contract test.
type call struct {
	method, path, role string
	body               any    // marshalled as JSON unless a string or []byte
	contentType        string // of the body; application/json by default
	headers            []string
	want               int // the status expected, or 0 for any
}

// answer is the server's reply to a call.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(a.body, &m)
	return m
}

func (a answer) str(field string) string {
	s, _ := a.json()[field].(string)
	return s
}

// do sends the call and validates the answer against its operation.
func (c *contract) do(cl call) answer {
	c.t.Helper()
	var raw []byte
	switch b := cl.body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(c.t.Context(), cl.method, c.server.URL+cl.path, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	if cl.body != nil {
		ct := cl.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	key, ok := c.keys[cl.role]
	switch {
	case cl.role == "bad-key":
		req.Header.Set("Authorization", "Bearer camreg_not-a-real-key")
	case !ok:
		c.t.Fatalf("no key for role %q", cl.role)
	case key != "":
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(cl.headers); i += 2 {
		req.Header.Set(cl.headers[i], cl.headers[i+1])
	}
	resp, err := c.server.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: body}
	name := cl.method + " " + cl.path + " as " + cl.role
	if cl.want != 0 && a.status != cl.want {
		c.t.Errorf("%s: status %d, want %d: %s", name, a.status, cl.want, clip(body))
	}
	c.validate(name, req, raw, a)
	return a
}

// validate records and checks an answer against its operation.
func (c *contract) validate(name string, req *http.Request, reqBody []byte, a answer) {
	c.t.Helper()
	route, params := c.route(req.Method, req.URL.Path)
	if route == nil {
		c.t.Errorf("%s: no operation of the description matches", name)
		return
	}
	id := route.Operation.OperationID
	if c.answered[id] == nil {
		c.answered[id] = map[int]int{}
	}
	c.answered[id][a.status]++
	for _, err := range check(c.t.Context(), route, params, req, reqBody, a) {
		c.t.Errorf("%s: %v\nbody: %s", name, err, clip(a.body))
	}
}

// check validates a request the server accepted, and its answer's status,
// content type and body, against the operation's description.
func check(ctx context.Context, route *routers.Route, params map[string]string, req *http.Request, reqBody []byte, a answer) []error {
	if a.status == http.StatusNotModified || req.Method == http.MethodHead {
		return nil
	}
	var errs []error
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if a.status < 300 {
		// The server accepted the request: the description must accept it too.
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("the server answered %d to a request the description refuses: %w", a.status, err))
		}
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	ct := a.header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if len(a.body) > 0 && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		// A file, a feed or a page: its content type must be declared; its
		// body is not JSON, so the schema is not checked.
		opts.ExcludeResponseBody = true
		if resp := route.Operation.Responses.Status(a.status); resp != nil && resp.Value != nil && resp.Value.Content.Get(ct) == nil {
			errs = append(errs, fmt.Errorf("answered %d as %q, which the description does not declare", a.status, ct))
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: a.status, Header: a.header,
		Body: io.NopCloser(bytes.NewReader(a.body)), Options: opts}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		errs = append(errs, fmt.Errorf("the answer (%d %s) disagrees with the description: %w", a.status, ct, err))
	}
	return errs
}

// route finds the operation of a request path: literal segments match
// before parameters.
func (c *contract) route(method, path string) (*routers.Route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestParams, bestScore := "", map[string]string(nil), -1
	for _, tmpl := range c.spec.Paths.InMatchingOrder() {
		item := c.spec.Paths.Value(tmpl)
		if item.GetOperation(method) == nil {
			continue
		}
		ts := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		params, score := map[string]string{}, 0
		for i, s := range ts {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				params[s[1:len(s)-1]] = segs[i]
				continue
			}
			if s != segs[i] {
				score = -1
				break
			}
			score++
		}
		if score > bestScore {
			best, bestParams, bestScore = tmpl, params, score
		}
	}
	if bestScore < 0 {
		return nil, nil
	}
	item := c.spec.Paths.Value(best)
	return &routers.Route{Spec: c.spec, Path: best, PathItem: item, Method: method, Operation: item.GetOperation(method)}, bestParams
}

// operations lists the description's operations as method and path.
func (c *contract) operations() [][2]string {
	var ops [][2]string
	for _, p := range c.spec.Paths.InMatchingOrder() {
		for m := range c.spec.Paths.Value(p).Operations() {
			ops = append(ops, [2]string{m, p})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i][1]+ops[i][0] < ops[j][1]+ops[j][0] })
	return ops
}

// fill puts known ids into a path template: the id of the collection the
// parameter follows, or a made-up value the server will not find.
func (c *contract) fill(tmpl string) string {
	segs := strings.Split(tmpl, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		name := s[1 : len(s)-1]
		v := "0190a000-0000-7000-8000-00000000dead"
		if i > 0 {
			if id, ok := c.ids[segs[i-1]]; ok {
				v = id
			}
		}
		if id, ok := c.ids["{"+name+"}"]; ok {
			v = id
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// fillUnknown puts ids that nobody has into a path template.
func (c *contract) fillUnknown(tmpl string) string {
	segs := strings.Split(tmpl, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "0190a000-0000-7000-8000-00000000dead"
		}
	}
	return strings.Join(segs, "/")
}

// generic calls every operation with what needs no knowledge of it.
func (c *contract) generic() {
	roles := slices.Sorted(func(yield func(string) bool) {
		for r := range c.keys {
			if !yield(r) {
				return
			}
		}
	})
	for _, op := range c.operations() {
		method, tmpl := op[0], op[1]
		path := c.fill(tmpl)
		c.do(call{method: method, path: path, role: "bad-key", want: http.StatusUnauthorized})
		o := c.spec.Paths.Value(tmpl).GetOperation(method)
		if method == http.MethodGet {
			for _, r := range roles {
				c.do(call{method: method, path: path, role: r})
			}
		}
		var hasQuery, hasBody bool
		for _, p := range o.Parameters {
			hasQuery = hasQuery || p.Value.In == openapi3.ParameterInQuery
		}
		hasBody = o.RequestBody != nil && o.RequestBody.Value.Content.Get("application/json") != nil
		if strings.Contains(tmpl, "{") {
			// Ids nobody has: 404, or 422 where the body is checked first.
			var body any
			if hasBody {
				body = map[string]any{}
			}
			c.do(call{method: method, path: c.fillUnknown(tmpl), role: "admin", body: body})
		}
		if hasQuery {
			c.do(call{method: method, path: path + "?no_such_parameter=1", role: "admin"})
		}
		if hasBody {
			// Bad bodies: which refusal comes first (404 for an unknown
			// path id, 400, 413, 415, 422) is the handler's; the answer
			// must be one the description declares.
			c.do(call{method: method, path: path, role: "admin", body: "{"})
			c.do(call{method: method, path: path, role: "admin", body: "name=x", contentType: "text/plain"})
			c.do(call{method: method, path: path, role: "admin", body: `{"no_such_field":1}`})
			c.do(call{method: method, path: path, role: "admin", body: `{"x":"` + strings.Repeat("a", maxBodyBytes) + `"}`})
			c.do(call{method: method, path: path, role: "public", body: `{}`})
		}
		if method != http.MethodGet && !hasBody {
			c.do(call{method: method, path: path, role: "public"})
		}
	}
}

// report logs what each operation answered, and fails for an operation
// that never answered 2xx when contractEveryOperation2xx is set.
func (c *contract) report() {
	var never []string
	for _, op := range c.operations() {
		o := c.spec.Paths.Value(op[1]).GetOperation(op[0])
		seen := c.answered[o.OperationID]
		var codes []string
		ok := false
		for _, code := range slices.Sorted(func(yield func(int) bool) {
			for k := range seen {
				if !yield(k) {
					return
				}
			}
		}) {
			codes = append(codes, fmt.Sprint(code))
			ok = ok || code < 300
		}
		c.t.Logf("%-28s %-6s %s: %s", o.OperationID, op[0], op[1], strings.Join(codes, " "))
		if !ok {
			never = append(never, o.OperationID)
		}
	}
	if len(never) > 0 {
		msg := fmt.Sprintf("operations that never answered 2xx: %s", strings.Join(never, ", "))
		if contractEveryOperation2xx {
			c.t.Error(msg)
		} else {
			c.t.Log(msg)
		}
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// TestContractFailsOnADisagreement shows that the checks of the contract
// test can fail: a real answer is checked against a description changed in
// three ways (a field's type, a status, a content type).
func TestContractFailsOnADisagreement(t *testing.T) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	e := newEnv(t, st)
	f := e.fixture()
	spec := loadContract(t)
	c := newContract(t, e, spec)
	get := func() (*routers.Route, map[string]string, *http.Request, answer) {
		req := httptest.NewRequest(http.MethodGet, "/v1/certificates/"+f.cert, nil)
		r := e.do(http.MethodGet, req.URL.Path, "", nil)
		route, params := c.route(http.MethodGet, req.URL.Path)
		return route, params, req, answer{status: r.Code, header: r.Header(), body: r.Body.Bytes()}
	}
	if errs := check(firstOf(get)); len(errs) > 0 {
		t.Fatalf("the true description is refused: %v", errs)
	}
	resp := spec.Components.Schemas["api.certificateResponse"].Value
	resp.Properties["id"].Value.Type = &openapi3.Types{openapi3.TypeInteger}
	if errs := check(firstOf(get)); len(errs) == 0 {
		t.Error("an id described as an integer was not caught")
	}
	resp.Properties["id"].Value.Type = &openapi3.Types{openapi3.TypeString}
	route, params, req, a := get()
	a.status = http.StatusTeapot
	if errs := check(t.Context(), route, params, req, nil, a); len(errs) == 0 {
		t.Error("an undeclared status was not caught")
	}
	route, params, req, a = get()
	a.header.Set("Content-Type", "text/plain")
	if errs := check(t.Context(), route, params, req, nil, a); len(errs) == 0 {
		t.Error("an undeclared content type was not caught")
	}
}

func firstOf(get func() (*routers.Route, map[string]string, *http.Request, answer)) (context.Context, *routers.Route, map[string]string, *http.Request, []byte, answer) {
	route, params, req, a := get()
	return context.Background(), route, params, req, nil, a
}

// TestContractMiddlewareRefusals provokes what only a loaded or partial
// server answers, a 429 past the rate limit and a 503 without a search
// engine, and checks both against the description.
func TestContractMiddlewareRefusals(t *testing.T) {
	spec := loadContract(t)
	st := testdb.Open(t, testdb.Backends(t)[0])
	e := newEnv(t, st)
	e.srv = New(st, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Rates: map[string]Rate{"public": {PerSecond: 0.001, Burst: 2}, "admin": {PerSecond: 1e6, Burst: 1e6}}})
	c := newContract(t, e, spec)
	c.do(call{method: http.MethodGet, path: "/v1/search?q=hikvision", role: "admin", want: http.StatusServiceUnavailable})
	c.do(call{method: http.MethodGet, path: "/v1/provinces", role: "public", want: http.StatusOK})
	c.do(call{method: http.MethodGet, path: "/v1/provinces", role: "public", want: http.StatusOK})
	a := c.do(call{method: http.MethodGet, path: "/v1/provinces", role: "public", want: http.StatusTooManyRequests})
	if a.header.Get("Retry-After") == "" {
		t.Error("a 429 without Retry-After")
	}
}

// TestServedDescriptionIsDocs: /openapi.json and the Swagger UI's
// doc.json serve docs/swagger.json as it is, the completed description.
func TestServedDescriptionIsDocs(t *testing.T) {
	want, err := os.ReadFile("../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, testdb.Open(t, testdb.Backends(t)[0]))
	for _, path := range []string{"/openapi.json", "/swagger/doc.json"} {
		got := e.do(http.MethodGet, path, "", nil).want(http.StatusOK).Body.Bytes()
		if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
			t.Errorf("%s differs from docs/swagger.json (%d bytes, want %d)", path, len(got), len(want))
		}
	}
}
