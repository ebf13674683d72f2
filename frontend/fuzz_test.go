package frontend

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

// FuzzParse checks that Parse never panics, that every error it reports is
// positioned inside the file, and that every module it returns is valid.
func FuzzParse(f *testing.F) {
	for _, path := range []string{mnistFile, binaryFile} {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(validModel))
	for _, c := range errorCases {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		mod, err := Parse("f.nnc", src)
		if err != nil {
			checkFuzzErrors(t, src, mod, err)
			return
		}
		checkFuzzModule(t, mod)
	})
}

func checkFuzzErrors(t *testing.T, src []byte, mod *ir.Module, err error) {
	if mod != nil {
		t.Fatalf("module returned with error %v", err)
	}
	var list ir.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %T %v, want a non-empty ir.ErrorList", err, err)
	}
	lines := strings.Count(string(src), "\n") + 1
	for _, e := range list {
		p := e.Pos
		if p.File != "f.nnc" || p.Line < 1 || p.Line > lines || p.Col < 1 {
			t.Errorf("error %q at %+v: outside the file's %d lines", e.Msg, p, lines)
		}
		if e.Msg == "" || strings.Contains(e.Msg, "\n") {
			t.Errorf("error message %q is empty or spans lines", e.Msg)
		}
	}
}

func checkFuzzModule(t *testing.T, mod *ir.Module) {
	g := mod.Forward
	if err := ir.Verify(g); err != nil {
		t.Fatalf("invalid graph: %v", err)
	}
	if !IsIdent(mod.Name) || strings.ToLower(mod.Name) != mod.Name {
		t.Errorf("module name %q is not a lower-case identifier", mod.Name)
	}
	if out := g.Output("output"); out == nil || !out.Shape.HasBatch() {
		t.Errorf("output %v lacks a batch dimension", out)
	}
	if loss := g.Output("loss"); loss == nil || !loss.IsScalar() || !loss.DType.IsFloat() {
		t.Errorf("loss %v is not a float scalar", loss)
	}
	if x, y := g.Named("x"), g.Named("y"); x == nil || y == nil || x.Op != ir.OpInput || y.Op != ir.OpInput {
		t.Errorf("inputs x %v and y %v", x, y)
	}
	if g.MaxBatch != mod.Train.BatchSize || g.MaxBatch < 1 {
		t.Errorf("MaxBatch %d, batch size %d", g.MaxBatch, mod.Train.BatchSize)
	}
	for _, v := range g.Values {
		if v.DType == ir.Invalid {
			t.Errorf("invalid value %v in a module without errors", v)
		}
	}
}
