package passes

import (
	"errors"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
)

func TestBuildReportsModelErrors(t *testing.T) {
	at := func(line int) ir.Pos { return ir.Pos{File: "bad.nnc", Line: line, Col: 1} }
	// module returns a valid two-layer module at line 1 for mutate to break.
	module := func() *ir.Module {
		m := mnistModule(t, f32, 3, 3, 2, 2, sgd)
		m.File = "bad.nnc"
		for _, v := range m.Forward.Values {
			v.Pos = at(1)
		}
		return m
	}
	tests := []struct {
		name   string
		mutate func(m *ir.Module)
		want   string
		pos    ir.Pos
	}{
		{"missing x", func(m *ir.Module) { m.Forward.Named("x").Attrs.Name = "features" }, `missing input "x"`, ir.Pos{File: "bad.nnc"}},
		{"missing output", func(m *ir.Module) { m.Forward.Outputs[0].Name = "logits" }, `missing output "output"`, ir.Pos{File: "bad.nnc"}},
		{"loss not scalar", func(m *ir.Module) {
			m.Forward.SetOutput("loss", m.Forward.Output("output"))
		}, `output "loss" is f32[N,2]`, at(1)},
		{"correct float", func(m *ir.Module) {
			m.Forward.SetOutput("correct", m.Forward.Output("loss"))
		}, `output "correct" is f32[]`, at(1)},
		{"learning rate", func(m *ir.Module) { m.Optimizer.LR = -0.1; m.Optimizer.Pos = at(9) }, "learning rate -0.1", at(9)},
		{"nesterov", func(m *ir.Module) { m.Optimizer.Nesterov = true; m.Optimizer.Pos = at(9) }, "nesterov needs a momentum", at(9)},
		{"adam betas", func(m *ir.Module) {
			m.Optimizer = ir.Optimizer{Kind: ir.OptAdam, LR: 0.1, Beta1: 0.9, Beta2: 1, Pos: at(9)}
		}, "want each in [0, 1)", at(9)},
		{"reserved name", func(m *ir.Module) {
			b := ir.NewBuilder(m.Forward).At(at(4))
			b.State("lr", f32, ir.Shape{}, ir.Init{})
		}, `the optimizer uses the name "lr"`, at(4)},
		{"reserved param state", func(m *ir.Module) {
			b := ir.NewBuilder(m.Forward).At(at(4))
			b.State("fc1.bias.momentum", f32, ir.Shape{3}, ir.Init{})
		}, `uses the name "fc1.bias.momentum"`, at(4)},
		{"param dtype", func(m *ir.Module) {
			b := ir.NewBuilder(m.Forward).At(at(5))
			b.Param("scale", f64, ir.Shape{}, ir.Init{})
		}, `param "scale" has dtype f64`, at(5)},
		{"updates param", func(m *ir.Module) {
			w := m.Forward.Named("fc2.bias")
			b := ir.NewBuilder(m.Forward).At(at(6))
			m.Forward.AddUpdate(w, b.Neg(w))
		}, `updates param "fc2.bias"`, at(6)},
		{"output uses labels", func(m *ir.Module) {
			g := m.Forward
			b := ir.NewBuilder(g).At(at(3))
			y := b.Cast(g.Named("y"), f32)
			g.SetOutput("output", b.Add(g.Output("output"), b.Reshape(y, ir.Shape{N, 1})))
		}, "depends on the labels y", at(3)},
		{"fails verify", func(m *ir.Module) {
			v := m.Forward.Output("output")
			v.Pos = at(8)
			v.Shape = ir.Shape{N, 5}
		}, "verify", at(8)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := module()
			tc.mutate(m)
			_, err := Build(m, Options{VerifyEach: true})
			var list ir.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Build returned %v, want an ir.ErrorList", err)
			}
			for _, e := range list {
				if strings.Contains(e.Msg, tc.want) {
					if e.Pos != tc.pos {
						t.Errorf("error %q at %v, want %v", e.Msg, e.Pos, tc.pos)
					}
					return
				}
			}
			t.Errorf("errors %q, want one containing %q", list, tc.want)
		})
	}
}
