package codegen

import (
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

func TestIdentifier(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fc1.weight", "fc1Weight"},
		{"fc1.weight.adam_m", "fc1WeightAdamM"},
		{"Layer-2/Bias", "layer2Bias"},
		{"lr", "lr"},
		{"9lives", "t9lives"},
		{"", "t"},
		{"*/ ünïcode \n", "nCode"},
	}
	for _, tt := range tests {
		if got := identifier(tt.in); got != tt.want {
			t.Errorf("identifier(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	n := newNamer("arenaF32")
	got := []string{n.name("a.b"), n.name("a_b"), n.name("aB"), n.name("func"), n.name("arenaF32"), n.name("type")}
	want := []string{"aB", "aB_2", "aB_3", "func_2", "arenaF32_2", "type_2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("namer names %v, want %v", got, want)
			break
		}
	}
}

func TestCommentText(t *testing.T) {
	got := commentText("a */ b\nc\r\u2028d\x00")
	if got != "a * / b c  d " {
		t.Errorf("commentText = %q", got)
	}
}

// planGraph returns the graph exp(x) -> neg -> sum over rows -> add the sums ->
// aᵀ·a as output, and those five values.
func planGraph(t *testing.T) (*ir.Graph, []*ir.Value) {
	var vals []*ir.Value
	g := buildGraph(t, "plan", 2, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 4})
		e := b.Exp(x)
		n := b.Neg(e)
		s := b.Reduce(ir.OpSum, n, []int{1}, true)
		a := b.Add(n, s)
		m := b.MatMul(a, a, true, false)
		b.G.SetOutput("output", m)
		vals = []*ir.Value{e, n, s, a, m}
	})
	return g, vals
}

