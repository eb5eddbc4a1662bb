package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"camreg/models"
)

// maxBodyBytes is the largest JSON body a write accepts.
const maxBodyBytes = 1 << 20

// decodeJSON reads the request body strictly into dst, a pointer to a
// struct: it must be JSON (by Content-Type), at most maxBodyBytes, exactly
// one object with no trailing data, with no field the struct does not
// declare, and every field of the right type. All field problems are
// reported at once, as a 422 with one entry per field; a body that is not
// JSON at all is a 400, a too-large one a 413.
func decodeJSON(c echo.Context, dst any) error {
	r := c.Request()
	// A body without a Content-Type is not guessed to be JSON: a form or a
	// file posted by mistake is refused, not half-read.
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"send the body as application/json, with Content-Type: application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return problem(http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large",
				fmt.Sprintf("the body must be at most %d bytes", maxBodyBytes))
		}
		return problem(http.StatusBadRequest, "malformed-json", "Malformed request body", "the body could not be read")
	}
	if body, err = dropImplied(c, dst, body); err != nil {
		return err
	}
	// Every string is stored in NFC (composed) form, whatever the client's
	// keyboard sent; NFC changes no JSON syntax, which is ASCII.
	return decodeStrict(norm.NFC.Bytes(body), dst)
}

// decodeStrict is decodeJSON's core, separate so it can be fuzzed.
func decodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return problem(http.StatusBadRequest, "malformed-json", "Malformed request body", "the body must not be empty")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil {
		return syntaxProblem(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return problem(http.StatusBadRequest, "malformed-json", "Malformed request body",
			"the body must hold a single JSON object, with nothing after it")
	}
	if fields == nil {
		return problem(http.StatusBadRequest, "malformed-json", "Malformed request body", "the body must be a JSON object, not null")
	}

	rv := reflect.ValueOf(dst).Elem()
	known := jsonFields(rv.Type())
	var wider map[string][]int
	if r, ok := dst.(restricted); ok {
		wider = jsonFields(reflect.TypeOf(r.widest()))
	}
	var errs []models.FieldError
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		idx, ok := known[name]
		if _, settable := wider[name]; !ok && settable {
			errs = append(errs, models.FieldError{Field: name, Message: "may not be set with your key's role"})
			continue
		}
		if !ok {
			errs = append(errs, models.FieldError{Field: name, Message: "is not a field of this request"})
			continue
		}
		f := rv.FieldByIndex(idx)
		fd := json.NewDecoder(bytes.NewReader(fields[name]))
		fd.DisallowUnknownFields()
		if err := fd.Decode(f.Addr().Interface()); err != nil {
			errs = append(errs, fieldDecodeError(name, f.Type(), err))
		}
	}
	if ch, ok := dst.(checked); ok {
		for _, fe := range ch.check() {
			if !hasField(errs, fe.Field) {
				errs = append(errs, fe)
			}
		}
	}
	if path, dup := duplicateKey(body); dup {
		// encoding/json keeps the last of two equal keys; another parser
		// (a proxy, a log reader) may keep the first. Refuse the ambiguity.
		errs = append(errs, models.FieldError{Field: path, Message: "is given twice; give each field once"})
	}
	if len(errs) > 0 {
		return fieldProblem(errs)
	}
	return nil
}

// duplicateKey finds the first key repeated within one object of a valid
// JSON document, and returns its path (such as "models[1].firmware").
func duplicateKey(body []byte) (string, bool) {
	type frame struct {
		keys   map[string]bool
		array  bool
		index  int
		key    string
		expect bool // an object awaiting a key
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []*frame
	path := func(last string) string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				fmt.Fprintf(&b, "[%d]", f.index)
			case f.key != "" && f != stack[len(stack)-1]:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(last)
		return b.String()
	}
	// value marks that a value ended in the innermost container.
	value := func() {
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.array {
				f.index++
			} else {
				f.expect = true
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		top := (*frame)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &frame{keys: map[string]bool{}, expect: true})
			case '[':
				stack = append(stack, &frame{array: true})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
			continue
		case string:
			if top != nil && !top.array && top.expect {
				// Keys are compared as encoding/json matches them to
				// fields, ignoring case ("Model" is model, "ſtatus"
				// status): {"model": "A", "Model": "B"} in a bulk
				// verify's item was judged as B.
				k := strings.ToLower(strings.ToUpper(t))
				if top.keys[k] {
					return path(t), true
				}
				top.keys[k] = true
				top.key = t
				top.expect = false
				continue
			}
		}
		value()
	}
}

// restricted is a request type of a role that may set fewer fields than
// another: a field only the wider type has is refused as not settable with
// the caller's role, rather than as unknown. This is how mass assignment is
// prevented: the fields a role may set are the only fields of its type.
type restricted interface{ widest() any }

// jsonFields maps the JSON names of a struct's fields, including those
// promoted from embedded structs, to their indexes.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Index
	}
	return out
}

func syntaxProblem(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	detail := "the body is not valid JSON"
	switch {
	case errors.As(err, &se):
		detail = fmt.Sprintf("the body is not valid JSON (at byte %d)", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		detail = "the body is not valid JSON: it ends too early"
	case errors.As(err, &te):
		detail = "the body must be a JSON object"
	}
	return problem(http.StatusBadRequest, "malformed-json", "Malformed request body", detail)
}

// fieldDecodeError words a decoding failure of one field for a person.
func fieldDecodeError(name string, t reflect.Type, err error) models.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := name
		if te.Field != "" {
			field = name + "." + te.Field
		}
		return models.FieldError{Field: field, Message: "must be " + describeType(te.Type)}
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		unknown := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return models.FieldError{Field: name + "." + unknown, Message: "is not a field of this request"}
	}
	return models.FieldError{Field: name, Message: "must be " + describeType(t)}
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of type " + t.String()
}

// jsonEncode writes v as JSON without escaping <, > and &, which API
// clients read literally.
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
