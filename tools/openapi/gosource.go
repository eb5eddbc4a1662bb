package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
)

// goField is one JSON field of a Go struct, as encoding/json writes it.
type goField struct {
	JSON      string // the JSON name
	OmitEmpty bool   // ",omitempty" or ",omitzero": absent when empty, so not required
	Type      string // the Go type as written, such as *string or time.Time
	// CreateRequired is a request field that every role must send to
	// create (tag create:"required"), though a PATCH may leave it out.
	CreateRequired bool
}

// source is what the tool reads from the Go code: the structs that swag
// turned into definitions, and the handler that serves each route.
type source struct {
	// structs maps a definition name ("api.certificateResponse", or a
	// type's @name) to the struct's JSON fields, embedded ones flattened.
	structs map[string][]goField
	// handlers maps "METHOD /path" (swag's path, with {id}) to the
	// name of the function whose @Router line declares it, and how many
	// routes that function declares.
	handlers map[string]string
	routes   map[string]int
}

var routerLine = regexp.MustCompile(`@Router\s+(\S+)\s+\[(\w+)\]`)
var nameLine = regexp.MustCompile(`@name\s+(\S+)`)

// skipDirs are not scanned: generated docs, the tools themselves, test data
// and front-end files.
var skipDirs = map[string]bool{"docs": true, "tools": true, "testdata": true, "web": true, "node_modules": true, "data": true, "bin": true}

// readSource parses every package of the module under root (tests excluded).
func readSource(root string) (*source, error) {
	src := &source{structs: map[string][]goField{}, handlers: map[string]string{}, routes: map[string]int{}}
	type pkgTypes struct {
		name  string
		types map[string]*ast.StructType
		named map[string]string // Go type name -> @name
		alias map[string]string // Go type name -> the struct it names (type X = pkg.Y)
	}
	var pkgs []*pkgTypes
	byName := map[string]*pkgTypes{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		fset := token.NewFileSet()
		parsed, err := parser.ParseDir(fset, path, func(fi fs.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, parser.ParseComments)
		if err != nil {
			return err
		}
		for name, p := range parsed {
			pt := &pkgTypes{name: name, types: map[string]*ast.StructType{}, named: map[string]string{}, alias: map[string]string{}}
			for _, f := range p.Files {
				for _, decl := range f.Decls {
					switch d := decl.(type) {
					case *ast.FuncDecl:
						if d.Doc == nil {
							continue
						}
						for _, m := range routerLine.FindAllStringSubmatch(d.Doc.Text(), -1) {
							key := strings.ToUpper(m[2]) + " " + m[1]
							src.handlers[key] = d.Name.Name
							src.routes[d.Name.Name]++
						}
					case *ast.GenDecl:
						for _, spec := range d.Specs {
							ts, ok := spec.(*ast.TypeSpec)
							if !ok {
								continue
							}
							st, ok := ts.Type.(*ast.StructType)
							if !ok {
								if target := exprString(ts.Type); target != "?" {
									pt.alias[ts.Name.Name] = target
								}
								continue
							}
							pt.types[ts.Name.Name] = st
							for _, cg := range []*ast.CommentGroup{ts.Comment, d.Doc, ts.Doc} {
								if cg == nil {
									continue
								}
								if m := nameLine.FindStringSubmatch(cg.Text()); m != nil {
									pt.named[ts.Name.Name] = m[1]
								}
							}
						}
					}
				}
			}
			pkgs = append(pkgs, pt)
			byName[name] = pt
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Flatten each struct's fields, following embedded structs in the
	// same package or in another package of the module.
	var fieldsOf func(pkg *pkgTypes, st *ast.StructType, depth int) []goField
	fieldsOf = func(pkg *pkgTypes, st *ast.StructType, depth int) []goField {
		var out []goField
		for _, f := range st.Fields.List {
			tag := ""
			if f.Tag != nil {
				tag = reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json")
			}
			if reflect.StructTag(tagValue(f)).Get("swaggerignore") == "true" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" && opts == "" {
				continue
			}
			if len(f.Names) == 0 && name == "" && depth < 8 {
				// An embedded struct: its fields are promoted.
				target, tpkg := embeddedType(f.Type), pkg
				if pk, tn, ok := strings.Cut(target, "."); ok {
					tpkg, target = byName[pk], tn
				}
				if tpkg != nil {
					if est, ok := tpkg.types[target]; ok {
						out = append(out, fieldsOf(tpkg, est, depth+1)...)
					}
				}
				continue
			}
			for _, n := range f.Names {
				if !n.IsExported() {
					continue
				}
				jn := name
				if jn == "" {
					jn = n.Name
				}
				out = append(out, goField{JSON: jn, OmitEmpty: strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,"), Type: exprString(f.Type),
					CreateRequired: reflect.StructTag(tagValue(f)).Get("create") == "required"})
			}
		}
		return out
	}
	for _, p := range pkgs {
		for tn, target := range p.alias {
			tpkg, tname := p, target
			if pk, n, ok := strings.Cut(target, "."); ok {
				tpkg, tname = byName[pk], n
			}
			if tpkg == nil {
				continue
			}
			if st, ok := tpkg.types[tname]; ok {
				src.structs[p.name+"."+tn] = fieldsOf(tpkg, st, 0)
			}
		}
		for tn, st := range p.types {
			fields := fieldsOf(p, st, 0)
			src.structs[p.name+"."+tn] = fields
			if n, ok := p.named[tn]; ok {
				src.structs[n] = fields
			}
		}
	}
	return src, nil
}

func tagValue(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	return strings.Trim(f.Tag.Value, "`")
}

func embeddedType(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	return exprString(e)
}

// exprString writes a type expression as Go source.
func exprString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return "*" + exprString(t.X)
	case *ast.SelectorExpr:
		return exprString(t.X) + "." + t.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(t.Elt)
	case *ast.MapType:
		return "map[" + exprString(t.Key) + "]" + exprString(t.Value)
	case *ast.InterfaceType:
		return "any"
	case *ast.IndexExpr:
		return exprString(t.X) + "[" + exprString(t.Index) + "]"
	}
	return "?"
}
