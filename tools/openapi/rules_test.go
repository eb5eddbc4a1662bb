package main

import (
	"reflect"
	"testing"
)

const swagOutput = `{
  "swagger": "2.0", "host": "", "info": {"title": "t", "version": "1"},
  "paths": {
    "/v1/things/{id}": {
      "get": {"produces": ["application/json"],
        "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"},
                       {"name": "q", "in": "query", "type": "string", "example": "x"}],
        "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/api.thingResponse"}},
                      "202": {"description": "OK", "schema": {"$ref": "#/definitions/api.other"}},
                      "203": {"description": "OK", "schema": {"$ref": "#/definitions/api.Shared"}}}},
      "patch": {"security": [{"BearerKey": []}], "consumes": ["application/json"], "produces": ["application/json"],
        "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"},
                       {"name": "If-Match", "in": "header", "type": "string"},
                       {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/api.thingRequest"}}],
        "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/api.thingResponse"}}}}
    },
    "/v1/things": {"post": {"security": [{"BearerKey": []}],
        "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/api.thingRequest"}}],
        "responses": {"201": {"description": "Created", "schema": {"$ref": "#/definitions/api.thingResponse"}}}}},
    "/v1/things/{id}/history": {"get": {"responses": {"200": {"description": "OK"}}}},
    "/v1/origin-certificates/{id}/history": {"get": {"responses": {"200": {"description": "OK"}}}}
  },
  "definitions": {
    "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "detail": {"type": "string"}}},
    "api.Common": {"type": "object", "properties": {"id": {"type": "string"}}},
    "api.Shared": {"type": "object", "properties": {"id": {"type": "string"}}},
    "api.other": {"type": "object", "properties": {"status": {"type": "string"}, "when": {"type": "string"}}},
    "api.thingRequest": {"type": "object", "properties": {"status": {"type": "string", "enum": ["on", "off"]}}},
    "api.thingResponse": {"type": "object", "properties": {
      "id": {"type": "string"}, "status": {"type": "string"}, "note": {"type": "string"},
      "expires_on": {"type": "string"}, "at": {"type": "string"}, "changes": {"type": "object"},
      "child": {"$ref": "#/definitions/api.Common"}}}
  }
}`

func completed(t *testing.T) obj {
	t.Helper()
	doc, err := decode([]byte(swagOutput))
	if err != nil {
		t.Fatal(err)
	}
	src, err := readSource("testdata/src")
	if err != nil {
		t.Fatal(err)
	}
	if w := complete(doc, src); len(w) > 0 {
		t.Fatalf("warnings: %v", w)
	}
	return doc
}

