package frontend

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/nncc/nncc/runtime"
)

// The tests in this file evaluate the graphs the frontend builds with the reference
// interpreter and compare them with values PyTorch computed (testdata/torch).

// loadReference reads a safetensors file of testdata/torch as float64 slices.
func loadReference(t *testing.T, name string) map[string]reference {
	t.Helper()
	f, err := os.Open("../testdata/torch/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tensors, _, err := runtime.LoadTensors(f)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]reference{}
	for _, ts := range tensors {
		r := reference{shape: ts.Shape}
		switch {
		case ts.F32 != nil:
			for _, v := range ts.F32 {
				r.data = append(r.data, float64(v))
			}
		case ts.F64 != nil:
			r.data = ts.F64
		case ts.I32 != nil:
			for _, v := range ts.I32 {
				r.data = append(r.data, float64(v))
			}
		}
		refs[ts.Name] = r
	}
	return refs
}

type reference struct {
	shape []int
	data  []float64
}

func (r reference) get(t *testing.T) reference {
	t.Helper()
	if r.shape == nil {
		t.Fatal("reference tensor missing")
	}
	return r
}

// run evaluates mod's forward graph with batch extent n.
func run(t *testing.T, mod *ir.Module, n int, feeds map[string]*interp.Tensor) map[string]*interp.Tensor {
	t.Helper()
	out, _, err := interp.Run(mod.Forward, n, feeds)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// closeTo compares got with want elementwise: infinities must match exactly, other
// values within atol + rtol*|want|.
func closeTo(t *testing.T, name string, got, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.IsInf(w, 0) || math.IsNaN(g) || math.IsInf(g, 0) {
			if g != w {
				t.Errorf("%s[%d] = %v, want %v", name, i, g, w)
			}
			continue
		}
		if math.Abs(g-w) > atol+rtol*math.Abs(w) {
			t.Errorf("%s[%d] = %.9g, want %.9g", name, i, g, w)
		}
	}
}

// tolerances for f32 and f64 results.
func tolerance(dt ir.DType) float64 {
	if dt == ir.F32 {
		return 2e-6
	}
	return 1e-13
}

// lossModel builds a model whose output is f(x) and whose loss is given by loss.
func lossModel(t *testing.T, dt ir.DType, features, classes int, f func(m *Model, x *ir.Value) *ir.Value,
	loss func(m *Model, out, y *ir.Value)) *ir.Module {
	t.Helper()
	m := NewModel("numerics")
	m.SetDType(dt)
	x := m.Input(features)
	var y *ir.Value
	if classes > 0 {
		y = m.ClassLabels(classes)
	} else {
		y = m.TargetLabels(features)
	}
	out := f(m, x)
	m.Output(out)
	loss(m, out, y)
	m.SGD(SGDConfig{LR: 0.1})
	m.Train(ir.TrainConfig{BatchSize: 8, Epochs: 1})
	mod, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func identity(_ *Model, x *ir.Value) *ir.Value { return x }

func TestHardCasesMatchPyTorch(t *testing.T) {
	refs := loadReference(t, "hard_cases.safetensors")
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		tol := tolerance(dt)
		for _, c := range []string{"ce_1e4", "ce_1e6", "ce_1e8", "ce_tie"} {
			t.Run(fmt.Sprintf("%s_%s", c, dt), func(t *testing.T) {
				in, target := refs[c+".input."+dt.String()].get(t), refs[c+".target."+dt.String()].get(t)
				n, k := in.shape[0], in.shape[1]
				mod := lossModel(t, dt, k, k, identity, func(m *Model, out, y *ir.Value) { m.CrossEntropy(out, y) })
				out := run(t, mod, n, map[string]*interp.Tensor{
					"x": interp.NewTensor(dt, in.shape, in.data),
					"y": interp.NewTensor(ir.I32, target.shape, target.data),
				})
				closeTo(t, "loss", out["loss"].Data, refs[c+".output."+dt.String()].get(t).data, 0, tol)
				if want := float64(countCorrect(in.data, target.data, k)); out["correct"].Data[0] != want {
					t.Errorf("correct = %v, want %v", out["correct"].Data[0], want)
				}
			})
		}
		t.Run("bce_1e4_"+dt.String(), func(t *testing.T) {
			in, target := refs["bce_1e4.input."+dt.String()].get(t), refs["bce_1e4.target."+dt.String()].get(t)
			mod := lossModel(t, dt, 1, 0, identity, func(m *Model, out, y *ir.Value) { m.BCEWithLogits(out, y) })
			out := run(t, mod, in.shape[0], map[string]*interp.Tensor{
				"x": interp.NewTensor(dt, in.shape, in.data),
				"y": interp.NewTensor(dt, target.shape, target.data),
			})
			closeTo(t, "loss", out["loss"].Data, refs["bce_1e4.output."+dt.String()].get(t).data, 0, tol)
			want := 0.0
			for i, v := range in.data {
				if (v > 0) == (target.data[i] > 0.5) {
					want++
				}
			}
			if out["correct"].Data[0] != want {
				t.Errorf("correct = %v, want %v", out["correct"].Data[0], want)
			}
		})
		for _, c := range []string{"logsoftmax_neginf", "logsoftmax_equal", "softmax_equal"} {
			t.Run(c+"_"+dt.String(), func(t *testing.T) {
				in := refs[c+".input."+dt.String()].get(t)
				f := func(m *Model, x *ir.Value) *ir.Value { return m.LogSoftmax(x, -1) }
				if strings.HasPrefix(c, "softmax") {
					f = func(m *Model, x *ir.Value) *ir.Value { return m.Softmax(x, -1) }
				}
				mod := lossModel(t, dt, in.shape[1], 0, f, func(m *Model, out, y *ir.Value) { m.MSE(out, y) })
				out := run(t, mod, in.shape[0], map[string]*interp.Tensor{
					"x": interp.NewTensor(dt, in.shape, in.data),
					"y": interp.Zeros(dt, in.shape),
				})
				closeTo(t, "output", out["output"].Data, refs[c+".output."+dt.String()].get(t).data, tol, tol)
			})
		}
	}
}

// countCorrect counts the rows of logits whose first maximum is at the label.
func countCorrect(logits, labels []float64, k int) int {
	n := 0
	for r, label := range labels {
		row := logits[r*k : (r+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if float64(best) == label {
			n++
		}
	}
	return n
}

func TestCrossEntropyExtremes(t *testing.T) {
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		mod := lossModel(t, dt, 3, 3, identity, func(m *Model, out, y *ir.Value) { m.CrossEntropy(out, y) })
		inf := math.Inf(-1)
		for _, c := range []struct {
			logits []float64
			label  float64
			want   float64
		}{
			{[]float64{1e8, 1e8, -1e8}, 0, math.Ln2},                 // tie at the maximum
			{[]float64{-1e8, -1e8, -1e8}, 2, math.Log(3)},            // all equal and large
			{[]float64{1e8, -1e8, 0}, 1, 2e8},                        // finite for a hopeless label
			{[]float64{inf, 0, 1}, 2, math.Log1p(math.Exp(-1))},      // -Inf in another class
			{[]float64{inf, inf, 5}, 2, 0},                           // only one finite logit
			{[]float64{3.5, 3.5, 3.5}, 1, math.Log(3)},               // ordinary tie
			{[]float64{0, math.Log(2), math.Log(5)}, 0, math.Log(8)}, // log(1+2+5)
		} {
			out := run(t, mod, 1, map[string]*interp.Tensor{
				"x": interp.NewTensor(dt, []int{1, 3}, c.logits),
				"y": interp.NewTensor(ir.I32, []int{1}, []float64{c.label}),
			})
			got := out["loss"].Data[0]
			if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) {
				t.Errorf("%s: cross_entropy(%v, %v) = %v, want %v", dt, c.logits, c.label, got, c.want)
			}
		}
	}
}

func TestBCEWithLogitsExtremes(t *testing.T) {
	for _, dt := range []ir.DType{ir.F32, ir.F64} {
		mod := lossModel(t, dt, 1, 0, identity, func(m *Model, out, y *ir.Value) { m.BCEWithLogits(out, y) })
		for _, c := range []struct{ logit, target, want float64 }{
			{1e8, 1, 0},
			{-1e8, 0, 0},
			{1e8, 0, 1e8},
			{-1e8, 1, 1e8},
			{0, 1, math.Ln2},
			{2, 0.25, 2 - 0.5 + math.Log1p(math.Exp(-2))},
		} {
			out := run(t, mod, 1, map[string]*interp.Tensor{
				"x": interp.NewTensor(dt, []int{1, 1}, []float64{c.logit}),
				"y": interp.NewTensor(dt, []int{1, 1}, []float64{c.target}),
			})
			got := out["loss"].Data[0]
			if math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) {
				t.Errorf("%s: bce_with_logits(%v, %v) = %v, want %v", dt, c.logit, c.target, got, c.want)
			}
		}
	}
}

