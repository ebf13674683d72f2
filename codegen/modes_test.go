package codegen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nncc/nncc/ir/interp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The training and inference modes in generated code. The dropout cases join the
// comparison with the reference interpreter on full and partial batches, which
// holds the generated masks to the interpreter's bit for bit. The batch-norm
// cases replay testdata/torch/modes.py: one case per model and dtype trains for
// the recorded steps, and a second one adds the eval batch at the end of its
// chain, whose Predict runs after the last recorded step.

// modesModels are the models of testdata/torch/modes.py from the input to the
// output.
var modesModels = map[string]string{
	"bn1d": `input x: [4]
labels y: classes(3)
h = relu(batch_norm(dense(x, 6, name="fc1"), name="bn1"))
logits = dense(h, 3, name="fc2")
`,
	"convbn": `input x: [1, 5, 5]
labels y: classes(3)
h = relu(batch_norm(conv2d(x, 3, 3, padding=1, name="conv1"), name="bn1"))
logits = dense(flatten(h), 3, name="fc2")
`,
	"bn2d": `input x: [2, 3, 3]
labels y: classes(3)
h = relu(batch_norm(x, name="bn1", momentum=0.2, eps=0.001))
logits = dense(flatten(h), 3, name="fc2")
`,
}

// modeCases returns the dropout and batch-norm cases.
func modeCases(t *testing.T) []*genCase {
	var cases []*genCase
	for _, dt := range []string{"f32", "f64"} {
		src := fmt.Sprintf(`model modes_dropout_%s
dtype %s
input x: [6]
labels y: classes(3)
h = dropout(relu(dense(x, 8, name="fc1")), p=0.4)
logits = dense(dropout(h, 0.25, seed=5), 3, name="fc2")
output logits
loss cross_entropy(logits, y)
optimizer sgd(lr=0.1, momentum=0.9)
train {
  batch = 5
}
`, dt, dt)
		cases = append(cases, parseCaseSteps(t, "modes_dropout_"+dt, src, 3))
		for _, model := range []string{"bn1d", "bn2d", "convbn"} {
			cases = append(cases, batchNormCase(t, model, dt, false), batchNormCase(t, model, dt, true))
		}
	}
	return cases
}

// parseCaseSteps is parseCase with the given number of train steps per batch.
func parseCaseSteps(t *testing.T, name, src string, steps int) *genCase {
	c := parseCase(t, name, src)
	c.steps = steps
	return c
}

// batchNormCase returns the case of model (bn1d or bn2d) of modes_<dt>: its params
// set to the reference's init.*, and a chain of the recorded batches, followed
// by the eval batch when withEval is set.
func batchNormCase(t *testing.T, model, dt string, withEval bool) *genCase {
	t.Helper()
	f := readRefFile(t, "modes_"+dt)
	get := func(name string) refTensor { return f.get(t, model+"."+name) }
	name := fmt.Sprintf("modes_%s_%s", model, dt)
	if withEval {
		name += "_eval"
	}
	src := fmt.Sprintf("model %s\ndtype %s\n%soutput logits\nloss cross_entropy(logits, y)\n"+
		"optimizer sgd(lr=%s, momentum=%s)\ntrain {\n  batch = %d\n}\n",
		name, dt, modesModels[model], f.setting(t, "lr"), f.setting(t, "momentum"), f.settingInt(t, "batch"))
	c := parseCase(t, name, src)
	var params []string
	for _, v := range c.prog.Train.Graph.Params() {
		params = append(params, v.Attrs.Name)
		setFeed(t, c, v.Attrs.Name, get("init."+v.Attrs.Name))
	}

	x, y := get("x"), get("y")
	xType := c.prog.Predict.Graph.Named("x").DType
	yType := c.prog.Eval.Graph.Named("y").DType
	steps := f.settingInt(t, "steps")
	for k := range steps {
		xk, yk := x.step(k), y.step(k)
		c.chain = append(c.chain, genBatch{n: xk.shape[0],
			x: interp.NewTensor(xType, xk.shape, xk.data), y: interp.NewTensor(yType, yk.shape, yk.data)})
	}
	if withEval {
		xe := get("x_eval")
		c.chain = append(c.chain, genBatch{n: xe.shape[0],
			x: interp.NewTensor(xType, xe.shape, xe.data), y: interp.Zeros(yType, []int{xe.shape[0]})})
	}
	c.batches = c.chain[:1]
	c.steps = 1

	// The generated code sums in float32 for f32 models, PyTorch in float64 on the
	// CPU; the runs differ by less than 1e-6 after the recorded steps.
	tol := torchTolF32
	if dt == "f64" {
		tol = torchTolF64
	}
	c.check = func(t *testing.T, res harnessResult) {
		var l parityLog
		if withEval {
			require.Len(t, res.Chain, steps+1)
			l.check(t, "eval", "Predict after the steps", decodeFloats(t, res.Chain[steps].Predict), get("eval_out").data, tol)
			t.Logf("largest relative errors against PyTorch: %s", l.summary())
			return
		}
		require.Len(t, res.Chain, steps)
		for k, r := range res.Chain {
			l.check(t, "loss", fmt.Sprintf("TrainStep loss at step %d", k), decodeFloats(t, []string{r.Steps[0].Loss}), get("loss").data[k:k+1], tol)
		}
		last := res.Chain[steps-1].Steps[0].Tensors
		for _, p := range append(params, "bn1.running_mean", "bn1.running_var") {
			l.check(t, "weights", "final "+p, decodeFloats(t, last[p]), get("final."+p).data, tol)
		}
		t.Logf("largest relative errors against PyTorch: %s", l.summary())
	}
	return c
}

// TestTrainStepChecksBatchNormBatch checks that a model with batch norm over
// [N,C] makes TrainStep reject a batch of 1, as PyTorch raises an error in
// training mode, while a batch norm over [N,C,H,W] and Predict accept it. The
// runtime test of CheckTrainBatch checks the panic itself.
func TestTrainStepChecksBatchNormBatch(t *testing.T) {
	call := `runtime.CheckTrainBatch("TrainStep", n, 2)`
	for model, want := range map[string]bool{"bn1d": true, "bn2d": false} {
		src := fmt.Sprintf("model m\n%soutput logits\nloss cross_entropy(logits, y)\noptimizer sgd(lr=0.1)\n", modesModels[model])
		c := parseCase(t, "m", src)
		files, err := Generate(c.prog, Options{Package: "m"})
		require.NoError(t, err)
		assert.Equal(t, want, strings.Contains(string(files["train.go"]), call), model)
		assert.NotContains(t, string(files["predict.go"]), "CheckTrainBatch", model)
		assert.NotContains(t, string(files["evaluate.go"]), "CheckTrainBatch", model)
	}
}
