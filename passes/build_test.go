package passes

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

var sgd = ir.Optimizer{Kind: ir.OptSGD, LR: 0.1}

func names[T any](xs []T, name func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func outputNames(g *ir.Graph) []string {
	return names(g.Outputs, func(o ir.Output) string { return o.Name })
}

func sourceNames(vs []*ir.Value) []string {
	return names(vs, func(v *ir.Value) string { return v.Attrs.Name })
}

func updateNames(g *ir.Graph) []string {
	return names(g.Updates, func(u ir.Update) string { return u.Target.Attrs.Name })
}

func mustBuild(t *testing.T, m *ir.Module, opts Options) *Program {
	t.Helper()
	opts.VerifyEach = true
	p, err := Build(m, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, f := range []*Function{p.Predict, p.Eval, p.Train} {
		if f == nil {
			continue
		}
		if err := CheckPlan(f); err != nil {
			t.Errorf("CheckPlan(%s): %v", f.Name, err)
		}
	}
	return p
}

func TestBuildMLPFunctions(t *testing.T) {
	m := mnistModule(t, f32, 6, 5, 3, 4, ir.Optimizer{Kind: ir.OptSGD, LR: 0.1, Momentum: 0.9})
	before := m.Forward.String()
	p := mustBuild(t, m, Options{})

	params := []string{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
	tests := []struct {
		f               *Function
		name            string
		outputs, inputs []string
		states, updates []string
	}{
		{p.Predict, "predict", []string{"output"}, []string{"x"}, nil, nil},
		{p.Eval, "eval", []string{"loss", "correct"}, []string{"x", "y"}, nil, nil},
		{p.Train, "train", []string{"loss", "correct"}, []string{"x", "y"},
			[]string{"lr", "step", "fc1.weight.momentum", "fc1.bias.momentum", "fc2.weight.momentum", "fc2.bias.momentum"},
			[]string{"step", "fc1.weight.momentum", "fc1.weight", "fc1.bias.momentum", "fc1.bias",
				"fc2.weight.momentum", "fc2.weight", "fc2.bias.momentum", "fc2.bias"}},
	}
	for _, tc := range tests {
		g := tc.f.Graph
		if tc.f.Name != tc.name || g.Name != tc.name {
			t.Errorf("function %q with graph %q, want %q", tc.f.Name, g.Name, tc.name)
		}
		if got := outputNames(g); !slices.Equal(got, tc.outputs) {
			t.Errorf("%s: outputs %v, want %v", tc.name, got, tc.outputs)
		}
		if got := sourceNames(g.Inputs()); !slices.Equal(got, tc.inputs) {
			t.Errorf("%s: inputs %v, want %v", tc.name, got, tc.inputs)
		}
		if got := sourceNames(g.Params()); !slices.Equal(got, params) {
			t.Errorf("%s: params %v, want %v", tc.name, got, params)
		}
		if got := sourceNames(g.States()); !slices.Equal(got, tc.states) {
			t.Errorf("%s: states %v, want %v", tc.name, got, tc.states)
		}
		if got := updateNames(g); !slices.Equal(got, tc.updates) {
			t.Errorf("%s: updates %v, want %v", tc.name, got, tc.updates)
		}
		if g.MaxBatch != 4 {
			t.Errorf("%s: MaxBatch %d, want 4", tc.name, g.MaxBatch)
		}
	}
	if after := m.Forward.String(); after != before {
		t.Errorf("Build changed the forward graph:\n%s\nwant\n%s", after, before)
	}
}

// randomFeeds returns the params of g and an input batch of extent n, drawn from
// rng: uniform values in [-1, 1) and class labels in [0, classes).
func randomFeeds(rng *rand.Rand, g *ir.Graph, n, classes int) map[string]*interp.Tensor {
	feeds := map[string]*interp.Tensor{}
	for _, v := range g.Values {
		if v.Op != ir.OpInput && v.Op != ir.OpParam {
			continue
		}
		shape := make([]int, len(v.Shape))
		for i, d := range v.Shape {
			if d == ir.Batch {
				d = n
			}
			shape[i] = d
		}
		t := interp.Zeros(v.DType, shape)
		for i := range t.Data {
			if v.DType.IsInt() {
				t.Data[i] = float64(rng.IntN(classes))
			} else {
				t.Data[i] = 2*rng.Float64() - 1
			}
		}
		feeds[v.Attrs.Name] = t
	}
	return feeds
}

func run(t *testing.T, g *ir.Graph, n int, feeds map[string]*interp.Tensor) (outputs, updates map[string]*interp.Tensor) {
	t.Helper()
	outputs, updates, err := interp.Run(g, n, feeds)
	if err != nil {
		t.Fatalf("running %s: %v", g.Name, err)
	}
	return outputs, updates
}

// TestBuildKeepsResults checks that the optimized functions compute what the
// forward graph computes, bit for bit, on a full and a partial batch, with and
// without the optional passes. For train that includes "correct", which must
// count the predictions of the parameters before the step.
func TestBuildKeepsResults(t *testing.T) {
	for _, disable := range [][]string{nil, {"fold-constants", "simplify", "cse", "dce"}} {
		for _, dt := range []ir.DType{f32, f64} {
			m := mnistModule(t, dt, 7, 6, 4, 5, sgd)
			p := mustBuild(t, m, Options{Disable: disable})
			rng := rand.New(rand.NewPCG(3, 4))
			for _, n := range []int{5, 2} {
				feeds := randomFeeds(rng, m.Forward, n, 4)
				want, _ := run(t, m.Forward, n, feeds)
				for _, f := range []*Function{p.Predict, p.Eval, p.Train} {
					got, _ := run(t, f.Graph, n, feeds)
					if f != p.Predict && got["correct"] == nil {
						t.Errorf("%s %s: no output \"correct\"", dt, f.Name)
					}
					for name, tensor := range got {
						if !slices.Equal(tensor.Data, want[name].Data) {
							t.Errorf("%s %s n=%d disable=%v: output %q = %v, want %v", dt, f.Name, n, disable, name, tensor, want[name])
						}
					}
				}
			}
		}
	}
}

// TestBuildTrainStepMatchesFiniteDifferences checks the train function's SGD step
// against central differences of the eval function's loss.
func TestBuildTrainStepMatchesFiniteDifferences(t *testing.T) {
	for _, m := range []*ir.Module{
		mnistModule(t, f64, 5, 4, 3, 6, sgd),
		binaryModule(t, f64, 4, 3, 6, sgd),
	} {
		p := mustBuild(t, m, Options{})
		rng := rand.New(rand.NewPCG(5, 6))
		feeds := randomFeeds(rng, m.Forward, 6, 3)
		if y := feeds["y"]; y.DType == f64 {
			for i := range y.Data {
				y.Data[i] = float64(rng.IntN(2))
			}
		}
		_, updates := run(t, p.Train.Graph, 6, feeds)

		const h = 1e-6
		for _, param := range sourceNames(m.Forward.Params()) {
			w := feeds[param]
			for i := range w.Data {
				grad := (w.Data[i] - updates[param].Data[i]) / sgd.LR
				orig := w.Data[i]
				w.Data[i] = orig + h
				up, _ := run(t, p.Eval.Graph, 6, feeds)
				w.Data[i] = orig - h
				down, _ := run(t, p.Eval.Graph, 6, feeds)
				w.Data[i] = orig
				fd := (up["loss"].Data[0] - down["loss"].Data[0]) / (2 * h)
				if math.Abs(grad-fd) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s: d loss / d %s[%d] = %g from the train step, %g from finite differences", m.Name, param, i, grad, fd)
				}
			}
		}
	}
}

// dumpProgram returns the text of every function, its schedule and its plan.
func dumpProgram(p *Program) string {
	var b strings.Builder
	for _, f := range []*Function{p.Predict, p.Eval, p.Train} {
		b.WriteString(f.Graph.String())
		for _, v := range f.Schedule {
			fmt.Fprintf(&b, "%s@%d ", v.Ref(), f.Plan.Offsets[v])
		}
		for _, dt := range f.Plan.DTypes() {
			fmt.Fprintf(&b, "\n%s arena %d", dt, f.Plan.ArenaElems[dt])
		}
		fmt.Fprintf(&b, "\nbytes %d %d %d\n", f.Plan.ArenaBytes, f.Plan.NaiveBytes, f.Plan.LowerBoundBytes)
	}
	return b.String()
}

func TestBuildDeterministic(t *testing.T) {
	adam := ir.Optimizer{Kind: ir.OptAdam, LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}
	first := dumpProgram(mustBuild(t, mnistModule(t, f32, 8, 6, 4, 3, adam), Options{}))
	for range 5 {
		if again := dumpProgram(mustBuild(t, mnistModule(t, f32, 8, 6, 4, 3, adam), Options{})); again != first {
			t.Fatalf("a second Build differs:\n%s\nfirst:\n%s", again, first)
		}
	}
}

// TestBuildWithoutCorrect checks that a module without a "correct" output gets
// eval and train functions without one.
func TestBuildWithoutCorrect(t *testing.T) {
	p := mustBuild(t, binaryModule(t, f32, 4, 3, 6, sgd), Options{})
	for _, f := range []*Function{p.Eval, p.Train} {
		if got := outputNames(f.Graph); !slices.Equal(got, []string{"loss"}) {
			t.Errorf("%s: outputs %v, want [loss]", f.Name, got)
		}
	}
}

func TestBuildWithoutLoss(t *testing.T) {
	b := newBuilder(t)
	x := b.Input("x", f32, ir.Shape{N, 3})
	b.G.SetOutput("output", b.Exp(x))
	p := mustBuild(t, &ir.Module{Forward: b.G}, Options{})
	if p.Predict == nil || p.Eval != nil || p.Train != nil {
		t.Errorf("functions predict %v eval %v train %v, want only predict", p.Predict != nil, p.Eval != nil, p.Train != nil)
	}
}

func TestBuildPrintAfter(t *testing.T) {
	var out bytes.Buffer
	m := mnistModule(t, f32, 3, 3, 2, 2, sgd)
	mustBuild(t, m, Options{PrintAfter: []string{"lower-optimizer", "dce"}, Out: &out})
	text := out.String()
	if got := strings.Count(text, "// after lower-optimizer\ngraph train "); got != 1 {
		t.Errorf("printed the train graph after lower-optimizer %d times, want 1:\n%s", got, text)
	}
	if got := strings.Count(text, "// after dce\n"); got != 3 {
		t.Errorf("printed %d graphs after dce, want 3 (one per function)", got)
	}
	if i, j := strings.Index(text, "graph predict"), strings.Index(text, "graph train"); i < 0 || j < i {
		t.Errorf("predict printed at %d and train at %d, want predict first", i, j)
	}
}

func TestBuildRejectsBadOptions(t *testing.T) {
	m := mnistModule(t, f32, 3, 3, 2, 2, sgd)
	if _, err := Build(m, Options{Disable: []string{"autodiff"}}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("Build with autodiff disabled: %v, want an error saying it is required", err)
	}
	if _, err := Build(&ir.Module{}, Options{}); err == nil {
		t.Error("Build of a module without a forward graph succeeded")
	}
}