func TestCheckPlan(t *testing.T) {
	tests := []struct {
		name    string
		offsets []int // of exp, neg, sum, add (n*4, n*4, n, n*4 elements) and matmul (16)
		mutate  func(f *passes.Function)
		wantErr string
	}{
		{name: "separate", offsets: []int{0, 8, 16, 18, 26}},
		{name: "neg in place over exp", offsets: []int{0, 0, 16, 18, 26}},
		{name: "add in place over neg", offsets: []int{0, 8, 16, 8, 26}},
		{name: "reuse of a dead range", offsets: []int{0, 8, 16, 0, 8}},
		{name: "add over live exp", offsets: []int{0, 8, 16, 0, 26}, mutate: func(f *passes.Function) {
			// Keep exp live to the end.
			f.Graph.SetOutput("exp", f.Schedule[0])
		}, wantErr: "is written over %1"},
		{name: "add in place over broadcast sum", offsets: []int{0, 8, 16, 16, 26}, wantErr: "is written over %3"},
		{name: "matmul in place", offsets: []int{0, 8, 16, 18, 18}, wantErr: "is written over %4"},
		{name: "partial overlap", offsets: []int{0, 4, 16, 18, 26}, wantErr: "is written over %1"},
		{name: "outside the arena", offsets: []int{0, 8, 16, 18, 30}, wantErr: "occupies [30, 46)"},
		{name: "negative offset", offsets: []int{-1, 8, 16, 18, 26}, wantErr: "occupies [-1, 7)"},
		{name: "operand after use", offsets: []int{0, 8, 16, 18, 26}, mutate: func(f *passes.Function) {
			f.Schedule[0], f.Schedule[1] = f.Schedule[1], f.Schedule[0]
		}, wantErr: "uses %1 before it is computed"},
		{name: "source scheduled", offsets: []int{0, 8, 16, 18, 26}, mutate: func(f *passes.Function) {
			f.Schedule = append([]*ir.Value{f.Graph.Values[0]}, f.Schedule...)
		}, wantErr: "contains the source"},
		{name: "output not scheduled", offsets: []int{0, 8, 16, 18, 26}, mutate: func(f *passes.Function) {
			f.Schedule = f.Schedule[:4]
		}, wantErr: "is not scheduled"},
		{name: "no offset", offsets: []int{0, 8, 16, 18, 26}, mutate: func(f *passes.Function) {
			delete(f.Plan.Offsets, f.Schedule[2])
		}, wantErr: "has no offset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, vals := planGraph(t)
			plan := &passes.MemoryPlan{Offsets: make(map[*ir.Value]int), ArenaElems: map[ir.DType]int{ir.F32: 42}}
			for i, v := range vals {
				plan.Offsets[v] = tt.offsets[i]
			}
			f := &passes.Function{Name: "predict", Graph: g, Schedule: vals, Plan: plan}
			if tt.mutate != nil {
				tt.mutate(f)
			}
			err := checkPlan(f)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("checkPlan: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("checkPlan = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// simpleGraph returns a predict graph x [N,3] -> x + p -> output.
func simpleGraph(t *testing.T, build func(b *ir.Builder, x *ir.Value) *ir.Value) *ir.Graph {
	return buildGraph(t, "simple", 2, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 3})
		b.G.SetOutput("output", build(b, x))
	})
}

func TestGenerateErrors(t *testing.T) {
	addParam := func(b *ir.Builder, x *ir.Value) *ir.Value {
		return b.Add(x, param(b, "p", ir.F32, ir.Shape{3}))
	}
	good := func(t *testing.T) *passes.Program { return predictProgram(simpleGraph(t, addParam), planSeparate) }
	tests := []struct {
		name    string
		prog    func(t *testing.T) *passes.Program
		pkg     string
		wantErr string
	}{
		{"empty package", good, "", "not a valid name"},
		{"keyword package", good, "func", "not a valid name"},
		{"main package", good, "main", "not a valid name"},
		{"dashed package", good, "a-b", "not a valid name"},
		{"nil program", func(t *testing.T) *passes.Program { return nil }, "m", "no module or no predict"},
		{"other input", func(t *testing.T) *passes.Program {
			return predictProgram(simpleGraph(t, func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Add(x, b.Input("z", ir.F32, ir.Shape{ir.Batch, 3}))
			}), planSeparate)
		}, "m", `has input "z"`},
		{"no output", func(t *testing.T) *passes.Program {
			p := good(t)
			p.Predict.Graph.Outputs[0].Name = "logits"
			return p
		}, "m", `no output "output"`},
		{"bool arithmetic", func(t *testing.T) *passes.Program {
			return predictProgram(simpleGraph(t, func(b *ir.Builder, x *ir.Value) *ir.Value {
				c := b.Binary(ir.OpGt, x, b.Scalar(ir.F32, 0))
				return b.Add(c, c)
			}), planSeparate)
		}, "m", "no kernel for dtype bool"},
		{"param shapes disagree", func(t *testing.T) *passes.Program {
			p := good(t)
			other := simpleGraph(t, func(b *ir.Builder, x *ir.Value) *ir.Value {
				return b.Add(x, param(b, "p", ir.F32, ir.Shape{1, 3}))
			})
			p.Module.Forward = other
			return p
		}, "m", `param "p" is f32[3]`},
		{"only an eval function", func(t *testing.T) *passes.Program {
			p := good(t)
			p.Eval = p.Predict
			return p
		}, "m", "only one of the eval and train"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.prog(t), Options{Package: tt.pkg})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Generate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestUpdateReadsUpdatedState checks that an update whose value is another
// updated state, which the copies after the schedule cannot order, is rejected.
func TestUpdateReadsUpdatedState(t *testing.T) {
	p := predictProgram(simpleGraph(t, func(b *ir.Builder, x *ir.Value) *ir.Value { return x }), planSeparate)
	g := buildGraph(t, "train", 2, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 3})
		b.Input("y", ir.F32, ir.Shape{ir.Batch, 3})
		s1 := b.State("s1", ir.F32, ir.Shape{3}, ir.Init{})
		s2 := b.State("s2", ir.F32, ir.Shape{3}, ir.Init{})
		b.G.SetOutput("loss", b.Mean(x, []int{0, 1}, false))
		b.G.AddUpdate(s1, s2)
		b.G.AddUpdate(s2, s1)
	})
	p.Train = testFunction("train", g, planSeparate)
	p.Eval = testFunction("eval", g, planSeparate)
	_, err := Generate(p, Options{Package: "m"})
	if err == nil || !strings.Contains(err.Error(), "which is itself updated") {
		t.Errorf("Generate = %v, want an error about the update order", err)
	}
}

func TestGenerateMainErrors(t *testing.T) {
	p := predictProgram(simpleGraph(t, func(b *ir.Builder, x *ir.Value) *ir.Value { return x }), planSeparate)
	for _, path := range []string{"", "a b", "../x", "x\"y", "/abs", "x//y", "x/"} {
		if _, err := GenerateMain(p, path); err == nil || !strings.Contains(err.Error(), "not a valid import path") {
			t.Errorf("GenerateMain(%q) = %v, want an import path error", path, err)
		}
	}
	if _, err := GenerateMain(p, "example.com/m"); err == nil || !strings.Contains(err.Error(), "no train function") {
		t.Errorf("GenerateMain of a predict-only program = %v, want an error", err)
	}
}
