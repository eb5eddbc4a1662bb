package main

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The architecture test keeps the house's arrows pointing one way (see
// ARCHITECTURE.md): leaf packages at the bottom, models above them, the
// importer and search above models, api above those, tools and the
// command at the top. It reads the imports of every hand-written non-test
// .go file; test files may reach upward (an api test may build an
// importer file), production code may not.

// module is the module path of go.mod.
const module = "camreg"

// leaves import nothing of ours but other leaves (match builds on fold). A
// name that does not exist yet is fine: the rule waits for it.
var leaves = []string{"fold", "civil", "match", "translog"}

// forbidden lists the arrows that point up: a package under from (or from
// itself) must not import a package under any of to.
var forbidden = []struct {
	from string
	to   []string
}{
	{"models", []string{"api", "search", "importer", "tools", "webhook"}},
	{"importer", []string{"api", "search", "tools", "webhook"}},
	{"search", []string{"api", "importer", "tools", "webhook"}},
	{"webhook", []string{"api", "search", "importer", "tools"}},
	{"api", []string{"tools"}},
}

// maxLines is the most lines a hand-written non-test .go file may have.
const maxLines = 650

// oversizeExempt names files allowed past maxLines until they are split,
// with who is splitting them. Remove an entry when its file is gone.
var oversizeExempt = map[string]string{}

// under reports whether package path pkg is dir or inside it.
func under(pkg, dir string) bool {
	return pkg == dir || strings.HasPrefix(pkg, dir+"/")
}

// archViolations returns the rule each import breaks; imports maps a
// package (relative to the module, "" for the root) to the packages of
// ours it imports, by file.
func archViolations(imports map[string]map[string][]string) []string {
	var out []string
	for pkg, files := range imports {
		for file, deps := range files {
			for _, dep := range deps {
				if slices.Contains(leaves, pkg) && !slices.Contains(leaves, dep) {
					out = append(out, file+": leaf package "+pkg+" imports "+dep+": a leaf imports nothing of ours but other leaves")
				}
				for _, f := range forbidden {
					if !under(pkg, f.from) {
						continue
					}
					for _, to := range f.to {
						if under(dep, to) {
							out = append(out, file+": "+pkg+" imports "+dep+": "+f.from+" must not depend on "+to)
						}
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// walkGo calls fn on every .go file of the module, skipping dependencies
// (third_party holds forks of modules, each a module of its own), test
// data and the web page's node_modules.
func walkGo(t *testing.T, fn func(path string)) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "vendor" || name == "third_party") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			fn(filepath.ToSlash(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// generated reports whether the file carries Go's generated-code marker.
func generated(src []byte) bool {
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "// Code generated ") && strings.HasSuffix(line, " DO NOT EDIT.") {
			return true
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

// TestArchitecture fails when an arrow points up or a leaf imports one of
// ours.
func TestArchitecture(t *testing.T) {
	imports := map[string]map[string][]string{}
	fset := token.NewFileSet()
	walkGo(t, func(path string) {
		if strings.HasSuffix(path, "_test.go") {
			return
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = ""
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p != module && !strings.HasPrefix(p, module+"/") {
				continue
			}
			if imports[pkg] == nil {
				imports[pkg] = map[string][]string{}
			}
			imports[pkg][path] = append(imports[pkg][path], strings.TrimPrefix(strings.TrimPrefix(p, module), "/"))
		}
	})
	if len(imports["models"]) == 0 || len(imports["api"]) == 0 {
		t.Fatalf("read no imports of models or api (%d packages): the walk is broken", len(imports))
	}
	for _, v := range archViolations(imports) {
		t.Error(v)
	}
}

// TestArchRulesCatch shows the rules fail on the arrows they forbid and pass
// the ones the house has.
func TestArchRulesCatch(t *testing.T) {
	bad := map[string]map[string][]string{
		"models":          {"models/x.go": {"api"}},
		"models/verdict":  {"models/verdict/x.go": {"search/bleve"}},
		"search/postgres": {"search/postgres/x.go": {"api"}},
		"api":             {"api/x.go": {"tools/loadgen"}},
		"fold":            {"fold/x.go": {"models"}},
	}
	if got := archViolations(bad); len(got) != 5 {
		t.Fatalf("want 5 violations, got %d: %q", len(got), got)
	}
	good := map[string]map[string][]string{
		"":                 {"main.go": {"api", "tools/loadgen", "models"}},
		"api":              {"api/x.go": {"models", "search", "importer", "fold"}},
		"search":           {"search/x.go": {"models", "fold"}},
		"importer":         {"importer/x.go": {"models", "fold"}},
		"models":           {"models/x.go": {"fold", "models/verdict"}},
		"tools/benchsuite": {"tools/benchsuite/x.go": {"importer/gen", "tools/loadgen"}},
		"match":            {"match/x.go": {"fold"}},
	}
	if got := archViolations(good); len(got) != 0 {
		t.Fatalf("the house's own arrows were refused: %q", got)
	}
}

// TestFileSizes fails when a hand-written non-test .go file outside docs/
// is over maxLines lines: split it by concern.
func TestFileSizes(t *testing.T) {
	seen := 0
	walkGo(t, func(path string) {
		if strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, "docs/") {
			return
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if generated(src) {
			return
		}
		seen++
		n := strings.Count(string(src), "\n")
		if n <= maxLines {
			return
		}
		if why, ok := oversizeExempt[path]; ok {
			t.Logf("%s: %d lines, exempt for now: %s", path, n, why)
			return
		}
		t.Errorf("%s: %d lines, over %d: split it by concern", path, n, maxLines)
	})
	if seen < 50 {
		t.Fatalf("read only %d files: the walk is broken", seen)
	}
	for path := range oversizeExempt {
		if _, err := os.Stat(path); err == nil {
			continue
		}
		t.Logf("%s is exempt from the size rule but no longer exists: its entry in oversizeExempt can go", path)
	}
}
