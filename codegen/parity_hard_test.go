package codegen

import (
	"fmt"
	"math"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
)

// The hard cases of testdata/torch/hard_cases.safetensors run through generated
// code. The logits of a loss case come from a dense layer without bias whose
// input rows are unit vectors. The logit of row i and class c is then the weight
// W[c, col(i)] times 1 plus zeros, which is exact, and the gradient of the loss
// with respect to W[c, col(i)] is the gradient with respect to that logit. SGD
// with momentum keeps that gradient as its buffer after the first step, where the
// harness reads it.
//
// Tolerances: in f64 both sides compute the same formulas to within a few
// rounding errors, 1e-12; in f32, 1e-5, as for the training runs. The loss of a
// row with two tied maxima is ln 2 whatever their magnitude.
const (
	hardTolF64 = 1e-12
	hardTolF32 = 1e-5
)

func hardTol(dt string) float64 {
	if dt == "f64" {
		return hardTolF64
	}
	return hardTolF32
}

// hardCrossEntropyNames are the cross-entropy cases, all of the same shape.
var hardCrossEntropyNames = []string{"ce_1e4", "ce_1e6", "ce_1e8", "ce_tie"}

// hardCrossEntropyCase returns a case that runs every cross-entropy hard case of
// dtype dt. Batch k contains the unit vectors that pick case k's logits from the
// weight, where they are columns k*rows to (k+1)*rows-1.
func hardCrossEntropyCase(t *testing.T, hard *refFile, dt string) *genCase {
	t.Helper()
	shape := hard.get(t, hardCrossEntropyNames[0]+".input."+dt).shape
	rows, classes := shape[0], shape[1]
	features := len(hardCrossEntropyNames) * rows
	src := fmt.Sprintf(`model hard_ce_%s
dtype %s
input x: [%d]
labels y: classes(%d)
logits = dense(x, %d, name="fc", bias=false)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=1, momentum=0.5)
train {
  batch = %d
}
`, dt, dt, features, classes, classes, rows)
	c := parseCase(t, "hard_ce_"+dt, src)
	xType := c.prog.Predict.Graph.Named("x").DType
	w := make([]float64, classes*features)
	c.batches = nil
	for k, name := range hardCrossEntropyNames {
		in := hard.get(t, name+".input."+dt)
		x := make([]float64, rows*features)
		for i := range rows {
			x[i*features+k*rows+i] = 1
			for j := range classes {
				w[j*features+k*rows+i] = in.data[i*classes+j]
			}
		}
		y := hard.get(t, name+".target."+dt)
		c.batches = append(c.batches, genBatch{
			n: rows,
			x: interp.NewTensor(xType, []int{rows, features}, x),
			y: interp.NewTensor(ir.I32, y.shape, y.data),
		})
	}
	setFeed(t, c, "fc.weight", refTensor{[]int{classes, features}, w})
	c.check = func(t *testing.T, res harnessResult) {
		if len(res.Batches) != len(hardCrossEntropyNames) {
			t.Fatalf("%d batch results, want %d", len(res.Batches), len(hardCrossEntropyNames))
		}
		for k, name := range hardCrossEntropyNames {
			checkHardLoss(t, hard, name, dt, res.Batches[k], func(buf []float64) []float64 {
				// Column k*rows+i of the buffer is row i's gradient. Every other column
				// must be 0 because no logit of this batch depends on it.
				grad := make([]float64, rows*classes)
				for j := range classes {
					for col := range features {
						g := buf[j*features+col]
						if i := col - k*rows; i >= 0 && i < rows {
							grad[i*classes+j] = g
						} else if g != 0 {
							t.Errorf("%s: gradient of the unused weight [%d,%d] = %v, want 0", name, j, col, g)
						}
					}
				}
				return grad
			})
		}
	}
	return c
}

