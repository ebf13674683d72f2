package codegen

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/nncc/nncc/ir"
	"github.com/nncc/nncc/ir/interp"
	"github.com/nncc/nncc/passes"
	"github.com/stretchr/testify/require"
)

// The saliency cases of TestGeneratedCode: InputGradient compared with the
// interpreter (in checkCase), with central finite differences of the generated
// Evaluate, with PyTorch's x.grad, and the gradient-penalty loss trained by the
// generated TrainStep against PyTorch.

// checkInputGradient compares the harness's InputGradient of one batch with the
// interpreter's run of the saliency function.
func checkInputGradient(t *testing.T, c *genCase, at string, feeds map[string]*interp.Tensor, n int, got batchResult) {
	t.Helper()
	if got.InputGradient == nil {
		t.Errorf("%s: the harness did not run InputGradient", at)
		return
	}
	outs, _ := runInterp(t, c.prog.Saliency, n, feeds)
	compare(t, at+": InputGradient", outs[passes.SaliencyOutputName], decodeFloats(t, got.InputGradient))
}

// saliencyCases returns the cases with a saliency function.
func saliencyCases(t *testing.T) []*genCase {
	cases := []*genCase{saliencyFDCase(t)}
	score := parseCase(t, "sal_score", `model sal_score
input x: [5]
labels y: classes(3)
logits = dense(relu(dense(x, 6)), 3)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
saliency output
train {
  batch = 4
}
`)
	for i := range score.batches {
		score.batches[i].y = classIndices(score.batches[i].n, 3)
	}
	cases = append(cases, score)
	for _, dt := range []string{"f64", "f32"} {
		for _, kind := range []string{"loss", "output"} {
			cases = append(cases, saliencyTorchCase(t, dt, kind))
		}
		cases = append(cases, penaltyTorchCase(t, dt))
	}
	return cases
}

// classIndices returns the i32 labels 0, 1, ..., classes-1, 0, ... for n samples.
func classIndices(n, classes int) *interp.Tensor {
	data := make([]float64, n)
	for i := range data {
		data[i] = float64(i % classes)
	}
	return interp.NewTensor(ir.I32, []int{n}, data)
}

// fdProbes are the elements of x whose loss derivative saliencyFDCase probes.
var fdProbes = []int{0, 4, 7, 13, 14}

const fdStep = 1e-5

// saliencyFDCase returns an f64 case whose first batch is x0 and whose further
// batches are x0 -/+ fdStep at each element of fdProbes, so the Evaluate losses of
// the generated code give central differences of the loss to check InputGradient.
func saliencyFDCase(t *testing.T) *genCase {
	c := parseCase(t, "sal_fd", `model sal_fd
dtype f64
input x: [5]
labels y: classes(3)
logits = dense(tanh(dense(x, 6)), 3)
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
saliency loss
train {
  batch = 4
}
`)
	base := c.batches[len(c.batches)-1] // n = 3
	base.y = classIndices(base.n, 3)
	c.batches = []genBatch{base}
	for _, j := range fdProbes {
		for _, s := range []float64{-1, 1} {
			x := slices.Clone(base.x.Data)
			x[j] += s * fdStep
			c.batches = append(c.batches, genBatch{n: base.n, x: interp.NewTensor(ir.F64, base.x.Shape, x), y: base.y})
		}
	}
	c.check = func(t *testing.T, res harnessResult) {
		grad := decodeFloats(t, res.Batches[0].InputGradient)
		for k, j := range fdProbes {
			lo := decodeFloats(t, []string{res.Batches[1+2*k].Loss})[0]
			hi := decodeFloats(t, []string{res.Batches[2+2*k].Loss})[0]
			fd := (hi - lo) / (2 * fdStep)
			require.InDelta(t, fd, grad[j], 1e-8*(1+math.Abs(fd)), "d loss / d x[%d]", j)
		}
	}
	return c
}

