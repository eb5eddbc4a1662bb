package main

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// obj is a JSON object of the description.
type obj = map[string]any

const (
	problemRef    = "#/definitions/Problem"
	jsonObjectRef = "#/definitions/JSONObject"
	problemType   = "application/problem+json"
)

// complete applies every rule to a swag output, in place.
func complete(doc obj, src *source) []string {
	var warnings []string
	if h, ok := doc["host"].(string); ok && h == "" {
		delete(doc, "host")
	}
	if s, ok := doc["schemes"].([]any); ok && len(s) == 0 {
		delete(doc, "schemes")
	}
	defs, _ := doc["definitions"].(obj)
	if defs == nil {
		defs = obj{}
		doc["definitions"] = defs
	}
	if _, ok := defs["Problem"]; !ok {
		warnings = append(warnings, "no Problem definition: annotate api.Problem with @name Problem")
	}
	defs["JSONObject"] = obj{"type": "object", "additionalProperties": true,
		"description": "A JSON object whose keys are not fixed by the API."}

	paths, _ := doc["paths"].(obj)
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(obj)
		for _, m := range sortedKeys(item) {
			op, ok := item[m].(obj)
			if !ok {
				continue
			}
			if w := completeOperation(p, m, op, src); w != "" {
				warnings = append(warnings, w)
			}
		}
	}
	responseDefs := reachable(doc, responseRoots(paths))
	requestDefs := reachable(doc, requestRoots(paths))
	for _, name := range sortedKeys(defs) {
		def, _ := defs[name].(obj)
		completeDefinition(name, def, defs, src, responseDefs[name], requestDefs[name])
	}
	shareEnums(defs)
	for _, p := range sortedKeys(paths) {
		if op, ok := paths[p].(obj)["post"].(obj); ok {
			createBody(op, defs, src)
		}
	}
	return warnings
}

