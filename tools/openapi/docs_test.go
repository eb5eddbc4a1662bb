package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestTheCommittedDescription checks docs/swagger.json itself, whatever
// wrote it: the properties issue #12 asks of it.
func TestTheCommittedDescription(t *testing.T) {
	raw, err := os.ReadFile("../../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := doc["host"]; ok && h == "" {
		t.Error("an empty host")
	}
	ids := map[string]string{}
	eachOperation(doc["paths"].(obj), func(op obj) {
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("an operation without operationId: %v", op["summary"])
			return
		}
		if other, ok := ids[id]; ok {
			t.Errorf("operationId %s twice (%s)", id, other)
		}
		ids[id] = id
		if !containsAny(op["produces"].([]any), problemType) {
			t.Errorf("%s does not produce %s", id, problemType)
		}
		codes := map[string]bool{}
		for code, r := range op["responses"].(obj) {
			codes[code] = true
			n, _ := strconv.Atoi(code)
			// readyz answers 503 with its checks, a permalink 404 with a page.
			if n >= 400 && at(r, "schema", "$ref") != problemRef && id != "readyz" && id != "permalink" {
				t.Errorf("%s %s is not a Problem", id, code)
			}
		}
		for _, must := range []string{"401", "503"} {
			if !codes[must] {
				t.Errorf("%s lacks %s", id, must)
			}
		}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			if pm := p.(obj); pm["in"] == "query" && pm["example"] != nil {
				t.Errorf("%s: query parameter %s has an example", id, pm["name"])
			}
		}
	})
	for name, d := range doc["definitions"].(obj) {
		def := d.(obj)
		if strings.HasSuffix(name, "Response") && def["required"] == nil {
			t.Errorf("response type %s requires nothing", name)
		}
		props, _ := def["properties"].(obj)
		for pn, p := range props {
			prop := p.(obj)
			if prop["type"] == "object" && prop["properties"] == nil && prop["additionalProperties"] == nil {
				t.Errorf("%s.%s is a nameless free-form object", name, pn)
			}
		}
	}
	if len(ids) < 60 {
		t.Errorf("only %d operations", len(ids))
	}
}