func at(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(obj)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func TestOperationsAreNamedAndDeclareTheMiddlewaresErrors(t *testing.T) {
	doc := completed(t)
	if _, ok := doc["host"]; ok {
		t.Error("an empty host is left")
	}
	get := at(doc, "paths", "/v1/things/{id}", "get").(obj)
	if get["operationId"] != "getThing" {
		t.Errorf("operationId %v", get["operationId"])
	}
	for _, code := range []string{"401", "404", "422", "429", "503"} {
		if at(get, "responses", code, "schema", "$ref") != problemRef {
			t.Errorf("GET lacks a Problem %s", code)
		}
	}
	for _, code := range []string{"403", "408", "409", "412", "415", "400", "413"} {
		if at(get, "responses", code) != nil {
			t.Errorf("the public GET declares %s", code)
		}
	}
	if _, ok := get["parameters"].([]any)[1].(obj)["example"]; ok {
		t.Error("a query parameter keeps its example")
	}
	if !reflect.DeepEqual(get["security"], []any{obj{}, obj{"BearerKey": []any{}}}) {
		t.Errorf("public security %v", get["security"])
	}
	if !reflect.DeepEqual(get["produces"], []any{"application/json", problemType}) {
		t.Errorf("produces %v", get["produces"])
	}
	patch := at(doc, "paths", "/v1/things/{id}", "patch").(obj)
	for _, code := range []string{"400", "401", "403", "404", "408", "409", "412", "413", "415", "422", "429", "503"} {
		if at(patch, "responses", code, "schema", "$ref") != problemRef {
			t.Errorf("PATCH lacks a Problem %s", code)
		}
	}
	if id := at(doc, "paths", "/v1/origin-certificates/{id}/history", "get", "operationId"); id != "historyOriginCertificates" {
		t.Errorf("a handler of several routes names them %v", id)
	}
}

func TestDefinitionsFollowTheGoStructs(t *testing.T) {
	doc := completed(t)
	resp := at(doc, "definitions", "api.thingResponse").(obj)
	want := []any{"at", "changes", "child", "expires_on", "id", "status"}
	if !reflect.DeepEqual(resp["required"], want) {
		t.Errorf("required %v, want %v", resp["required"], want)
	}
	props := resp["properties"].(obj)
	if at(props, "expires_on", "x-nullable") != true || at(props, "expires_on", "format") != "date" {
		t.Errorf("expires_on %v", props["expires_on"])
	}
	if at(props, "at", "format") != "date-time" || at(props, "at", "x-nullable") != nil {
		t.Errorf("at %v", props["at"])
	}
	if !reflect.DeepEqual(at(props, "status", "enum"), []any{"on", "off"}) {
		t.Errorf("status has no enum from its request: %v", props["status"])
	}
	if !reflect.DeepEqual(props["changes"], obj{"allOf": []any{obj{"$ref": jsonObjectRef}}, "x-nullable": true}) {
		t.Errorf("changes %v", props["changes"])
	}
	if !reflect.DeepEqual(props["child"], obj{"allOf": []any{obj{"$ref": "#/definitions/api.Common"}}, "x-nullable": true}) {
		t.Errorf("child %v", props["child"])
	}
	if at(doc, "definitions", "api.thingRequest", "required") != nil {
		t.Error("a request-only definition got required fields, which PATCH would then need")
	}
	post := at(doc, "paths", "/v1/things", "post", "parameters").([]any)[0]
	if at(post, "schema", "$ref") != "#/definitions/api.thingCreateRequest" {
		t.Errorf("POST body %v", post)
	}
	if r := at(doc, "definitions", "api.thingCreateRequest", "required"); !reflect.DeepEqual(r, []any{"status"}) {
		t.Errorf("POST body requires %v, want the create:\"required\" fields", r)
	}
	if at(doc, "definitions", "api.thingCreateRequest", "properties", "status", "enum") == nil {
		t.Error("the POST body lost what the rules added to its type")
	}
}

func TestAliasesOmitzeroAndSharedEnums(t *testing.T) {
	doc := completed(t)
	if r := at(doc, "definitions", "api.Shared", "required"); !reflect.DeepEqual(r, []any{"id"}) {
		t.Errorf("an alias's required %v", r)
	}
	if r := at(doc, "definitions", "api.other", "required"); !reflect.DeepEqual(r, []any{"status"}) {
		t.Errorf("omitzero is required: %v", r)
	}
	if e := at(doc, "definitions", "api.other", "properties", "status", "enum"); !reflect.DeepEqual(e, []any{"on", "off"}) {
		t.Errorf("status did not get the one enum its name has elsewhere: %v", e)
	}
}

// A file answer is a binary string: openapi-spec-validator, which clients
// of the description run, refuses swag's "type": "file" at a response
// schema's root, although Swagger 2.0 allows it there.
func TestFileAnswersAreBinaryStrings(t *testing.T) {
	src := &source{handlers: map[string]string{}, routes: map[string]int{}}
	for _, resp := range []obj{{"description": "the record", "schema": obj{"type": "file"}}, {"description": "OK"}} {
		op := obj{"produces": []any{"application/pdf"}, "responses": obj{"200": resp}}
		completeOperation("/v1/things/{id}/record.pdf", "get", op, src)
		if got := at(op, "responses", "200", "schema"); !reflect.DeepEqual(got, obj{"type": "string", "format": "binary"}) {
			t.Errorf("the PDF's schema is %v", got)
		}
	}
}