// TestExampleModelsMatchPyTorch runs the example model files on PyTorch's initial
// weights and first batch, and compares the logits and the loss.
func TestExampleModelsMatchPyTorch(t *testing.T) {
	for _, c := range []struct{ model, file string }{
		{mnistFile, "mnist_sgd"},
		{binaryFile, "binary_sgd"},
	} {
		for _, dt := range []ir.DType{ir.F32, ir.F64} {
			t.Run(c.file+"_"+dt.String(), func(t *testing.T) {
				src, err := os.ReadFile(c.model)
				if err != nil {
					t.Fatal(err)
				}
				if dt == ir.F64 {
					// Switch the model to f64: one dtype line, element types left out.
					text := strings.ReplaceAll(string(src), "f32[", "[")
					src = []byte(strings.Replace(text, "\ninput", "\ndtype f64\ninput", 1))
				}
				mod, err := Parse(c.model, src)
				if err != nil {
					t.Fatal(err)
				}
				checkAgainstTorch(t, mod, loadReference(t, c.file+"_"+dt.String()+".safetensors"))
			})
		}
	}
}

func checkAgainstTorch(t *testing.T, mod *ir.Module, refs map[string]reference) {
	t.Helper()
	dt := mod.Forward.Named("x").DType
	feeds := map[string]*interp.Tensor{}
	for _, p := range mod.Forward.Params() {
		r := refs["init."+p.Attrs.Name].get(t)
		feeds[p.Attrs.Name] = interp.NewTensor(dt, r.shape, r.data)
	}
	// x and y hold one batch per step; take step 0.
	x, y := refs["x"].get(t), refs["y"].get(t)
	n := x.shape[1]
	xs := x.shape[1:]
	feeds["x"] = interp.NewTensor(dt, xs, x.data[:n*xs[1]])
	yDType, ys := ir.I32, y.shape[1:]
	if mod.Loss != ir.LossCrossEntropy {
		yDType = dt
	}
	feeds["y"] = interp.NewTensor(yDType, ys, y.data[:len(y.data)/y.shape[0]])

	out := run(t, mod, n, feeds)
	tol := 10 * tolerance(dt) // PyTorch sums the matmul in another order
	closeTo(t, "output", out["output"].Data, refs["logits0"].get(t).data, tol, tol)
	closeTo(t, "loss", out["loss"].Data, refs["loss"].get(t).data[:1], 0, tol)
}
