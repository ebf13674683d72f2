package passes

import (
	"math"
	"slices"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// The gradients fed at each step of the optimizer tests, for a param of three
// elements: mixed signs and magnitudes, with a zero.
var optGrads = [][]float64{
	{0.5, -1.25, 0},
	{-0.3, 2, 0.125},
	{0.01, -0.02, 3},
	{1e-4, 0.75, -0.5},
}

var optInit = []float64{0.2, -0.4, 1.5}

// refStep applies one optimizer step to w in float64, written after PyTorch
// 1.13's _single_tensor_sgd and _single_tensor_adam. state contains "buf", "m" and
// "v" and t is the step number, counting from 1.
func refStep(o ir.Optimizer, lr float64, t int, w, grad []float64, state map[string][]float64) {
	for i := range w {
		d := grad[i]
		if o.WeightDecay != 0 {
			d += o.WeightDecay * w[i]
		}
		switch o.Kind {
		case ir.OptSGD:
			if o.Momentum != 0 {
				buf := state["buf"]
				if t == 1 {
					buf[i] = d
				} else {
					buf[i] = buf[i]*o.Momentum + d
				}
				if o.Nesterov {
					d += o.Momentum * buf[i]
				} else {
					d = buf[i]
				}
			}
			w[i] += -lr * d
		case ir.OptAdam:
			m, v := state["m"], state["v"]
			m[i] = m[i]*o.Beta1 + (1-o.Beta1)*d
			v[i] = v[i]*o.Beta2 + (1-o.Beta2)*d*d
			bc1 := 1 - math.Pow(o.Beta1, float64(t))
			bc2 := 1 - math.Pow(o.Beta2, float64(t))
			stepSize := lr / bc1
			denom := math.Sqrt(v[i])/math.Sqrt(bc2) + o.Eps
			w[i] += -stepSize * m[i] / denom
		}
	}
}

// optimizerGraph returns a train graph for one param "w" of dtype dt, whose
// gradient is the input "grad", lowered with o.
func optimizerGraph(t *testing.T, o ir.Optimizer, dt ir.DType) *ir.Graph {
	b := newBuilder(t)
	w := b.Param("w", dt, ir.Shape{3}, ir.Init{})
	grad := b.Input("grad", dt, ir.Shape{3})
	b.G.SetOutput("loss", b.Sum(w, []int{0}, false))
	f := &Function{Name: "train", Graph: b.G}
	ctx := &Context{Module: &ir.Module{Forward: b.G, Optimizer: o}, Func: f, Params: []*ir.Value{w}, Grads: []*ir.Value{grad}}
	if err := lowerOptimizer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(b.G); err != nil {
		t.Fatalf("after lower-optimizer: %v\n%s", err, b.G)
	}
	return b.G
}

// trainSteps runs the optimizer graph over optGrads, carrying params and state
// from step to step, and returns w after each step. lrAt gives the learning rate
// fed at each step, or nil to keep the initial one.
func trainSteps(t *testing.T, g *ir.Graph, dt ir.DType, lrAt func(step int) float64) [][]float64 {
	feeds := map[string]*interp.Tensor{"w": interp.NewTensor(dt, []int{3}, append([]float64(nil), optInit...))}
	var ws [][]float64
	for k, grad := range optGrads {
		feeds["grad"] = interp.NewTensor(dt, []int{3}, grad)
		if lrAt != nil {
			feeds["lr"] = interp.Scalar(dt, lrAt(k))
		}
		_, updates, err := interp.Run(g, 1, feeds)
		if err != nil {
			t.Fatalf("step %d: %v", k, err)
		}
		if _, ok := updates["lr"]; ok {
			t.Fatalf("the graph updates lr")
		}
		if got := updates["step"].Data[0]; got != float64(k+1) {
			t.Errorf("after step %d, step = %v, want %d", k, got, k+1)
		}
		for name, u := range updates {
			feeds[name] = u
		}
		ws = append(ws, append([]float64(nil), updates["w"].Data...))
	}
	return ws
}

var optimizerCases = []struct {
	name string
	opt  ir.Optimizer
}{
	{"sgd", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1}},
	{"sgd weight decay", ir.Optimizer{Kind: ir.OptSGD, LR: 0.05, WeightDecay: 0.01}},
	{"momentum", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.9}},
	{"momentum weight decay", ir.Optimizer{Kind: ir.OptSGD, LR: 0.05, Momentum: 0.9, WeightDecay: 1e-4}},
	{"nesterov", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.8, Nesterov: true, WeightDecay: 0.01}},
	{"adam", ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
	{"adam weight decay", ir.Optimizer{Kind: ir.OptAdam, LR: 0.003, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1}},
}