// hardBCECase returns a case that runs bce_1e4 of dtype dt: its logits are the
// weight [1, N], picked by the N unit vectors of the one batch.
func hardBCECase(t *testing.T, hard *refFile, dt string) *genCase {
	t.Helper()
	const name = "bce_1e4"
	in := hard.get(t, name+".input."+dt)
	rows := in.shape[0]
	src := fmt.Sprintf(`model hard_bce_%s
dtype %s
input x: [%d]
labels y: [1]
logit = dense(x, 1, name="fc", bias=false)
output logit
loss bce_with_logits(logit, y)
optimizer sgd(lr=1, momentum=0.5)
train {
  batch = %d
}
`, dt, dt, rows, rows)
	c := parseCase(t, "hard_bce_"+dt, src)
	dtype := c.prog.Predict.Graph.Named("x").DType
	x := make([]float64, rows*rows)
	for i := range rows {
		x[i*rows+i] = 1
	}
	y := hard.get(t, name+".target."+dt)
	c.batches = []genBatch{{
		n: rows,
		x: interp.NewTensor(dtype, []int{rows, rows}, x),
		y: interp.NewTensor(dtype, y.shape, y.data),
	}}
	setFeed(t, c, "fc.weight", refTensor{[]int{1, rows}, in.data})
	c.check = func(t *testing.T, res harnessResult) {
		if len(res.Batches) != 1 {
			t.Fatalf("%d batch results, want 1", len(res.Batches))
		}
		// The buffer [1, N] has the elements of the gradient [N, 1] in order.
		checkHardLoss(t, hard, name, dt, res.Batches[0], func(buf []float64) []float64 { return buf })
	}
	return c
}

// checkHardLoss compares the results of loss case name on one batch with
// PyTorch's. Predict must return the logits exactly, and Evaluate and TrainStep
// the loss. The momentum buffer after the step, which grad rearranges into the
// layout of the logits, must be the gradient with respect to them.
func checkHardLoss(t *testing.T, hard *refFile, name, dt string, r batchResult, grad func(buf []float64) []float64) {
	t.Helper()
	tol := hardTol(dt)
	var l parityLog
	l.check(t, "logits", name+": Predict", decodeFloats(t, r.Predict), hard.get(t, name+".input."+dt).data, 0)
	want := hard.get(t, name+".output."+dt).data
	l.check(t, "loss", name+": Evaluate loss", decodeFloats(t, []string{r.Loss}), want, tol)
	if len(r.Steps) != 1 {
		t.Fatalf("%s: %d train steps, want 1", name, len(r.Steps))
	}
	l.check(t, "loss", name+": TrainStep loss", decodeFloats(t, []string{r.Steps[0].Loss}), want, tol)
	if name == "ce_tie" {
		l.check(t, "ln 2", name+": Evaluate loss against ln 2", decodeFloats(t, []string{r.Loss}), []float64{math.Ln2}, tol)
	}
	buf := decodeFloats(t, r.Steps[0].Tensors["fc.weight.momentum"])
	l.check(t, "gradient", name+": gradient of the loss", grad(buf), hard.get(t, name+".grad_input."+dt).data, tol)
	t.Logf("%s: largest relative errors against PyTorch: %s", name, l.summary())
}

// hardSoftmaxCase returns a case whose output is function fn ("softmax" or
// "log_softmax") of its input, run on the inputs of the hard cases of fn in
// dtype dt, one batch each. The model has no params. Its loss is there only
// because a model file requires one.
func hardSoftmaxCase(t *testing.T, hard *refFile, fn, dt string) *genCase {
	t.Helper()
	names := map[string][]string{
		"log_softmax": {"logsoftmax_equal", "logsoftmax_neginf"},
		"softmax":     {"softmax_equal"},
	}[fn]
	width := hard.get(t, names[0]+".input."+dt).shape[1]
	maxBatch := 0
	for _, name := range names {
		maxBatch = max(maxBatch, hard.get(t, name+".input."+dt).shape[0])
	}
	src := fmt.Sprintf(`model hard_%s_%s
dtype %s
input x: [%d]
labels y: [%d]
z = %s(x)
output z
loss mse(z, y)
optimizer sgd(lr=1)
train {
  batch = %d
}
`, fn, dt, dt, width, width, fn, maxBatch)
	c := parseCase(t, "hard_"+fn+"_"+dt, src)
	dtype := c.prog.Predict.Graph.Named("x").DType
	c.batches = nil
	for _, name := range names {
		in := hard.get(t, name+".input."+dt)
		c.batches = append(c.batches, genBatch{
			n: in.shape[0],
			x: interp.NewTensor(dtype, in.shape, in.data),
			y: interp.Zeros(dtype, in.shape),
		})
	}
	c.check = func(t *testing.T, res harnessResult) {
		if len(res.Batches) != len(names) {
			t.Fatalf("%d batch results, want %d", len(res.Batches), len(names))
		}
		for k, name := range names {
			var l parityLog
			l.check(t, "output", name+": Predict", decodeFloats(t, res.Batches[k].Predict), hard.get(t, name+".output."+dt).data, hardTol(dt))
			t.Logf("%s: largest relative errors against PyTorch: %s", name, l.summary())
		}
	}
	return c
}
