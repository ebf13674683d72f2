package codegen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// evil tries to end a comment or a string and declare an init function.
const evil = "w */ func init() { panic(1) } /*\n}\nfunc init() { panic(\"x\") }\n// \"`"

// hostileTest is a model whose names, comments, positions and file name all
// carry evil, and whose param names collide after sanitizing and with Go
// keywords and the generator's own fields.
var hostileTest = opTest{
	name:  "hostile_names",
	shape: ir.Shape{ir.Batch, 2},
	build: func(b *ir.Builder, x *ir.Value) *ir.Value {
		b.Pos.File = evil
		h := x
		for _, name := range []string{evil, "func", "fc1.weight", "fc1_weight", "9", "arenaF32", "tensors", "m", "n", "v1"} {
			h = b.Add(h, param(b, name, ir.F32, ir.Shape{2}))
			h.Comment = evil
		}
		return h
	},
}

// TestHostileNames checks that names and comments taken from a model cannot add
// code to the generated files: every file parses, declares only the expected
// functions, and keeps each name intact inside a string literal.
func TestHostileNames(t *testing.T) {
	c := hostileTest.genCase(t)
	c.prog.Module.Name = evil
	c.prog.Module.File = evil
	files, err := Generate(c.prog, Options{Package: "hostile", Source: evil})
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"Predict", "New", "NewSeeded", "Params", "State", "tensors", "WriteTo", "ReadFrom"}
	var names []string
	for name, src := range files {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", name, err, src)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok {
				if !slices.Contains(allowed, fn.Name.Name) {
					t.Errorf("%s declares func %s", name, fn.Name.Name)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					names = append(names, s)
				}
			}
			return true
		})
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "/*") {
					t.Errorf("%s has a block comment %q", name, c.Text)
				}
			}
		}
	}
	if !slices.Contains(names, evil) {
		t.Errorf("no string literal holds the hostile name; literals: %q", names)
	}
}
