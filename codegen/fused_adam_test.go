package codegen

import (
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/passes"
)

// TestAdamKernelOperandOverwritten builds by hand a step that holds the Adam
// expression and, between its first value and its root, a stored value. The
// plan places that value over the gradient, which it may do once the
// gradient's last reader in step order has run. One AdamStep32 call at the root
// would read the gradient after that value overwrote it, so the expression must
// not match.
func TestAdamKernelOperandOverwritten(t *testing.T) {
	var step, internal []*ir.Value
	var g, x2, w1, y *ir.Value
	gr := buildGraph(t, "adaminplace", 4, func(b *ir.Builder) {
		x := b.Input("x", ir.F32, ir.Shape{ir.Batch, 1024})
		c := func(f float64) *ir.Value { return b.ScalarLike(x, f) }
		in := func(v *ir.Value) *ir.Value {
			internal = append(internal, v)
			step = append(step, v)
			return v
		}
		g = b.Neg(x)
		m1 := in(b.Add(in(b.Mul(x, c(0.9))), in(b.Mul(c(0.1), g))))
		v1 := in(b.Add(in(b.Mul(x, c(0.999))), in(b.Mul(in(b.Mul(c(0.001), g)), g))))
		x2 = b.Unary(ir.OpRelu, x) // stored, over g's memory
		step = append(step, x2)
		d := in(b.Add(in(b.Div(in(b.Unary(ir.OpSqrt, v1)), c(0.25))), c(1e-3)))
		w1 = b.Sub(x, in(b.Div(in(b.Mul(c(0.5), m1)), d)))
		step = append(step, w1)
		y = b.Add(x2, w1)
		b.G.SetOutput("output", y)
	})
	isInternal := make(map[*ir.Value]bool)
	for _, v := range internal {
		isInternal[v] = true
	}
	adam := &passes.Step{Values: step, Aligned: true, Internal: isInternal, Into: map[*ir.Value]*ir.Value{}}
	if k := (&adamMatcher{s: adam, members: memberSet(adam)}).match(len(step) - 1); k != nil {
		t.Fatalf("matched the Adam expression across a stored value: %+v", k)
	}

	schedule := append(append([]*ir.Value{g}, step...), y)
	plan := &passes.MemoryPlan{
		Offsets:    map[*ir.Value]int{g: 0, x2: 0, w1: 4096, y: 8192},
		ArenaElems: map[ir.DType]int{ir.F32: 12288},
	}
	f := &passes.Function{Name: "predict", Graph: gr, Schedule: schedule, Plan: plan, Steps: []*passes.Step{
		{Values: []*ir.Value{g}, Aligned: true}, adam, {Values: []*ir.Value{y}, Aligned: true},
	}}
	prog := &passes.Program{Module: &ir.Module{Name: "adaminplace", File: "adaminplace.nnc"}, Predict: f}
	files, err := Generate(prog, Options{Package: "adaminplace", Source: "adaminplace.nnc"})
	if err != nil {
		t.Fatal(err)
	}
	if src := string(files["predict.go"]); strings.Contains(src, "AdamStep32(") {
		t.Errorf("the generated code calls AdamStep32 after x2 overwrote the gradient:\n%s", src)
	}
}