// completeOperation names the operation after its handler and declares the
// errors that the middleware and the request's shape can answer.
func completeOperation(path, method string, op obj, src *source) string {
	var warning string
	key := strings.ToUpper(method) + " " + path
	if h, ok := src.handlers[key]; ok {
		id := h
		if src.routes[h] > 1 {
			id += pascal(distinctSegment(path))
		}
		op["operationId"] = id
	} else {
		warning = "no handler declares @Router " + path + " [" + method + "]"
	}

	params, _ := op["parameters"].([]any)
	var hasBody, hasQuery, hasPathParam, hasIfMatch bool
	for _, pa := range params {
		pm, _ := pa.(obj)
		switch pm["in"] {
		case "body", "formData":
			hasBody = true
		case "query":
			hasQuery = true
			delete(pm, "example")
		case "path":
			hasPathParam = true
		case "header":
			if strings.EqualFold(pm["name"].(string), "If-Match") {
				hasIfMatch = true
			}
		}
	}
	if consumes, _ := op["consumes"].([]any); len(consumes) > 0 && method != "get" {
		hasBody = true // a body of its own kind, such as an image
	}
	sec, hasSec := op["security"].([]any)
	keyed := hasSec && len(sec) > 0
	if !keyed {
		// Public: a key is optional, and a bad one is refused with 401.
		op["security"] = []any{obj{}, obj{"BearerKey": []any{}}}
	} else {
		for _, s := range sec {
			if len(s.(obj)) == 0 {
				keyed = false
			}
		}
	}

	statuses := []int{http.StatusUnauthorized, http.StatusServiceUnavailable}
	switch path {
	case "/healthz", "/readyz", "/metrics":
	default:
		statuses = append(statuses, http.StatusTooManyRequests)
	}
	if keyed {
		statuses = append(statuses, http.StatusForbidden)
		if method != "get" && method != "head" {
			statuses = append(statuses, http.StatusConflict)
		}
	}
	if hasBody {
		statuses = append(statuses, http.StatusBadRequest, http.StatusRequestEntityTooLarge,
			http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
		if strings.HasPrefix(path, "/v1/") {
			// Admission reads a body before the request takes a slot, and
			// cuts off one that trickles (api/admission.go).
			statuses = append(statuses, http.StatusRequestTimeout)
		}
	}
	// An operation checks the query parameters it declares, and one of
	// the API (/v1) refuses any it does not (api/knownquery.go).
	if hasQuery || strings.HasPrefix(path, "/v1/") {
		statuses = append(statuses, http.StatusUnprocessableEntity)
	}
	if hasPathParam {
		statuses = append(statuses, http.StatusNotFound)
	}
	if hasIfMatch || (keyed && hasPathParam && (method == "patch" || method == "delete")) {
		// Changes and deletions of a record honour If-Match (api/crud.go).
		statuses = append(statuses, http.StatusPreconditionFailed)
	}
	responses, _ := op["responses"].(obj)
	if responses == nil {
		responses = obj{}
		op["responses"] = responses
	}
	for _, st := range statuses {
		code := strconv.Itoa(st)
		if _, ok := responses[code]; !ok {
			responses[code] = obj{"description": http.StatusText(st)}
		}
	}
	for code, r := range responses {
		n, err := strconv.Atoi(code)
		if err != nil || n < 400 {
			continue
		}
		resp, _ := r.(obj)
		if _, ok := resp["schema"]; !ok {
			resp["schema"] = obj{"$ref": problemRef}
		}
	}
	produces, _ := op["produces"].([]any)
	if len(produces) > 0 && !containsAny(produces, "application/json") {
		// A file, a feed or a page: a success without a schema is the file.
		for code, r := range responses {
			if n, err := strconv.Atoi(code); err == nil && n < 300 && n != 204 {
				if resp, _ := r.(obj); resp["schema"] == nil {
					resp["schema"] = obj{"type": "file"}
				}
			}
		}
	}
	// A file is a binary string: Swagger 2.0 allows "type": "file" at a
	// response schema's root, but openapi-spec-validator, which clients of
	// the description run, refuses it; "string" of format "binary" (any
	// sequence of octets) says the same and passes both.
	for _, r := range responses {
		if resp, _ := r.(obj); resp != nil {
			if sch, _ := resp["schema"].(obj); len(sch) == 1 && sch["type"] == "file" {
				resp["schema"] = obj{"type": "string", "format": "binary"}
			}
		}
	}
	if !containsAny(produces, problemType) {
		op["produces"] = append(produces, problemType)
	}
	return warning
}

// completeDefinition marks what the Go struct behind a definition says:
// required fields (response types only), nullable pointers and dates,
// date formats, the request's enums, and free-form objects as JSONObject.
func completeDefinition(name string, def obj, defs obj, src *source, response, request bool) {
	props, _ := def["properties"].(obj)
	if props == nil {
		return
	}
	fields := map[string]goField{}
	for _, f := range src.structs[name] {
		fields[f.JSON] = f
	}
	var required []any
	if existing, ok := def["required"].([]any); ok {
		required = existing
	}
	counterpart, _ := defs[requestCounterpart(name)].(obj)
	counterProps, _ := counterpart["properties"].(obj)
	for _, pn := range sortedKeys(props) {
		prop, _ := props[pn].(obj)
		f, known := fields[pn]
		// A type that requests share requires only what they must send
		// too: a pointer may be left out of a request.
		if response && known && !f.OmitEmpty && !(request && strings.HasPrefix(f.Type, "*")) && !containsAny(required, pn) {
			required = append(required, pn)
		}
		// Enums of the request on the same field.
		if cp, ok := counterProps[pn].(obj); ok && prop["enum"] == nil && prop["type"] == cp["type"] {
			if e, ok := cp["enum"]; ok {
				prop["enum"] = e
			}
		}
		nullable := known && nullableType(f.Type)
		if known && prop["type"] == "string" && prop["format"] == nil {
			if fm := dateFormat(pn, f.Type, prop["example"]); fm != "" {
				prop["format"] = fm
			}
		}
		if prop["type"] == "object" && prop["properties"] == nil && prop["additionalProperties"] == nil {
			prop = obj{"$ref": jsonObjectRef, "description": prop["description"]}
			if prop["description"] == nil {
				delete(prop, "description")
			}
		}
		if nullable {
			if ref, ok := prop["$ref"]; ok {
				// $ref has no siblings in Swagger 2.0: wrap it.
				wrapped := obj{"allOf": []any{obj{"$ref": ref}}, "x-nullable": true}
				if d, ok := prop["description"]; ok {
					wrapped["description"] = d
				}
				prop = wrapped
			} else {
				prop["x-nullable"] = true
			}
		}
		props[pn] = prop
	}
	if len(required) > 0 {
		sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
		def["required"] = required
	}
}

// shareEnums gives a field without an enum the enum that every other field
// of the same name and type has, when they all agree on one: a response's
// channel or severity is the request's.
func shareEnums(defs obj) {
	lists := map[string]map[string]any{} // name+type -> encoded enum -> enum
	each := func(fn func(name string, prop obj)) {
		for _, dn := range sortedKeys(defs) {
			props, _ := defs[dn].(obj)["properties"].(obj)
			for _, pn := range sortedKeys(props) {
				if prop, ok := props[pn].(obj); ok {
					fn(pn+" "+fmt.Sprint(prop["type"]), prop)
				}
			}
		}
	}
	each(func(key string, prop obj) {
		if e, ok := prop["enum"]; ok {
			if lists[key] == nil {
				lists[key] = map[string]any{}
			}
			lists[key][fmt.Sprint(e)] = e
		}
	})
	each(func(key string, prop obj) {
		if _, ok := prop["enum"]; !ok && len(lists[key]) == 1 && (prop["type"] == "string" || prop["type"] == "integer") {
			for _, e := range lists[key] {
				prop["enum"] = deepCopy(e)
			}
		}
	})
}

// createBody gives a POST whose body type has fields tagged
// create:"required" a copy of that type that requires them: a PATCH shares
// the type, and requires nothing.
func createBody(op obj, defs obj, src *source) {
	params, _ := op["parameters"].([]any)
	for _, pa := range params {
		pm, _ := pa.(obj)
		schema, _ := pm["schema"].(obj)
		ref, _ := schema["$ref"].(string)
		if pm["in"] != "body" || ref == "" {
			continue
		}
		name := strings.TrimPrefix(ref, "#/definitions/")
		var required []any
		for _, f := range src.structs[name] {
			if f.CreateRequired {
				required = append(required, f.JSON)
			}
		}
		def, ok := defs[name].(obj)
		if len(required) == 0 || !ok {
			continue
		}
		sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
		copyName := name + "OnCreate"
		if base, ok := strings.CutSuffix(name, "Request"); ok {
			copyName = base + "CreateRequest"
		}
		dup := deepCopy(def).(obj)
		dup["required"] = required
		defs[copyName] = dup
		pm["schema"] = obj{"$ref": "#/definitions/" + copyName}
	}
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case obj:
		m := make(obj, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, x := range t {
			l[i] = deepCopy(x)
		}
		return l
	}
	return v
}

// nullableType tells whether encoding/json can write null for a field of
// this Go type: pointers, raw JSON, interfaces, and dates (the zero Date
// is null).
func nullableType(t string) bool {
	switch {
	case strings.HasPrefix(t, "*"), t == "json.RawMessage", t == "any",
		t == "Date", strings.HasSuffix(t, ".Date"):
		return true
	}
	return false
}

// dateFormat is the format of a string field: a Date, or a string named
// *_on or whose example is YYYY-MM-DD, is a calendar date; a time.Time, or
// a string named *_at, a timestamp.
func dateFormat(jsonName, goType string, example any) string {
	base := strings.TrimPrefix(goType, "*")
	ex, _ := example.(string)
	switch {
	case base == "time.Time":
		return "date-time"
	case base == "Date" || strings.HasSuffix(base, ".Date"):
		return "date"
	case base != "string":
		return ""
	case ex != "" && isoDate.MatchString(ex), ex == "" && strings.HasSuffix(jsonName, "_on"):
		return "date"
	case ex == "" && strings.HasSuffix(jsonName, "_at"):
		return "date-time"
	}
	return ""
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// requestCounterpart names the request definition whose enums a response
// definition shares: pkg.fooResponse -> pkg.fooRequest.
func requestCounterpart(name string) string {
	if base, ok := strings.CutSuffix(name, "Response"); ok {
		return base + "Request"
	}
	return ""
}

// distinctSegment is the collection a multi-route handler serves:
// /v1/certificates/{id}/history -> certificates.
func distinctSegment(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > 1 && parts[0] == "v1" {
		return parts[1]
	}
	return parts[0]
}

// pascal writes origin-certificates as OriginCertificates.
func pascal(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func responseRoots(paths obj) []any {
	var roots []any
	eachOperation(paths, func(op obj) {
		responses, _ := op["responses"].(obj)
		for _, r := range responses {
			roots = append(roots, r)
		}
	})
	return roots
}

func requestRoots(paths obj) []any {
	var roots []any
	eachOperation(paths, func(op obj) {
		params, _ := op["parameters"].([]any)
		roots = append(roots, params...)
	})
	return roots
}

func eachOperation(paths obj, fn func(obj)) {
	for _, item := range paths {
		for _, op := range item.(obj) {
			if o, ok := op.(obj); ok {
				fn(o)
			}
		}
	}
}

// reachable is the set of definitions that the roots refer to, directly or
// through other definitions.
func reachable(doc obj, roots []any) map[string]bool {
	defs, _ := doc["definitions"].(obj)
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case obj:
			if ref, ok := t["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/definitions/")
				if !seen[name] {
					seen[name] = true
					walk(defs[name])
				}
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return seen
}

func containsAny(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m obj) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