func TestOptimizerMatchesReference(t *testing.T) {
	for _, tc := range optimizerCases {
		for _, dt := range []ir.DType{f64, f32} {
			t.Run(tc.name+" "+dt.String(), func(t *testing.T) {
				g := optimizerGraph(t, tc.opt, dt)
				// The learning rate changes at the third step, as a schedule would.
				lrAt := func(step int) float64 {
					if step >= 2 {
						return tc.opt.LR / 2
					}
					return tc.opt.LR
				}
				got := trainSteps(t, g, dt, lrAt)

				w := append([]float64(nil), optInit...)
				state := map[string][]float64{"buf": make([]float64, 3), "m": make([]float64, 3), "v": make([]float64, 3)}
				tol := 1e-15
				if dt == f32 {
					tol = 2e-6
				}
				for k, grad := range optGrads {
					refStep(tc.opt, lrAt(k), k+1, w, grad, state)
					for i := range w {
						if d := math.Abs(got[k][i] - w[i]); d > tol*math.Max(1, math.Abs(w[i])) {
							t.Errorf("step %d: w[%d] = %.17g, want %.17g (difference %.3g)", k+1, i, got[k][i], w[i], d)
						}
					}
				}
			})
		}
	}
}

// TestOptimizerFirstSteps checks two steps against values worked out by hand:
// w = 1, a gradient of 0.5 at both steps, lr 0.1.
func TestOptimizerFirstSteps(t *testing.T) {
	tests := []struct {
		name   string
		opt    ir.Optimizer
		w1, w2 float64
	}{
		// w1 = 1 - 0.1*0.5; w2 = w1 - 0.1*0.5.
		{"sgd", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1}, 0.95, 0.9},
		// buf = 0.5, then 0.9*0.5 + 0.5 = 0.95: w2 = 0.95 - 0.095.
		{"momentum", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.9}, 0.95, 0.855},
		// buf = 0.5, d = 0.5 + 0.9*0.5 = 0.95: w1 = 1 - 0.095 = 0.905. Then buf
		// = 0.95, d = 0.5 + 0.9*0.95 = 1.355: w2 = 0.905 - 0.1355 = 0.7695.
		{"nesterov", ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.9, Nesterov: true}, 0.905, 0.7695},
		// With a constant gradient, the bias-corrected moments equal g and g² up
		// to rounding, so each step is lr*g/(|g| + eps) = 0.1 with eps 0.
		{"adam", ir.Optimizer{Kind: ir.OptAdam, LR: 0.1, Beta1: 0.9, Beta2: 0.999}, 0.9, 0.8},
	}
	for _, tc := range tests {
		b := newBuilder(t)
		w := b.Param("w", f64, ir.Shape{}, ir.Init{Kind: ir.InitConst, Value: 1})
		grad := b.Scalar(f64, 0.5)
		b.G.SetOutput("loss", w)
		ctx := &Context{Module: &ir.Module{Optimizer: tc.opt}, Func: &Function{Name: "train", Graph: b.G},
			Params: []*ir.Value{w}, Grads: []*ir.Value{grad}}
		if err := lowerOptimizer(ctx); err != nil {
			t.Fatal(err)
		}
		feeds := map[string]*interp.Tensor{}
		for step, want := range []float64{tc.w1, tc.w2} {
			_, updates := run(t, b.G, 1, feeds)
			if got := updates["w"].Data[0]; math.Abs(got-want) > 1e-15 {
				t.Errorf("%s: w after step %d = %.17g, want %.17g", tc.name, step+1, got, want)
			}
			for name, u := range updates {
				feeds[name] = u
			}
		}
	}
}

func TestOptimizerState(t *testing.T) {
	tests := []struct {
		opt    ir.Optimizer
		states []string
	}{
		{ir.Optimizer{Kind: ir.OptSGD, LR: 0.1}, []string{"lr", "step"}},
		{ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.5}, []string{"lr", "step", "w.momentum"}},
		{ir.Optimizer{Kind: ir.OptAdam, LR: 0.1, Beta1: 0.9, Beta2: 0.99}, []string{"lr", "step", "w.adam_m", "w.adam_v"}},
	}
	for _, tc := range tests {
		g := optimizerGraph(t, tc.opt, f32)
		var names []string
		for _, s := range g.States() {
			names = append(names, s.Attrs.Name)
		}
		if !slices.Equal(names, tc.states) {
			t.Errorf("%s: states %v, want %v", tc.opt.Kind, names, tc.states)
		}
		lr := g.Named("lr")
		if lr.DType != f32 || !lr.IsScalar() || lr.Attrs.Init != (ir.Init{Kind: ir.InitConst, Value: tc.opt.LR}) {
			t.Errorf("lr is %s with init %+v, want an f32 scalar initialized to %g", lr.Type(), lr.Attrs.Init, tc.opt.LR)
		}
		if step := g.Named("step"); step.DType != f64 || !step.IsScalar() || step.Attrs.Init != (ir.Init{}) {
			t.Errorf("step is %s with init %+v, want an f64 scalar of zeros", step.Type(), step.Attrs.Init)
		}
		updated := map[string]bool{}
		for _, u := range g.Updates {
			updated[u.Target.Attrs.Name] = true
		}
		for _, name := range append(tc.states[1:], "w") {
			if !updated[name] {
				t.Errorf("%s: %q is not updated", tc.opt.Kind, name)
			}
		}
	}
}