// saliencyTorchCase returns the MNIST-shaped case of gradients_<dt>.safetensors
// with "saliency <kind>": InputGradient on PyTorch's weights and batch must give
// PyTorch's grad.x (kind loss) or grad.x_score (kind output, with the chosen
// classes c as y).
func saliencyTorchCase(t *testing.T, dt, kind string) *genCase {
	f := readRefFile(t, "gradients_"+dt)
	n := f.settingInt(t, "saliency.batch")
	name := fmt.Sprintf("sal_torch_%s_%s", kind, dt)
	src := fmt.Sprintf(`model %s
dtype %s
input x: [784]
labels y: classes(10)
logits = dense(relu(dense(x, %s, name="fc1")), 10, name="fc2")
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1)
saliency %s
train {
  batch = %d
}
`, name, dt, f.setting(t, "saliency.hidden"), kind, n)
	c := parseCase(t, name, src)
	for _, p := range torchParams {
		setFeed(t, c, p, f.get(t, "saliency.param."+p))
	}
	x, y, want := f.get(t, "saliency.x"), f.get(t, "saliency.y"), f.get(t, "saliency.grad.x")
	if kind == "output" {
		y, want = f.get(t, "saliency.c"), f.get(t, "saliency.grad.x_score")
	}
	dtype := c.prog.Predict.Graph.Named("x").DType
	c.batches = []genBatch{{n: n, x: interp.NewTensor(dtype, x.shape, x.data), y: interp.NewTensor(ir.I32, y.shape, y.data)}}
	c.steps = 0
	tol := torchTolF64
	if dt == "f32" {
		tol = torchTolF32
	}
	c.check = func(t *testing.T, res harnessResult) {
		var l parityLog
		l.check(t, "input gradient", "InputGradient", decodeFloats(t, res.Batches[0].InputGradient), want.data, tol)
		if kind == "loss" {
			l.check(t, "loss", "Evaluate loss", decodeFloats(t, []string{res.Batches[0].Loss}), f.get(t, "saliency.loss").data, tol)
		}
		t.Logf("largest relative errors against PyTorch: %s", l.summary())
	}
	return c
}

// penaltyTorchCase returns the gradient-penalty case of gradients_<dt>.safetensors:
// the loss cross_entropy + lambda * sum(g*g) with g = grad(cross_entropy, x),
// trained by the generated TrainStep for the recorded SGD steps on one batch.
func penaltyTorchCase(t *testing.T, dt string) *genCase {
	f := readRefFile(t, "gradients_"+dt)
	name := "penalty_torch_" + dt
	ce := "cross_entropy(logits, y)"
	src := fmt.Sprintf(`model %s
dtype %s
input x: [6]
labels y: classes(3)
logits = dense(tanh(dense(x, 8, name="fc1")), 3, name="fc2")
output logits
loss %s + %s * sum(grad(%s, x) * grad(%s, x))
optimizer sgd(lr=%s)
train {
  batch = %d
}
`, name, dt, ce, f.setting(t, "penalty.lambda"), ce, ce, f.setting(t, "penalty.lr"), f.settingInt(t, "penalty.batch"))
	c := parseCase(t, name, src)
	for _, p := range torchParams {
		setFeed(t, c, p, f.get(t, "penalty.init."+p))
	}
	x, y := f.get(t, "penalty.x"), f.get(t, "penalty.y")
	dtype := c.prog.Predict.Graph.Named("x").DType
	b := genBatch{n: x.shape[0], x: interp.NewTensor(dtype, x.shape, x.data), y: interp.NewTensor(ir.I32, y.shape, y.data)}
	steps := f.settingInt(t, "penalty.steps")
	for range steps {
		c.chain = append(c.chain, b)
	}
	c.batches = []genBatch{b}
	tol := torchTolF64
	if dt == "f32" {
		tol = torchTolF32
	}
	c.check = func(t *testing.T, res harnessResult) {
		require.Len(t, res.Chain, steps)
		var l parityLog
		losses := f.get(t, "penalty.loss").data
		for k, r := range res.Chain {
			l.check(t, "loss", fmt.Sprintf("TrainStep loss at step %d", k), decodeFloats(t, []string{r.Steps[0].Loss}), losses[k:k+1], tol)
		}
		last := res.Chain[steps-1].Steps[0].Tensors
		for _, p := range torchParams {
			l.check(t, "weights", "final "+p, decodeFloats(t, last[p]), f.get(t, "penalty.step."+p).step(steps-1).data, tol)
		}
		t.Logf("largest relative errors against PyTorch: %s", l.summary())
	}
	return c
}
